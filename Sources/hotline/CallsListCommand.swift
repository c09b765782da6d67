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
    @OptionGroup var filter: CallFilterOptions
    @Option(help: "At most this many calls, the newest (0: all).") var limit = 100
    @Flag(help: "One JSON object per call and line.") var json = false

    func run() throws {
        do {
            var query = filter.query()
            query.limit = limit > 0 ? limit : nil
            for summary in try store.open().calls(query) {
                let call = summary.call
                if json {
                    print(try jsonLine(summary))
                } else {
                    let confidence = summary.lowestConfidence.map { "  lowest confidence \(($0 * 100).rounded() / 100)" } ?? ""
                    print("\(call.id)  \(call.startedAt)  \(call.line)\(call.node.map { "@" + $0 } ?? "")  \(call.flow)  \(Double(call.durationMs) / 1000) s  "
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
