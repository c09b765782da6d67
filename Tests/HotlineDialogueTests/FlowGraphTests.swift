import HotlineDialogue
import Testing

/// `hotline flow graph`: the states and every way between them, labelled.
@Suite struct FlowGraphTests {
    @Test func everyWayOutIsAnArrowLabelledWithWhatTakesIt() throws {
        let flow = try FlowLoader.load(yaml: """
            flow: g
            start: menu
            settings: {escalate: agent}
            globals:
              - {say: [operator], keys: "0", goto: agent}
            states:
              menu:
                prompt: "Say billing or press 1."
                menu:
                  - {keys: "1", say: [billing, pay my bill], goto: check}
              check:
                prompt: "Your account?"
                collect: {slot: account, type: digits, min_length: 4, max_length: 8}
                branch:
                  - {if: account == 1234, goto: bye}
                  - goto: agent
              agent:
                prompt: "Connecting you."
                transfer: "sip:agent@example.com"
              bye:
                prompt: "Goodbye."
                hangup: true
            """, file: "g.yaml")
        let dot = FlowGraph.dot(flow)
        #expect(dot.hasPrefix("digraph \"g\" {"))
        for line in ["  \"menu\" [label=\"menu\", peripheries=2];",
                     "  \"menu\" -> \"check\" [label=\"key 1 / \\\"billing\\\"\"];",
                     "  \"check\" -> \"bye\" [label=\"account == 1234\"];",
                     "  \"check\" -> \"agent\" [label=\"otherwise\"];",
                     "  \"agent\" [label=\"agent\\ntransfer: sip:agent@example.com\", color=red];",
                     "  \"bye\" [label=\"bye\\nhang up\", color=red];",
                     "  \"(anywhere)\" -> \"agent\" [label=\"key 0 / \\\"operator\\\"\", style=dashed];",
                     "  \"(anywhere)\" -> \"agent\" [label=\"after 3 failed tries\", style=dashed];"] {
            #expect(dot.contains(line + "\n"), "\(line)\n\(dot)")
        }
    }
}
