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
        let beside = paths.first.map { URL(fileURLWithPath: DataFile.resolve($0)).deletingLastPathComponent().appendingPathComponent("lts-rules.txt").path }
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
        entries.reserveCapacity(140_000)
        for path in paths {
            guard let data = FileManager.default.contents(atPath: DataFile.resolve(path)) else {
                throw LoadError(description: "\(path): cannot read the lexicon")
            }
            // Bytes, not String splitting: the 135k-line dictionary loads several times faster.
            var fields: [Range<Int>] = [], phones: [String: String] = [:]
            let problem: String? = data.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                var start = 0
                while start < bytes.count {
                    var end = start
                    while end < bytes.count, bytes[end] != 10, bytes[end] != 13 { end += 1 }
                    if let bad = Self.parse(UnsafeBufferPointer(rebasing: bytes[start..<end]), into: &entries, fields: &fields, phones: &phones) {
                        let line = 1 + bytes[..<start].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                        return "\(path):\(line): unknown phone \(bad); phones are ARPAbet (\(Self.arpabet.sorted().joined(separator: " ").uppercased()), stress digits allowed)"
                    }
                    start = end + 1
                }
                return nil
            }
            if let problem { throw LoadError(description: problem) }
        }
        self.entries = entries
    }

    /// The 39 phones of the CMU dictionary (lower case, without stress).
    static let arpabet: Set<String> = ["aa", "ae", "ah", "ao", "aw", "ay", "b", "ch", "d", "dh", "eh", "er", "ey", "f", "g",
                                       "hh", "ih", "iy", "jh", "k", "l", "m", "n", "ng", "ow", "oy", "p", "r", "s", "sh", "t",
                                       "th", "uh", "uw", "v", "w", "y", "z", "zh"]

    /// One "word PH ON ES" line (";;" comments and "word(2)" alternatives skipped): the
    /// word lower-cased, the phones lower-cased without stress digits. Returns "'XX' in
    /// 'word'" for a phone that is not ARPAbet (the line is then not taken).
    /// `fields` and `phones` (written form -> phone) are reused from line to line.
    private static func parse(_ line: UnsafeBufferPointer<UInt8>, into entries: inout [String: [String]],
                              fields: inout [Range<Int>], phones: inout [String: String]) -> String? {
        fields.removeAll(keepingCapacity: true)
        var i = 0
        while i < line.count {
            while i < line.count, line[i] == 32 || line[i] == 9 { i += 1 }
            let from = i
            while i < line.count, line[i] != 32, line[i] != 9 { i += 1 }
            if i > from { fields.append(from..<i) }
        }
        guard fields.count >= 2 else { return nil }
        let head = UnsafeBufferPointer(rebasing: line[fields[0]])
        if head.starts(with: [59, 59]) || head.last == 41 { return nil }   // ";;", "...)"
        var pronunciation: [String] = []
        for range in fields.dropFirst() {
            let written = String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
            if let phone = phones[written] { pronunciation.append(phone); continue }
            let phone = written.lowercased().filter(\.isLetter)
            guard arpabet.contains(phone), written.allSatisfy({ $0.isLetter || ("0"..."2").contains($0) }) else {
                return "'\(written)' in '\(String(decoding: head, as: UTF8.self))'"
            }
            phones[written] = phone
            pronunciation.append(phone)
        }
        entries[String(decoding: head, as: UTF8.self).lowercased()] = pronunciation
        return nil
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
        /// Guessed: a numeral read as a cardinal number ("12" as "twelve").
        case number
        /// No pronunciation (empty phones).
        case unknown
    }

    /// Phones of `word`. An unknown word is read as a compound of known words when it
    /// splits into parts of three letters or more ("acmecorp" -> "acme" + "corp"), else by
    /// the letter-to-sound rules when it is letters with a vowel among them, else spelled
    /// out letter by letter ("xqz"). Accented letters are read without their accents
    /// ("café" as "cafe"); a numeral is read as a cardinal number ("12" as "twelve").
    public func phones(_ word: String) -> [String] { pronunciation(word).phones }

    /// Phones of `word` (lower-case ARPAbet without stress) and how they were found.
    public func pronunciation(_ word: String) -> (phones: [String], source: Source) {
        if let p = entries[word] { return (p, .dictionary) }
        if !word.allSatisfy(\.isASCII) {
            let plain = word.folding(options: .diacriticInsensitive, locale: nil)
            if plain != word, plain.allSatisfy(\.isASCII) { return pronunciation(plain) }
        }
        if let parts = compound(word) { return (parts.flatMap { entries[$0]! }, .compound) }
        if word.count <= 15, word.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(word) {
            let words = NumberWords.cardinal(n)
            if words.allSatisfy({ entries[$0] != nil }) { return (words.flatMap { entries[$0]! }, .number) }
        }
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
