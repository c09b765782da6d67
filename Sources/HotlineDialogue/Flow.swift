import HotlineASR

/// A dialogue flow as an admin wrote it (see docs/flows.md for the YAML format).
public struct Flow: Sendable {
    /// The flow's name.
    public var name: String
    /// The state a call starts in.
    public var start: String
    /// Language of the prompts and of recognition (BCP 47, e.g. "en-US").
    public var language = "en-US"
    /// Synthetic voice for the prompts (a voice under Models/voices), nil for the default.
    public var voice: String?
    /// Defaults every state inherits.
    public var settings: FlowSettings
    /// Handlers active in every listening state ("agent", "repeat", "0" ...).
    public var globals: [GlobalHandler]
    /// Data tables for lookups, by name.
    public var tables: [String: DataTable]
    /// The states, by name.
    public var states: [String: FlowState]
    /// Where each state was defined (for diagnostics).
    public var stateLocations: [String: SourceLocation]
    /// Per state, where each state it names (goto, next, ...) was written (for diagnostics).
    public var referenceLocations: [String: [String: SourceLocation]] = [:]
}

extension Flow {
    /// Every prompt the flow can say, as written (with `{slot}` placeholders): states'
    /// prompts and re-prompts, form fields and confirmations, global help.
    public var promptTexts: [String] {
        var texts: [String] = []
        for name in states.keys.sorted() {
            let state = states[name]!
            texts += [state.prompt].compactMap { $0 } + state.noInputPrompts + state.noMatchPrompts
            if case .form(let form) = state.input { texts += form.fields.map(\.prompt) + [form.confirm].compactMap { $0 } }
        }
        for handler in globals { if case .help(let text) = handler.action { texts.append(text) } }
        return texts.filter { !$0.isEmpty }
    }

    /// Slots marked `sensitive: true` (card numbers, PINs): masked wherever a call is
    /// logged or stored, read back only as their last four digits, never recorded.
    public var sensitiveSlots: Set<String> {
        var slots = Set<String>()
        for state in states.values {
            switch state.input {
            case .collect(let c)? where c.sensitive: slots.insert(c.slot)
            case .form(let form)?: slots.formUnion(form.fields.filter(\.sensitive).map(\.slot))
            default: break
            }
        }
        return slots
    }
}

/// Defaults for every state.
public struct FlowSettings: Sendable, Equatable {
    /// Silence before a no-input event, ms.
    public var noInputTimeoutMs = 5000
    /// No-input and no-match events tolerated in one state before escalating.
    public var maxAttempts = 3
    /// Where a caller goes after too many failed attempts (nil: hang up politely).
    public var escalate: String?
    /// Recognitions below this confidence count as no-match.
    public var minConfidence = 0.4
    /// Collected values recognised below this confidence are confirmed with the caller.
    public var confirmBelow = 0.8
    /// Whether callers may interrupt prompts.
    public var bargeIn = true
}

/// A handler available everywhere: words or keys that jump or repeat.
public struct GlobalHandler: Sendable, Equatable {
    /// Phrases that trigger it.
    public var phrases: [String]
    /// DTMF keys that trigger it.
    public var keys: String?
    /// What it does.
    public var action: GlobalAction
}

/// What a global handler does.
public enum GlobalAction: Sendable, Equatable {
    /// Go to a state.
    case goto(String)
    /// Say the current prompt again.
    case repeatPrompt
    /// Say this text, then the current prompt again.
    case help(String)
}

/// One state of a flow.
public struct FlowState: Sendable, Equatable {
    /// The state's name.
    public var name: String
    /// Prompt text (with `{slot}` placeholders); nil for silent routing states.
    public var prompt: String?
    /// Variables set on entry.
    public var set: [(String, String)] = []
    /// What the state listens for, if anything.
    public var input: FlowInput?
    /// Where to go next when nothing else decides.
    public var next: String?
    /// Conditional routes, tried in order after the input (or on entry when there is none).
    public var branches: [Branch] = []
    /// A table lookup done on entry.
    public var lookup: Lookup?
    /// A backend call made on entry.
    public var webhook: Webhook?
    /// A message (voicemail) recorded on entry.
    public var record: Record?
    /// Transfer target ("sip:...", "ext:...", "queue:...") ending the call here.
    public var transfer: String?
    /// Whether the call ends here (after the prompt).
    public var hangup = false
    /// Re-prompts for the first, second ... no-input.
    public var noInputPrompts: [String] = []
    /// Re-prompts for the first, second ... no-match.
    public var noMatchPrompts: [String] = []
    /// Overrides of the flow settings.
    public var maxAttempts: Int?
    public var escalate: String?
    public var noInputTimeoutMs: Int?
    public var bargeIn: Bool?
    /// A recorded prompt (path under Audio/) played instead of synthesising `prompt`.
    public var audio: String?

    public static func == (a: FlowState, b: FlowState) -> Bool {
        a.name == b.name && a.prompt == b.prompt && a.set.map { $0.0 + "=" + $0.1 } == b.set.map { $0.0 + "=" + $0.1 }
            && a.input == b.input && a.next == b.next && a.branches == b.branches && a.lookup == b.lookup
            && a.webhook == b.webhook && a.record == b.record && a.transfer == b.transfer && a.hangup == b.hangup && a.noInputPrompts == b.noInputPrompts
            && a.noMatchPrompts == b.noMatchPrompts && a.maxAttempts == b.maxAttempts && a.escalate == b.escalate
            && a.noInputTimeoutMs == b.noInputTimeoutMs && a.bargeIn == b.bargeIn && a.audio == b.audio
    }
}

