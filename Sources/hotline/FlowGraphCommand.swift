import ArgumentParser
import HotlineDialogue

/// `hotline flow graph FLOW`: the flow's states and the ways between them, as Graphviz DOT.
struct FlowGraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a flow's states and the ways between them as a Graphviz graph (DOT).",
        discussion: "Render it with Graphviz: hotline flow graph FLOW | dot -Tsvg > flow.svg")

    @Argument(help: "The flow (YAML).") var flow: String

    func run() throws {
        print(FlowGraph.dot(try loadFlowOrExit(flow)), terminator: "")
    }
}
