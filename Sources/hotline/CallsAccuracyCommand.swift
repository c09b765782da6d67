import ArgumentParser
import Foundation
import HotlineCore
import HotlineStore

/// `hotline calls accuracy`: how well spoken turns were heard, per dialogue state, against
/// what QA annotated (in the console's call pages, or `calls annotate`).
struct CallsAccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy", abstract: "Recognition accuracy per dialogue state on the turns QA annotated.",
        discussion: """
            A turn is heard right when the words recognized (none for a no-match or no-input) are the words annotated, \
            without case or punctuation; word errors are substitutions, deletions and insertions. Missed: the caller said \
            something but the hotline took nothing. The same filters as `calls list`.
            """)

    @OptionGroup var store: CallStoreOptions
    @OptionGroup var filter: CallFilterOptions
    @Flag(help: "The report as one JSON object.") var json = false

    func run() throws {
        do {
            let report = try store.open().accuracy(filter.query())
            if json {
                print(try jsonLine(report))
                return
            }
            guard report.total.annotated > 0 else {
                print("no annotated turns (annotate them on the console's call pages, or with hotline calls annotate)")
                return
            }
            let width = max(10, report.states.map(\.state.count).max() ?? 10)
            print("state".padding(toLength: width, withPad: " ", startingAt: 0) + "  annotated  right  accuracy  missed  words  WER")
            for state in report.states + [report.total] {
                print((state.state.isEmpty ? "all states" : state.state).padding(toLength: width, withPad: " ", startingAt: 0)
                      + String(format: "  %9d  %5d  %7.1f%%  %6d  %5d  %5.1f%%", state.annotated, state.correct, state.accuracy * 100,
                               state.missed, state.words, state.wordErrorRate * 100))
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
