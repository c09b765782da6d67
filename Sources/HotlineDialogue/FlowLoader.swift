import Foundation
import HotlineASR
import HotlineCore
import Yams

// One file (about 420 lines): the reader of every section of the flow format, in the
// order docs/flows.md describes them; the typed field readers it uses are `YAMLReader`'s.

/// Reads a flow file into a `Flow`, reporting every problem with file:line:column.
///
/// Loading is two passes: this one checks the YAML and the shape of every field (unknown
/// fields, wrong types, missing values); `FlowValidator` then checks the flow as a whole
/// (undefined and unreachable states, dead ends).
public enum FlowLoader {
    /// Loads and validates `path`; throws `FlowErrors` listing every problem. Prompt audio,
    /// tables and grammar files must lie in the flow's folder (or below it) unless
    /// `pathsOutside` allows any path (hotlined.yaml `flows_may_read_anywhere`).
    public static func load(path: String, pathsOutside: Bool = false) throws -> Flow {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw FlowErrors(diagnostics: [FlowDiagnostic(SourceLocation(file: path, line: 1, column: 1), "cannot read the flow file")])
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try load(yaml: text, file: path, baseDirectory: directory.isEmpty ? "." : directory, pathsOutside: pathsOutside)
    }

    /// Loads and validates flow YAML; tables, prompt audio and grammar files are found
    /// relative to `baseDirectory`, and confined to it unless `pathsOutside`.
    public static func load(yaml: String, file: String, baseDirectory: String = ".", pathsOutside: Bool = false) throws -> Flow {
        var reader = Reader(file: file, baseDirectory: baseDirectory, pathsOutside: pathsOutside)
        let flow = reader.read(yaml)
        var diagnostics = reader.diagnostics
        if let flow { diagnostics += FlowValidator.validate(flow) }
        guard diagnostics.isEmpty, let flow else {
            throw FlowErrors(diagnostics: diagnostics.sorted { $0.location < $1.location })
        }
        return flow
    }
}

/// The first pass: YAML nodes to model values, collecting diagnostics.
private struct Reader: YAMLReader {
    let file: String
    let baseDirectory: String
    /// Whether files may lie outside `baseDirectory`.
    let pathsOutside: Bool
    var diagnostics: [FlowDiagnostic] = []
    /// The state being read, and where each of its fields naming another state was written.
    var currentState: String?
    var referenceLocations: [String: [String: SourceLocation]] = [:]
    /// Fields whose value names a state.
    static let referenceFields: Set<String> = ["goto", "next", "found", "missing", "ok", "failed", "escalate"]

