import Foundation

/// Letter-to-sound rules for words the dictionary lacks, learned from it by
/// tools/train-lts.py (Models/lexicon/lts-rules.txt).
///
/// Each letter says nothing, one phone or two ("x" -> "k s"), chosen by the widest
/// context of surrounding letters the rules hold for it: the file lists, per context
/// width, only the contexts whose output differs from the next narrower one's, so the
/// widest match is the answer. On CMU words held out of training (mostly names): 58%
/// right as a whole, 10% phone errors.
public struct LetterToSound: Sendable {
    /// Context widths (letters to the left, to the right), narrowest first.
    let levels: [(left: Int, right: Int)]
    /// "LEVEL LEFT[LETTER]RIGHT" -> phones.
    let rules: [String: [String]]

    /// Rules that cannot be read.
    public struct LoadError: HotlineError {
        public var description: String
    }

    /// Reads a rules file.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the letter-to-sound rules")
        }
        let headerEnd = data.firstIndex(of: 10) ?? data.endIndex
        let header = String(decoding: data[..<headerEnd], as: UTF8.self)
        guard header.hasPrefix("#"), let range = header.range(of: "levels (left, right): ") else {
            throw LoadError(description: "\(path): not a letter-to-sound rules file (no header naming the levels)")
        }
        levels = header[range.upperBound...].split(separator: " ").compactMap { pair in
            let lr = pair.split(separator: ":").compactMap { Int($0) }
            return lr.count == 2 ? (lr[0], lr[1]) : nil
        }
        guard !levels.isEmpty, levels.count <= 10 else { throw LoadError(description: "\(path): bad levels in the header") }
        // Bytes, not String splitting: about 110k lines load in a fraction of the time.
        var rules: [String: [String]] = [:], outputs: [String: [String]] = [:]
        rules.reserveCapacity(data.count / 12)
        var problem: Int?
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = headerEnd - data.startIndex + 1, line = 2
            while start < bytes.count {
                var end = start, space = -1
                while end < bytes.count, bytes[end] != 10 {
                    if bytes[end] == 32 { space = end }
                    end += 1
                }
                if end > start {
                    guard space > start else { problem = line; return }
                    let output = String(decoding: UnsafeBufferPointer(rebasing: bytes[(space + 1)..<end]), as: UTF8.self)
                    let phones = outputs[output] ?? (output == "_" ? [] : output.split(separator: "_").map(String.init))
                    outputs[output] = phones
                    rules[String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<space]), as: UTF8.self)] = phones
                }
                start = end + 1
                line += 1
            }
        }
        if let line = problem { throw LoadError(description: "\(path):\(line): expected 'CONTEXT OUTPUT'") }
        self.rules = rules
    }

    /// Phones for a lower-case `word` (letters a-z; others are skipped).
    public func phones(_ word: String) -> [String] {
        let padded = ["#"] + word.lowercased().filter { $0.isASCII && $0.isLetter }.map(String.init) + ["#"]
        var out: [String] = []
        for i in 1..<max(1, padded.count - 1) {
            for level in stride(from: levels.count - 1, through: 0, by: -1) {
                let (left, right) = levels[level]
                let key = "\(level)" + padded[max(0, i - left)..<i].joined() + "[" + padded[i] + "]"
                    + padded[(i + 1)..<min(padded.count, i + 1 + right)].joined()
                if let phones = rules[key] {
                    out += phones
                    break
                }
            }
        }
        return out
    }
}
