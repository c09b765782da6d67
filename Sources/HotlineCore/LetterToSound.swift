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
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadError(description: "\(path): cannot read the letter-to-sound rules")
        }
        var lines = text.split(separator: "\n")
        guard let header = lines.first, header.hasPrefix("#"), let range = header.range(of: "levels (left, right): ") else {
            throw LoadError(description: "\(path): not a letter-to-sound rules file (no header naming the levels)")
        }
        levels = header[range.upperBound...].split(separator: " ").compactMap { pair in
            let lr = pair.split(separator: ":").compactMap { Int($0) }
            return lr.count == 2 ? (lr[0], lr[1]) : nil
        }
        guard !levels.isEmpty, levels.count <= 10 else { throw LoadError(description: "\(path): bad levels in the header") }
        lines.removeFirst()
        var rules: [String: [String]] = [:]
        rules.reserveCapacity(lines.count)
        for (n, line) in lines.enumerated() {
            guard let space = line.lastIndex(of: " ") else { throw LoadError(description: "\(path):\(n + 2): expected 'CONTEXT OUTPUT'") }
            let output = line[line.index(after: space)...]
            rules[String(line[..<space])] = output == "_" ? [] : output.split(separator: "_").map(String.init)
        }
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
