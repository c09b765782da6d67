import Foundation

/// The calls a query selects (or every turn of them) as CSV (RFC 4180), oldest first as a
/// log reads, for a spreadsheet or a script: `hotline calls export` and `/api/calls.csv`.
public enum CallExport {
    static let callColumns = ["id", "started_at", "line", "node", "flow", "flow_version", "outcome", "duration_ms", "turns", "no_matches",
                              "no_inputs", "lowest_confidence", "caller", "called", "sip_call_id", "recording"]
    static let turnColumns = ["call", "line", "at_ms", "state", "expecting", "input", "heard", "confidence", "interpretation",
                              "replies", "reply_latency_ms"]

    /// The CSV text and its number of data rows.
    public static func csv(_ store: CallStore, _ query: CallQuery, turns: Bool) throws -> (text: String, rows: Int) {
        var rows: [[String]] = [turns ? turnColumns : callColumns]
        for summary in try store.calls(query).reversed() {
            let call = summary.call
            if turns {
                for turn in try store.turns(call: call.id) {
                    rows.append([String(call.id), call.line, String(turn.atMs), turn.state, turn.expecting, turn.input.rawValue,
                                 turn.heard, turn.confidence.map { String(format: "%.3f", $0) } ?? "", turn.interpretation,
                                 turn.replies.joined(separator: " | "), String(format: "%.1f", turn.replyLatencyMs)])
                }
            } else {
                rows.append([String(call.id), call.startedAt, call.line, call.node ?? "", call.flow, call.flowVersion ?? "", call.outcome,
                             String(call.durationMs), String(summary.turns), String(summary.noMatches), String(summary.noInputs),
                             summary.lowestConfidence.map { String(format: "%.3f", $0) } ?? "",
                             call.parties?.caller ?? "", call.parties?.called ?? "", call.parties?.sipCallID ?? "", call.recording ?? ""])
            }
        }
        return (rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n", rows.count - 1)
    }

    /// A CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled).
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
