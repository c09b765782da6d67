import Foundation
import HotlineDialogue
import HotlineStore
import HotlineTTS

/// A stored call as a `hotline flow test` case, so QA can turn a call that went wrong into
/// a regression test: `hotline calls test-case` and the console's `/api/calls/ID/test-case`.
public enum CallTestCase {
    /// The YAML of a test file holding `call` as its one case; a turn QA annotated
    /// (`annotations` by turn number) is what the caller really said.
    public static func yaml(_ call: CallRecord, turns: [TurnRecord], annotations: [Int: Annotation] = [:], flow: Flow?) -> String {
        var lines = ["# From call \(call.id) on \(call.line) (\(call.startedAt)), flow \(call.flow)" + (call.flowVersion.map { " version \($0)" } ?? ""),
                     "# hotline flow test \(call.flow) THIS_FILE", "cases:", "  - name: \(quoted("call \(call.id)"))", "    turns:"]
        var webhooks: [(url: String, fields: String)] = []
        for (index, turn) in turns.enumerated() {
            let said: String?, spoken = turn.heard + (turn.confidence.map { String(format: " @%.2f", $0) } ?? "")
            let annotated = [.speech, .noMatch, .noInput, .text].contains(turn.input) ? annotations[index + 1]?.said : nil
            switch turn.input {
            case _ where annotated != nil: said = annotated
            case .speech: said = spoken
            case .text: said = turn.heard
            case .dtmf: said = "#" + turn.heard
            case .noInput: said = ""
            case .noMatch: said = turn.heard.isEmpty ? "!nomatch" : spoken
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
