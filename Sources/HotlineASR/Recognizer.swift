import Foundation
import HotlineCore
import HotlineNN

/// What the caller said, as far as the grammar allows, and how sure we are.
public struct RecognitionResult: Sendable, Equatable, Codable {
    /// A recognised word with times in milliseconds.
    public struct TimedWord: Sendable, Equatable, Codable {
        public var word: String
        public var startMs: Int
        public var endMs: Int
        /// 0-1: how close the word comes to the best unconstrained phone path over its
        /// frames (and the pause before it), as `RecognitionResult.fit` does for the whole.
        public var fit: Double
    }
    /// One alternative of the n-best list.
    public struct Alternative: Sendable, Equatable, Codable {
        public var text: String
        public var confidence: Double
        /// Its fit before calibration (see `RecognitionResult.fit`).
        public var fit: Double
    }
    /// The words, space-separated; empty when rejected.
    public var text: String
    /// The grammar's tags on those words; nil when rejected.
    public var interpretation: Grammar.Interpretation?
    /// 0-1: the chance the result is right (`Recognizer.Calibration` of `fit` and the
    /// number of words).
    public var confidence: Double
    /// 0-1: how close the grammar's best path comes to the best unconstrained phone path,
    /// exp(-log-probability given up per frame of speech), before calibration.
    public var fit: Double
    /// ln of `fit` over that of the best n-best answer meaning something else (at most
    /// `Recognizer.Calibration.widestMargin`), before calibration.
    public var margin: Double
    /// True when nothing in the grammar was heard (out-of-grammar speech, noise, silence).
    public var rejected: Bool
    /// Why it was rejected: "no speech", "low confidence", "no parse".
    public var reason: String?
    /// Per-word times of the best path (also given when rejected, for QA).
    public var words: [TimedWord]
    /// Alternatives, best first (the first is the result itself).
    public var nbest: [Alternative]

    /// Nothing heard, for `reason`.
    public static func rejected(_ reason: String) -> RecognitionResult {
        RecognitionResult(text: "", interpretation: nil, confidence: 0, fit: 0, margin: 0, rejected: true, reason: reason, words: [], nbest: [])
    }
}

