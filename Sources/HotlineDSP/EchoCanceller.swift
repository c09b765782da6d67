/// Line echo canceller: removes the hotline's own prompt, as the line returns it, from
/// the caller's side, so that a caller speaking over a prompt is heard above the echo.
///
/// An adaptive FIR filter learns the echo path (the line's hybrid and the sound card's
/// buffers: from 10 ms to 10 ms + `taps` samples after a sample is played) and subtracts
/// its estimate of the echo from each caller sample. It learns by improved proportionate
/// NLMS (Benesty & Gay 2002): taps that matter get larger steps, which suits a line's
/// echo, a few ms of response after a bulk delay. It learns on pre-emphasised copies of
/// both sides (the path is the same), since speech's tilted spectrum slows plain NLMS.
///
/// It learns only from frames that look like echo alone: while a prompt plays, no caller
/// sample above half the loudest sample in the window (Geigel's double-talk test, which
/// assumes a hybrid returns at least 6 dB less than it is sent; it holds for 30 ms), the
/// frame under `residualEchoBound`, and, once the filter fits the line, under the power of
/// the echo it takes out; or from a line that returned (almost) nothing, which unlearns
/// what it may have picked up from a key or a word. A frame that taking the estimate out
/// would make louder goes on as it came.
///
/// `residualEchoBound` is how much echo may remain in the last frame after cancellation:
/// `margin` times the echo left in recent echo frames, as a share of the prompt's power.
/// It starts at 5 dB under the prompt, above the most a hybrid returns (6 dB under: G.168's
/// worst line, whose echo on the shortest path would otherwise pass for a caller before
/// the filter has learned anything), and follows the filter down as it learns; it climbs
/// back only where taking the estimate out makes a frame louder (the line's echo changed).
/// Caller audio under it is taken for echo.
///
/// Per frame: `cancel` the caller's frame first, then tell it what was `played` in the
/// same frame. With no prompt audio in its window it costs nothing and changes nothing.
public final class EchoCanceller {
    /// Filter length: 1,024 samples at 8 kHz, echo paths up to 138 ms with the frame's delay.
    public let taps: Int
    /// Samples per frame.
    public let frameSamples: Int
    /// Step size.
    static let stepSize: Float = 0.5
    /// IPNLMS's balance between NLMS (-1) and proportionate steps (+1).
    static let proportionality: Float = -0.5
    /// Added to the step's normaliser (a power, -40 dBFS): where the prompt is quieter than
    /// this, the line's noise rather than the prompt would steer the filter, so steps shrink.
    static let regularization: Float = 1e-4
    /// Pre-emphasis of the copies the filter learns on.
    static let preEmphasis: Float = 0.9
    /// Played power (mean square, per sample) under which the filter does not adapt: -60 dBFS.
    static let activeFloor: Float = 1e-6
    /// Geigel threshold: a caller sample above this share of the window's peak is double talk.
    static let doubleTalkRatio: Float = 0.5
    /// How long double talk stops adaptation, frames (30 ms).
    static let doubleTalkHold = 3
    /// Before the filter has learned the line, echo may come back this far under the
    /// prompt's power (times `margin`: 5 dB; hybrids return 6-20 dB less, G.168 assumes at least 6).
    static let unprovenCoupling: Float = 0.08
    /// How far above the echo left in recent frames a frame must be to be the caller's: 6 dB.
    static let margin: Float = 4
    /// The allowance never goes under this: a bound 37 dB under the prompt's loudest frame
    /// (no real line cancels much better: its noise and mu-law coding are about there).
    static let couplingFloor: Float = 5e-5
    /// Frames whose residual is this far under the prompt's loudest frame (46 dB: under a
    /// real line's noise and its mu-law coding's) teach the filter nothing; it skips them.
    static let learningFloor: Float = 2.5e-5
    /// The allowance follows the echo left up by at most this factor a frame (a caller's
    /// word, softly begun, must not lift it along with itself)...
    static let couplingRise: Float = 1.5
    /// ...down by at most this factor a frame (-10 dB in 0.45 s)...
    static let couplingDecay: Float = 0.95
    /// ...and creeps back up by this factor in each frame the filter makes louder (x2 in 0.35 s).
    static let couplingRecovery: Float = 1.02

