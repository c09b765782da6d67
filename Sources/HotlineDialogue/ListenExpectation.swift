/// What a listening state expects: the one contract between the dialogue engine, the call
/// session's recognizer, `hotline chat` and flow tests. It carries the slot types
/// themselves (a `grammar` slot with its compiled grammar), so nothing downstream rebuilds
/// a grammar from a description.
public enum ListenExpectation: Sendable, Equatable, CustomStringConvertible {
    /// One of the state's menu options (or a global phrase).
    case menu
    /// Values of these slot types: a `collect` state's one, or a form's fields still empty,
    /// in the order the form asks for them.
    case slots([SlotType])
    /// Yes or no to a confirmation.
    case confirm
    /// Which field of a form to change.
    case correction
    /// Any words (an open prompt).
    case text

    /// What `state` expects when it listens: its menu, its `collect`'s slot, or a form's
    /// `formFields` (all its fields unless given); nil for a state that does not listen.
    public init?(listeningIn state: FlowState, formFields: [FormField]? = nil) {
        switch state.input {
        case .menu?: self = .menu
        case .collect(let collect)?: self = .slots([collect.type])
        case .form(let form)?: self = .slots((formFields ?? form.fields).map(\.type))
        case nil: return nil
        }
    }

    /// The first slot type expected, if any: the one a caller's speech or keys fill first.
    public var firstSlot: SlotType? {
        if case .slots(let types) = self { return types.first }
        return nil
    }

    /// The digit string expected, as its shortest and longest lengths, when the first slot is one.
    public var digitLengths: ClosedRange<Int>? {
        if case .digits(let lo, let hi)? = firstSlot { return lo...max(lo, hi) }
        return nil
    }

    /// As logs, the call store and `hotline chat --verbose` show it: "menu",
    /// "digits 6...10", "digits 6...10 + number", "grammar builtin:yesno", "confirm", "text".
    public var description: String {
        switch self {
        case .menu: return "menu"
        case .slots(let types): return types.isEmpty ? "text" : types.map(Self.describe).joined(separator: " + ")
        case .confirm: return "confirm"
        case .correction: return "correction"
        case .text: return "text"
        }
    }

    private static func describe(_ type: SlotType) -> String {
        switch type {
        case .digits(let lo, let hi): return "digits \(lo)...\(hi)"
        case .alphanumeric(let lo, let hi): return "alphanumeric \(lo)...\(hi)"
        case .pattern(let regex): return "pattern \(regex)"
        case .grammar(let g): return "grammar \(g.spec)"
        case .yesNo: return "yesno"
        case .number: return "number"
        case .date: return "date"
        case .time: return "time"
        case .currency: return "currency"
        case .text: return "text"
        }
    }
}
