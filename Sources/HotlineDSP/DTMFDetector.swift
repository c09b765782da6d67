import Foundation
import HotlineCore

/// A DTMF key heard on the line, with when it started and ended (in samples).
public struct DTMFDigit: Sendable, Equatable {
    /// The key: 0-9, *, #, A-D.
    public var key: Character
    /// First sample of the first window that heard it.
    public var startSample: Int
    /// Last sample (exclusive) of the last window that heard it.
    public var endSample: Int
}

/// What the DTMF detector reports.
public enum DTMFEvent: Sendable, Equatable {
    /// A key has been confirmed (sent as soon as the tone has lasted long enough, so a
    /// menu can react before the caller lets go).
    case began(key: Character, startSample: Int)
    /// The key's tone stopped; reported once per key press.
    case ended(DTMFDigit)
}

/// DTMF receiver after ITU-T Q.24: Goertzel filters over 20 ms windows every 5 ms.
///
/// Each window is tested with a bank of 64 Goertzel filters: every DTMF frequency at
/// -3.5, -1.5, -0.75, 0, +0.75, +1.5 and +3.5 %, and its second harmonic. A window
/// holds key (r, c) when the strongest row and column tones
/// - lie within tolerance: the best in-band probe (-1.5..+1.5%) beats the out-of-band
///   probes (+-3.5%), which puts the accept/reject boundary near +-2.5%;
/// - are loud enough (`minimumLevelDbm0`) and carry nearly all the window's energy
///   (`minimumPurity`; the in-band probes are close enough that an in-tolerance tone
///   loses at most 0.2 dB, so a true key in 15 dB SNR noise scores above 0.9 while the
///   most tone-like speech in ../shared/speech reaches 0.81);
/// - stand `relativePeakDb` above the other tones of their group;
/// - have a twist within `maximumNormalTwistDb` / `maximumReverseTwistDb`;
/// - have weak second harmonics (`secondHarmonicDb` below; voiced speech has strong ones).
///   A row's harmonic is only checked when no column tone lies within 150 Hz of it
///   (2 x 697 = 1394 Hz is 58 Hz from 1336 Hz, whose leakage would fail the test).
/// Duration: only windows (almost) entirely covered by the tone pass the purity test,
/// so a run of `beginWindows` consecutive windows holding the same key begins it: a
/// 40 ms tone yields 4-5 such windows on the 5 ms grid, a 23 ms tone at most 2. A key
/// ends after `endWindows` windows without it: a 10 ms drop-out spoils at most 6, a
/// 40 ms pause at least 11, so drop-outs are bridged and pauses separate presses.
public final class DTMFDetector {
    /// Thresholds; the defaults meet Q.24 (see the tests) with no talk-off on ../shared/speech.
    public struct Options: Sendable, Equatable {
        /// Quietest tone accepted, dBm0 (Q.24 asks for -25).
        public var minimumLevelDbm0 = -30.0
        /// Share of the window's energy the two tones must carry.
        public var minimumPurity: Float = 0.85
        /// How far each tone must stand above the others of its group, dB.
        public var relativePeakDb: Float = 8
        /// High tone weaker than low by at most this, dB (Q.24: 8 accepted).
        public var maximumNormalTwistDb: Float = 10
        /// High tone stronger than low by at most this, dB (Q.24: 4 accepted).
        public var maximumReverseTwistDb: Float = 6
        /// Second harmonic at least this far below its fundamental, dB.
        public var secondHarmonicDb: Float = 12
        /// Consecutive windows that begin a key.
        public var beginWindows = 3
        /// Windows without the key that end it.
        public var endWindows = 8

        /// The defaults.
        public init() {}
    }

    /// Samples per second (8000).
    public let sampleRate: Int
    /// Samples per analysis window (20 ms).
    public let windowSize: Int
    /// Samples between windows (5 ms).
    public let hopSize: Int
    /// Thresholds in use.
    public let options: Options

    private let bank: GoertzelBank
    private var buffer: [Float] = []
    /// Absolute index of `buffer[0]`.
    private var bufferStart = 0
    private var received = 0
    private var nextWindowEnd: Int
    private var powers: [Float]
    // Key tracking: the run of consecutive windows holding `candidate`.
    private var candidate: Character?
    private var candidateStart = 0
    private var runLength = 0
    private var current: DTMFDigit?
    private var misses = 0

    /// Relative offsets of the probes around each DTMF frequency; the first and last are
    /// out of band.
    static let probeOffsets = [-0.035, -0.015, -0.0075, 0, 0.0075, 0.015, 0.035]