    init(file: String, baseDirectory: String, pathsOutside: Bool) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.pathsOutside = pathsOutside
    }

    /// The file a flow names (`what`: "prompt audio", "table file" ...), relative to the
    /// flow's folder; nil, with an error, when it leads outside that folder (by `..`, an
    /// absolute path or a symbolic link) and the flow may not read there.
    mutating func file(_ given: String, _ node: Node, _ what: String) -> String? {
        let path = given.hasPrefix("/") ? given : baseDirectory + "/" + given
        guard !pathsOutside else { return path }
        func real(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
        let folder = real(baseDirectory), resolved = real(path)
        guard resolved.hasPrefix(folder == "/" ? "/" : folder + "/") else {
            error(node, "\(what) '\(given)' is outside the flow's folder",
                  hint: "keep prompt audio, tables and grammars beside the flow, or set 'flows_may_read_anywhere: true' in hotlined.yaml")
            return nil
        }
        return path
    }

    /// Notes where each field naming a state was written, for the validator's diagnostics.
    mutating func noteValue(_ text: String, of field: String, at node: Node) {
        if let state = currentState, Self.referenceFields.contains(field), referenceLocations[state]?[text] == nil {
            referenceLocations[state, default: [:]][text] = location(node)
        }
    }

    mutating func read(_ yaml: String) -> Flow? {
        guard let root = document(yaml, empty: "the flow file is empty"),
              let top = mapping(root, "the flow", fields: ["flow", "start", "language", "voice", "settings", "globals", "tables", "states"])
        else { return nil }
        let name = string(top["flow"], "flow") ?? "flow"
        let startNode = top["start"]
        let start = string(startNode, "start") ?? ""
        if startNode == nil { error(root, "missing 'start': name the state calls begin in") }
        let settings = readSettings(top["settings"])
        let globals = readGlobals(top["globals"])
        let tables = readTables(top["tables"])
        var states: [String: FlowState] = [:], locations: [String: SourceLocation] = [:]
        if let statesNode = top["states"], let entries = mapping(statesNode, "'states'", fields: nil) {
            for (key, value) in entries {
                guard let stateName = key.scalar?.string else { continue }
                if let state = readState(stateName, value) {
                    states[stateName] = state
                    locations[stateName] = location(key)
                }
            }
        } else {
            error(root, "missing 'states'")
        }
        var flow = Flow(name: name, start: start, settings: settings, globals: globals, tables: tables,
                        states: states, stateLocations: locations)
        if let language = string(top["language"], "language") {
            // The lexicon, the voices, the acoustic model and the normaliser are American English.
            if language.lowercased() != "en-us" { error(top["language"], "language '\(language)' is not supported", hint: "use en-US") }
            flow.language = language
        }
        flow.voice = string(top["voice"], "voice")
        flow.stateLocations["<start>"] = location(startNode)
        flow.referenceLocations = referenceLocations
        return flow
    }

    // MARK: Sections

    mutating func readSettings(_ node: Node?) -> FlowSettings {
        var settings = FlowSettings()
        guard let node, let map = mapping(node, "'settings'", fields: ["noinput_timeout_ms", "max_attempts", "escalate", "min_confidence", "confirm_below", "barge_in"]) else { return settings }
        if let v = integer(map["noinput_timeout_ms"], "noinput_timeout_ms", range: 500...60000) { settings.noInputTimeoutMs = v }
        if let v = integer(map["max_attempts"], "max_attempts", range: 1...10) { settings.maxAttempts = v }
        if let v = string(map["escalate"], "escalate") { settings.escalate = v }
        if let v = number(map["min_confidence"], "min_confidence") { settings.minConfidence = v }
        if let v = number(map["confirm_below"], "confirm_below") { settings.confirmBelow = v }
        if let v = bool(map["barge_in"], "barge_in") { settings.bargeIn = v }
        return settings
    }

    mutating func readGlobals(_ node: Node?) -> [GlobalHandler] {
        guard let node else { return [] }
        guard let list = node.sequence else {
            error(node, "'globals' must be a list of handlers")
            return []
        }
        return list.compactMap { item -> GlobalHandler? in
            guard let map = mapping(item, "a global handler", fields: ["say", "keys", "goto", "action", "prompt"]) else { return nil }
            let phrases = strings(map["say"], "say")
            let keys = dtmfKeys(map["keys"])
            if phrases.isEmpty, map["keys"] == nil { error(item, "a global handler needs 'say' phrases or 'keys'") }
            let action: GlobalAction
            if let target = string(map["goto"], "goto") {
                action = .goto(target)
            } else if let help = string(map["prompt"], "prompt") {
                action = .help(help)
            } else if let name = string(map["action"], "action") {
                guard name == "repeat" else {
                    error(map["action"], "unknown action '\(name)'", hint: "use 'repeat', or 'goto: STATE' or 'prompt: TEXT'")
                    return nil
                }
                action = .repeatPrompt
            } else {
                error(item, "a global handler needs 'goto', 'prompt' or 'action: repeat'")
                return nil
            }
            return GlobalHandler(phrases: phrases, keys: keys, action: action)
        }
    }

    mutating func readTables(_ node: Node?) -> [String: DataTable] {
        guard let node, let map = mapping(node, "'tables'", fields: nil) else { return [:] }
        var tables: [String: DataTable] = [:]
        for (key, value) in map {
            guard let name = key.scalar?.string, let relative = string(value, name),
                  let path = file(relative, value, "table file") else { continue }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                error(value, "cannot read table file '\(relative)'", hint: "paths are relative to the flow file")
                continue
            }
            do {
                tables[name] = try DataTable(csv: text)
            } catch let e as DataTableError {
                error(value, "table '\(name)': \(e.message)")
            } catch {}
        }
        return tables
    }

    static let stateFields = ["prompt", "audio", "set", "menu", "collect", "form", "next", "branch", "lookup", "webhook", "record",
                              "transfer", "hangup", "noinput", "nomatch", "max_attempts", "escalate",
                              "noinput_timeout_ms", "barge_in"]

    mutating func readState(_ name: String, _ node: Node) -> FlowState? {
        currentState = name
        defer { currentState = nil }
        guard let map = mapping(node, "state '\(name)'", fields: Self.stateFields) else { return nil }
        var state = FlowState(name: name)
        state.prompt = string(map["prompt"], "prompt")
        if let setNode = map["set"], let setMap = mapping(setNode, "'set'", fields: nil) {
            for (k, v) in setMap {
                if let key = k.scalar?.string, let value = string(v, key) { state.set.append((key, value)) }
            }
        }
        if let menuNode = map["menu"] { state.input = readMenu(menuNode) }
        if let collectNode = map["collect"] { state.input = readCollect(collectNode) }
        if let formNode = map["form"] { state.input = readForm(formNode) }
        state.next = string(map["next"], "next")
        if let branchNode = map["branch"] { state.branches = readBranches(branchNode) }
        if let lookupNode = map["lookup"] { state.lookup = readLookup(lookupNode) }
        if let webhookNode = map["webhook"] { state.webhook = readWebhook(webhookNode) }
        if let recordNode = map["record"] { state.record = readRecord(recordNode) }
        let endings = ["menu", "collect", "form", "lookup", "webhook", "record", "transfer"].filter { map[$0] != nil }
        if endings.count > 1 {
            error(map[endings[1]], "a state can do only one of \(endings.map { "'\($0)'" }.joined(separator: ", "))", hint: "split it into states joined by 'next'")
        }
        if let transferNode = map["transfer"], let target = string(transferNode, "transfer") {
            if !["sip:", "ext:", "queue:", "tel:"].contains(where: target.hasPrefix) {
                error(transferNode, "transfer target '\(target)' has no known scheme", hint: "use sip:USER@HOST, tel:NUMBER, ext:NNN or queue:NAME")
            }
            state.transfer = target
        }
        state.hangup = bool(map["hangup"], "hangup") ?? false
        state.noInputPrompts = strings(map["noinput"], "noinput")
        state.noMatchPrompts = strings(map["nomatch"], "nomatch")
        state.maxAttempts = integer(map["max_attempts"], "max_attempts", range: 1...10)
        state.escalate = string(map["escalate"], "escalate")
        state.noInputTimeoutMs = integer(map["noinput_timeout_ms"], "noinput_timeout_ms", range: 500...60000)
        state.bargeIn = bool(map["barge_in"], "barge_in")
        if let audioNode = map["audio"], let audio = string(audioNode, "audio"), let path = file(audio, audioNode, "prompt audio") {
            if !FileManager.default.fileExists(atPath: path) {
                error(audioNode, "prompt audio '\(audio)' does not exist", hint: "paths are relative to the flow file")
            }
            state.audio = path
        }
        return state
    }

    mutating func readMenu(_ node: Node) -> FlowInput? {
        guard let list = node.sequence, !list.isEmpty else {
            error(node, "'menu' must be a list of options (keys, say, goto)")
            return nil
        }
        let options = list.compactMap { item -> MenuOption? in
            guard let map = mapping(item, "a menu option", fields: ["keys", "say", "goto"]) else { return nil }
            let keys = dtmfKeys(map["keys"])
            let phrases = strings(map["say"], "say")
            if map["keys"] == nil, phrases.isEmpty { error(item, "a menu option needs 'keys' or 'say' phrases") }
            guard let target = string(map["goto"], "goto") else {
                error(item, "a menu option needs 'goto: STATE'")
                return nil
            }
            return MenuOption(keys: keys, phrases: phrases, goto: target)
        }
        var seen: [String: Node] = [:]
        for (option, item) in zip(options, list) {
            if let keys = option.keys {
                if seen[keys] != nil { error(item, "key '\(keys)' is used by two options") }
                seen[keys] = item
            }
        }
        return .menu(options)
    }

    mutating func readCollect(_ node: Node) -> FlowInput? {
        guard let map = mapping(node, "'collect'", fields: ["slot", "type", "min_length", "max_length", "pattern", "grammar", "confirm", "sensitive", "examples"]) else { return nil }
        guard let slot = string(map["slot"], "slot") else {
            error(node, "'collect' needs 'slot': the variable that receives the value")
            return nil
        }
        guard let type = slotType(map) else { return nil }
        let examples = strings(map["examples"], "examples")
        if !examples.isEmpty, type != .text {
            error(map["examples"], "'examples' are for type text: other types are heard by their own grammar")
        }
        return .collect(Collect(slot: slot, type: type, confirm: string(map["confirm"], "confirm"),
                                sensitive: bool(map["sensitive"], "sensitive") ?? false, examples: examples))
    }

    /// The `type` (and digit lengths) of a collect or form field.
    mutating func slotType(_ map: Node.Mapping) -> SlotType? {
        let typeName = string(map["type"], "type") ?? "text"
        switch typeName {
        case "digits":
            let minimum = integer(map["min_length"], "min_length", range: 1...64) ?? 1
            let maximum = integer(map["max_length"], "max_length", range: 1...64) ?? 32
            if minimum > maximum { error(map["max_length"], "max_length is below min_length") }
            return .digits(min: minimum, max: maximum)
        case "alphanumeric":
            let minimum = integer(map["min_length"], "min_length", range: 1...64) ?? 1
            let maximum = integer(map["max_length"], "max_length", range: 1...64) ?? 32
            if minimum > maximum { error(map["max_length"], "max_length is below min_length") }
            return .alphanumeric(min: minimum, max: maximum)
        case "pattern":
            guard let regex = string(map["pattern"], "pattern") else {
                error(map["type"], "type 'pattern' needs 'pattern: REGEX' (e.g. '[A-Z]{2}[0-9]{4}')")
                return nil
            }
            do {
                _ = try NSRegularExpression(pattern: regex)
            } catch {
                self.error(map["pattern"], "'\(regex)' is not a valid regular expression")
                return nil
            }
            return .pattern(regex)
        case "grammar":
            guard let node = map["grammar"], let spec = string(node, "grammar") else {
                error(map["type"], "type 'grammar' needs 'grammar:' (builtin:NAME, a .gram file, or grammar text)")
                return nil
            }
            do {
                if spec.hasPrefix("builtin:") {
                    return .grammar(GrammarSlot(spec: spec, grammar: try GrammarCompiler.grammar(spec: spec)))
                }
                if spec.hasSuffix(".gram") {
                    guard let path = file(spec, node, "grammar file") else { return nil }
                    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                        error(node, "cannot read grammar file '\(spec)'", hint: "paths are relative to the flow file")
                        return nil
                    }
                    return .grammar(GrammarSlot(spec: spec, grammar: try GrammarCompiler.compile(text, file: path)))
                }
                return .grammar(GrammarSlot(spec: spec, grammar: try GrammarCompiler.compile(spec, file: "inline grammar")))
            } catch let e as GrammarError {
                error(node, "grammar error: \(e)")
                return nil
            } catch {
                return nil
            }
        case "yesno": return .yesNo
        case "number": return .number
        case "date": return .date
        case "time": return .time
        case "currency": return .currency
        case "text": return .text
        default:
            let types = ["digits", "alphanumeric", "pattern", "grammar", "yesno", "number", "date", "time", "currency", "text"]
            error(map["type"], "unknown type '\(typeName)'", hint: suggestion(for: typeName, among: types) ?? "use \(types.joined(separator: ", "))")
            return nil
        }
    }

    mutating func readForm(_ node: Node) -> FlowInput? {
        guard let map = mapping(node, "'form'", fields: ["fields", "confirm"]) else { return nil }
        guard let list = map["fields"]?.sequence, !list.isEmpty else {
            error(node, "'form' needs 'fields': a list of {slot, type, prompt}")
            return nil
        }
        let fields = list.compactMap { item -> FormField? in
            guard let field = mapping(item, "a form field", fields: ["slot", "type", "prompt", "min_length", "max_length", "pattern", "grammar", "sensitive"]) else { return nil }
            guard let slot = string(field["slot"], "slot"), let prompt = string(field["prompt"], "prompt") else {
                error(item, "a form field needs 'slot' and 'prompt'")
                return nil
            }
            guard let type = slotType(field) else { return nil }
            return FormField(slot: slot, type: type, prompt: prompt, sensitive: bool(field["sensitive"], "sensitive") ?? false)
        }
        return .form(Form(fields: fields, confirm: string(map["confirm"], "confirm")))
    }

    mutating func readBranches(_ node: Node) -> [Branch] {
        guard let list = node.sequence else {
            error(node, "'branch' must be a list of {if: CONDITION, goto: STATE}")
            return []
        }
        return list.compactMap { item in
            guard let map = mapping(item, "a branch", fields: ["if", "goto"]) else { return nil }
            guard let target = string(map["goto"], "goto") else {
                error(item, "a branch needs 'goto: STATE'")
                return nil
            }
            var condition: Condition?
            if let ifNode = map["if"], let text = string(ifNode, "if") {
                condition = parseCondition(text)
                if condition == nil { error(ifNode, "cannot read condition '\(text)'", hint: "write VARIABLE == VALUE or VARIABLE != VALUE") }
            }
            return Branch(condition: condition, goto: target)
        }
    }

    func parseCondition(_ text: String) -> Condition? {
        for (op, equals) in [("==", true), ("!=", false)] {
            let parts = text.components(separatedBy: op)
            if parts.count == 2 {
                let variable = parts[0].trimmingCharacters(in: .whitespaces)
                let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
                guard !variable.isEmpty, variable.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
                return Condition(variable: variable, equals: equals, value: value)
            }
        }
        return nil
    }

    mutating func readLookup(_ node: Node) -> Lookup? {
        guard let map = mapping(node, "'lookup'", fields: ["table", "key", "into", "found", "missing"]) else { return nil }
        let values = ["table", "key", "into", "found", "missing"].map { string(map[$0], $0) }
        guard values.allSatisfy({ $0 != nil }) else {
            error(node, "'lookup' needs table, key, into, found and missing")
            return nil
        }
        return Lookup(table: values[0]!, key: values[1]!, into: values[2]!, found: values[3]!, missing: values[4]!)
    }

    mutating func readWebhook(_ node: Node) -> Webhook? {
        guard let map = mapping(node, "'webhook'", fields: ["url", "send", "into", "timeout_ms", "ok", "failed", "allow_http"]) else { return nil }
        guard let url = string(map["url"], "url"), let ok = string(map["ok"], "ok"), let failed = string(map["failed"], "failed") else {
            error(node, "'webhook' needs url, ok and failed")
            return nil
        }
        if !(url.hasPrefix("http://") || url.hasPrefix("https://")) || URL(string: url)?.host == nil {
            error(map["url"], "webhook URL '\(Redaction.hidingCredentials(in: url))' is not an http(s) URL", hint: "write https://HOST/PATH")
        }
        return Webhook(url: url, send: strings(map["send"], "send"), into: string(map["into"], "into") ?? "reply",
                       timeoutMs: integer(map["timeout_ms"], "timeout_ms", range: 100...30000) ?? 3000, ok: ok, failed: failed,
                       allowHTTP: bool(map["allow_http"], "allow_http") ?? false)
    }

    mutating func readRecord(_ node: Node) -> Record? {
        guard let map = mapping(node, "'record'", fields: ["slot", "max_ms", "next"]) else { return nil }
        guard let slot = string(map["slot"], "slot"), let next = string(map["next"], "next") else {
            error(node, "'record' needs slot and next")
            return nil
        }
        return Record(slot: slot, maxMs: integer(map["max_ms"], "max_ms", range: 1000...600_000) ?? 60000, next: next)
    }

    // MARK: Flow-specific values

    mutating func dtmfKeys(_ node: Node?) -> String? {
        guard let text = string(node, "keys") else { return nil }
        guard !text.isEmpty, text.allSatisfy({ "0123456789*#ABCD".contains($0) }) else {
            error(node, "'keys' must be DTMF keys (0-9, *, #, A-D), not '\(text)'")
            return nil
        }
        return text
    }
}
