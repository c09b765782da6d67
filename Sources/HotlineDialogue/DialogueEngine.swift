import Foundation
import HotlineASR

// One state machine in one file (about 520 lines): entering states, reading answers and
// escalating all read and write the same private dialogue state (attempt counters,
// confirmations), which splitting into extensions in other files would have to expose.

/// The dialogue engine: a pure, deterministic state machine over a `Flow`. Events go in
/// (`handle`), actions come out; no I/O, and no clock but the `today` it is given (for
/// "tomorrow" and "next Tuesday").
public struct DialogueEngine: Sendable {
    /// The flow being run.
    public let flow: Flow
    /// Slots and variables, including looked-up rows as `into.column`.
    public private(set) var variables: [String: String] = [:]
    /// The current state, nil before start.
    public private(set) var state: String?
    /// Whether the call is over (transfer, hang-up, caller hang-up).
    public private(set) var isFinished = false
    /// Where a transfer went, if one did.
    public private(set) var transferTarget: String?
    /// Every turn so far.
    public private(set) var turns: [DialogueTurn] = []

    private var confirming: (slot: String, value: String)?
    /// Form progress: confirming all values, or waiting for a correction.
    private var formConfirming = false, formCorrecting = false
    private var noInputCount = 0
    private var noMatchCount = 0
    private let menuClassifiers: [String: IntentClassifier]
    private let globalClassifier: IntentClassifier
    /// Each global's own phrases (as `phrase` compares them) -> its index, and each menu
    /// state's phrases, for the rule that a global's phrase said as written is that global.
    private let globalPhrases: [String: Int]
    private let menuPhrases: [String: Set<String>]
    /// The flow's `sensitive` slots, masked in interpretations and read back masked.
    private let sensitiveSlots: Set<String>

    /// The day relative dates are counted from.
    public let today: Date

    /// An engine for `flow`, not yet started.
    public init(flow: Flow, today: Date = Date()) {
        self.flow = flow
        self.today = today
        var classifiers: [String: IntentClassifier] = [:], phrases: [String: Set<String>] = [:]
        for (name, state) in flow.states {
            guard case .menu(let options)? = state.input else { continue }
            classifiers[name] = IntentClassifier(examples: options.enumerated().map { i, option in
                (String(i), option.phrases + Self.keyPhrases(option.keys))
            })
            phrases[name] = Set(options.flatMap(\.phrases).map(Self.phrase))
        }
        menuClassifiers = classifiers
        menuPhrases = phrases
        var globals: [String: Int] = [:]
        for (i, global) in flow.globals.enumerated().reversed() {
            for phrase in global.phrases { globals[Self.phrase(phrase)] = i }   // the first global wins
        }
        globalPhrases = globals
        sensitiveSlots = flow.sensitiveSlots
        globalClassifier = IntentClassifier(examples: flow.globals.enumerated().map { (String($0), $1.phrases) }, threshold: 0.6)
    }

    /// "press one", "option one", "one" for a key "1", so callers may say the key.
    public static func keyPhrases(_ keys: String?) -> [String] {
        guard let keys, let word = SpokenValues.digitName[keys] else { return [] }
        return [word, "press \(word)", "option \(word)", "number \(word)"]
    }

    /// Handles one event and returns what to do.
    public mutating func handle(_ event: DialogueEvent) -> [DialogueAction] {
        let before = state ?? flow.start
        var interpretation = ""
        let actions = respond(to: event, interpretation: &interpretation)
        interpretation = Redaction.maskingCardNumbers(in: interpretation)
        turns.append(DialogueTurn(state: before, event: event, interpretation: interpretation, actions: actions))
        return actions
    }

    private mutating func respond(to event: DialogueEvent, interpretation: inout String) -> [DialogueAction] {
        if isFinished { interpretation = "call already over"; return [] }
        switch event {
        case .start:
            interpretation = "call answered"
            return enter(flow.start)
        case .hangUp:
            isFinished = true
            interpretation = "caller hung up"
            return []
        case .noInput:
            interpretation = "noinput"
            return failedAttempt(noInput: true)
        case .noMatch:
            interpretation = "nomatch"
            return failedAttempt(noInput: false)
        case .recognized(let text, let confidence):
            if let handled = global(text: text, keys: nil, interpretation: &interpretation) { return handled }
            guard confidence >= flow.settings.minConfidence else {
                interpretation = "nomatch (confidence \(confidence) below \(flow.settings.minConfidence))"
                return failedAttempt(noInput: false)
            }
            return answer(text: text, keys: nil, confidence: confidence, interpretation: &interpretation)
        case .dtmf(let keys):
            if let handled = global(text: nil, keys: keys, interpretation: &interpretation) { return handled }
            return answer(text: nil, keys: keys, confidence: 1, interpretation: &interpretation)
        case .webhookResult(let reply):
            guard let current = state, let hook = flow.states[current]?.webhook else {
                interpretation = "unexpected webhook result"
                return []
            }
            guard let reply else {
                interpretation = "webhook failed -> \(hook.failed)"
                return enter(hook.failed)
            }
            for (field, value) in reply { variables[hook.into + "." + field] = value }
            interpretation = "webhook ok -> \(hook.ok)"
            return enter(hook.ok)
        case .recorded(let reference):
            guard let current = state, let record = flow.states[current]?.record else {
                interpretation = "unexpected recording"
                return []
            }
            variables[record.slot] = reference
            interpretation = "\(record.slot) = \(reference)"
            return enter(record.next)
        }
    }