/// A grammar-constrained recognizer for one call: audio in (any chunking), partial
/// hypotheses while the caller speaks, a final result with confidence at the end.
public final class Recognizer {
    /// Tuning a flow can set.
    public struct Options: Sendable {
        /// Results with a lower confidence are rejected.
        /// (0.4 with session 18's calibration, `tools/calibrate-confidence.py` on training
        /// speakers and voices: right answers rejected: isolated digits 3.1%, commands 0%,
        /// whole orders 8.2%, menu phrases 6.3%; rejected: other words and noise 74%, other
        /// sentences 94%, sentences against a menu 95%. At 0.3: 2.1%, 0%, 6.6%, 6.3%, 69%,
        /// 90%, 92%.)
        public var rejectionThreshold: Double = 0.4
        /// Search beam (log-probability).
        public var beam: Float = 40
        /// Narrower beam for entering a word (`GrammarDecoder.wordBeam`), and about how many
        /// words keep tokens from frame to frame (`GrammarDecoder.maxActiveWords`). (15 and
        /// 1000 since session 20: open answers of 30 made-up sentences by two training voices
        /// 3.8x faster (11.7 s -> 3.1 s for 102 s of audio, whole process) at the same 54.4%
        /// word errors; at 300 words 55.3%, at 100 59.1%. Grammars (orders, digits, commands,
        /// digit strings by training voices and speakers) are heard exactly as with neither.)
        public var wordBeam: Float = 15
        public var maxActiveWords = 1000
        /// Score added per word of the grammar (negative discourages extra words), besides
        /// `phoneBonus`.
        public var wordPenalty: Float = 0
        /// Score added per phone of each word of the grammar. A CTC model puts blanks on
        /// most frames, so without a bonus a path that skips an optional word ("with oat
        /// milk") costs little more than one that hears it. Per phone, not per word, so a
        /// path is not favoured for cutting speech into short words ("i want oh eight oh
        /// eight two two" over "i want a representative"). (1.3 with no word bonus since
        /// session 19, on training voices (espeak-ng en-us and en-gb, flite kal) and training
        /// speakers: whole orders as a call hears them 73.3% -> 80.0% of 120, digit strings
        /// 89.0% -> 92.0%, isolated digits and commands and out-of-grammar rejection
        /// unchanged, against session 18's bonus of 3 per word.)
        public var phoneBonus: Float = 1.3
        /// Log-probability a frame of `Grammar.garbage` (speech no rule names) costs
        /// below the likeliest phone: higher keeps more of the answer out of the garbage.
        /// (1.5 since session 18: at 1 garbage swallowed the ends of whole orders; from 2 up
        /// it is hardly ever taken.)
        public var garbagePenalty: Float = 1.5
        /// How the raw fit becomes the confidence (nil: the confidence is the raw fit).
        public var calibration: Calibration? = .standard
        /// What a language model's log-probabilities (open answers) are multiplied by
        /// against the acoustic model's, per word, and the word bonus there instead of
        /// `wordPenalty`. (0.6 and 1.5, session 19: word errors of 30 made-up caller answers
        /// by two training voices, espeak-ng en-us and flite kal, 55.0%; at 1 and 3, 59.7%;
        /// at 0.3 and 0, 55.6%. The word bonus became -0.5 in session 24, beside a bonus per
        /// phone.)
        public var languageModelWeight: Float = 0.6
        public var languageModelWordPenalty: Float = -0.5
        /// Added per phone of each word the language model hears, besides its word penalty:
        /// without it "it arrived broken" came out "it i broken" (a CTC path skips phones
        /// the model hardly heard at no cost, so a short word spelling part of a long one
        /// wins). (Session 24, with general English word pairs, the 26 sentences of
        /// tools/calibrate-confidence.py by four training voices, word errors with general
        /// English alone / with example answers: word penalty 1.5 and no phone bonus
        /// 29.4 / 25.2%; 0.5 and 1, 25.4 / 20.8%; 0 and 1, 24.1 / 19.5%; **-0.5 and 1,
        /// 23.1 / 19.1%**; -1 and 1.25, 22.5 / 18.4%; 0 and 2, 49.6 / 49.8%: kept away
        /// from that edge.)
        public var languageModelPhoneBonus: Float = 1
        /// What hearing a language model's sentence costs, against a phrase of the grammar
        /// it is heard beside (`Recognizer(model:grammar:lexicon:options:open:)`). (5 since
        /// session 20: the example flow's main menu, 40 sentences (menu phrases,
        /// paraphrases, other requests: tools/tune-menu-answers.tests.yaml) by three training voices (espeak-ng en-us, en-gb,
        /// flite kal), read as the text path reads them: 69.2% with no language model,
        /// 75.8% at 2, 75.0% at 3.5, 74.2% at 5, 69.2% at 8; at 5 the fewest other
        /// requests (said 30 times) taken for a menu choice: 3, against 4 without and 5 at 2.)
        public var openCost: Float = 5
        /// Defaults.
        public init() {}
    }

    /// The confidence as a logistic function of ln(fit), ln(1 + words), their product, and
    /// the margin: how far (ln, at most 3) the fit is above that of the best n-best answer
    /// meaning something else. A long answer gives up more per frame than one word even
    /// when right, a phrase list's right answer stands out from its other phrases, and the
    /// same confidence should mean the same chance of being right for all of them.
    public struct Calibration: Sendable, Equatable {
        public var bias: Double
        public var fit: Double
        public var words: Double
        public var fitTimesWords: Double
        public var margin: Double

