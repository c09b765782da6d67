import ArgumentParser
import HotlineCore
import HotlineStore

/// `hotline calls list`: recorded calls, newest first.
struct CallsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List recorded calls, newest first.")

    @Option(help: "The daemon's call store (its --database).") var db = "hotline.sqlite"
    @Option(help: "Only calls answered at or after this time (ISO 8601, e.g. 2026-11-29 or 2026-11-29T10:00).") var since: String?
    @Flag(help: "One JSON object per call and line.") var json = false

    func run() throws {
        do {
            for call in try CallStore(path: db).calls(since: since) {
                if json {
                    print(try jsonLine(call))
                } else {
                    print("\(call.id)  \(call.startedAt)  \(call.line)  \(call.flow)  \(Double(call.durationMs) / 1000) s  \(call.outcome.isEmpty ? "(cut off)" : call.outcome)")
                }
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
