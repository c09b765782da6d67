import Foundation
import HotlineCore

/// Frames of features, row-major `[frame][dimension]`.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of frames (rows).
    public let frameCount: Int
    /// Values per frame (columns).
    public let dimension: Int
    /// `frameCount * dimension` values, frame after frame.
    public var values: [Float]

    /// Wraps `values` of `dimension` columns.
    public init(values: [Float], dimension: Int) {
        precondition(dimension > 0 && values.count % dimension == 0, "values must fill whole rows")
        self.values = values
        self.dimension = dimension
        frameCount = values.count / dimension
    }

    /// Frame `index`.
    public subscript(index: Int) -> ArraySlice<Float> {
        values[(index * dimension)..<((index + 1) * dimension)]
    }
}

/// Kaldi-compatible log-mel filterbank or MFCC features, streaming.
///
/// A small push API in the manner of kaldi-native-fbank: `accept` samples in chunks of
/// any size, read `framesReady` frames with `frame(_:)`, `finish()` at the end of the
/// input, `discardFrames(upTo:)` what has been consumed. Frames are computed as soon
/// as their samples are complete, and the output is identical to one-shot processing of
/// the same samples (`FeatureExtractor.compute`).
///
/// Input: Hotline's float audio in [-1, 1] is scaled by `scale` (32768 by default) into
/// Kaldi's int16 units at this boundary. Non-finite samples (NaN, +-Inf) are replaced by
/// 0 and counted in `nonFiniteSampleCount`, so no frame is ever NaN; silence gives the
/// floor value log(FLT_EPSILON) = -15.94 in every bin.
///
/// Per frame, nothing is allocated: the frame, FFT and spectrum buffers are reused.
public final class FeatureExtractor {
    /// What the extractor computes.
    public enum Kind: Sendable, Equatable {
        /// Log-mel filterbank.
        case fbank(FbankOptions)
        /// Mel-frequency cepstral coefficients.
        case mfcc(MfccOptions)
    }

    /// The settings.
    public let kind: Kind
    /// Framing in use.
    public let frameOptions: FrameOptions
    /// Values per frame.
    public let dimension: Int
    /// Non-finite input samples replaced by zero so far.
    public private(set) var nonFiniteSampleCount = 0

    private let window: [Float]
    private let filterbank: MelFilterbank
    private let cepstrum: CepstralTransform?
    private let fft: RealFFT
    // Per-frame scratch, allocated once.
    private var frameBuffer: [Float]
    private var spectrum: [Float]
    private var melEnergies: [Float]
    // Input: samples[0] is absolute sample `samplesStart`.
    private var samples: [Float] = []
    private var samplesStart = 0
    private var samplesReceived = 0
    private var finished = false
    // Output: features[0] is absolute frame `framesStart`.
    private var features: [Float] = []
    private var framesStart = 0
    private var framesComputed = 0
    private var dither: GaussianNoise

    /// A log-mel filterbank extractor.
    public convenience init(fbank options: FbankOptions) throws {
        try self.init(kind: .fbank(options))
    }

    /// An MFCC extractor.
    public convenience init(mfcc options: MfccOptions) throws {
        try self.init(kind: .mfcc(options))
    }

    /// An extractor of `kind`.
    public init(kind: Kind) throws {
        self.kind = kind
        let frame: FrameOptions, mel: MelOptions
        switch kind {
        case .fbank(let o):
            frame = o.frame
            mel = o.mel
            dimension = o.mel.binCount + (o.useEnergy ? 1 : 0)
            cepstrum = nil
        case .mfcc(let o):
            frame = o.frame
            mel = o.mel
            guard o.cepstralCount >= 1, o.cepstralCount <= o.mel.binCount else {
                throw InvalidArgument("MFCC needs 1...\(o.mel.binCount) cepstra (the mel bin count), got \(o.cepstralCount)")
            }
            dimension = o.cepstralCount
            cepstrum = CepstralTransform(bins: o.mel.binCount, ceps: o.cepstralCount, lifter: o.cepstralLifter)
        }
        try frame.validate()
        frameOptions = frame
        filterbank = try MelFilterbank(options: mel, fftSize: frame.paddedWindowSize, sampleRate: frame.sampleRate)
        window = FrameWindow.coefficients(frame.windowType, size: frame.windowSize,
                                          blackmanCoefficient: frame.blackmanCoefficient)
        fft = RealFFT(size: frame.paddedWindowSize)
        frameBuffer = [Float](repeating: 0, count: frame.windowSize)
        spectrum = [Float](repeating: 0, count: frame.paddedWindowSize / 2 + 8)
        melEnergies = [Float](repeating: 0, count: mel.binCount)
        dither = GaussianNoise(seed: 0x5EED)
    }

