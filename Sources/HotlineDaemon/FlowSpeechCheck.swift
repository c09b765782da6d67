import HotlineCore
import HotlineDialogue
import HotlineTTS

/// What a flow asks of the voice and the recognizer beyond its own format: prompts in SSML
/// that parse, recorded prompts that read as audio, and words the lexicon knows.
/// `hotline flow validate` prints the result, `hotlined` logs it at start and
/// `hotlined --check-config` fails on its errors.
public enum FlowSpeechCheck {
    /// Errors (SSML prompts that do not parse, recorded prompts that are not audio, listen
    /// words with no pronunciation at all) and warnings (prompt and listen words the lexicon
    /// lacks, with the pronunciation guessed), one line each; without a lexicon, no words.
    public static func check(_ flow: Flow, lexicon: Lexicon?) -> (errors: [String], warnings: [String]) {
        var errors = PromptCache.ssmlErrors(of: flow) + PromptCache.recordingErrors(of: flow) + voiceErrors(of: flow), warnings: [String] = []
        guard let lexicon else { return (errors, warnings) }
        let prompted = PromptCache.guessedWords(of: flow, lexicon: lexicon)
        if !prompted.isEmpty { warnings.append(GuessedWord.warning(prompted)) }
        let heard = ListenGrammar.guessedWords(of: flow, lexicon: lexicon)
        let guessed = heard.filter { !$0.phones.isEmpty }, unhearable = heard.filter(\.phones.isEmpty)
        if !guessed.isEmpty { warnings.append(GuessedWord.warning(guessed, of: "listen")) }
        if !unhearable.isEmpty { errors.append(GuessedWord.unhearable(unhearable)) }
        return (errors, warnings)
    }

    /// The flow's `voice:` when it cannot be loaded (its prompts are then said in the default voice).
    static func voiceErrors(of flow: Flow) -> [String] {
        guard let name = flow.voice else { return [] }
        do { _ = try VoiceDatabase(path: VoiceDatabase.path(named: name)); return [] } catch {
            return ["voice '\(name)': \(error); the default voice speaks instead"]
        }
    }
}