        /// Fitted by tools/calibrate-confidence.py (session 24, acoustic model stage 14, menu options tagged) on
        /// training speakers' isolated words and digit strings, and on spoken orders, menu
        /// phrases and other sentences by training voices. Refit when the model changes.
        /// (Checked in session 24 on four voices training never heard, espeak-ng
        /// en-gb-scotland, en-029, en-gb-x-rp and en-us+m6: refitted on two of them, it
        /// predicted the other two no better than this fit, log-loss 0.132 / 0.481 against
        /// 0.130 / 0.389.)
        public static let standard = Calibration(bias: 0.329, fit: 2.594, words: 0.976, fitTimesWords: -0.457, margin: 0.410)
        /// The margin of an answer with no other in the n-best list.
        public static let widestMargin = 3.0

        public init(bias: Double, fit: Double, words: Double, fitTimesWords: Double, margin: Double) {
            self.bias = bias
            self.fit = fit
            self.words = words
            self.fitTimesWords = fitTimesWords
            self.margin = margin
        }

        /// The confidence of a path of `wordCount` words whose raw fit is `rawFit`, `lead`
        /// (ln) above the next answer's.
        public func confidence(fit rawFit: Double, words wordCount: Int, margin lead: Double) -> Double {
            guard rawFit > 0 else { return 0 }
            let f = log(max(rawFit, 1e-4)), w = log(1 + Double(wordCount))
            let m = min(Self.widestMargin, lead)
            return 1 / (1 + exp(-(bias + fit * f + words * w + fitTimesWords * f * w + margin * m)))
        }
    }

    /// The grammar being listened for.
    public let grammar: Grammar
    /// Words of the grammar that are not in the lexicon, with the pronunciation guessed
    /// (none for a word left out: the phrases with it cannot be heard).
    public var guessedWords: [GuessedWord] { decoder.network.guessedWords }
    private let options: Options
    /// Whether words outside the grammar can be heard (a language model): they mean the
    /// free text itself.
    private let hearsFreeText: Bool
    private let frontEnd: AcousticFrontEnd
    private let decoder: GrammarDecoder
    private let outputs: Int
    /// Per output frame: the unconstrained best path's log-probability (the likeliest
    /// label's), whether that label is a phone (the frame is speech), and how far the
    /// likeliest phone falls short of it (0 in speech), so that garbage spans can be taken
    /// out of the confidence.
    private var freeByFrame: [Float] = [], frameIsSpeech: [Bool] = [], phoneShortfall: [Float] = []
    /// The utterance's log-posterior rows, kept for a second search when the first lost
    /// every path (a long sentence whose right words fell outside the word beam).
    private var rows: [Float] = []

    /// A recognizer for `grammar` on `model`; words come from `lexicon`. With `open`, any
    /// sentence of that language model is heard too, at `Options.openCost` below the
    /// grammar's phrases (a menu that hears paraphrases; they come out as free text).
    public convenience init(model: AcousticModel, grammar: Grammar, lexicon: Lexicon, options: Options = Options(),
                            open: LanguageModel? = nil) throws {
        try self.init(model: model, grammar: grammar, options: options, hearsFreeText: open != nil,
                      network: SearchNetwork(grammar: grammar, lexicon: lexicon, phones: model.phones,
                                             open: open.map { ($0, Self.scale(options), options.openCost) }))
    }

    /// A recognizer for open answers: any sequence of `languageModel`'s words, the likelier
    /// ones more easily. The result is the words, as free text (its interpretation has no
    /// tags).
    public convenience init(model: AcousticModel, languageModel: LanguageModel, lexicon: Lexicon, options: Options = Options()) throws {
        try self.init(model: model, grammar: Grammar(rules: ["main": .sequence([])], root: "main"), options: options, hearsFreeText: true,
                      network: SearchNetwork(languageModel: languageModel, lexicon: lexicon, phones: model.phones, scale: Self.scale(options)))
    }

    private static func scale(_ options: Options) -> SearchNetwork.LanguageModelScale {
        .init(weight: options.languageModelWeight, wordPenalty: options.languageModelWordPenalty, phoneBonus: options.languageModelPhoneBonus)
    }

