import ArgumentParser
import Foundation
import HotlineCore
import HotlineStore

/// `hotline calls export [--turns] [-o FILE]`: the calls (or every turn) as CSV, for a
/// spreadsheet or a script.
struct CallsExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export calls, or every turn of them, as CSV (RFC 4180).",
        discussion: "The same filters as `calls list`. Standard output unless -o is given.")

    @OptionGroup var store: CallStoreOptions
    @OptionGroup var filter: CallFilterOptions
    @Flag(help: "One row per turn (with its call's id and line) instead of one per call.") var turns = false
    @Option(name: .shortAndLong, help: "Write the CSV to this file.") var output: String?

    static let callColumns = ["id", "started_at", "line", "flow", "flow_version", "outcome", "duration_ms", "turns", "no_matches", "no_inputs",
                              "lowest_confidence", "caller", "called", "sip_call_id", "recording"]
    static let turnColumns = ["call", "line", "at_ms", "state", "expecting", "input", "heard", "confidence", "interpretation",
                              "replies", "reply_latency_ms"]

    func run() throws {
        do {
            let calls = try store.open()
            let selected = try calls.calls(filter.query())
            var rows: [[String]] = [turns ? Self.turnColumns : Self.callColumns]
            for summary in selected.reversed() {   // oldest first, as a log reads
                let call = summary.call
                if turns {
                    for turn in try calls.turns(call: call.id) {
                        rows.append([String(call.id), call.line, String(turn.atMs), turn.state, turn.expecting, turn.input.rawValue,
                                     turn.heard, turn.confidence.map { String(format: "%.3f", $0) } ?? "", turn.interpretation,
                                     turn.replies.joined(separator: " | "), String(format: "%.1f", turn.replyLatencyMs)])
                    }
                } else {
                    rows.append([String(call.id), call.startedAt, call.line, call.flow, call.flowVersion ?? "", call.outcome, String(call.durationMs),
                                 String(summary.turns), String(summary.noMatches), String(summary.noInputs),
                                 summary.lowestConfidence.map { String(format: "%.3f", $0) } ?? "",
                                 call.parties?.caller ?? "", call.parties?.called ?? "", call.parties?.sipCallID ?? "", call.recording ?? ""])
                }
            }
            let text = rows.map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                print("\(output): \(rows.count - 1) \(turns ? "turns" : "calls")")
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }

    /// A CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled).
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
