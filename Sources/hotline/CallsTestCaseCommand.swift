import ArgumentParser
import Foundation
import HotlineCore
import HotlineDialogue
import HotlineStore
import HotlineTTS

/// `hotline calls test-case ID [-o FILE]`: a recorded call as a `flow test` case, so QA can
/// turn a call that went wrong into a regression test (and correct what the caller said).
struct CallsTestCaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-case", abstract: "Write a recorded call as a conversation test case for `hotline flow test`.",
        discussion: """
            Each turn becomes what the caller said (with its confidence), keyed, or nothing (no input), and what the \
            hotline answered; a backend's answers become the case's webhooks (when the call's flow file is still there), \
            and the call's end its `end`. Edit the caller's lines to what was really said, then run \
            `hotline flow test FLOW FILE` against today's flow.
            """)

    @Argument(help: "The call's id (see hotline calls list).") var id: Int64
    @OptionGroup var store: CallStoreOptions
    @Option(name: .shortAndLong, help: "Write the test file here (default: standard output).") var output: String?

    func run() throws {
        do {
            let calls = try store.open()
            guard let call = try calls.call(id) else { throw InvalidArgument("\(store.db): no call \(id)") }
            let text = Self.testCase(call, turns: try calls.turns(call: id), flow: try? FlowLoader.load(path: call.flow, pathsOutside: true))
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                print("\(output): call \(id) as a test case")
            } else {
                print(text, terminator: "")
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }

    /// The YAML of a test file holding `call` as its one case.
    static func testCase(_ call: CallRecord, turns: [TurnRecord], flow: Flow?) -> String {
        var lines = ["# From call \(call.id) on \(call.line) (\(call.startedAt)), flow \(call.flow)" + (call.flowVersion.map { " version \($0)" } ?? ""),
                     "# hotline flow test \(call.flow) THIS_FILE", "cases:", "  - name: \(quoted("call \(call.id)"))", "    turns:"]
        var webhooks: [(url: String, fields: String)] = []
        for turn in turns {
            let said: String?
            switch turn.input {
            case .speech: said = turn.heard + (turn.confidence.map { String(format: " @%.2f", $0) } ?? "")
            case .text: said = turn.heard
            case .dtmf: said = "#" + turn.heard
            case .noInput: said = ""
            case .noMatch: said = turn.heard.isEmpty ? "!nomatch" : turn.heard + (turn.confidence.map { String(format: " @%.2f", $0) } ?? "")
            case .webhook:
                if let url = flow?.states[turn.state]?.webhook?.url, turn.heard != "failed" { webhooks.append((url, turn.heard)) }
                said = nil
            case .message: said = nil   // the test driver answers a recording itself
            }
            if let said { lines.append("      - caller: \(quoted(said))") }
            if let reply = turn.replies.first { lines.append("      - expect: \(quoted(SSML.displayText(reply)))") }
        }
        switch call.outcome {
        case "hangup": lines.append("    end: hangup")
        case let outcome where outcome.hasPrefix("transfer:"):
            let target = outcome.dropFirst("transfer:".count).split(separator: " ").first.map(String.init) ?? ""
            lines += ["    end: transfer", "    transfer: \(quoted(target))"]
        default: lines.append("    end: listening   # the call ended with: \(call.outcome.isEmpty ? "(cut off)" : call.outcome)")
        }
        if !webhooks.isEmpty {
            lines.append("    webhooks:")
            for (url, fields) in webhooks { lines.append("      \(quoted(url)): \(fields)") }   // a JSON object is YAML
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar (JSON's string escapes are YAML's).
    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