    private init(model: AcousticModel, grammar: Grammar, options: Options, hearsFreeText: Bool, network: SearchNetwork) throws {
        self.grammar = grammar
        self.options = options
        self.hearsFreeText = hearsFreeText
        frontEnd = try AcousticFrontEnd(model: model)
        decoder = GrammarDecoder(network: network)
        decoder.beam = options.beam
        decoder.wordBeam = options.wordBeam
        decoder.maxActiveWords = options.maxActiveWords
        decoder.wordPenalty = options.wordPenalty
        decoder.garbagePenalty = options.garbagePenalty
        decoder.phoneBonus = options.phoneBonus
        outputs = model.phones.count
    }

    /// Sample rate the audio must have.
    public var sampleRate: Int { frontEnd.sampleRate }

    /// Feeds samples (±1 full scale, at `sampleRate`).
    public func accept(_ samples: [Float]) {
        consume(frontEnd.accept(samples))
    }

    /// The best words so far (may change as more audio arrives).
    public var partial: String {
        Self.text(decoder.results(final: false).first?.words ?? [])
    }

    /// Ends the utterance and returns the result; the recognizer is then ready for the next.
    /// `closingSilence`: see `AcousticFrontEnd.finish(closingSilence:)`.
    public func finish(closingSilence: Bool = true) -> RecognitionResult {
        consume(frontEnd.finish(closingSilence: closingSilence))
        let result = decide()
        frontEnd.reset()
        decoder.reset()
        freeByFrame.removeAll(keepingCapacity: true)
        frameIsSpeech.removeAll(keepingCapacity: true)
        phoneShortfall.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
        return result
    }

    /// One-shot recognition of a whole utterance.
    public func recognize(_ samples: [Float]) -> RecognitionResult {
        accept(samples)
        return finish()
    }

    /// Feeds log-posterior rows (from the front end, or from a test).
    func consume(_ rows: [Float]) {
        self.rows += rows
        forEachRow(of: rows) { row in
            var best = 0, phone = 1
            for k in 1..<outputs where row[k] > row[phone] { phone = k }
            if row[phone] > row[0] { best = phone }
            freeByFrame.append(row[best])
            frameIsSpeech.append(best != 0)
            phoneShortfall.append(row[best] - row[phone])
            decoder.advance(row)
        }
    }

    /// Calls `body` with each row (one output frame) of `rows`.
    private func forEachRow(of rows: [Float], _ body: (UnsafeBufferPointer<Float>) -> Void) {
        rows.withUnsafeBufferPointer { all in
            for t in 0..<(all.count / outputs) { body(UnsafeBufferPointer(rebasing: all[(t * outputs)..<((t + 1) * outputs)])) }
        }
    }

