import Foundation
import HotlineASR

/// Intent classification trained at flow load time from a few example sentences per
/// intent: TF-IDF vectors of word unigrams and bigrams plus character trigrams (robust
/// to recognition slips), numbers replaced by a placeholder, scored by cosine similarity
/// to each intent's closest example. The words callers put around an answer without
/// meaning anything by them (`Fillers`: "i would like to ...", "... please") are left out
/// first, as the recognizer hears them, so they do not dilute what the caller asked for.
public struct IntentClassifier: Sendable {
    /// One ranked answer.
    public struct Score: Sendable, Equatable {
        /// The intent.
        public var intent: String
        /// Cosine similarity, 0...1.
        public var score: Double
    }

    /// Scores below this give no intent ("none").
    public var threshold: Double
    private let examples: [(intent: String, vector: [String: Double])]
    private let idf: [String: Double]

    /// Trains on `examples` (intent -> sentences).
    public init(examples: [(intent: String, sentences: [String])], threshold: Double = 0.45) {
        self.threshold = threshold
        let documents = examples.flatMap { e in e.sentences.map { (e.intent, Self.features($0)) } }
        var frequency: [String: Int] = [:]
        for (_, features) in documents { for f in Set(features.keys) { frequency[f, default: 0] += 1 } }
        let n = Double(max(documents.count, 1))
        let idf = frequency.mapValues { log((n + 1) / (Double($0) + 1)) + 1 }
        self.idf = idf
        self.examples = documents.map { ($0.0, Self.weighted($0.1, idf: idf)) }
    }

    /// Intents ranked by score (best first); empty when none reaches the threshold.
    public func classify(_ text: String) -> [Score] {
        let vector = Self.weighted(Self.features(text), idf: idf)
        var best: [String: Double] = [:]
        for example in examples {
            let s = Self.cosine(vector, example.vector)
            best[example.intent] = max(best[example.intent] ?? 0, s)
        }
        return best.map { Score(intent: $0.key, score: $0.value) }
            .filter { $0.score >= threshold }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.intent < $1.intent) }
    }

    /// Contractions spelled out, so "doesn't work" meets "does not work".
    static let contractions: [String: [String]] = [
        "doesn't": ["does", "not"], "don't": ["do", "not"], "isn't": ["is", "not"], "can't": ["can", "not"],
        "won't": ["will", "not"], "didn't": ["did", "not"], "it's": ["it", "is"], "what's": ["what", "is"],
        "where's": ["where", "is"], "i'd": ["i", "would"], "i'm": ["i", "am"], "that's": ["that", "is"],
    ]

    /// Words that say little about what the caller wants on their own ("a refund" and "a
    /// pizza" share only "a"): they count a third as much as other words.
    static let functionWords: Set<String> = ["a", "an", "the", "to", "of", "for", "on", "in", "at", "and", "or", "with",
                                             "it", "is", "i", "me", "my", "you", "your", "this", "that", "do", "can", "be"]

    static func features(_ text: String) -> [String: Double] {
        let words = Fillers.stripped(SpokenValues.words(text)).flatMap { contractions[$0] ?? [$0] }
            .map { $0.allSatisfy(\.isNumber) || SpokenValues.smallNumbers[$0] != nil ? "<num>" : stem($0) }
        var f: [String: Double] = [:]
        for (i, w) in words.enumerated() {
            let weight = functionWords.contains(w) ? 0.3 : 1
            f["w:" + w, default: 0] += weight
            if i > 0 { f["b:" + words[i - 1] + " " + w, default: 0] += 1 }
            let padded = Array("#" + w + "#")
            if padded.count >= 3 { for j in 0...(padded.count - 3) { f["c:" + String(padded[j..<(j + 3)]), default: 0] += 0.3 * weight } }
        }
        return f
    }

    /// A crude suffix stripper: "returns", "returned", "returning" -> "return".
    static func stem(_ word: String) -> String {
        for suffix in ["ing", "ed", "es", "s"] where word.count > suffix.count + 3 && word.hasSuffix(suffix) {
            return String(word.dropLast(suffix.count))
        }
        return word
    }

    // Sums run in key order, not the dictionary's (which differs from process to process):
    // two intents that tie must tie exactly, or the same words could choose differently
    // from one call to the next.
    static func weighted(_ f: [String: Double], idf: [String: Double]) -> [String: Double] {
        var v = f.mapValues { $0 }
        for (k, x) in v { v[k] = x * (idf[k] ?? 1) }
        let norm = v.keys.sorted().reduce(0) { $0 + v[$1]! * v[$1]! }.squareRoot()
        return norm > 0 ? v.mapValues { $0 / norm } : v
    }

    static func cosine(_ a: [String: Double], _ b: [String: Double]) -> Double {
        let (small, large) = a.count < b.count ? (a, b) : (b, a)
        return small.keys.sorted().reduce(0) { $0 + small[$1]! * (large[$1] ?? 0) }
    }
}

extension IntentClassifier {
    /// Held-out accuracy of intents learnt from `examples`: each sentence is classified
    /// by a classifier trained on all the others (leave-one-out). Returns, per intent,
    /// how many of its sentences came back as that intent.
    public static func leaveOneOutAccuracy(_ examples: [(intent: String, sentences: [String])],
                                           threshold: Double = 0.45) -> [(intent: String, correct: Int, total: Int)] {
        examples.enumerated().map { i, example in
            var correct = 0
            for (j, sentence) in example.sentences.enumerated() {
                var training = examples
                training[i].sentences.remove(at: j)
                let classifier = IntentClassifier(examples: training, threshold: threshold)
                if classifier.classify(sentence).first?.intent == example.intent { correct += 1 }
            }
            return (example.intent, correct, example.sentences.count)
        }
    }
}