    /// Played samples, oldest first: the window of the frame's first caller sample starts
    /// at 0, the last one's ends at the end. Then the same pre-emphasised, and their squares.
    private let reference: UnsafeMutablePointer<Float>
    private let whitened: UnsafeMutablePointer<Float>
    private let whitenedSquares: UnsafeMutablePointer<Float>
    /// The echo path, newest sample's tap last; and each tap's share of the step.
    private let weights: UnsafeMutablePointer<Float>
    private let tapGains: UnsafeMutablePointer<Float>
    private var referenceLength: Int { taps + frameSamples - 1 }
    /// Whether the filter has taken a step (until then its estimate is silence).
    private var hasLearned = false
    private var lastPlayed: Float = 0
    private var lastCaller: Float = 0
    /// Power of each played frame still in the window, newest last.
    private var playedPowers: [Float]
    private var doubleTalkFrames = 0
    /// Echo left after cancellation, as a share of the prompt's power: the peak of recent
    /// frames, decaying.
    private var coupling = EchoCanceller.unprovenCoupling

    /// The most power the echo left in the last cancelled frame may have (mean square).
    public private(set) var residualEchoBound: Float = 0

    /// A canceller for echo paths up to `taps` samples beyond one frame.
    public init(taps: Int = 1024, frameSamples: Int = 80) {
        precondition(taps > 0 && taps % 8 == 0 && frameSamples > 0, "taps: a positive multiple of 8")
        self.taps = taps
        self.frameSamples = frameSamples
        func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        reference = zeros(taps + frameSamples - 1)
        whitened = zeros(taps + frameSamples - 1)
        whitenedSquares = zeros(taps + frameSamples - 1)
        weights = zeros(taps)
        tapGains = zeros(taps)
        playedPowers = [Float](repeating: 0, count: (taps + 2 * frameSamples - 2) / frameSamples)
    }

    deinit {
        for p in [reference, whitened, whitenedSquares, weights, tapGains] { p.deallocate() }
    }

    /// The caller's frame with the estimated echo of what was played taken out. NaN and
    /// infinite samples count as 0 (they would spoil the filter for the rest of the call).
    public func cancel(_ frame: [Float]) -> [Float] {
        precondition(frame.count == frameSamples, "frames are \(frameSamples) samples")
        let caller = frame.allSatisfy(\.isFinite) ? frame : frame.map { $0.isFinite ? $0 : 0 }
        defer { lastCaller = caller[frameSamples - 1] }
        let playedPeakPower = playedPowers.max()!
        guard playedPeakPower > 0 else {
            residualEchoBound = 0
            return caller
        }
        var residual = caller
        var estimatePower: Float = 0
        for j in 0..<frameSamples where hasLearned {
            let estimate = DotProduct.simd(weights, reference + j, count: taps)
            residual[j] -= estimate
            estimatePower += estimate * estimate
        }
        estimatePower /= Float(frameSamples)
        let n = Float(frameSamples)
        let callerPower = DotProduct.simd(caller, caller, count: frameSamples) / n
        let residualPower = DotProduct.simd(residual, residual, count: frameSamples) / n
        // Where taking the estimate out makes the frame louder, it does not fit this frame
        // (a caller over a line with no echo, an echo that changed): the frame goes on as it came.
        let fits = residualPower <= callerPower
        let out = fits ? residual : caller
        residualEchoBound = Self.margin * coupling * playedPeakPower

        var peak: Float = 0
        for i in 0..<referenceLength { peak = max(peak, abs(reference[i])) }
        if caller.contains(where: { abs($0) > Self.doubleTalkRatio * peak }) { doubleTalkFrames = Self.doubleTalkHold }
        let quiet = doubleTalkFrames == 0
        doubleTalkFrames = max(0, doubleTalkFrames - 1)
        guard quiet, playedPeakPower > Self.activeFloor else { return out }
        // Echo alone, as far as can be told: a line that returned (almost) nothing, or a
        // frame under the bound and, once the filter has shown it fits the line, under the
        // power it takes out (a caller's word, softly begun, would otherwise pass for echo
        // frame by frame and lift the bound with it). Too little left to learn from (a
        // silent line the filter matches, or a line it has learned) teaches nothing.
        let silentLine = callerPower <= Self.learningFloor * playedPeakPower
        let fitted = coupling < Self.unprovenCoupling / 4
        if silentLine || residualPower < residualEchoBound && (!fitted || residualPower < estimatePower) {
            if residualPower > Self.learningFloor * playedPeakPower {
                adapt(to: caller)
                hasLearned = true
            }
            let share = min(min(residualPower, callerPower) / playedPeakPower, coupling * Self.couplingRise)
            coupling = min(Self.unprovenCoupling, max(Self.couplingFloor, share, coupling * Self.couplingDecay))
        } else if !fits {
            // The filter no longer fits the line (its echo changed), and the allowance creeps
            // back up. (Over a caller talking, a fitting filter takes out the echo and the
            // frame gets quieter.)
            coupling = min(Self.unprovenCoupling, coupling * Self.couplingRecovery)
        }
        return out
    }

