import Foundation
import HotlineCore

/// The second pass over a loaded flow: references, reachability and dead ends.
public enum FlowValidator {
    /// Every problem with the flow as a whole.
    public static func validate(_ flow: Flow) -> [FlowDiagnostic] {
        var problems: [FlowDiagnostic] = []
        let names = Array(flow.states.keys).sorted()
        let sensitive = flow.sensitiveSlots
        let startLocation = flow.stateLocations["<start>"] ?? SourceLocation(file: "", line: 1, column: 1)
        func at(_ state: String) -> SourceLocation { flow.stateLocations[state] ?? startLocation }
        func check(_ target: String, from location: SourceLocation, _ role: String) {
            if flow.states[target] == nil {
                problems.append(FlowDiagnostic(location, "unknown state '\(target)' in \(role)", hint: suggestion(for: target, among: names)))
            }
        }
        if !flow.start.isEmpty { check(flow.start, from: startLocation, "'start'") }
        if let escalate = flow.settings.escalate { check(escalate, from: startLocation, "settings 'escalate'") }
        for handler in flow.globals {
            if case .goto(let target) = handler.action { check(target, from: startLocation, "a global handler") }
        }
        for name in names {
            let state = flow.states[name]!
            let location = at(name)
            for target in successors(of: state) { check(target, from: flow.referenceLocations[name]?[target] ?? location, "state '\(name)'") }
            if let lookup = state.lookup, flow.tables[lookup.table] == nil {
                problems.append(FlowDiagnostic(location, "state '\(name)' looks up unknown table '\(lookup.table)'",
                                               hint: suggestion(for: lookup.table, among: Array(flow.tables.keys)) ?? "declare it under 'tables'"))
            }
            if let hook = state.webhook, !hook.allowHTTP, !isPrivate(hook.url),
               let secret = hook.send.first(where: { sensitive.contains($0) }) {
                problems.append(FlowDiagnostic(location, "state '\(name)' sends sensitive slot '\(secret)' over plain http to \(Redaction.hidingCredentials(in: hook.url))",
                                               hint: "use an https:// URL, or set 'allow_http: true' on the webhook if the network is trusted"))
            }
            if state.input != nil, state.prompt == nil {
                problems.append(FlowDiagnostic(location, "state '\(name)' listens but has no prompt", hint: "add 'prompt: ...' so the caller knows what to say"))
            }
            let hasDefaultBranch = state.branches.contains { $0.condition == nil }
            switch state.input {
            case .collect?, .form?:
                if state.next == nil, !hasDefaultBranch {
                    problems.append(FlowDiagnostic(location, "state '\(name)' collects a value but says nowhere to go after it",
                                                   hint: "add 'next: STATE' or a branch without 'if'"))
                }
            case .menu?:
                break
            case nil:
                let ends = state.transfer != nil || state.hangup || state.lookup != nil || state.webhook != nil
                    || state.record != nil || state.next != nil || hasDefaultBranch
                if !ends {
                    problems.append(FlowDiagnostic(location, "dead end: state '\(name)' neither listens, moves on, transfers nor hangs up",
                                                   hint: state.branches.isEmpty ? "add 'next', 'transfer' or 'hangup: true'" : "add a branch without 'if' for the other cases"))
                }
            }
        }
        // Reachability from the start, the global handlers and the escalation targets. A
        // misspelt reference counts as the state it is reported to resemble, so one typo
        // ("start: welcom") does not also report the state it meant as unreachable.
        var reachable = Set<String>(), queue = [flow.start]
        queue += flow.globals.compactMap { if case .goto(let t) = $0.action { return t } else { return nil } }
        if let escalate = flow.settings.escalate { queue.append(escalate) }
        while let reference = queue.popLast() {
            let name = flow.states[reference] == nil ? closestMatch(to: reference, among: names) ?? reference : reference
            guard !reachable.contains(name), let state = flow.states[name] else { continue }
            reachable.insert(name)
            queue += successors(of: state)
        }
        for name in names where !reachable.contains(name) {
            problems.append(FlowDiagnostic(at(name), "state '\(name)' is unreachable", hint: "no state, global handler or escalation leads to it"))
        }
        if let loop = silentLoop(in: flow, names: names) {
            problems.append(FlowDiagnostic(at(loop[0]), "states loop without listening: " + (loop + [loop[0]]).map { "'\($0)'" }.joined(separator: " -> "),
                                           hint: "the call would go round saying their prompts; let one of them listen, transfer or hang up"))
        }
        return problems
    }

    /// Advice that does not stop a flow from loading: slots long enough for a card number
    /// (13 digits or more) that are not `sensitive`, whose keyed tones then stay in the
    /// call recording (the text is masked all the same).
    public static func warnings(_ flow: Flow) -> [FlowDiagnostic] {
        var found: [FlowDiagnostic] = []
        for name in flow.states.keys.sorted() {
            let fields: [(slot: String, type: SlotType, sensitive: Bool)]
            switch flow.states[name]!.input {
            case .collect(let c)?: fields = [(c.slot, c.type, c.sensitive)]
            case .form(let form)?: fields = form.fields.map { ($0.slot, $0.type, $0.sensitive) }
            default: fields = []
            }
            for field in fields where !field.sensitive {
                guard case .digits(_, let longest) = field.type, longest >= 13 else { continue }
                found.append(FlowDiagnostic(flow.stateLocations[name] ?? SourceLocation(file: "", line: 1, column: 1),
                                            "state '\(name)' collects up to \(longest) digits in '\(field.slot)' without 'sensitive: true'",
                                            hint: "if callers may give a card number there, mark the slot sensitive: it is then kept out of logs and recordings"))
            }
        }
        return found
    }

    /// A cycle of states that neither listen nor wait for anything (a backend, a message)
    /// nor end the call: nothing can change on the way round, so a call entering it never
    /// leaves. The states in order, or nil.
    static func silentLoop(in flow: Flow, names: [String]) -> [String]? {
        func isSilent(_ state: FlowState) -> Bool {
            state.input == nil && !state.hangup && state.transfer == nil && state.webhook == nil && state.record == nil
        }
        var finished = Set<String>()
        func visit(_ name: String, _ path: [String]) -> [String]? {
            guard !finished.contains(name), let state = flow.states[name], isSilent(state) else { return nil }
            if let start = path.firstIndex(of: name) { return Array(path[start...]) }
            for next in successors(of: state) {
                if let loop = visit(next, path + [name]) { return loop }
            }
            finished.insert(name)
            return nil
        }
        for name in names {
            if let loop = visit(name, []) { return loop }
        }
        return nil
    }

    /// Whether `url` is https, or plain http that stays on this machine (a loopback host).
    static func isPrivate(_ url: String) -> Bool {
        guard let parsed = URL(string: url), parsed.scheme?.lowercased() != "https" else { return true }
        return ["localhost", "127.0.0.1", "::1", "[::1]"].contains(parsed.host?.lowercased() ?? "")
    }

    /// States `state` can lead to.
    static func successors(of state: FlowState) -> [String] {
        var targets: [String] = []
        if case .menu(let options)? = state.input { targets += options.map(\.goto) }
        targets += state.branches.map(\.goto)
        if let next = state.next { targets.append(next) }
        if let lookup = state.lookup { targets += [lookup.found, lookup.missing] }
        if let webhook = state.webhook { targets += [webhook.ok, webhook.failed] }
        if let record = state.record { targets.append(record.next) }
        if let escalate = state.escalate { targets.append(escalate) }
        return targets
    }
}
