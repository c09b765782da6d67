import HotlineCore

/// Streaming rational-ratio resampler: a polyphase Kaiser-windowed-sinc FIR.
///
/// The ratio `outputRate / inputRate` is reduced to `up / down`. Conceptually the input
/// is upsampled by `up`, lowpassed at the lower of the two Nyquist rates and decimated
/// by `down`; the polyphase form only computes the taps each output needs (one phase,
/// `tapsPerPhase` multiply-adds). The filter's delay is compensated, so output sample
/// `n` lies at input time `n * inputRate / outputRate`.
///
/// Streaming: `process` may be called with chunks of any size; `flush` emits the tail.
/// The output is bit-identical to processing the whole signal in one call, because each
/// output is the same dot product over the same samples however the input was split.
public final class Resampler {
    /// Filter settings, as fractions of the lower Nyquist rate.
    public struct Quality: Sendable, Equatable {
        /// Where the passband ends (0.86 keeps 0-3.44 kHz flat at 8 kHz).
        public var passbandEnd: Double
        /// Where the stopband starts (1.0: nothing aliases back below Nyquist).
        public var stopbandStart: Double
        /// Stopband attenuation in dB (also bounds passband ripple to about 1e-5 dB).
        public var stopbandAttenuationDb: Double

        /// Telephone quality: flat to 0.86 Nyquist, 100 dB rejection from Nyquist up.
        public static let telephone = Quality(passbandEnd: 0.86, stopbandStart: 1.0, stopbandAttenuationDb: 100)

        /// Custom settings.
        public init(passbandEnd: Double, stopbandStart: Double, stopbandAttenuationDb: Double) {
            self.passbandEnd = passbandEnd
            self.stopbandStart = stopbandStart
            self.stopbandAttenuationDb = stopbandAttenuationDb
        }
    }

    /// Input sample rate in Hz.
    public let inputRate: Int
    /// Output sample rate in Hz.
    public let outputRate: Int
    /// Interpolation factor (`outputRate / gcd`).
    public let up: Int
    /// Decimation factor (`inputRate / gcd`).
    public let down: Int
    /// Multiply-adds per output sample (a multiple of 16).
    public let tapsPerPhase: Int

    /// Phase-major coefficients; row `p` is reversed so that it dots with input
    /// samples `[last - tapsPerPhase + 1, last]` in increasing time order.
    private let phaseTaps: [Float]
    /// Index of the filter's centre tap at the upsampled rate (its group delay).
    private let center: Int
    /// Input history: `history[0]` is absolute input index `historyStart`.
    private var history: [Float]
    private var historyStart: Int
    /// Input samples received (excluding zero padding added by `flush`).
    private var received = 0
    /// Output samples emitted.
    private var emitted = 0
    private var flushed = false

    /// Makes a resampler from `inputRate` to `outputRate` Hz.
    public init(from inputRate: Int, to outputRate: Int, quality: Quality = .telephone) throws {
        guard inputRate > 0, outputRate > 0 else {
            throw InvalidArgument("sample rates must be positive (got \(inputRate) -> \(outputRate) Hz)")
        }
        let g = gcd(inputRate, outputRate)
        up = outputRate / g
        down = inputRate / g
        guard up <= 4096 else {
            throw InvalidArgument("resampling \(inputRate) -> \(outputRate) Hz needs \(up) filter phases; pick rates with a common factor")
        }
        self.inputRate = inputRate
        self.outputRate = outputRate

        if up == down {
            tapsPerPhase = 0
            phaseTaps = []
            center = 0
        } else {
            // Design at the upsampled rate, where the lower Nyquist is min(up, down) / (2 up down) cycles/sample.
            let upsampledRate = Double(up) * Double(inputRate)
            let nyquist = Double(min(inputRate, outputRate)) / 2 / upsampledRate
            let design = WindowedSincLowpass(
                cutoff: (quality.passbandEnd + quality.stopbandStart) / 2 * nyquist,
                transitionWidth: (quality.stopbandStart - quality.passbandEnd) * nyquist,
                stopbandAttenuationDb: quality.stopbandAttenuationDb)
            let perPhase = (design.estimatedLength + up - 1) / up
            let taps = (perPhase + 15) / 16 * 16
            let length = (taps * up) % 2 == 1 ? taps * up : taps * up - 1
            let h = design.taps(length: length, gain: Double(up))
            var table = [Float](repeating: 0, count: up * taps)
            for p in 0..<up {
                for k in 0..<taps where p + k * up < length {
                    table[p * taps + (taps - 1 - k)] = Float(h[p + k * up])
                }
            }
            tapsPerPhase = taps
            phaseTaps = table
            center = (length - 1) / 2
        }
        history = [Float](repeating: 0, count: tapsPerPhase)
        historyStart = -tapsPerPhase
    }