    /// One IPNLMS step per sample of an echo-only frame, on the pre-emphasised signals.
    private func adapt(to caller: [Float]) {
        var l1: Float = 0
        for i in 0..<taps { l1 += abs(weights[i]) }
        let uniform = (1 - Self.proportionality) / Float(2 * taps)
        let proportional = (1 + Self.proportionality) / (2 * l1 + 1e-6)
        for i in 0..<taps { tapGains[i] = uniform + proportional * abs(weights[i]) }
        var previous = lastCaller
        var estimate = DotProduct.simd(weights, whitened, count: taps)
        var norm = DotProduct.simd(tapGains, whitenedSquares, count: taps)
        for j in 0..<frameSamples {
            let target = caller[j] - Self.preEmphasis * previous
            previous = caller[j]
            let gain = Self.stepSize * (target - estimate) / (norm + Self.regularization)
            (estimate, norm) = step(at: j, by: gain, thenPrepare: j + 1 < frameSamples)
        }
    }

    /// weights += gain * tapGains * (the window of sample `j`); in the same pass (one load
    /// of each tap), sample j + 1's estimate and step normaliser when `prepare`. Eight
    /// lanes at a time.
    @inline(__always)
    private func step(at j: Int, by gain: Float, thenPrepare prepare: Bool) -> (estimate: Float, norm: Float) {
        let w = UnsafeMutableRawPointer(weights), g = UnsafeRawPointer(tapGains), x = UnsafeRawPointer(whitened + j)
        let nextX = UnsafeRawPointer(whitened + j + 1), nextSquares = UnsafeRawPointer(whitenedSquares + j + 1)
        let scale = SIMD8<Float>(repeating: gain)
        let stride = 8 * MemoryLayout<Float>.stride
        var estimate = SIMD8<Float>(), norm = SIMD8<Float>()
        for k in 0..<(taps / 8) {
            let offset = k * stride
            let tapGain = g.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let updated = w.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                + scale * tapGain * x.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            w.storeBytes(of: updated, toByteOffset: offset, as: SIMD8<Float>.self)
            if prepare {
                estimate += updated * nextX.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                norm += tapGain * nextSquares.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            }
        }
        return (estimate.pairwiseSum, norm.pairwiseSum)
    }

    /// Takes the frame just played (the echo it makes arrives in later frames).
    public func played(_ frame: [Float]) {
        precondition(frame.count == frameSamples, "frames are \(frameSamples) samples")
        let keep = referenceLength - frameSamples
        reference.update(from: reference + frameSamples, count: keep)
        whitened.update(from: whitened + frameSamples, count: keep)
        whitenedSquares.update(from: whitenedSquares + frameSamples, count: keep)
        var power: Float = 0
        for (i, x) in frame.enumerated() {
            let w = x - Self.preEmphasis * lastPlayed
            reference[keep + i] = x
            whitened[keep + i] = w
            whitenedSquares[keep + i] = w * w
            lastPlayed = x
            power += x * x
        }
        playedPowers.removeFirst()
        playedPowers.append(power / Float(frameSamples))
    }
}
