import Foundation
import HotlineCore

/// How a stretch of words is to be said.
public struct Prosody: Sendable, Equatable {
    /// Speaking rate relative to normal (0.5 slow ... 2 fast).
    public var rate: Double = 1
    /// Pitch relative to normal (0.8 low ... 1.2 high).
    public var pitch: Double = 1
    /// Whether the words are stressed.
    public var emphasis = false

    /// Normal speech.
    public init(rate: Double = 1, pitch: Double = 1, emphasis: Bool = false) {
        self.rate = rate
        self.pitch = pitch
        self.emphasis = emphasis
    }
}

/// Text in its spoken form: words to say and pauses, with prosody.
public enum SpokenToken: Sendable, Equatable {
    /// A word, lowercase, as it is pronounced ("twenty", "a", "b"); the spelled letter A
    /// is "a.", the dictionary's name for it, since "a" is the article.
    case word(String, Prosody)
    /// Silence, in ms (punctuation, `<break>`, digit groups of a phone number).
    case pause(Int)
    /// The end of a question (for a rising contour).
    case questionEnd
}

extension Array where Element == SpokenToken {
    /// Words joined by spaces (the letter A as "a"), pauses as "," (under 300 ms) or "."
    /// (longer): for logs, tests and `hotline normalize`.
    public var spokenText: String {
        var out = ""
        for token in self {
            switch token {
            case .word(let w, _): out += (out.isEmpty || out.hasSuffix(" ") ? "" : " ") + (w == "a." ? "a" : w)
            case .pause(let ms): if !out.isEmpty, ![", ", ". ", "? "].contains(where: out.hasSuffix) { out += ms < 300 ? ", " : ". " }
            case .questionEnd: if out.hasSuffix(". ") { out.removeLast(2) }; out += "? "
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}

extension Array where Element == SpokenToken {
    /// The words the lexicon lacks, each once, in order.
    public func guessedWords(_ lexicon: Lexicon) -> [GuessedWord] {
        lexicon.guessedWords(compactMap { token in
            guard case .word(let word, _) = token else { return nil }
            return word
        })
    }
}
