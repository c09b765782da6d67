/// A flow's states and the ways between them as a Graphviz graph, for admins to see
/// what they wrote (`hotline flow graph FLOW | dot -Tsvg > flow.svg`).
public enum FlowGraph {
    /// The DOT text of `flow`: a box per state (double for the start, red for ends: hang-up
    /// and transfer), an arrow per way out labelled with what takes it, and the global
    /// handlers and the escalation as arrows from "anywhere".
    public static func dot(_ flow: Flow) -> String {
        var lines = ["digraph \(quoted(flow.name)) {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];",
                     "  edge [fontname=\"Helvetica\", fontsize=10];"]
        for name in flow.states.keys.sorted() {
            let state = flow.states[name]!
            var attributes = ["label=\(quoted(name + ends(state)))"]
            if name == flow.start { attributes.append("peripheries=2") }
            if state.hangup || state.transfer != nil { attributes.append("color=red") }
            lines.append("  \(quoted(name)) [\(attributes.joined(separator: ", "))];")
            for (target, label) in ways(out: state) {
                lines.append("  \(quoted(name)) -> \(quoted(target))" + (label.isEmpty ? ";" : " [label=\(quoted(label))];"))
            }
        }
        let anywhere = flow.globals.compactMap { handler -> (String, String)? in
            guard case .goto(let target) = handler.action else { return nil }
            return (target, choice(keys: handler.keys, phrases: handler.phrases))
        } + [flow.settings.escalate.map { ($0, "after \(flow.settings.maxAttempts) failed tries") }].compactMap { $0 }
        if !anywhere.isEmpty {
            lines.append("  \"(anywhere)\" [shape=plaintext];")
            for (target, label) in anywhere { lines.append("  \"(anywhere)\" -> \(quoted(target)) [label=\(quoted(label)), style=dashed];") }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each state a state can lead to, with what takes that way.
    static func ways(out state: FlowState) -> [(String, String)] {
        var ways: [(String, String)] = []
        if case .menu(let options)? = state.input { ways += options.map { ($0.goto, choice(keys: $0.keys, phrases: $0.phrases)) } }
        ways += state.branches.map { branch in
            (branch.goto, branch.condition.map { "\($0.variable) \($0.equals ? "==" : "!=") \($0.value)" } ?? "otherwise")
        }
        if let lookup = state.lookup { ways += [(lookup.found, "found in \(lookup.table)"), (lookup.missing, "not in \(lookup.table)")] }
        if let webhook = state.webhook { ways += [(webhook.ok, "webhook ok"), (webhook.failed, "webhook failed")] }
        if let record = state.record { ways.append((record.next, "recorded")) }
        if let next = state.next { ways.append((next, "")) }
        if let escalate = state.escalate { ways.append((escalate, "after failed tries")) }
        return ways
    }

    /// "key 1 / "order status"": the keys and the first phrase that choose a way.
    static func choice(keys: String?, phrases: [String]) -> String {
        [keys.map { "key \($0)" }, phrases.first.map { "\"\($0)\"" }].compactMap { $0 }.joined(separator: " / ")
    }

    /// What ends a call in `state`, as a second line of its label.
    static func ends(_ state: FlowState) -> String {
        if let transfer = state.transfer { return "\ntransfer: \(transfer)" }
        return state.hangup ? "\nhang up" : ""
    }

    /// A DOT string literal.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
