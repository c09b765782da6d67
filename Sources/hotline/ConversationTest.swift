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
    static let ends = ["hangup", "transfer", "listening"]

    /// The cases of a test file; its problems, each at its line and column, are thrown as
    /// `FlowErrors`.
    static func load(path: String) throws -> [ConversationTest] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadError(description: "\(path): cannot read the test cases")
        }
        let problems = check(try composeYAML(text, file: path), file: path)
        guard problems.isEmpty else { throw FlowErrors(diagnostics: problems) }
        do {
            return try YAMLDecoder().decode(File.self, from: text).cases
        } catch {
            throw LoadError(description: "\(path): \(error)")
        }
    }

    /// The file's structure: its fields, each case's and each turn's, and each `end`. A
    /// misspelt field would otherwise be ignored, and a misspelt end would check nothing.
    static func check(_ root: Node?, file: String) -> [FlowDiagnostic] {
        var problems: [FlowDiagnostic] = []
        func at(_ node: Node?) -> SourceLocation { SourceLocation(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1) }
        func report(_ node: Node?, _ message: String, hint: String? = nil) { problems.append(FlowDiagnostic(at(node), message, hint: hint)) }
        /// The node's fields; a misspelt one is reported and counted as the field it
        /// resembles, so it is not also reported missing.
        func fields(_ node: Node, _ what: String, _ allowed: [String]) -> Set<String>? {
            guard let map = node.mapping else {
                report(node, "\(what) must be a mapping", hint: "fields: \(allowed.joined(separator: ", "))")
                return nil
            }
            let unknown = unknownFields(of: map, what, fields: allowed, file: file)
            problems += unknown.map(\.diagnostic)
            return Set(map.keys.compactMap(\.scalar?.string).filter(allowed.contains) + unknown.compactMap(\.meant))
        }
        guard let root else {
            report(nil, "the test file is empty", hint: "cases: [{name: ..., turns: [...]}]")
            return problems
        }
        guard let present = fields(root, "the test file", ["cases"]) else { return problems }
        guard let cases = root.mapping?["cases"]?.sequence else {
            if let node = root.mapping?["cases"] {
                report(node, "'cases' must be a list of conversations", hint: "cases: [{name: ..., turns: [...]}]")
            } else if !present.contains("cases") {
                report(root, "missing 'cases'", hint: "cases: [{name: ..., turns: [...]}]")
            }
            return problems
        }
        for item in cases {
            guard let present = fields(item, "a test case", ["name", "turns", "end", "transfer", "variables", "webhooks"]),
                  let map = item.mapping else { continue }
            if !present.contains("name") { report(item, "a test case needs 'name'") }
            if let node = map["turns"], node.sequence == nil {
                report(node, "'turns' must be a list of 'caller: ...' and 'expect: ...'")
            } else if !present.contains("turns") {
                report(item, "a test case needs 'turns': a list of 'caller: ...' and 'expect: ...'")
            }
            for turn in map["turns"]?.sequence ?? [] where fields(turn, "a turn", ["caller", "expect"])?.isEmpty == true {
                report(turn, "a turn needs 'caller' or 'expect'")
            }
            if let end = map["end"], let value = end.scalar?.string, !ends.contains(value) {
                report(end, "unknown end '\(value)'", hint: suggestion(for: value, among: ends) ?? "use \(ends.joined(separator: ", "))")
            }
        }
        return problems
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
