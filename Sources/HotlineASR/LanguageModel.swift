import Foundation
import HotlineCore

/// A statistical word model for open answers ("it arrived broken", "how can I help you?"):
/// a bigram of the flow's own sentences (its menu and global phrases), backed off to
/// unigram word frequencies that mix those sentences with general English
/// (`background`, e.g. `Models/lexicon/background-words.counts`). The recognizer decodes
/// with it as a word graph (`SearchNetwork(languageModel:...)`), so any sequence of its
/// words can be heard, likelier ones more easily.
///
/// Bigrams use interpolated absolute discounting: P(v|w) = max(c(w v) - D, 0) / c(w) +
/// α(w) P(v), with α(w) = D · (successors of w) / c(w).
public struct LanguageModel: Sendable {
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

    /// A model of `sentences` (lower-cased, split into words as grammars are), with
    /// unigram weight `backgroundWeight` on `background` word counts when there are any.
    public init(sentences: [String], background: [String: Int] = [:], backgroundWeight: Double = 0.5) {
        let said = sentences.map(Grammar.words).filter { !$0.isEmpty }
        var counts: [String: Int] = [:], pairs: [String: [String: Int]] = [:]
        for words in said {
            for (w, v) in zip([Self.sentenceStart] + words, words) {
                counts[v, default: 0] += 1
                pairs[w, default: [:]][v, default: 0] += 1
            }
        }
        let own = Double(counts.values.reduce(0, +)), general = Double(background.values.reduce(0, +))
        let weight = own == 0 ? 1 : general == 0 ? 0 : backgroundWeight
        var unigram: [String: Float] = [:]
        for word in Set(counts.keys).union(background.keys) {
            let p = (own > 0 ? (1 - weight) * Double(counts[word] ?? 0) / own : 0)
                + (general > 0 ? weight * Double(background[word] ?? 0) / general : 0)
            unigram[word] = Float(log(p))
        }
        var bigrams: [String: [String: Float]] = [:], backoff: [String: Float] = [:]
        for (history, next) in pairs {
            let total = Double(next.values.reduce(0, +))
            let alpha = Self.discount * Double(next.count) / total
            backoff[history] = Float(log(alpha))
            bigrams[history] = Dictionary(uniqueKeysWithValues: next.map { word, count in
                (word, Float(log(max(Double(count) - Self.discount, 0) / total + alpha * exp(Double(unigram[word]!)))))
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

    /// Word counts from a file of `word<TAB>count` lines (`#` comments).
    public static func counts(contentsOf path: String) throws -> [String: Int] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw InvalidArgument("\(path): cannot read the word counts")
        }
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let n = Int(fields[1]), n > 0 else {
                throw InvalidArgument("\(path): '\(line)' is not 'word<TAB>count'")
            }
            counts[fields[0].lowercased(), default: 0] += n
        }
        return counts
    }
}
