import HotlineCore

/// Window applied to each frame, as in Kaldi.
public enum FrameWindowType: String, CaseIterable, Sendable, Codable {
    /// Kaldi's default: a Hann window raised to the power 0.85.
    case povey
    /// 0.54 - 0.46 cos.
    case hamming
    /// 0.5 - 0.5 cos.
    case hanning
    /// sin(pi n / (N - 1)).
    case sine
    /// Blackman with `blackmanCoefficient`.
    case blackman
    /// No taper.
    case rectangular
}

/// How samples are cut into frames; fields and defaults mirror kaldi-native-fbank's
/// FrameExtractionOptions, except the Hotline defaults of 8 kHz and no dither.
public struct FrameOptions: Sendable, Equatable, Codable {
    /// Input sample rate in Hz.
    public var sampleRate: Double = 8000
    /// Hop between frame starts in milliseconds.
    public var frameShiftMs: Double = 10
    /// Frame length in milliseconds.
    public var frameLengthMs: Double = 25
    /// Standard deviation of Gaussian noise added to each sample (int16 units); 0 is off.
    public var dither: Float = 0
    /// Pre-emphasis coefficient: x[i] -= c * x[i - 1], and x[0] -= c * x[0].
    public var preemphasisCoefficient: Float = 0.97
    /// Subtract each frame's mean before anything else.
    public var removeDCOffset = true
    /// Taper applied after pre-emphasis.
    public var windowType: FrameWindowType = .povey
    /// Zero-pad each frame to the next power of two for the FFT.
    public var roundToPowerOfTwo = true
    /// Blackman window coefficient (only for `.blackman`).
    public var blackmanCoefficient: Float = 0.42
    /// true: only whole frames inside the signal (count 1 + (n - length) / shift).
    /// false: frames centred on multiples of the shift, edges mirrored (count ~ n / shift).
    public var snipEdges = true

    /// Hotline's defaults (8 kHz, 25 ms / 10 ms, no dither).
    public init() {}

    /// Samples per frame.
    public var windowSize: Int { Int(sampleRate * 0.001 * frameLengthMs) }
    /// Samples between frame starts.
    public var windowShift: Int { Int(sampleRate * 0.001 * frameShiftMs) }
    /// FFT length.
    public var paddedWindowSize: Int {
        guard roundToPowerOfTwo else { return windowSize }
        var n = 1
        while n < windowSize { n <<= 1 }
        return n
    }

    /// First sample (may be negative without snipped edges) of frame `index`.
    public func firstSample(ofFrame index: Int) -> Int {
        snipEdges ? index * windowShift : index * windowShift + windowShift / 2 - windowSize / 2
    }

    /// Frames that `sampleCount` samples yield; with `finished` false, only the frames
    /// that no later sample can change.
    public func frameCount(sampleCount: Int, finished: Bool) -> Int {
        if snipEdges {
            return sampleCount < windowSize ? 0 : 1 + (sampleCount - windowSize) / windowShift
        }
        var frames = (sampleCount + windowShift / 2) / windowShift
        if finished { return frames }
        while frames > 0, firstSample(ofFrame: frames - 1) + windowSize > sampleCount { frames -= 1 }
        return frames
    }

    func validate() throws {
        guard sampleRate > 0, windowSize >= 2, windowShift >= 1 else {
            throw InvalidArgument("frame length and shift must cover at least 2 and 1 samples (got \(windowSize), \(windowShift))")
        }
        guard (0...1).contains(preemphasisCoefficient), dither >= 0 else {
            throw InvalidArgument("pre-emphasis must be within 0...1 and dither non-negative")
        }
    }
}

/// Mel filterbank layout; mirrors kaldi-native-fbank's MelBanksOptions (no VTLN).
public struct MelOptions: Sendable, Equatable, Codable {
    /// Number of triangular filters.
    public var binCount = 23
    /// Lowest frequency covered, Hz.
    public var lowFrequencyHz: Double = 20
    /// Highest frequency covered, Hz; zero or negative counts down from Nyquist.
    public var highFrequencyHz: Double = 0

    /// `binCount` filters from 20 Hz to Nyquist.
    public init(binCount: Int = 23) { self.binCount = binCount }
}

/// Log-mel filterbank settings; mirrors kaldi-native-fbank's FbankOptions.
public struct FbankOptions: Sendable, Equatable, Codable {
    /// Framing.
    public var frame = FrameOptions()
    /// Filterbank.
    public var mel = MelOptions()
    /// Prepend the log energy as an extra first column.
    public var useEnergy = false
    /// Floor for the energy (not log); 0 is none.
    public var energyFloor: Float = 0
    /// Energy measured before pre-emphasis and windowing (after DC removal).
    public var rawEnergy = true
    /// Output log(mel energy); false outputs the energies themselves.
    public var useLogFbank = true
    /// Power spectrum (true) or magnitude (false).
    public var usePower = true

    /// Defaults with `bins` filters.
    public init(bins: Int = 23) { mel.binCount = bins }
}

/// MFCC settings; mirrors kaldi-native-fbank's MfccOptions.
public struct MfccOptions: Sendable, Equatable, Codable {
    /// Framing.
    public var frame = FrameOptions()
    /// Filterbank the cepstrum is taken of.
    public var mel = MelOptions()
    /// Cepstral coefficients kept (c0 included).
    public var cepstralCount = 13
    /// Sinusoidal lifter parameter Q (coefficient i times 1 + Q/2 sin(pi i / Q)); 0 is none.
    public var cepstralLifter: Float = 22
    /// Replace c0 by the log energy.
    public var useEnergy = true
    /// Floor for the energy (not log); 0 is none.
    public var energyFloor: Float = 0
    /// Energy measured before pre-emphasis and windowing (after DC removal).
    public var rawEnergy = true

    /// Defaults with `ceps` coefficients over `bins` filters.
    public init(ceps: Int = 13, bins: Int = 23) {
        cepstralCount = ceps
        mel.binCount = bins
    }
}