    // MARK: Entering states

    /// Enters `name` and runs it until it listens or the call ends.
    private mutating func enter(_ name: String) -> [DialogueAction] {
        var actions: [DialogueAction] = []
        var target = name
        for _ in 0..<64 {
            guard let s = flow.states[target] else {
                actions.append(.hangUp)
                isFinished = true
                return actions
            }
            state = target
            noInputCount = 0
            noMatchCount = 0
            confirming = nil
            formConfirming = false
            formCorrecting = false
            if case .form(let form)? = s.input { for field in form.fields { variables[field.slot] = nil } }
            for (key, value) in s.set { variables[key] = render(value) }
            // A state's own prompt keeps its barge-in setting even when a listening state's
            // prompt is queued after it.
            let bargeIn = s.bargeIn ?? flow.settings.bargeIn
            if let audio = s.audio {
                actions.append(.playAudio(path: audio, text: s.prompt.map(render) ?? "", bargeIn: bargeIn))
            } else if let prompt = s.prompt {
                actions.append(.play(render(prompt), bargeIn: bargeIn))
            }
            if let lookup = s.lookup {
                let key = variables[lookup.key] ?? ""
                if let row = flow.tables[lookup.table]?.rows[key] {
                    for (column, value) in row { variables[lookup.into + "." + column] = value }
                    target = lookup.found
                } else {
                    target = lookup.missing
                }
                continue
            }
            if let hook = s.webhook {
                var body: [String: String] = [:]
                for name in hook.send { body[name] = variables[name] ?? "" }
                actions.append(.webhook(url: hook.url, body: body, timeoutMs: hook.timeoutMs))
                return actions
            }
            if let record = s.record {
                actions.append(.record(maxMs: record.maxMs))
                return actions
            }
            if let transfer = s.transfer {
                actions.append(.transfer(transfer))
                transferTarget = transfer
                isFinished = true
                return actions
            }
            if s.hangup {
                actions.append(.hangUp)
                isFinished = true
                return actions
            }
            if s.input != nil {
                if case .form? = s.input, s.prompt == nil, s.audio == nil, let field = missingFields(s).first {
                    actions.append(.play(render(field.prompt)))
                }
                actions.append(.listen(listenRequest(s)))
                return actions
            }
            guard let next = route(s) else {
                actions.append(.hangUp)
                isFinished = true
                return actions
            }
            target = next
        }
        // A loop of states that never listen: end rather than spin.
        actions.append(.hangUp)
        isFinished = true
        return actions
    }

    private func listenRequest(_ s: FlowState, expecting override: ListenExpectation? = nil) -> ListenRequest {
        var keys = flow.globals.compactMap(\.keys)
        if case .menu(let options)? = s.input { keys = options.compactMap(\.keys) + keys }
        let expectation = override ?? ListenExpectation(listeningIn: s, formFields: missingFields(s)) ?? .text
        var sensitive = false
        if override == nil {
            switch s.input {
            case .collect(let c)?: sensitive = c.sensitive
            case .form?: sensitive = missingFields(s).contains(where: \.sensitive)
            default: break
            }
        }
        return ListenRequest(state: s.name, expectation: expectation, keys: keys,
                             noInputTimeoutMs: s.noInputTimeoutMs ?? flow.settings.noInputTimeoutMs,
                             bargeIn: s.bargeIn ?? flow.settings.bargeIn, sensitive: sensitive)
    }

    /// The fields of a form state still without a value.
    private func missingFields(_ s: FlowState) -> [FormField] {
        guard case .form(let form)? = s.input else { return [] }
        return form.fields.filter { variables[$0.slot] == nil }
    }

