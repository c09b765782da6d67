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
            let opened = try store.open()
            let versions = try opened.flowVersions(name)
            guard let current = versions.first else { throw InvalidArgument("flow '\(name)' was never published to \(store.db)") }
            let earlier = to.map { wanted in versions.first { $0.version == wanted } }
                ?? versions.first { $0.version != current.version }
            guard let earlier else {
                throw InvalidArgument(to.map { "flow '\(name)' has no version \($0) (hotline flow versions \(name))" }
                                      ?? "flow '\(name)' has no earlier version")
            }
            guard earlier.version != current.version else { throw InvalidArgument("version \(current.version) of flow '\(name)' is already in force") }
            let published = try opened.publishFlow(name: name, content: earlier.content,
                                                   by: by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown")
            print("flow \(name): version \(published.version) in force again (was \(current.version))")
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
