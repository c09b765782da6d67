import ArgumentParser
import Foundation
import HotlineCore
import HotlineDialogue
import HotlineStore
import HotlineDaemon

/// `hotline calls test-case ID [-o FILE]`: a recorded call as a `flow test` case, so QA can
/// turn a call that went wrong into a regression test (and correct what the caller said).
struct CallsTestCaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-case", abstract: "Write a recorded call as a conversation test case for `hotline flow test`.",
        discussion: """
            Each turn becomes what the caller said (with its confidence), keyed, or nothing (no input), and what the \
            hotline answered; a backend's answers become the case's webhooks (when the call's flow file is still there), \
            and the call's end its `end`. A turn QA annotated says what the caller really said; edit the others to it, \
            then run `hotline flow test FLOW FILE` against today's flow.
            """)

    @Argument(help: "The call's id (see hotline calls list).") var id: Int64
    @OptionGroup var store: CallStoreOptions
    @Option(name: .shortAndLong, help: "Write the test file here (default: standard output).") var output: String?

    func run() throws {
        do {
            let calls = try store.open()
            guard let call = try calls.call(id) else { throw InvalidArgument("\(store.db): no call \(id)") }
            let text = CallTestCase.yaml(call, turns: try calls.turns(call: id), annotations: try calls.annotations(call: id),
                                         flow: try? FlowLoader.load(path: call.flow, pathsOutside: true))
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
}