    /// The next state after `s` by its branches, then `next`.
    private func route(_ s: FlowState) -> String? {
        for branch in s.branches {
            guard let condition = branch.condition else { return branch.goto }
            let value = variables[condition.variable] ?? ""
            if (value.lowercased() == condition.value.lowercased()) == condition.equals { return branch.goto }
        }
        return s.next
    }

    /// `{name}` and `{name:digits}` (spaced digits) filled from the variables; a sensitive
    /// slot or a card number reads as its last four digits ("ending in 1 1 1 1").
    func render(_ template: String) -> String {
        // Values go into an SSML prompt as text, so "&" or "<" in one cannot break its markup.
        let ssml = template.drop { $0.isWhitespace }.hasPrefix("<speak")
        func escaped(_ value: String) -> String {
            guard ssml else { return value }
            return value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        var out = "", i = template.startIndex
        while i < template.endIndex {
            if template[i] == "{", let close = template[i...].firstIndex(of: "}") {
                let inner = template[template.index(after: i)..<close]
                let parts = inner.split(separator: ":", maxSplits: 1)
                let name = String(parts.first ?? ""), value = variables[name] ?? ""
                if sensitiveSlots.contains(name) || Redaction.isCardNumber(value) {
                    out += Redaction.readBack(value)
                } else {
                    out += escaped(parts.count == 2 && parts[1] == "digits" ? value.map(String.init).joined(separator: " ") : value)
                }
                i = template.index(after: close)
            } else {
                out.append(template[i])
                i = template.index(after: i)
            }
        }
        return out
    }

    // MARK: Answers

    private mutating func global(text: String?, keys: String?, interpretation: inout String) -> [DialogueAction]? {
        guard let current = state, let s = flow.states[current] else { return nil }
        let index: Int?
        if let keys {
            index = flow.globals.firstIndex { $0.keys == keys }
        } else if let text {
            // A global's own phrase, said as written ("help"), is that global unless the menu
            // lists it too; otherwise, inside a menu, a menu choice wins over a global with
            // similar words.
            let said = Self.phrase(text)
            if menuPhrases[current]?.contains(said) != true, let exact = globalPhrases[said] {
                index = exact
            } else {
                if case .menu? = s.input, !(menuClassifiers[current]?.classify(text).isEmpty ?? true) { return nil }
                index = globalClassifier.classify(text).first.flatMap { Int($0.intent) }
            }
        } else {
            index = nil
        }
        guard let index else { return nil }
        switch flow.globals[index].action {
        case .goto(let target):
            interpretation = "global: go to \(target)"
            return enter(target)
        case .repeatPrompt:
            interpretation = "global: repeat"
            return reprompt(s)
        case .help(let text):
            interpretation = "global: help"
            return [.play(render(text))] + reprompt(s)
        }
    }

    /// A phrase as the engine compares them: its words without the fillers around them.
    private static func phrase(_ text: String) -> String {
        Fillers.stripped(SpokenValues.words(text)).joined(separator: " ")
    }

    private func reprompt(_ s: FlowState) -> [DialogueAction] {
        // A form re-asks its first missing field, not the whole question.
        if let field = missingFields(s).first { return [.play(render(field.prompt)), .listen(listenRequest(s))] }
        let prompt: [DialogueAction] = s.audio.map { [.playAudio(path: $0, text: s.prompt.map(render) ?? "")] }
            ?? s.prompt.map { [.play(render($0))] } ?? []
        return prompt + [.listen(listenRequest(s))]
    }

    private mutating func answer(text: String?, keys: String?, confidence: Double, interpretation: inout String) -> [DialogueAction] {
        guard let current = state, let s = flow.states[current] else { return [] }
        if let pending = confirming {
            let reply = extract(.yesNo, text: text, keys: keys)
            switch reply {
            case "yes":
                interpretation = "confirmed " + assignment(pending.slot, pending.value)
                confirming = nil
                variables[pending.slot] = pending.value
                return advance(s)
            case "no":
                interpretation = "rejected " + assignment(pending.slot, pending.value)
                confirming = nil
                variables[pending.slot] = nil
                return [.play("Let's try again.")] + reprompt(s)
            default:
                interpretation = "nomatch (expected yes or no)"
                return failedAttempt(noInput: false)
            }
        }
        switch s.input {
        case .menu(let options)?:
            var choice: Int?
            if let keys {
                choice = options.firstIndex { $0.keys == keys }
            } else if let text {
                // A key said as a word ("two", "press two", "press 2") is that key; the
                // classifier sees every number alike, so it must not decide between them.
                let said = SpokenValues.words(text).map { SpokenValues.digitName[$0] ?? $0 }.joined(separator: " ")
                choice = options.firstIndex { Self.keyPhrases($0.keys).contains(said) }
                    ?? menuClassifiers[current]?.classify(text).first.flatMap { Int($0.intent) }
            }
            guard let choice else {
                interpretation = "nomatch (no menu option)"
                return failedAttempt(noInput: false)
            }
            interpretation = "menu option \(choice + 1) -> \(options[choice].goto)"
            return enter(options[choice].goto)
        case .collect(let c)?:
            guard let value = extract(c.type, text: text, keys: keys) else {
                interpretation = "nomatch (no \(c.type) in the answer)"
                return failedAttempt(noInput: false)
            }
            if let confirm = c.confirm, keys == nil, confidence < flow.settings.confirmBelow {
                confirming = (c.slot, value)
                variables[c.slot] = value
                interpretation = assignment(c.slot, value) + "? (confidence \(confidence), confirming)"
                return [.play(render(confirm)), .listen(listenRequest(s, expecting: .confirm))]
            }
            variables[c.slot] = value
            if case .grammar(let g) = c.type, let parse = g.grammar.parse(keys ?? text ?? "") {
                for (key, slotValue) in parse.slots { variables[c.slot + "." + key] = slotValue }
            }
            interpretation = assignment(c.slot, value)
            return advance(s)
        case .form(let form)?:
            return answerForm(form, s, text: text, keys: keys, interpretation: &interpretation)
        case nil:
            return []
        }
    }

    /// Slot filling: take every missing field the answer holds (keys fill the first one),
    /// ask for what is still missing, then confirm all; a reply to the confirmation may
    /// carry a correction ("no, make it Friday"), which replaces that field.
    private mutating func answerForm(_ form: Form, _ s: FlowState, text: String?, keys: String?,
                                     interpretation: inout String) -> [DialogueAction] {
        if formConfirming || formCorrecting {
            let correctable = form.fields.filter { $0.type != .yesNo && $0.type != .text }
            let corrections = (text.map { Self.fill(correctable, from: $0) { extract($0, text: $1, keys: nil) } } ?? [])
                .filter { variables[$0.0] != $0.1 }
            let reply = extract(.yesNo, text: text, keys: keys)
            if !corrections.isEmpty {
                for (slot, value) in corrections { variables[slot] = value }
                interpretation = "corrected " + corrections.map(assignment).joined(separator: ", ")
                formCorrecting = false
                formConfirming = true
                return [.play(render(form.confirm ?? "")), .listen(listenRequest(s, expecting: .confirm))]
            }
            if formConfirming, reply == "yes" {
                interpretation = "form confirmed"
                formConfirming = false
                return advance(s)
            }
            if formConfirming, reply == "no" {
                interpretation = "form rejected; asking what to change"
                formConfirming = false
                formCorrecting = true
                return [.play("What should I change?"), .listen(listenRequest(s, expecting: .correction))]
            }
            interpretation = "nomatch (expected yes, no or a new value)"
            return failedAttempt(noInput: false)
        }
        let missing = missingFields(s)
        var filled: [(String, String)] = []
        if let keys, let field = missing.first, let value = extract(field.type, text: nil, keys: keys) {
            filled.append((field.slot, value))
        } else if let text {
            filled = Self.fill(missing, from: text) { extract($0, text: $1, keys: nil) }
        }
        for (slot, value) in filled { variables[slot] = value }
        guard !filled.isEmpty else {
            interpretation = "nomatch (no value for \(missing.map(\.slot).joined(separator: ", ")))"
            return failedAttempt(noInput: false)
        }
        interpretation = filled.map(assignment).joined(separator: ", ")
        if let next = missingFields(s).first { return [.play(render(next.prompt)), .listen(listenRequest(s))] }
        if let confirm = form.confirm {
            formConfirming = true
            return [.play(render(confirm)), .listen(listenRequest(s, expecting: .confirm))]
        }
        return advance(s)
    }

    /// "slot = value" for an interpretation, the value masked when the slot is sensitive.
    private func assignment(_ slot: String, _ value: String) -> String {
        "\(slot) = \(sensitiveSlots.contains(slot) ? Redaction.masked(value) : value)"
    }

    /// Values for `fields` from one utterance. The most specific types go first (dates,
    /// times, money, codes, then plain numbers), and each takes the fewest words that
    /// still give its value, which the others then cannot reuse: in "next Friday at
    /// seven p m for four", the time takes "seven p m" and the party size only "four".
    static func fill(_ fields: [FormField], from text: String,
                     extract: (SlotType, String) -> String?) -> [(String, String)] {
        func rank(_ t: SlotType) -> Int {
            switch t {
            case .date: return 0
            case .time: return 1
            case .currency: return 2
            case .alphanumeric, .pattern, .grammar: return 3
            case .digits: return 4
            case .number: return 5
            case .yesNo: return 6
            case .text: return 7
            }
        }
        var words = SpokenValues.words(text)
        var result: [(String, String)] = []
        for field in fields.sorted(by: { rank($0.type) < rank($1.type) }) {
            guard let value = extract(field.type, words.joined(separator: " ")) else { continue }
            result.append((field.slot, value))
            // Remove the shortest run of words that still yields this value.
            var best: Range<Int>?
            for length in stride(from: 1, through: words.count, by: 1) where best == nil {
                for start in 0...(words.count - length) {
                    if extract(field.type, words[start..<(start + length)].joined(separator: " ")) == value {
                        best = start..<(start + length)
                        break
                    }
                }
            }
            if let best { words.removeSubrange(best) }
        }
        return result
    }

    private func extract(_ type: SlotType, text: String?, keys: String?) -> String? {
        switch type {
        case .alphanumeric(let lo, let hi):
            let raw = keys.map { $0.filter(\.isNumber) } ?? text.flatMap(SpokenValues.alphanumeric)
            guard let code = raw, (lo...hi).contains(code.count) else { return nil }
            return code
        case .grammar(let g):
            guard let input = keys ?? text, let interpretation = g.grammar.parse(input) else { return nil }
            if !interpretation.value.isEmpty { return interpretation.value }
            return interpretation.slots.count == 1 ? interpretation.slots.first!.value : input.lowercased()
        case .pattern(let regex):
            guard let code = keys.map({ $0.filter(\.isNumber) }) ?? text.flatMap(SpokenValues.alphanumeric),
                  code.range(of: "^(?:" + regex + ")$", options: .regularExpression) != nil else { return nil }
            return code
        case .digits(let lo, let hi):
            let raw = keys.map { $0.filter(\.isNumber) } ?? text.flatMap(SpokenValues.digits)
            guard let digits = raw, (lo...hi).contains(digits.count) else { return nil }
            return digits
        case .yesNo:
            // On the keypad, 1 is yes and 2 is no.
            if let keys { return keys == "1" ? "yes" : keys == "2" ? "no" : nil }
            return text.flatMap(SpokenValues.yesNo)
        case .number:
            if let keys { return Int(keys.filter(\.isNumber)).map(String.init) }
            return text.flatMap(SpokenValues.number).map(String.init)
        case .date:
            return text.flatMap { SpokenValues.date($0, today: today) }
        case .time:
            if let keys, keys.count == 4, let h = Int(keys.prefix(2)), let m = Int(keys.suffix(2)), h < 24, m < 60 {
                return String(format: "%02d:%02d", h, m)
            }
            return text.flatMap(SpokenValues.time)
        case .currency:
            if let keys { return Int(keys.filter(\.isNumber)).map { String(format: "%.2f", Double($0) / 100) } }
            return text.flatMap(SpokenValues.money)
        case .text:
            return text.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Leaves a state whose input was accepted.
    private mutating func advance(_ s: FlowState) -> [DialogueAction] {
        guard let next = route(s) else {
            isFinished = true
            return [.hangUp]
        }
        return enter(next)
    }

    // MARK: Escalation

    private mutating func failedAttempt(noInput: Bool) -> [DialogueAction] {
        guard let current = state, let s = flow.states[current] else { return [] }
        if noInput { noInputCount += 1 } else { noMatchCount += 1 }
        let limit = s.maxAttempts ?? flow.settings.maxAttempts
        if noInputCount + noMatchCount >= limit {
            if let target = s.escalate ?? flow.settings.escalate, target != current {
                return enter(target)
            }
            isFinished = true
            return [.play("Sorry, I could not help you. Goodbye."), .hangUp]
        }
        let prompts = noInput ? s.noInputPrompts : s.noMatchPrompts
        let count = noInput ? noInputCount : noMatchCount
        if !prompts.isEmpty {
            return [.play(render(prompts[min(count, prompts.count) - 1])), .listen(listenRequest(s, expecting: confirming == nil ? nil : .confirm))]
        }
        let apology = noInput ? "Sorry, I didn't hear you." : "Sorry, I didn't understand."
        if formConfirming, case .form(let form)? = s.input, let confirm = form.confirm {
            return [.play(apology), .play(render(confirm)), .listen(listenRequest(s, expecting: .confirm))]
        }
        if confirming != nil, case .collect(let c)? = s.input, let confirm = c.confirm {
            return [.play(apology), .play(render(confirm)), .listen(listenRequest(s, expecting: .confirm))]
        }
        return [.play(apology)] + reprompt(s)
    }
}
