import ArgumentParser
import Foundation
import HotlineCore
import HotlineStore

/// `hotline calls stats`: what the stored calls add up to (containment, transfers,
/// abandonment, handle time, per-state no-input/no-match/drop-off, confidence).
struct CallsStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Containment, transfer and abandonment rates, handle time, and per state where callers struggle.",
        discussion: """
            Containment: calls the flow ended itself (outcome hangup). Abandonment: the caller hung up, went silent or \
            their line was lost before the flow was done. Per state: turns, no-input and no-match rates, calls abandoned \
            there (drop-offs) and how the flow read its turns. The same filters as `calls list`.
            """)

    @OptionGroup var store: CallStoreOptions
    @OptionGroup var filter: CallFilterOptions
    @Flag(help: "The figures as one JSON object.") var json = false

    func run() throws {
        do {
            let stats = try store.open().analytics(filter.query())
            if json {
                print(try jsonLine(stats))
                return
            }
            print(String(format: "%d calls, %.1f s on average", stats.calls, stats.averageHandleSeconds))
            guard stats.calls > 0 else { return }
            print(String(format: "containment %.1f%%, transfers %.1f%%, abandonment %.1f%%",
                         stats.containment * 100, stats.transferRate * 100, stats.abandonment * 100))
            print("outcomes: " + stats.outcomes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            let width = max(5, stats.states.map(\.state.count).max() ?? 5)
            print("state".padding(toLength: width, withPad: " ", startingAt: 0) + "  turns  no-input  no-match  drop-offs  readings")
            for state in stats.states {
                let rate = { (n: Int) in String(format: "%5.1f%%", Double(n) * 100 / Double(max(state.turns, 1))) }
                let readings = state.interpretations.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) (\($0.value))" }
                print(state.state.padding(toLength: width, withPad: " ", startingAt: 0)
                      + String(format: "  %5d", state.turns) + "    " + rate(state.noInputs) + "    " + rate(state.noMatches)
                      + String(format: "  %9d", state.dropOffs) + "  " + readings.joined(separator: "; "))
            }
            print("spoken turns by confidence (0.0-0.1 ... 0.9-1.0): " + stats.confidence.map(String.init).joined(separator: " "))
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