    /// Computes all frames of `samples` (in [-1, 1] times `scale`) in one call.
    public static func compute(_ samples: [Float], kind: Kind, scale: Float = 32768) throws -> FeatureMatrix {
        let extractor = try FeatureExtractor(kind: kind)
        extractor.accept(samples, scale: scale)
        extractor.finish()
        return extractor.readAll()
    }

    /// Frames computed so far (absolute count, including discarded ones).
    public var framesReady: Int { framesComputed }

    /// Frame `index` (absolute; must be ready and not discarded).
    public func frame(_ index: Int) -> ArraySlice<Float> {
        precondition(index >= framesStart && index < framesComputed, "frame \(index) is not available")
        let row = index - framesStart
        return features[(row * dimension)..<((row + 1) * dimension)]
    }

    /// Every frame still held, as a matrix.
    public func readAll() -> FeatureMatrix {
        FeatureMatrix(values: features, dimension: dimension)
    }

    /// Forgets frames before `index` (they have been consumed).
    public func discardFrames(upTo index: Int) {
        let drop = min(index, framesComputed) - framesStart
        guard drop > 0 else { return }
        features.removeFirst(drop * dimension)
        framesStart += drop
    }

    /// Feeds samples and computes every frame they complete.
    public func accept(_ input: UnsafeBufferPointer<Float>, scale: Float = 32768) {
        precondition(!finished, "accept after finish: call reset() first")
        let old = samples.count
        samples.append(contentsOf: repeatElement(0, count: input.count))
        samples.withUnsafeMutableBufferPointer { buffer in
            nonFiniteSampleCount += Self.scaleReplacingNonFinite(input, by: scale, into: buffer.baseAddress! + old)
        }
        samplesReceived += input.count
        computeReadyFrames()
    }

    /// Feeds samples and computes every frame they complete.
    public func accept(_ input: [Float], scale: Float = 32768) {
        input.withUnsafeBufferPointer { accept($0, scale: scale) }
    }

    /// Marks the end of input: without snipped edges, the last frames (mirrored at the
    /// end) become ready.
    public func finish() {
        guard !finished else { return }
        finished = true
        computeReadyFrames()
    }

    /// Forgets all input and output, to start a new utterance.
    public func reset() {
        samples.removeAll(keepingCapacity: true)
        features.removeAll(keepingCapacity: true)
        samplesStart = 0
        samplesReceived = 0
        framesStart = 0
        framesComputed = 0
        finished = false
        nonFiniteSampleCount = 0
        dither = GaussianNoise(seed: 0x5EED)
    }

    // MARK: Per-frame pipeline

    private func computeReadyFrames() {
        let target = frameOptions.frameCount(sampleCount: samplesReceived, finished: finished)
        guard target > framesComputed else { return }
        features.reserveCapacity(features.count + (target - framesComputed) * dimension)
        for index in framesComputed..<target { computeFrame(index) }
        framesComputed = target
        dropConsumedSamples()
    }

