import Foundation

/// SplitMix64: a small seeded generator, so a fuzz failure repeats; and the mutations
/// the fuzz suites apply to files and text.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    /// A generator whose sequence `seed` fixes.
    public init(_ seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in 0..<n.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// `data` with 1-8 random edits: bytes flipped, cut, inserted, a stretch repeated or
    /// the file truncated (headers are hit often: edits favour the first 64 bytes).
    public mutating func mutate(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        for _ in 0..<(1 + below(8)) where !bytes.isEmpty {
            let at = below(4) == 0 ? below(min(64, bytes.count)) : below(bytes.count)
            switch below(6) {
            case 0: bytes[at] ^= UInt8(1 << below(8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: next())
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(64)))
            case 3: bytes.insert(contentsOf: (0..<(1 + below(16))).map { _ in UInt8(truncatingIfNeeded: next()) }, at: at)
            case 4: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 1 + below(256))], at: at)
            default: bytes.removeSubrange(at...)
            }
        }
        return Data(bytes)
    }

    /// `text` with 1-4 edits: a line dropped or repeated, a piece inserted, characters cut.
    public mutating func mutate(text: String, pieces: [String]) -> String {
        var lines = text.components(separatedBy: "\n")
        for _ in 0..<(1 + below(4)) where !lines.isEmpty {
            let at = below(lines.count)
            switch below(5) {
            case 0: lines.remove(at: at)
            case 1: lines.insert(lines[at], at: at)
            case 2:
                var line = Array(lines[at])
                line.insert(contentsOf: pieces[below(pieces.count)], at: line.isEmpty ? 0 : below(line.count + 1))
                lines[at] = String(line)
            case 3:
                var line = Array(lines[at])
                if !line.isEmpty {
                    let start = below(line.count)
                    line.removeSubrange(start..<min(line.count, start + 1 + below(8)))
                }
                lines[at] = String(line)
            default: lines[at] = String(lines[at].reversed())
            }
        }
        return lines.joined(separator: "\n")
    }
}
