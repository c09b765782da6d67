import Foundation
import HotlineASR
import HotlineCore
import HotlineDialogue

/// The grammar a call listens with for one `ListenRequest`: what the state expects or the
/// flow's global phrases (so "agent" or "repeat" work everywhere), either with the fillers
/// and garbage callers put around it (`Grammar.withFillers`: "i want a representative").
enum ListenGrammar {
    static func make(for request: ListenRequest, flow: Flow) throws -> Grammar {
        let base: Grammar
        switch request.expectation {
        case .menu:
            guard case .menu(let options)? = flow.states[request.state]?.input else { fallthrough }
            // One meaning per option: its phrases compete with other options', not each other.
            guard let phrases = Grammar.phraseGroups(options.map { $0.phrases + DialogueEngine.keyPhrases($0.keys) }, slot: "option")
            else { fallthrough }
            base = phrases
        case .text, .correction:
            base = try openPhrases(of: flow)
        case .confirm:
            base = try GrammarCompiler.grammar(spec: "builtin:yesno")
        case .slots:
            base = try request.expectation.firstSlot.flatMap(slotGrammar) ?? openPhrases(of: flow)
        }
        // Callers wrap answers and commands in "i'd like", "please" and other words: heard, meaning nothing.
        return base.adding(commands: flow.globals.map(\.phrases)).withFillers()
    }

    /// What hears a free-text answer (a `text` slot: "it arrived broken"): a language model
    /// of the slot's `examples` and the flow's phrases, backed off to general English
    /// (`background` word and pair counts); nil when the request expects something a grammar hears.
    static func languageModel(for request: ListenRequest, flow: Flow, background: LanguageModel.Background) -> LanguageModel? {
        guard case .slots = request.expectation, request.expectation.firstSlot == .text else { return nil }
        return LanguageModel(sentences: examples(in: flow.states[request.state]) + phrases(of: flow), background: background)
    }

    /// What a menu (or an open prompt) hears besides its phrases: a language model of the
    /// flow's phrases and general English, so a paraphrase ("i need to know where my
    /// parcel is") comes out as free text for the intent classifier, as in `hotline chat`;
    /// nil for other requests.
    static func paraphrases(for request: ListenRequest, flow: Flow, background: LanguageModel.Background) -> LanguageModel? {
        switch request.expectation {
        case .menu, .text: return LanguageModel(sentences: phrases(of: flow), background: background)
        case .slots, .confirm, .correction: return nil
        }
    }

    /// The example answers of a state's free-text collect.
    private static func examples(in state: FlowState?) -> [String] {
        if case .collect(let collect)? = state?.input { return collect.examples }
        return []
    }

    /// The grammar that hears a value of `type`; nil for free text.
    static func slotGrammar(_ type: SlotType) throws -> Grammar? {
        switch type {
        case .digits(let lo, let hi): return try GrammarCompiler.grammar(spec: "builtin:digits?min=\(lo)&max=\(hi)")
        case .alphanumeric(let lo, let hi): return try GrammarCompiler.grammar(spec: "builtin:alphanumeric?min=\(lo)&max=\(hi)")
        // The code is spelled; the flow's pattern then checks the whole of it.
        case .pattern: return try GrammarCompiler.grammar(spec: "builtin:alphanumeric")
        case .yesNo: return try GrammarCompiler.grammar(spec: "builtin:yesno")
        case .number: return try GrammarCompiler.grammar(spec: "builtin:number")
        case .date: return try GrammarCompiler.grammar(spec: "builtin:date")
        case .time: return try GrammarCompiler.grammar(spec: "builtin:time")
        case .currency: return try GrammarCompiler.grammar(spec: "builtin:currency")
        case .grammar(let slot): return slot.grammar   // compiled when the flow loaded, relative to its file
        case .text: return nil
        }
    }

    /// Open prompts: every phrase the flow knows, as a phrase list (free-text slots use
    /// `languageModel(for:flow:background:)`).
    private static func openPhrases(of flow: Flow) throws -> Grammar {
        try GrammarCompiler.phraseList(phrases(of: flow).joined(separator: "\n"))
    }

    /// Every phrase the flow knows: its global commands, its menus' phrases, yes and no.
    private static func phrases(of flow: Flow) -> [String] {
        var phrases = flow.globals.flatMap(\.phrases)
        for name in flow.states.keys.sorted() {
            if case .menu(let options)? = flow.states[name]!.input { phrases += options.flatMap(\.phrases) }
        }
        return phrases + ["yes", "no"]
    }

    /// The words a call on `flow` listens for that `lexicon` lacks, with the pronunciation
    /// guessed; a word with none (phones empty) makes the phrases with it unhearable.
    /// Built-in grammars are left out: their words are all in the lexicon.
    static func guessedWords(of flow: Flow, lexicon: Lexicon) -> [GuessedWord] {
        // Open listening hears every menu and global phrase; slots add their own grammars.
        let open = ListenRequest(state: flow.start, expectation: .text, keys: [], noInputTimeoutMs: 0, bargeIn: false)
        var grammars = [try? make(for: open, flow: flow)].compactMap { $0 }
        for name in flow.states.keys.sorted() {
            switch flow.states[name]!.input {
            case .collect(let collect)?:
                grammars += [collect.type].compactMap(\.grammar)
                if !collect.examples.isEmpty, let examples = try? GrammarCompiler.phraseList(collect.examples.joined(separator: "\n")) {
                    grammars.append(examples)
                }
            case .form(let form)?: grammars += form.fields.compactMap(\.type.grammar)
            case .menu?, nil: break
            }
        }
        return lexicon.guessedWords(grammars.flatMap { $0.vocabulary.sorted() })
    }
}

private extension SlotType {
    /// The flow's own grammar for this slot, if it has one.
    var grammar: Grammar? {
        if case .grammar(let slot) = self, !slot.spec.hasPrefix("builtin:") { return slot.grammar }
        return nil
    }
}
