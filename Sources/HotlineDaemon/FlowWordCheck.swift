import HotlineCore
import HotlineDialogue
import HotlineTTS

/// What a flow asks of the voice and the recognizer beyond its own format: prompts in SSML
/// that parse, and words the lexicon knows. `hotline flow validate` prints the result and
/// `hotlined` logs it at start.
public enum FlowWordCheck {
    /// Errors (SSML prompts that do not parse, listen words with no pronunciation at all)
    /// and warnings (prompt and listen words the lexicon lacks, with the pronunciation
    /// guessed), one line each; without a lexicon, only the SSML.
    public static func check(_ flow: Flow, lexicon: Lexicon?) -> (errors: [String], warnings: [String]) {
        var errors = PromptCache.ssmlErrors(of: flow), warnings: [String] = []
        guard let lexicon else { return (errors, warnings) }
        let prompted = PromptCache.guessedWords(of: flow, lexicon: lexicon)
        if !prompted.isEmpty { warnings.append(GuessedWord.warning(prompted)) }
        let heard = ListenGrammar.guessedWords(of: flow, lexicon: lexicon)
        let guessed = heard.filter { !$0.phones.isEmpty }, unhearable = heard.filter(\.phones.isEmpty)
        if !guessed.isEmpty { warnings.append(GuessedWord.warning(guessed, of: "listen")) }
        if !unhearable.isEmpty { errors.append(GuessedWord.unhearable(unhearable)) }
        return (errors, warnings)
    }
}
