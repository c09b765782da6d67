import ArgumentParser
import Foundation
import HotlineCore
import HotlineStore

/// `hotline flow rollback NAME --to VERSION --db STORE`: an earlier version in force again
/// (published anew, so the history keeps the rollback too).
struct FlowRollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Put an earlier version of a flow in force again (default: the one before the current).")

    @Argument(help: "The flow's name (as in store:NAME).") var name: String
    @Option(help: "The version to go back to (12 hex digits, from hotline flow versions).") var to: String?
    @Option(help: "Who rolls it back, kept with the version (default: $USER).") var by: String?
    @OptionGroup var store: CallStoreOptions

    func run() throws {
        do {
            let (now, was) = try store.open().rollbackFlow(name, to: to, by: by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown")
            print("flow \(name): version \(now.version) in force again (was \(was.version))")
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
