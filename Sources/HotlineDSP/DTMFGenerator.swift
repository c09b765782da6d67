import Foundation
import HotlineCore

/// The 16 DTMF keys and their frequency pairs (ITU-T Q.23).
public enum DTMF {
    /// Low-group (row) frequencies, Hz.
    public static let rowFrequencies: [Double] = [697, 770, 852, 941]
    /// High-group (column) frequencies, Hz.
    public static let columnFrequencies: [Double] = [1209, 1336, 1477, 1633]
    /// Keys by row and column.
    public static let keys: [[Character]] = [["1", "2", "3", "A"], ["4", "5", "6", "B"],
                                             ["7", "8", "9", "C"], ["*", "0", "#", "D"]]
    /// All 16 keys.
    public static let allKeys: [Character] = Array("123A456B789C*0#D")

    /// Row and column index of `key`, or nil if it is not a DTMF key.
    public static func position(of key: Character) -> (row: Int, column: Int)? {
        for (r, row) in keys.enumerated() {
            if let c = row.firstIndex(of: Character(key.uppercased())) { return (r, c) }
        }
        return nil
    }
}

/// Makes DTMF tones: for tests, and for sending digits down the line.
public struct DTMFGenerator: Sendable {
    /// Output rate, Hz.
    public var sampleRate: Int = 8000
    /// Level of the low-group tone, dBm0 (Q.23 nominal about -7 to -10).
    public var lowLevelDbm0: Double = -8
    /// High-group level minus low-group level, dB (negative: normal twist).
    public var twistDb: Double = 0
    /// Relative frequency error applied to the low and the high tone (0.015 = +1.5%).
    public var lowFrequencyError: Double = 0
    /// See `lowFrequencyError`.
    public var highFrequencyError: Double = 0

    /// Default settings: 8 kHz, -8 dBm0 per tone, no twist, exact frequencies.
    public init() {}

    /// `key` for `durationMs`.
    public func tone(_ key: Character, durationMs: Double) throws -> [Float] {
        guard let (r, c) = DTMF.position(of: key) else { throw InvalidArgument("'\(key)' is not a DTMF key") }
        let low = DTMF.rowFrequencies[r] * (1 + lowFrequencyError)
        let high = DTMF.columnFrequencies[c] * (1 + highFrequencyError)
        let a = LineLevel.sineAmplitude(dbm0: lowLevelDbm0)
        let b = LineLevel.sineAmplitude(dbm0: lowLevelDbm0 + twistDb)
        let n = sampleCount(forMs: durationMs, sampleRate: sampleRate)
        let w1 = 2 * Double.pi * low / Double(sampleRate), w2 = 2 * Double.pi * high / Double(sampleRate)
        return (0..<n).map { Float(a * sin(w1 * Double($0)) + b * sin(w2 * Double($0))) }
    }

    /// `keys` as tones of `toneMs` separated by `gapMs` of silence.
    public func sequence(_ keys: String, toneMs: Double = 70, gapMs: Double = 70) throws -> [Float] {
        var out: [Float] = []
        for key in keys {
            out += try tone(key, durationMs: toneMs)
            out += [Float](repeating: 0, count: sampleCount(forMs: gapMs, sampleRate: sampleRate))
        }
        return out
    }
}