    private func computeFrame(_ index: Int) {
        let size = frameOptions.windowSize
        let start = frameOptions.firstSample(ofFrame: index)
        let inside = start >= 0 && start + size <= samplesReceived
        let ditherAmount = frameOptions.dither
        let energy: Float = samples.withUnsafeBufferPointer { all in
            frameBuffer.withUnsafeMutableBufferPointer { frame in
                var source = all.baseAddress! + (start - samplesStart)
                if !inside || ditherAmount != 0 {
                    for i in 0..<size {
                        frame[i] = inside ? source[i] : all[mirrored(start + i) - samplesStart]
                        if ditherAmount != 0 { frame[i] += ditherAmount * dither.next() }
                    }
                    source = UnsafePointer(frame.baseAddress!)
                }
                return window.withUnsafeBufferPointer { w in
                    FramePreparation.simd(source, count: size, removeDC: frameOptions.removeDCOffset,
                                          preemphasis: frameOptions.preemphasisCoefficient,
                                          window: w.baseAddress!, into: fft.input.baseAddress!)
                }
            }
        }
        fft.transform()
        var usePower = true, logEnergyWanted = false, rawEnergy = true, energyFloor: Float = 0, logFbank = true
        switch kind {
        case .fbank(let o):
            usePower = o.usePower; logEnergyWanted = o.useEnergy; rawEnergy = o.rawEnergy
            energyFloor = o.energyFloor; logFbank = o.useLogFbank
        case .mfcc(let o):
            logEnergyWanted = o.useEnergy; rawEnergy = o.rawEnergy; energyFloor = o.energyFloor
        }
        var logEnergy: Float = 0
        if logEnergyWanted {
            let e = rawEnergy ? energy : DotProduct.simd(fft.input.baseAddress!, fft.input.baseAddress!, count: fft.size)
            logEnergy = log(max(e, Float.ulpOfOne))
            if energyFloor > 0 { logEnergy = max(logEnergy, log(energyFloor)) }
        }
        spectrum.withUnsafeMutableBufferPointer { power in
            PowerSpectrum.simd(fft.output.baseAddress!, bins: filterbank.fftBinCount, magnitude: !usePower,
                               into: power.baseAddress!)
            melEnergies.withUnsafeMutableBufferPointer { mel in
                filterbank.apply(power.baseAddress!, into: mel.baseAddress!)
                if logFbank { VectorLog.simd(mel.baseAddress!, count: mel.count, floor: Float.ulpOfOne) }
                appendRow(mel: mel.baseAddress!, logEnergy: logEnergyWanted ? logEnergy : nil)
            }
        }
    }

    private func appendRow(mel: UnsafeMutablePointer<Float>, logEnergy: Float?) {
        let row = features.count
        features.append(contentsOf: repeatElement(0, count: dimension))
        features.withUnsafeMutableBufferPointer { out in
            let destination = out.baseAddress! + row
            if let cepstrum {
                cepstrum.apply(mel, into: destination)
                if let logEnergy { destination[0] = logEnergy }
            } else {
                var column = 0
                if let logEnergy {
                    destination[0] = logEnergy
                    column = 1
                }
                (destination + column).update(from: mel, count: filterbank.binCount)
            }
        }
    }

    /// Kaldi's edge mirroring of an out-of-range sample index.
    private func mirrored(_ index: Int) -> Int {
        var s = index
        let n = samplesReceived
        while s < 0 || s >= n { s = s < 0 ? -s - 1 : 2 * n - 1 - s }
        return s
    }

    private func dropConsumedSamples() {
        // Keep a frame's length before the next frame: end mirroring may read back that far.
        let keepFrom = max(0, frameOptions.firstSample(ofFrame: framesComputed) - frameOptions.windowSize)
        let drop = keepFrom - samplesStart
        if drop > 0, drop >= samples.count / 2 {
            samples.removeFirst(drop)
            samplesStart += drop
        }
    }

    /// Copies `input * scale` to `output`, zeroing NaN and infinities; returns how many.
    static func scaleReplacingNonFinite(_ input: UnsafeBufferPointer<Float>, by scale: Float,
                                        into output: UnsafeMutablePointer<Float>) -> Int {
        var replaced = 0
        for i in 0..<input.count {
            let v = input[i]
            if v.isFinite {
                output[i] = v * scale
            } else {
                output[i] = 0
                replaced += 1
            }
        }
        return replaced
    }
}

/// Deterministic Gaussian noise for dithering (xorshift64* and Box-Muller).
struct GaussianNoise {
    private var state: UInt64
    private var spare: Float?

    init(seed: UInt64) { state = seed == 0 ? 1 : seed }

    private mutating func uniform() -> Double {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Double((state &* 2_685_821_657_736_338_717) >> 11) / Double(1 << 53)
    }

    mutating func next() -> Float {
        if let s = spare {
            spare = nil
            return s
        }
        let u1 = max(uniform(), 1e-300), u2 = uniform()
        let r = (-2 * log(u1)).squareRoot()
        spare = Float(r * sin(2 * .pi * u2))
        return Float(r * cos(2 * .pi * u2))
    }
}
