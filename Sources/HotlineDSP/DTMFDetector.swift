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

    /// A key heard from `startSample` to `endSample` (or signalled over that span).
    public init(key: Character, startSample: Int, endSample: Int) {
        (self.key, self.startSample, self.endSample) = (key, startSample, endSample)
    }
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
/// Each 5 ms block of samples goes through the filters once; a window's spectrum is
/// the phase-aligned sum of its four blocks' complex outputs (`GoertzelBank.dft`), so
/// every sample is filtered once rather than once per overlapping window.
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
    /// Blocks per window.
    private let blocksPerWindow: Int
    /// Per block of the window (0 = oldest) and frequency: e^(-i w hop j), padded lanes.
    private let rotationRe: [Float], rotationIm: [Float]
    /// The block being filled.
    private var block: [Float]
    private var blockFill = 0
    /// The last `blocksPerWindow` blocks' complex outputs (ring slot after ring slot,
    /// `paddedCount` lanes each) and energies.
    private var blockRe: [Float], blockIm: [Float], blockEnergy: [Float]
    private var blocksDone = 0
    private var powers: [Float]
    /// Non-finite input samples replaced by zero so far.
    public private(set) var nonFiniteSampleCount = 0
    /// The options' dB thresholds as linear power ratios, computed once.
    private let thresholds: (minimumAmplitude: Float, relativePeak: Float, normalTwist: Float, reverseTwist: Float, harmonic: Float)
    /// Whether a key's tone is sounding: held, ending (`endWindows`) or not yet confirmed
    /// (`beginWindows`). What a voice detector hears meanwhile is the tone, not speech.
    public var hearsTone: Bool { candidate != nil }
    /// Where the tone sounding now began (samples since the detector started), while `hearsTone`.
    public var toneStartSample: Int? { candidate == nil ? nil : candidateStart }

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
        thresholds = (Float(LineLevel.sineAmplitude(dbm0: options.minimumLevelDbm0)),
                      pow(10, -options.relativePeakDb / 10), pow(10, -options.maximumNormalTwistDb / 10),
                      pow(10, options.maximumReverseTwistDb / 10), pow(10, -options.secondHarmonicDb / 10))
        windowSize = sampleRate / 50
        hopSize = sampleRate / 200
        var frequencies: [Double] = []
        let tones = DTMF.rowFrequencies + DTMF.columnFrequencies
        for offset in Self.probeOffsets { frequencies += tones.map { $0 * (1 + offset) } }
        frequencies += tones.map { 2 * $0 }
        bank = GoertzelBank(frequencies: frequencies, sampleRate: Double(sampleRate))
        let lanes = bank.paddedCount
        blocksPerWindow = windowSize / hopSize
        var re = [Float](repeating: 0, count: blocksPerWindow * lanes), im = re
        for j in 0..<blocksPerWindow {
            for (k, f) in frequencies.enumerated() {
                let angle = -2 * Double.pi * f / Double(sampleRate) * Double(hopSize * j)
                re[j * lanes + k] = Float(cos(angle))
                im[j * lanes + k] = Float(sin(angle))
            }
        }
        rotationRe = re
        rotationIm = im
        block = [Float](repeating: 0, count: hopSize)
        blockRe = [Float](repeating: 0, count: blocksPerWindow * lanes)
        blockIm = blockRe
        blockEnergy = [Float](repeating: 0, count: blocksPerWindow)
        powers = [Float](repeating: 0, count: lanes)
    }

    /// Feeds samples (float, full scale 1.0) and returns what they completed.
    public func process(_ samples: [Float]) -> [DTMFEvent] {
        var events: [DTMFEvent] = []
        samples.withUnsafeBufferPointer { input in
            var i = 0
            while i < input.count {
                let n = min(hopSize - blockFill, input.count - i)
                block.withUnsafeMutableBufferPointer { b in
                    nonFiniteSampleCount += copyReplacingNonFinite(UnsafeBufferPointer(rebasing: input[i..<(i + n)]),
                                                                   scale: 1, into: b.baseAddress! + blockFill)
                }
                blockFill += n
                i += n
                guard blockFill == hopSize else { break }
                blockFill = 0
                filterBlock()
                if blocksDone >= blocksPerWindow {
                    let windowEnd = blocksDone * hopSize
                    track(analyzeWindow(), windowEnd: windowEnd, into: &events)
                }
            }
        }
        return events
    }

    /// Runs the filters over the completed block into the ring.
    private func filterBlock() {
        let slot = blocksDone % blocksPerWindow
        block.withUnsafeBufferPointer { b in
            blockEnergy[slot] = DotProduct.simd(b.baseAddress!, b.baseAddress!, count: hopSize)
            let lanes = bank.paddedCount
            blockRe.withUnsafeMutableBufferPointer { re in
                blockIm.withUnsafeMutableBufferPointer { im in
                    bank.dft(b.baseAddress!, count: hopSize, re: re.baseAddress! + slot * lanes, im: im.baseAddress! + slot * lanes)
                }
            }
        }
        blocksDone += 1
    }

    /// Ends the stream: a key still held is reported as ended.
    public func finish() -> [DTMFEvent] {
        defer { current = nil; candidate = nil }
        if let digit = current { return [.ended(digit)] }
        return []
    }

    /// The key the window of the last `blocksPerWindow` blocks holds, if any.
    private func analyzeWindow() -> Character? {
        let lanes = bank.paddedCount, blocks = blocksPerWindow, done = blocksDone
        let energy = blockEnergy.reduce(0, +)
        blockRe.withUnsafeBytes { re in
            blockIm.withUnsafeBytes { im in
                rotationRe.withUnsafeBytes { cr in
                    rotationIm.withUnsafeBytes { ci in
                        powers.withUnsafeMutableBytes { out in
                            for lane in stride(from: 0, to: lanes * 4, by: 32) {
                                var sumRe = SIMD8<Float>(), sumIm = SIMD8<Float>()
                                for j in 0..<blocks {
                                    // Block j of the window (0 = oldest) sits in ring slot (done + j) % blocks.
                                    let at = ((done + j) % blocks) * lanes * 4 + lane, rot = j * lanes * 4 + lane
                                    let yr = re.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
                                    let yi = im.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
                                    let wr = cr.loadUnaligned(fromByteOffset: rot, as: SIMD8<Float>.self)
                                    let wi = ci.loadUnaligned(fromByteOffset: rot, as: SIMD8<Float>.self)
                                    sumRe += yr * wr - yi * wi
                                    sumIm += yr * wi + yi * wr
                                }
                                out.storeBytes(of: sumRe * sumRe + sumIm * sumIm, toByteOffset: lane, as: SIMD8<Float>.self)
                            }
                        }
                    }
                }
            }
        }
        guard energy > 0 else { return nil }
        // powers: probe p (see probeOffsets) of tone k at p * 8 + k (rows in lanes 0-3,
        // columns in 4-7), harmonics at 56 + k. In-band is the best of probes 1-5.
        let (inBand, outBand) = powers.withUnsafeBytes { raw -> (SIMD8<Float>, SIMD8<Float>) in
            func probe(_ p: Int) -> SIMD8<Float> { raw.loadUnaligned(fromByteOffset: p * 32, as: SIMD8<Float>.self) }
            var best = probe(1)
            for p in 2...5 { best = pointwiseMax(best, probe(p)) }
            return (best, pointwiseMax(probe(0), probe(6)))
        }
        var r = 0, c = 0
        for k in 1..<4 {
            if inBand[k] > inBand[r] { r = k }
            if inBand[4 + k] > inBand[4 + c] { c = k }
        }
        let low = inBand[r], high = inBand[4 + c]
        let n = Float(windowSize)
        // Amplitude of a sine from its Goertzel power: 2 sqrt(P) / N.
        guard 2 * low.squareRoot() / n >= thresholds.minimumAmplitude, 2 * high.squareRoot() / n >= thresholds.minimumAmplitude else { return nil }
        guard 2 * (low + high) / n >= options.minimumPurity * energy else { return nil }
        guard low > outBand[r], high > outBand[4 + c] else { return nil }
        for j in 0..<4 where j != r && inBand[j] > low * thresholds.relativePeak { return nil }
        for j in 0..<4 where j != c && inBand[4 + j] > high * thresholds.relativePeak { return nil }
        guard high >= low * thresholds.normalTwist, high <= low * thresholds.reverseTwist else { return nil }
        guard powers[60 + c] <= high * thresholds.harmonic else { return nil }
        if abs(2 * DTMF.rowFrequencies[r] - DTMF.columnFrequencies[c]) > 150, powers[56 + r] > low * thresholds.harmonic { return nil }
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
