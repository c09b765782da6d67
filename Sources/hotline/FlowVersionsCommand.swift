import ArgumentParser
import HotlineCore
import HotlineStore

/// `hotline flow versions NAME --db STORE`: every published version of a flow, newest (in force) first.
struct FlowVersionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions", abstract: "List the published versions of a flow, the one in force first.")

    @Argument(help: "The flow's name (as in store:NAME).") var name: String
    @Flag(help: "One JSON object per version and line (with the flow's YAML).") var json = false
    @OptionGroup var store: CallStoreOptions

    func run() throws {
        do {
            let versions = try store.open().flowVersions(name)
            guard !versions.isEmpty else { throw InvalidArgument("flow '\(name)' was never published to \(store.db)") }
            for (index, version) in versions.enumerated() {
                if json {
                    print(try jsonLine(version))
                } else {
                    print("\(version.version)  \(version.publishedAt)  \(version.publishedBy)" + (index == 0 ? "  (in force)" : ""))
                }
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
