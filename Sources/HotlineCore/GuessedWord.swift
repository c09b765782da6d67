/// A word the lexicon lacks, and the pronunciation guessed for it: what a prompt will
/// say, or what a grammar will listen for.
public struct GuessedWord: Sendable, Equatable, CustomStringConvertible {
    /// The word as written.
    public let word: String
    /// How its pronunciation was found (compound, letter-to-sound rules, spelled, a number, or not at all).
    public let source: Lexicon.Source
    /// The phones guessed; empty when the word has no pronunciation at all.
    public let phones: [String]

    /// A guess for `word`.
    public init(word: String, source: Lexicon.Source, phones: [String]) {
        self.word = word
        self.source = source
        self.phones = phones
    }

    /// "'qwikpay' (guessed: K W IH K P EY)", or "'日本' (left out)".
    public var description: String {
        phones.isEmpty ? "'\(word)' (left out)" : "'\(word)' (\(source.rawValue): \(phones.joined(separator: " ").uppercased()))"
    }

    /// One warning naming `words` (of prompts, grammars, ...), for an admin who can add
    /// them to a user lexicon.
    public static func warning(_ words: [GuessedWord], of kind: String = "prompt") -> String {
        "\(kind) words not in the lexicon: " + words.map(\.description).joined(separator: ", ") + "; a user lexicon can correct them"
    }

    /// The error naming listen `words` with no pronunciation at all.
    public static func unhearable(_ words: [GuessedWord]) -> String {
        "phrases with these words can never be heard, the words have no pronunciation: "
            + words.map { "'\($0.word)'" }.joined(separator: ", ") + "; add them to a user lexicon"
    }
}

extension Lexicon {
    /// Those of `words` this lexicon lacks, each once, in order, with their guessed pronunciation.
    public func guessedWords(_ words: some Sequence<String>) -> [GuessedWord] {
        var seen: Set<String> = []
        return words.compactMap { word in
            guard seen.insert(word).inserted else { return nil }
            let (phones, source) = pronunciation(word)
            return source == .dictionary ? nil : GuessedWord(word: word, source: source, phones: phones)
        }
    }
}
