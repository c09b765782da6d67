import Foundation
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
    /// lacks, with the pronunciation guessed; `FlowValidator.warnings`), one line each;
    /// without a lexicon, no words.
    public static func check(_ flow: Flow, lexicon: Lexicon?) -> (errors: [String], warnings: [String]) {
        var errors = PromptCache.ssmlErrors(of: flow) + PromptCache.recordingErrors(of: flow) + voiceErrors(of: flow)
        var warnings = FlowValidator.warnings(flow).map { $0.message + ($0.hint.map { " (\($0))" } ?? "") }
        guard let lexicon else { return (errors, warnings) }
        let prompted = PromptCache.guessedWords(of: flow, lexicon: lexicon)
        if !prompted.isEmpty { warnings.append(GuessedWord.warning(prompted)) }
        let heard = ListenGrammar.guessedWords(of: flow, lexicon: lexicon)
        let guessed = heard.filter { !$0.phones.isEmpty }, unhearable = heard.filter(\.phones.isEmpty)
        if !guessed.isEmpty { warnings.append(GuessedWord.warning(guessed, of: "listen")) }
        if !unhearable.isEmpty { errors.append(GuessedWord.unhearable(unhearable)) }
        warnings += unhearableExamples(of: flow).map { state, example in
            "state '\(state)': a prompt asks callers to say '\(example)', which a call there cannot hear "
                + "(add it to a menu option's 'say', or to the slot's grammar)"
        }
        return (errors, warnings)
    }

    /// The answers a listening state's prompts suggest ("say billing", "say yes or no",
    /// "you can say order status, returns or agent") that the grammar a call listens with
    /// there does not accept: the text path would take them, the voice path could not.
    static func unhearableExamples(of flow: Flow) -> [(state: String, example: String)] {
        var found: [(String, String)] = []
        for name in flow.states.keys.sorted() {
            let state = flow.states[name]!
            guard let expectation = ListenExpectation(listeningIn: state), expectation.firstSlot != .text else {
                continue   // a state that does not listen, or free text that hears anything said
            }
            let request = ListenRequest(state: name, expectation: expectation, keys: [], noInputTimeoutMs: 0, bargeIn: false)
            guard let grammar = try? ListenGrammar.make(for: request, flow: flow) else { continue }
            let prompts = [state.prompt].compactMap { $0 } + state.noInputPrompts + state.noMatchPrompts
            for example in Set(prompts.flatMap(suggestedAnswers)).sorted() where grammar.parse(example) == nil {
                found.append((name, example))
            }
        }
        return found
    }

    /// What a prompt tells callers to say: the items after "say" up to the end of the
    /// sentence, split at commas and "or", each cut before words that start the rest of
    /// the sentence ("say agent at any time" suggests "agent"); numerals as words.
    static func suggestedAnswers(in prompt: String) -> [String] {
        let describing: Set<String> = ["your", "the", "a", "an", "it", "its", "them", "this", "that", "something", "anything",
                                       "what", "how", "which", "when", "where", "key", "press", "enter", "type", "dial", "spell"]
        let text = SSML.displayText(prompt).lowercased()
        var answers: [String] = []
        var rest = text[...]
        while let say = rest.range(of: #"\bsay\b"#, options: .regularExpression) {
            let clause = rest[say.upperBound...].prefix { !".!?;:".contains($0) }
            rest = rest[say.upperBound...]
            let items = clause.replacingOccurrences(of: " or ", with: ",").split(separator: ",")
            for item in items {
                var words = item.split { !($0.isLetter || $0.isNumber || $0 == "'") }.map(String.init)
                if let cut = words.firstIndex(where: { ["at", "to", "for", "if", "when", "now", "anytime", "and"].contains($0) }) {
                    words = Array(words[..<cut])
                }
                // "say your order number", "say a day", "or key it in" describe the answer, not quote it.
                guard let first = words.first, !describing.contains(first) else { continue }
                let spoken = words.flatMap { Int($0).map { NumberWords.cardinal($0) } ?? [$0] }
                if spoken.count <= 6 { answers.append(spoken.joined(separator: " ")) }
            }
        }
        return answers
    }

    /// The flow's `voice:` when it cannot be loaded (its prompts are then said in the default voice).
    static func voiceErrors(of flow: Flow) -> [String] {
        guard let name = flow.voice else { return [] }
        do { _ = try VoiceDatabase(path: VoiceDatabase.path(named: name)); return [] } catch {
            return ["voice '\(name)': \(error); the default voice speaks instead"]
        }
    }
}