    private func decide() -> RecognitionResult {
        let ms = frontEnd.secondsPerOutputFrame * 1000
        var paths = decoder.results()
        if paths.isEmpty && decoder.frames > 0 { paths = searchAgainWiderBeam() }
        guard let best = paths.first else {
            return .rejected(decoder.frames == 0 ? "no speech" : "no path")
        }
        let words = zip(best.words, wordFits(best.words)).filter { $0.0.word != Grammar.garbage }.map { word, fit in
            RecognitionResult.TimedWord(word: word.word, startMs: Int(Double(word.startFrame) * ms), endMs: Int(Double(word.endFrame) * ms),
                                        fit: (fit * 1000).rounded() / 1000)
        }
        // The unconstrained best path scores at least as well as any grammar path; the
        // gap per frame of speech says how much the grammar had to force. Garbage spans
        // are left out of both: how well the answer fits is the question, not how much
        // else the caller said. So is the word bonus the search added per word: it
        // chooses between paths, it is no evidence of a fit.
        // A language model's cost is left out too: a likely sentence fits no better for it.
        let freeScore = freeByFrame.reduce(0, +), speechFrames = speechFrames(in: 0..<frameIsSpeech.count)
        func fitOf(_ path: (words: [RecognizedWord], score: Float, bonus: Float, lm: Float)) -> Double {
            var gap = Double(freeScore - path.score + path.bonus + path.lm)
            var frames = speechFrames
            for word in path.words where word.word == Grammar.garbage {
                for t in word.startFrame..<min(word.endFrame, phoneShortfall.count) {
                    gap -= Double(phoneShortfall[t] + options.garbagePenalty)
                    if frameIsSpeech[t] { frames -= 1 }
                }
            }
            return frames <= 0 ? 0 : exp(-max(0, gap) / Double(frames))
        }
        // Each different answer once, best first, with its fit and meaning; each one's
        // margin is taken against the best answer that means something else ("nah thank
        // you" does not compete with "no thank you"; a menu option's phrases, tagged with
        // the option, do not compete with each other).
        var answers: [(text: String, meaning: Grammar.Interpretation?, fit: Double, words: Int)] = []
        for path in paths {
            let said = Self.text(path.words)
            if answers.contains(where: { $0.text == said }) { continue }
            let meaning = grammar.parse(said) ?? (hearsFreeText ? Grammar.Interpretation(value: "", slots: [:]) : nil)
            answers.append((said, meaning, fitOf(path), path.words.filter { $0.word != Grammar.garbage }.count))
        }
        let text = answers[0].text, interpretation = answers[0].meaning
        func marginOf(_ i: Int) -> Double {
            let rivals = answers.filter { $0.meaning != answers[i].meaning }.map { log(max($0.fit, 1e-4)) }
            return min(Calibration.widestMargin, rivals.max().map { log(max(answers[i].fit, 1e-4)) - $0 } ?? Calibration.widestMargin)
        }
        func confidenceOf(_ i: Int) -> Double {
            options.calibration?.confidence(fit: answers[i].fit, words: answers[i].words, margin: marginOf(i)) ?? answers[i].fit
        }
        let confidence = confidenceOf(0)
        let reason: String? = speechFrames == 0 ? "no speech"
            : confidence < options.rejectionThreshold ? "low confidence"
            : interpretation == nil ? "no parse" : nil
        let rounded = { (c: Double) in (c * 1000).rounded() / 1000 }
        return RecognitionResult(text: reason == nil ? text : "", interpretation: reason == nil ? interpretation : nil,
                                 confidence: rounded(confidence), fit: rounded(answers[0].fit), margin: rounded(marginOf(0)),
                                 rejected: reason != nil, reason: reason, words: words,
                                 nbest: answers.indices.map { .init(text: answers[$0].text, confidence: rounded(confidenceOf($0)), fit: rounded(answers[$0].fit)) })
    }

    /// Each word's fit: exp(-log-probability it gives up against the unconstrained best path
    /// per frame of speech), over the frames from the previous word's end to its own.
    private func wordFits(_ words: [RecognizedWord]) -> [Double] {
        var from = 0
        return words.map { word in
            let to = min(word.endFrame, freeByFrame.count)
            defer { from = to }
            guard from < to else { return 1 }
            let gap = Double(freeByFrame[from..<to].reduce(0, +) - word.score)
            return exp(-max(0, gap) / Double(max(speechFrames(in: from..<to), 1)))
        }
    }

    /// How many output frames of `range` are speech.
    private func speechFrames(in range: Range<Int>) -> Int {
        frameIsSpeech[range].reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    /// The utterance searched again with twice the word beam, when the first search ended
    /// with no path through the grammar; the options' beam is restored after.
    private func searchAgainWiderBeam() -> [(words: [RecognizedWord], score: Float, bonus: Float, lm: Float)] {
        decoder.reset()
        decoder.wordBeam = options.wordBeam * 2
        defer { decoder.wordBeam = options.wordBeam }
        forEachRow(of: rows) { decoder.advance($0) }
        return decoder.results()
    }

    /// What was said: the words, without the garbage around them.
    private static func text(_ words: [RecognizedWord]) -> String {
        words.map(\.word).filter { $0 != Grammar.garbage }.joined(separator: " ")
    }
}
