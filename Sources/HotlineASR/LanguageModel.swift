import Foundation
import HotlineCore

/// A statistical word model for open answers ("it arrived broken", "how can I help you?"):
/// a bigram of the flow's own sentences (its menu and global phrases) mixed with a bigram
/// of general English as callers say it (`Background`, e.g.
/// `Models/lexicon/background-words.counts`), backed off to unigram word frequencies that
/// mix the two alike. The recognizer decodes with it as a word graph
/// (`SearchNetwork(languageModel:...)`), so any sequence of its words can be heard, likelier
/// ones more easily.
///
/// Each bigram uses interpolated absolute discounting: P(v|w) = max(c(w v) - D, 0) / c(w) +
/// α(w) P(v), with α(w) = D · (successors of w) / c(w). Where both know the history w, the
/// mixture takes each at the background's weight: it is again a seen part plus α(w) P(v).
public struct LanguageModel: Sendable {
    /// General English: how often words, and pairs of words, occur.
    public struct Background: Sendable, Equatable, ExpressibleByDictionaryLiteral {
        /// Word counts.
        public var words: [String: Int]
        /// Pair counts: history word (or `LanguageModel.sentenceStart`) -> next word -> count.
        public var pairs: [String: [String: Int]]

        public init(words: [String: Int], pairs: [String: [String: Int]]) {
            self.words = words
            self.pairs = pairs
        }

        /// Word counts alone (no pairs).
        public init(dictionaryLiteral elements: (String, Int)...) {
            self.init(words: Dictionary(elements, uniquingKeysWith: +), pairs: [:])
        }
    }

    /// The history of a sentence's first word.
    public static let sentenceStart = "<s>"
    /// The discount D.
    static let discount = 0.75

    /// ln P(w), every word it can hear.
    let unigram: [String: Float]
    /// ln P(v|w) of each successor `v` seen after history `w` (the start included).
    let bigrams: [String: [String: Float]]
    /// ln α(w) of each history with successors.
    let backoff: [String: Float]

    /// The words it can hear, sorted.
    public var vocabulary: [String] { unigram.keys.sorted() }

    /// A model of `sentences` (lower-cased, split into words as grammars are), with weight
    /// `backgroundWeight` on the `background`'s words and pairs when there are any.
    public init(sentences: [String], background: Background = [:], backgroundWeight: Double = 0.5) {
        let said = sentences.map(Grammar.words).filter { !$0.isEmpty }
        var counts: [String: Int] = [:], pairs: [String: [String: Int]] = [:]
        for words in said {
            for (w, v) in zip([Self.sentenceStart] + words, words) {
                counts[v, default: 0] += 1
                pairs[w, default: [:]][v, default: 0] += 1
            }
        }
        let own = Double(counts.values.reduce(0, +)), general = Double(background.words.values.reduce(0, +))
        let weight = own == 0 ? 1 : general == 0 ? 0 : backgroundWeight
        var unigram: [String: Float] = [:]
        for word in Set(counts.keys).union(background.words.keys) {
            let p = (own > 0 ? (1 - weight) * Double(counts[word] ?? 0) / own : 0)
                + (general > 0 ? weight * Double(background.words[word] ?? 0) / general : 0)
            unigram[word] = Float(log(p))
        }
        // Per history: each model's discounted seen part and back-off weight, mixed (a
        // history only one model knows takes that model's bigram whole).
        var seen: [String: [String: Double]] = [:], alpha: [String: Double] = [:]
        for (model, other, share) in [(pairs, background.pairs, 1 - weight), (background.pairs, pairs, weight)] where share > 0 {
            for (history, next) in model {
                let known = next.filter { unigram[$0.key] != nil }
                let total = Double(known.values.reduce(0, +))
                guard total > 0 else { continue }
                let w = other[history]?.contains { unigram[$0.key] != nil } == true ? share : 1
                alpha[history, default: 0] += w * Self.discount * Double(known.count) / total
                for (word, count) in known {
                    seen[history, default: [:]][word, default: 0] += w * max(Double(count) - Self.discount, 0) / total
                }
            }
        }
        var bigrams: [String: [String: Float]] = [:], backoff: [String: Float] = [:]
        for (history, next) in seen {
            let a = alpha[history]!
            backoff[history] = Float(log(a))
            bigrams[history] = Dictionary(uniqueKeysWithValues: next.map { word, part in
                (word, Float(log(part + a * exp(Double(unigram[word]!)))))
            })
        }
        self.unigram = unigram
        self.bigrams = bigrams
        self.backoff = backoff
    }

    /// ln P(`word` | `history`) as the model scores it (for tests and tools).
    public func logProbability(of word: String, after history: String) -> Float? {
        guard let p = unigram[word] else { return nil }
        return bigrams[history]?[word] ?? ((backoff[history] ?? 0) + p)
    }

    /// General English from a file of `word<TAB>count` lines, then `word word<TAB>count`
    /// lines for pairs (the first may be `<s>`, a sentence's start); `#` comments.
    public static func counts(contentsOf path: String) throws -> Background {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw InvalidArgument("\(path): cannot read the word counts")
        }
        var background: Background = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            let words = fields.first?.lowercased().split(separator: " ").map(String.init) ?? []
            guard fields.count == 2, let n = Int(fields[1]), n > 0, (1...2).contains(words.count) else {
                throw InvalidArgument("\(path): '\(line)' is not 'word<TAB>count' or 'word word<TAB>count'")
            }
            if words.count == 1 {
                background.words[words[0], default: 0] += n
            } else {
                background.pairs[words[0], default: [:]][words[1], default: 0] += n
            }
        }
        return background
    }
}