/// What a state listens for.
public enum FlowInput: Sendable, Equatable {
    /// A menu: keys and/or phrases per option.
    case menu([MenuOption])
    /// One value of a built-in type into a slot.
    case collect(Collect)
    /// Several values; the caller may give any of them in one answer.
    case form(Form)
}

/// Slot filling: fields asked in order, only while missing, confirmed together.
public struct Form: Sendable, Equatable {
    /// The fields.
    public var fields: [FormField]
    /// Confirmation of all values ("So {date} at {time}, right?"); a reply may correct one.
    public var confirm: String?
}

/// One field of a form.
public struct FormField: Sendable, Equatable {
    /// Slot that receives the value.
    public var slot: String
    /// Value type.
    public var type: SlotType
    /// The question for this field.
    public var prompt: String
    /// Whether the value is a secret (see `Flow.sensitiveSlots`).
    public var sensitive = false
}

/// One menu choice.
public struct MenuOption: Sendable, Equatable {
    /// DTMF keys that choose it.
    public var keys: String?
    /// Example phrases that choose it (the intent's training sentences).
    public var phrases: [String]
    /// Where it leads.
    public var goto: String
}

/// Collecting one value.
public struct Collect: Sendable, Equatable {
    /// Slot (variable) that receives the value.
    public var slot: String
    /// Value type.
    public var type: SlotType
    /// Confirmation prompt; asked when the value was recognised with low confidence.
    public var confirm: String?
    /// Whether the value is a secret (see `Flow.sensitiveSlots`).
    public var sensitive = false
    /// Answers callers are likely to give to a `text` slot ("it arrived damaged"): the
    /// sentences its language model learns word pairs from, so similar answers are heard.
    public var examples: [String] = []
}

/// Built-in value types.
public enum SlotType: Sendable, Equatable {
    /// A digit string of `min...max` digits (keys or speech: "oh", "double five").
    case digits(min: Int, max: Int)
    /// Letters and digits, `min...max` of them ("A B one two", "alpha bravo 12").
    case alphanumeric(min: Int, max: Int)
    /// A spelled code matching a regular expression the flow declares (an order
    /// number "AB1234": `[A-Z]{2}[0-9]{4}`), matched against the whole code.
    case pattern(String)
    /// Yes or no, normalised to "yes"/"no".
    case yesNo
    /// A natural number ("twenty one" -> 21).
    case number
    /// A date, stored as YYYY-MM-DD ("next Tuesday", "the third of May").
    case date
    /// A time of day, stored as HH:MM ("half past two", "3:30 pm").
    case time
    /// A money amount, stored with two decimals ("twelve dollars and fifty cents").
    case currency
    /// What a grammar accepts (see docs/grammars.md): the interpretation's value goes to
    /// the slot, its slots to `slot.key`.
    case grammar(GrammarSlot)
    /// Any words.
    case text
}

/// A compiled grammar for a slot, with the spec it came from.
public struct GrammarSlot: Sendable, Equatable {
    /// `builtin:...`, a grammar file path, or the grammar text.
    public var spec: String
    /// The compiled grammar.
    public var grammar: Grammar

    /// A slot of `grammar`, compiled from `spec`.
    public init(spec: String, grammar: Grammar) {
        self.spec = spec
        self.grammar = grammar
    }

    public static func == (a: GrammarSlot, b: GrammarSlot) -> Bool { a.spec == b.spec }
}

/// A conditional route.
public struct Branch: Sendable, Equatable {
    /// Condition, or nil for "otherwise".
    public var condition: Condition?
    /// Target state.
    public var goto: String
}

/// `variable == value` or `variable != value` (dotted names read table rows).
public struct Condition: Sendable, Equatable {
    /// Left side: a variable name.
    public var variable: String
    /// Whether the test is equality (else inequality).
    public var equals: Bool
    /// Right side: a literal.
    public var value: String
}

/// A lookup of one row of a data table.
public struct Lookup: Sendable, Equatable {
    /// Table name.
    public var table: String
    /// Variable whose value is looked up in the table's first column.
    public var key: String
    /// Variable prefix that receives the row (`into.column`).
    public var into: String
    /// State when a row was found.
    public var found: String
    /// State when none was.
    public var missing: String
}

/// A backend call: POST the named variables as a JSON object, read the reply's fields.
public struct Webhook: Sendable, Equatable {
    /// http or https URL.
    public var url: String
    /// Variables sent, as {"name": "value", ...}.
    public var send: [String]
    /// Prefix for the reply's top-level fields (`into.field`).
    public var into: String
    /// How long to wait for the backend, ms.
    public var timeoutMs: Int
    /// State after a 2xx reply.
    public var ok: String
    /// State after an error, a timeout or a non-2xx reply.
    public var failed: String
    /// Whether sensitive slots may go to a plain http URL off this machine (`allow_http`).
    public var allowHTTP = false
}

/// Recording a message from the caller.
public struct Record: Sendable, Equatable {
    /// Variable that receives a reference to the recording.
    public var slot: String
    /// Longest message, ms.
    public var maxMs: Int
    /// State after the recording.
    public var next: String
}