    /// A detector for audio at `sampleRate` Hz.
    public init(sampleRate: Int = 8000, options: Options = Options()) {
        self.sampleRate = sampleRate
        self.options = options
        windowSize = sampleRate / 50
        hopSize = sampleRate / 200
        nextWindowEnd = windowSize
        var frequencies: [Double] = []
        let tones = DTMF.rowFrequencies + DTMF.columnFrequencies
        for offset in Self.probeOffsets { frequencies += tones.map { $0 * (1 + offset) } }
        frequencies += tones.map { 2 * $0 }
        bank = GoertzelBank(frequencies: frequencies, sampleRate: Double(sampleRate))
        powers = [Float](repeating: 0, count: frequencies.count)
    }

    /// Feeds samples (float, full scale 1.0) and returns what they completed.
    public func process(_ samples: [Float]) -> [DTMFEvent] {
        buffer += samples
        received += samples.count
        var events: [DTMFEvent] = []
        while nextWindowEnd <= received {
            let key = analyze(windowEndingAt: nextWindowEnd)
            track(key, windowEnd: nextWindowEnd, into: &events)
            nextWindowEnd += hopSize
        }
        let keep = nextWindowEnd - windowSize - bufferStart
        if keep > 4096 {
            buffer.removeFirst(keep)
            bufferStart += keep
        }
        return events
    }

    /// Ends the stream: a key still held is reported as ended.
    public func finish() -> [DTMFEvent] {
        defer { current = nil; candidate = nil }
        if let digit = current { return [.ended(digit)] }
        return []
    }

    /// The key one window holds, if any.
    private func analyze(windowEndingAt end: Int) -> Character? {
        let start = end - windowSize - bufferStart
        var energy: Float = 0
        buffer.withUnsafeBufferPointer { all in
            let window = all.baseAddress! + start
            energy = DotProduct.simd(window, window, count: windowSize)
            powers.withUnsafeMutableBufferPointer { bank.powers(window, count: windowSize, into: $0.baseAddress!) }
        }
        guard energy > 0 else { return nil }
        // powers: probe p (see probeOffsets) of tone k at p * 8 + k; harmonics at 56 + k.
        func inBand(_ k: Int) -> Float {
            max(max(powers[8 + k], powers[16 + k]), max(powers[24 + k], powers[32 + k]), powers[40 + k])
        }
        func outBand(_ k: Int) -> Float { max(powers[k], powers[48 + k]) }
        let rowPowers = (0..<4).map(inBand), columnPowers = (4..<8).map(inBand)
        let r = rowPowers.indices.max { rowPowers[$0] < rowPowers[$1] }!
        let c = columnPowers.indices.max { columnPowers[$0] < columnPowers[$1] }!
        let low = rowPowers[r], high = columnPowers[c]
        let n = Float(windowSize)
        // Amplitude of a sine from its Goertzel power: 2 sqrt(P) / N.
        let minimumAmplitude = Float(LineLevel.sineAmplitude(dbm0: options.minimumLevelDbm0))
        guard 2 * low.squareRoot() / n >= minimumAmplitude, 2 * high.squareRoot() / n >= minimumAmplitude else { return nil }
        guard 2 * (low + high) / n >= options.minimumPurity * energy else { return nil }
        guard low > outBand(r), high > outBand(4 + c) else { return nil }
        let peak = pow(10, -options.relativePeakDb / 10)
        for j in 0..<4 where j != r && rowPowers[j] > low * peak { return nil }
        for j in 0..<4 where j != c && columnPowers[j] > high * peak { return nil }
        let twistDb = 10 * log10(high / low)
        guard twistDb >= -options.maximumNormalTwistDb, twistDb <= options.maximumReverseTwistDb else { return nil }
        let harmonic = pow(10, -options.secondHarmonicDb / 10)
        guard powers[60 + c] <= high * harmonic else { return nil }
        if abs(2 * DTMF.rowFrequencies[r] - DTMF.columnFrequencies[c]) > 150, powers[56 + r] > low * harmonic { return nil }
        return DTMF.keys[r][c]
    }

    private func track(_ key: Character?, windowEnd: Int, into events: inout [DTMFEvent]) {
        let windowStart = windowEnd - windowSize
        if var digit = current {
            if key == digit.key {
                misses = 0
                digit.endSample = windowEnd
                current = digit
                return
            }
            misses += 1
            guard misses >= options.endWindows else { return }
            events.append(.ended(digit))
            current = nil
            candidate = nil
        }
        guard let key else {
            candidate = nil
            return
        }
        if candidate != key {
            candidate = key
            candidateStart = windowStart
            runLength = 0
        }
        runLength += 1
        if runLength >= options.beginWindows {
            current = DTMFDigit(key: key, startSample: candidateStart, endSample: windowEnd)
            misses = 0
            events.append(.began(key: key, startSample: candidateStart))
        }
    }
}