    /// Output samples that `inputCount` input samples become once flushed.
    public func outputCount(forInput inputCount: Int) -> Int {
        (inputCount * up + down - 1) / down
    }

    /// Feeds `input` and appends every output sample that is now complete to `output`.
    public func process(_ input: UnsafeBufferPointer<Float>, appendingTo output: inout [Float]) {
        precondition(!flushed, "Resampler.process after flush: call reset() first")
        received += input.count
        if up == down {
            output.append(contentsOf: input)
            emitted += input.count
            return
        }
        history.append(contentsOf: input)
        produce(upToInputIndex: received - 1, limit: Int.max, into: &output)
    }

    /// Feeds `input` and returns the output samples now complete.
    public func process(_ input: [Float]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(input.count * up / down + 1)
        input.withUnsafeBufferPointer { process($0, appendingTo: &out) }
        return out
    }

    /// Ends the stream: pads with silence and returns the remaining output, so the total
    /// is `outputCount(forInput:)` of everything fed.
    public func flush() -> [Float] {
        precondition(!flushed, "Resampler.flush twice: call reset() first")
        flushed = true
        let total = outputCount(forInput: received)
        var out: [Float] = []
        if up == down || emitted >= total { return out }
        let lastNeeded = lastInputIndex(forOutput: total - 1)
        let available = historyStart + history.count - 1
        if lastNeeded > available {
            history.append(contentsOf: repeatElement(0, count: lastNeeded - available))
        }
        produce(upToInputIndex: lastNeeded, limit: total, into: &out)
        return out
    }

    /// Forgets all input: the next `process` starts a new stream.
    public func reset() {
        history = [Float](repeating: 0, count: tapsPerPhase)
        historyStart = -tapsPerPhase
        received = 0
        emitted = 0
        flushed = false
    }

    /// Resamples a whole buffer in one call (same output as streaming it).
    public static func resample(_ audio: AudioBuffer, to outputRate: Int,
                                quality: Quality = .telephone) throws -> AudioBuffer {
        if audio.sampleRate == outputRate { return audio }
        let r = try Resampler(from: audio.sampleRate, to: outputRate, quality: quality)
        var out = r.process(audio.samples)
        out += r.flush()
        return AudioBuffer(samples: out, sampleRate: outputRate)
    }

    // MARK: Kernel loop

    /// Newest input index that output `n` reads.
    @inline(__always)
    private func lastInputIndex(forOutput n: Int) -> Int {
        (n * down + center) / up
    }

    private func produce(upToInputIndex last: Int, limit: Int, into output: inout [Float]) {
        let taps = tapsPerPhase
        // Walk the output positions incrementally: output n reads newest input
        // (n * down + center) / up with phase (n * down + center) % up, and each step
        // adds down / up whole samples and down % up phases (no division per sample).
        let position = emitted * down + center
        var newest = position / up
        var phase = position - newest * up
        let stepWhole = down / up, stepPhase = down % up
        phaseTaps.withUnsafeBufferPointer { coefficients in
            history.withUnsafeBufferPointer { samples in
                let base = samples.baseAddress! - historyStart - taps + 1
                while emitted < limit, newest <= last {
                    output.append(DotProduct.simd(coefficients.baseAddress! + phase * taps, base + newest, count: taps))
                    emitted += 1
                    newest += stepWhole
                    phase += stepPhase
                    if phase >= up {
                        phase -= up
                        newest += 1
                    }
                }
            }
        }
        // Drop history no future output reads.
        let oldestNeeded = newest - taps + 1
        let drop = min(oldestNeeded - historyStart, history.count)
        if drop > 0, drop > 4096 || drop > history.count / 2 {
            history.removeFirst(drop)
            historyStart += drop
        }
    }
}

func gcd(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
}
