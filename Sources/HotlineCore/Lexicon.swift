import Foundation


/// Word pronunciations: the CMU dictionary (Models/lexicon/cmudict-en-us.dict) plus an
/// admin's user lexicon; unknown words are read as compounds of known words, by
/// letter-to-sound rules, or spelled.
public final class Lexicon: Sendable {
    private let entries: [String: [String]]
    /// Rules for words not in the files, if any.
    public let letterToSound: LetterToSound?

    /// Reads CMU-format files, with the letter-to-sound rules `lts-rules.txt` beside the
    /// first file when it is there.
    public convenience init(paths: [String]) throws {
        let beside = paths.first.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("lts-rules.txt").path }
        let rules = try beside.flatMap { FileManager.default.fileExists(atPath: $0) ? try LetterToSound(path: $0) : nil }
        try self.init(paths: paths, letterToSound: rules)
    }

    /// A lexicon that cannot be read.
    public struct LoadError: HotlineError {
        public var description: String
    }

    /// Reads CMU-format files ("word PH ON ES" per line; later files override earlier ones).
    public init(paths: [String], letterToSound: LetterToSound?) throws {
        self.letterToSound = letterToSound
        var entries: [String: [String]] = [:]
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw LoadError(description: "\(path): cannot read the lexicon")
            }
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: " ")
                guard parts.count >= 2, !parts[0].hasPrefix(";;") else { continue }
                let word = parts[0].lowercased()
                if word.hasSuffix(")") { continue }   // alternative pronunciations: keep the first
                entries[word] = parts.dropFirst().map { $0.lowercased().filter(\.isLetter) }
            }
        }
        self.entries = entries
    }

    /// Where a pronunciation came from.
    public enum Source: String, Sendable, Codable {
        /// The word is in the dictionary.
        case dictionary
        /// Guessed: joined from the pronunciations of known words.
        case compound
        /// Guessed: by the letter-to-sound rules.
        case guessed
        /// Guessed: read letter by letter.
        case spelled
        /// No pronunciation (empty phones).
        case unknown
    }

    /// Phones of `word`. An unknown word is read as a compound of known words when it
    /// splits into parts of three letters or more ("acmecorp" -> "acme" + "corp"), else by
    /// the letter-to-sound rules when it is letters with a vowel among them, else spelled
    /// out letter by letter ("xqz").
    public func phones(_ word: String) -> [String] { pronunciation(word).phones }

    /// Phones of `word` (lower-case ARPAbet without stress) and how they were found.
    public func pronunciation(_ word: String) -> (phones: [String], source: Source) {
        if let p = entries[word] { return (p, .dictionary) }
        if let parts = compound(word) { return (parts.flatMap { entries[$0]! }, .compound) }
        let letters = word.filter(\.isLetter).map(String.init)
        if let rules = letterToSound, letters.count == word.count, letters.count >= 2, word.allSatisfy(\.isASCII),
           word.contains(where: { "aeiouy".contains($0) }) {
            let phones = rules.phones(word)
            if !phones.isEmpty { return (phones, .guessed) }
        }
        if letters.count == word.count, !letters.isEmpty, letters.allSatisfy({ entries[$0] != nil }) {
            return (letters.flatMap { entries[$0]! }, .spelled)
        }
        return ([], .unknown)
    }

    /// The split of `word` into the fewest known words of 3+ letters, if there is one.
    func compound(_ word: String, depth: Int = 0) -> [String]? {
        let chars = Array(word)
        guard chars.count >= 6, depth < 3 else { return nil }
        for cut in stride(from: chars.count - 3, through: 3, by: -1) {
            let head = String(chars[..<cut]), tail = String(chars[cut...])
            guard entries[head] != nil else { continue }
            if entries[tail] != nil { return [head, tail] }
            if let rest = compound(tail, depth: depth + 1) { return [head] + rest }
        }
        return nil
    }

    /// Whether `word` is in the lexicon.
    public func contains(_ word: String) -> Bool { entries[word] != nil }
}
