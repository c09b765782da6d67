import Foundation
import HotlineASR
import HotlineCore
import HotlineDialogue

/// The grammar a call listens with for one `ListenRequest`: what the state expects, plus
/// the flow's global phrases (so "agent" or "repeat" work everywhere).
enum ListenGrammar {
    static func make(for request: ListenRequest, flow: Flow) throws -> Grammar {
        let globals = flow.globals.flatMap(\.phrases)
        let expecting = request.expecting
        let base: Grammar
        if expecting == "menu", case .menu(let options)? = flow.states[request.state]?.input {
            base = try GrammarCompiler.phraseList(options.flatMap { $0.phrases + DialogueEngine.keyPhrases($0.keys) }.joined(separator: "\n"))
        } else if let kind = ["digits", "alphanumeric"].first(where: { expecting.hasPrefix($0) }) {
            // "digits 6...10", "alphanumeric 5...8" (or the kind alone)
            let bounds = expecting.dropFirst(kind.count).trimmingCharacters(in: .whitespaces).components(separatedBy: "...")
            let spec = bounds.count == 2 ? "builtin:\(kind)?min=\(bounds[0])&max=\(bounds[1])" : "builtin:\(kind)"
            base = try GrammarCompiler.grammar(spec: spec)
        } else if expecting == "yesno" || expecting == "confirm" {
            base = try GrammarCompiler.grammar(spec: "builtin:yesno")
        } else if ["number", "date", "time", "currency"].contains(expecting) {
            base = try GrammarCompiler.grammar(spec: "builtin:" + expecting)
        } else if expecting.hasPrefix("grammar ") {
            base = try GrammarCompiler.load(spec: String(expecting.dropFirst("grammar ".count)))
        } else {
            // Open prompts, patterns and forms: every phrase the flow
            // knows (a phrase list; the statistical mode for free text is not built yet).
            var phrases = globals
            for state in flow.states.values {
                if case .menu(let options)? = state.input { phrases += options.flatMap(\.phrases) }
            }
            phrases += ["yes", "no"]
            base = try GrammarCompiler.phraseList(phrases.joined(separator: "\n"))
        }
        return base.adding(phrases: globals)
    }

    /// The words a call on `flow` listens for that `lexicon` lacks, with the pronunciation
    /// guessed; a word with none (phones empty) makes the phrases with it unhearable.
    /// Built-in grammars are left out: their words are all in the lexicon.
    static func guessedWords(of flow: Flow, lexicon: Lexicon) -> [GuessedWord] {
        // Open listening hears every menu and global phrase; slots add their own grammars.
        let open = ListenRequest(state: flow.start, expecting: "text", keys: [], noInputTimeoutMs: 0, bargeIn: false)
        var grammars = [try? make(for: open, flow: flow)].compactMap { $0 }
        for name in flow.states.keys.sorted() {
            switch flow.states[name]!.input {
            case .collect(let collect)?: grammars += [collect.type].compactMap(\.grammar)
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
