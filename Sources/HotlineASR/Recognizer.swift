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
    }
    /// One alternative of the n-best list.
    public struct Alternative: Sendable, Equatable, Codable {
        public var text: String
        public var confidence: Double
    }
    /// The words, space-separated; empty when rejected.
    public var text: String
    /// The grammar's tags on those words; nil when rejected.
    public var interpretation: Grammar.Interpretation?
    /// 0-1: how close the grammar's best path comes to the best unconstrained phone path.
    public var confidence: Double
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
        RecognitionResult(text: "", interpretation: nil, confidence: 0, rejected: true, reason: reason, words: [], nbest: [])
    }
}

/// A grammar-constrained recognizer for one call: audio in (any chunking), partial
/// hypotheses while the caller speaks, a final result with confidence at the end.
public final class Recognizer {
    /// Tuning a flow can set.
    public struct Options: Sendable {
        /// Results with a lower confidence are rejected.
        /// (0.5, chosen for session 13's acoustic model on sets of training speakers with
        /// `tools/tune-recognizer.py --limit 300`: the most out-of-grammar input rejected,
        /// 83%, with at most 2.5% of in-grammar answers; 0.3 rejected 76% and 2.2%.)
        public var rejectionThreshold: Double = 0.5
        /// Search beam (log-probability).
        public var beam: Float = 40
        /// Score added per word (negative discourages extra words).
        public var wordPenalty: Float = 0
        /// Defaults.
        public init() {}
    }

    /// The grammar being listened for.
    public let grammar: Grammar
    /// Words of the grammar that are not in the lexicon, with the pronunciation guessed
    /// (none for a word left out: the phrases with it cannot be heard).
    public var guessedWords: [GuessedWord] { decoder.network.guessedWords }
    private let options: Options
    private let frontEnd: AcousticFrontEnd
    private let decoder: GrammarDecoder
    private let outputs: Int
    private var freeScore: Float = 0
    private var speechFrames = 0

    /// A recognizer for `grammar` on `model`; words come from `lexicon`.
    public init(model: AcousticModel, grammar: Grammar, lexicon: Lexicon, options: Options = Options()) throws {
        self.grammar = grammar
        self.options = options
        frontEnd = try AcousticFrontEnd(model: model)
        let network = try SearchNetwork(grammar: grammar, lexicon: lexicon, phones: model.phones)
        decoder = GrammarDecoder(network: network)
        decoder.beam = options.beam
        decoder.wordPenalty = options.wordPenalty
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
        (decoder.results(final: false).first?.words.map(\.word) ?? []).joined(separator: " ")
    }

    /// Ends the utterance and returns the result; the recognizer is then ready for the next.
    /// `closingSilence`: see `AcousticFrontEnd.finish(closingSilence:)`.
    public func finish(closingSilence: Bool = true) -> RecognitionResult {
        consume(frontEnd.finish(closingSilence: closingSilence))
        let result = decide()
        frontEnd.reset()
        decoder.reset()
        freeScore = 0
        speechFrames = 0
        return result
    }

    /// One-shot recognition of a whole utterance.
    public func recognize(_ samples: [Float]) -> RecognitionResult {
        accept(samples)
        return finish()
    }

    /// Feeds log-posterior rows (from the front end, or from a test).
    func consume(_ rows: [Float]) {
        rows.withUnsafeBufferPointer { all in
            for t in 0..<(rows.count / outputs) {
                let row = UnsafeBufferPointer(rebasing: all[(t * outputs)..<((t + 1) * outputs)])
                var best = 0
                for k in 1..<outputs where row[k] > row[best] { best = k }
                freeScore += row[best]
                if best != 0 { speechFrames += 1 }
                decoder.advance(row)
            }
        }
    }

    private func decide() -> RecognitionResult {
        let ms = frontEnd.secondsPerOutputFrame * 1000
        let paths = decoder.results()
        guard let best = paths.first else {
            return .rejected(decoder.frames == 0 ? "no speech" : "no path")
        }
        let words = best.words.map {
            RecognitionResult.TimedWord(word: $0.word, startMs: Int(Double($0.startFrame) * ms), endMs: Int(Double($0.endFrame) * ms))
        }
        let text = best.words.map(\.word).joined(separator: " ")
        // The unconstrained best path scores at least as well as any grammar path; the
        // gap per frame of speech says how much the grammar had to force.
        func confidenceOf(_ score: Float) -> Double {
            speechFrames == 0 ? 0 : exp(-Double(freeScore - score) / Double(speechFrames))
        }
        let confidence = confidenceOf(best.score)
        let interpretation = grammar.parse(text)
        let reason: String? = speechFrames == 0 ? "no speech"
            : confidence < options.rejectionThreshold ? "low confidence"
            : interpretation == nil ? "no parse" : nil
        let rounded = { (c: Double) in (c * 1000).rounded() / 1000 }
        return RecognitionResult(text: reason == nil ? text : "", interpretation: reason == nil ? interpretation : nil,
                                 confidence: rounded(confidence), rejected: reason != nil, reason: reason, words: words,
                                 nbest: paths.map { .init(text: $0.words.map(\.word).joined(separator: " "), confidence: rounded(confidenceOf($0.score))) })
    }
}
