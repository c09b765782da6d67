import Foundation
import HotlineCore
import HotlineDialogue
import HotlineTTS
import Yams

/// One scripted conversation of `hotline flow test`.
struct ConversationTest: Decodable {
    /// A turn: the caller says/keys something, or the hotline must have said something.
    struct Turn: Decodable {
        var caller: String?
        var expect: String?
    }

    var name: String
    var turns: [Turn]
    /// "hangup", "transfer" or "listening".
    var end: String?
    var transfer: String?
    var variables: [String: String]?
    /// Backend replies by webhook URL (fields of the JSON object); an unlisted URL fails.
    var webhooks: [String: [String: String]]?

    struct File: Decodable {
        var cases: [ConversationTest]
    }

    struct LoadError: HotlineError {
        var description: String
    }

    /// How a conversation may end.
    enum End: String, CaseIterable { case hangup, transfer, listening }

    /// The cases of a test file; its problems, each at its line and column, are thrown as
    /// `FlowErrors`.
    static func load(path: String) throws -> [ConversationTest] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadError(description: "\(path): cannot read the test cases")
        }
        var reader = FileReader(file: path)
        reader.check(text)
        guard reader.diagnostics.isEmpty else { throw FlowErrors(diagnostics: reader.diagnostics) }
        do {
            return try YAMLDecoder().decode(File.self, from: text).cases
        } catch {
            throw LoadError(description: "\(path): \(error)")
        }
    }

    /// Checks a test file's structure before it is decoded: its fields, each case's and
    /// each turn's, and each `end`. A misspelt field would otherwise be ignored, and a
    /// misspelt end would check nothing.
    struct FileReader: YAMLReader {
        let file: String
        let baseDirectory = "."
        var diagnostics: [FlowDiagnostic] = []
        private static let shape = "cases: [{name: ..., turns: [...]}]"

        init(file: String) { self.file = file }

        mutating func check(_ text: String) {
            guard let root = document(text, empty: "the test file is empty", hint: Self.shape),
                  let top = mapping(root, "the test file", fields: ["cases"]) else { return }
            guard let casesNode = top["cases"] else { return error(root, "missing 'cases'", hint: Self.shape) }
            guard let cases = casesNode.sequence else {
                return error(casesNode, "'cases' must be a list of conversations", hint: Self.shape)
            }
            for item in cases {
                guard let map = mapping(item, "a test case", fields: ["name", "turns", "end", "transfer", "variables", "webhooks"])
                else { continue }
                if map["name"] == nil { error(item, "a test case needs 'name'") }
                if let turns = map["turns"] {
                    if turns.sequence == nil { error(turns, "'turns' must be a list of 'caller: ...' and 'expect: ...'") }
                } else {
                    error(item, "a test case needs 'turns': a list of 'caller: ...' and 'expect: ...'")
                }
                for turn in map["turns"]?.sequence ?? [] where mapping(turn, "a turn", fields: ["caller", "expect"])?.isEmpty == true {
                    error(turn, "a turn needs 'caller' or 'expect'")
                }
                _ = choice(map["end"], "end", End.self)
            }
        }
    }

    /// What a text run found: what went wrong (empty: passed), and how the engine read
    /// each caller turn ("menu option 1", "order_number = 555019", "nomatch" ...).
    struct Outcome {
        var problems: [String] = []
        var readings: [String] = []
    }

    /// Runs the conversation in text.
    func run(on flow: Flow) -> Outcome {
        var engine = DialogueEngine(flow: flow)
        var heard = prompts(drive(&engine, engine.handle(.start)))
        var problems: [String] = [], readings: [String] = []
        for (i, turn) in turns.enumerated() {
            if let expected = turn.expect {
                if !heard.lowercased().contains(expected.lowercased()) {
                    problems.append("turn \(i + 1): expected the hotline to say \"\(expected)\", it said \"\(heard)\"")
                }
            }
            if let caller = turn.caller {
                if engine.isFinished {
                    problems.append("turn \(i + 1): the call had already ended before \"\(caller)\"")
                    break
                }
                let before = engine.turns.count
                heard = prompts(drive(&engine, engine.handle(CallerInput.event(caller))))
                readings.append(engine.turns.count > before ? engine.turns[before].interpretation : "")
            }
        }
        switch end {
        case "hangup"?:
            if !engine.isFinished || engine.transferTarget != nil { problems.append("expected the hotline to hang up") }
        case "transfer"?:
            if engine.transferTarget == nil { problems.append("expected a transfer") }
        case "listening"?:
            if engine.isFinished { problems.append("expected the call to still be going") }
        default: break
        }
        if let transfer, engine.transferTarget != transfer {
            problems.append("expected a transfer to \(transfer), got \(engine.transferTarget ?? "none")")
        }
        for (name, value) in (variables ?? [:]).sorted(by: { $0.key < $1.key }) where engine.variables[name] != value {
            problems.append("expected \(name) = \(value), got \(engine.variables[name] ?? "nothing")")
        }
        return Outcome(problems: problems, readings: readings)
    }

    /// Answers webhooks from `webhooks` and recordings with a fixed reference, until the
    /// engine listens or ends; returns all the actions.
    private func drive(_ engine: inout DialogueEngine, _ first: [DialogueAction]) -> [DialogueAction] {
        var all = first, last = first
        for _ in 0..<32 {
            guard let action = last.last else { break }
            switch action {
            case .webhook(let url, _, _): last = engine.handle(.webhookResult(webhooks?[url]))
            case .record: last = engine.handle(.recorded(reference: "recording-1"))
            default: return all
            }
            all += last
        }
        return all
    }

    private func prompts(_ actions: [DialogueAction]) -> String {
        actions.compactMap {
            switch $0 {
            case .play(let text, _), .playAudio(_, let text, _): return SSML.displayText(text)
            default: return nil
            }
        }.joined(separator: " ")
    }
}
