import ArgumentParser
import Foundation
import HotlineCore
import HotlineDialogue
import HotlineStore

/// `hotline flow publish FLOW --name NAME --db STORE`: a checked flow becomes the version
/// in force for every node whose lines run `store:NAME`.
struct FlowPublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a flow to the call store: lines with 'flow: store:NAME' on every node run it for their next calls.",
        discussion: """
            The flow is validated first; one with errors is not published. Every version is kept (hotline flow versions); \
            with PostgreSQL each node is told at once (LISTEN/NOTIFY) and reloads, calls in progress finish on the \
            version they started with. A flow from the store is self-contained: relative paths in it (prompt audio, \
            grammars, tables) resolve against each node's DATA_DIR/flows.
            """)

    @Argument(help: "The flow file (YAML).") var flow: String
    @Option(help: "The name lines use (store:NAME); default: the file's name without .yaml.") var name: String?
    @Option(help: "Who publishes it, kept with the version (default: $USER).") var by: String?
    @OptionGroup var store: CallStoreOptions

    func run() throws {
        _ = try loadFlowOrExit(flow)
        let name = self.name ?? URL(fileURLWithPath: flow).deletingPathExtension().lastPathComponent
        do {
            guard let content = try? String(contentsOfFile: flow, encoding: .utf8) else { throw InvalidArgument("\(flow): cannot read it as text") }
            let published = try store.open().publishFlow(name: name, content: content,
                                                         by: by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown")
            print("flow \(name): version \(published.version) in force (published \(published.publishedAt) by \(published.publishedBy))")
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
