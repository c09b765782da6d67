import ArgumentParser
import HotlineCore
import HotlineStore

/// `hotline calls list`: recorded calls, newest first, with filters to find the ones QA
/// should listen to.
struct CallsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List recorded calls, newest first.",
        discussion: "Each call shows its turns, no-matches and no-inputs and the lowest confidence heard.")

    @OptionGroup var store: CallStoreOptions
    @Option(help: "Only calls answered at or after this time (ISO 8601, e.g. 2026-11-29 or 2026-11-29T10:00).") var since: String?
    @Option(help: "Only calls answered before this time.") var until: String?
    @Option(help: "Only calls on this line.") var line: String?
    @Option(help: "Only calls whose outcome starts with this: transfer, hangup, 'caller hung up', or 'cut off' for calls that never ended.")
    var outcome: String?
    @Flag(help: "Only calls where the caller struggled: a no-match or no-input turn, a transfer, or a call a crash cut off.") var struggled = false
    @Flag(help: "One JSON object per call and line.") var json = false

    func validate() throws {
        for (option, value) in [("--since", since), ("--until", until)] {
            guard let value else { continue }
            guard value.range(of: #"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$"#, options: .regularExpression) != nil else {
                throw ValidationError("\(option) '\(value)' is not a time: write 2026-11-29, 2026-11-29T10:00 or 2026-11-29T10:00:30")
            }
        }
    }

    func run() throws {
        let query = CallQuery(since: since, until: until, line: line, outcome: outcome == "cut off" ? "" : outcome, struggled: struggled)
        do {
            for summary in try store.open().calls(query) {
                let call = summary.call
                if json {
                    print(try jsonLine(summary))
                } else {
                    let confidence = summary.lowestConfidence.map { "  lowest confidence \(($0 * 100).rounded() / 100)" } ?? ""
                    print("\(call.id)  \(call.startedAt)  \(call.line)  \(call.flow)  \(Double(call.durationMs) / 1000) s  "
                          + "\(call.outcome.isEmpty ? "(cut off)" : call.outcome)  \(summary.turns) turns, "
                          + "\(summary.noMatches) no-match, \(summary.noInputs) no-input" + confidence)
                }
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
