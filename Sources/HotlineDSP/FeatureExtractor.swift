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

    private let filterbank: MelFilterbank
    private let cepstrum: CepstralTransform?
    private let fft: RealFFT
    private let settings: Settings
    // Window and per-frame scratch, allocated once (raw memory: no copy-on-write or
    // exclusivity checks on the per-frame path).
    private let window: UnsafeMutableBufferPointer<Float>
    private let frameBuffer: UnsafeMutableBufferPointer<Float>
    private let spectrum: UnsafeMutableBufferPointer<Float>
    private let melEnergies: UnsafeMutableBufferPointer<Float>
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
        settings = Settings(kind)
        filterbank = try MelFilterbank(options: mel, fftSize: frame.paddedWindowSize, sampleRate: frame.sampleRate)
        fft = RealFFT(size: frame.paddedWindowSize)
        window = .allocate(capacity: frame.windowSize)
        _ = window.initialize(from: FrameWindow.coefficients(frame.windowType, size: frame.windowSize,
                                                             blackmanCoefficient: frame.blackmanCoefficient))
        frameBuffer = .allocate(capacity: frame.windowSize)
        frameBuffer.initialize(repeating: 0)
        // The filterbank reads whole 8-lane groups past the last bin; the log runs on
        // whole groups too (the padding lanes hold harmless finite values).
        spectrum = .allocate(capacity: max(filterbank.paddedInputCount, filterbank.fftBinCount))
        spectrum.initialize(repeating: 0)
        melEnergies = .allocate(capacity: (mel.binCount + 7) / 8 * 8)
        melEnergies.initialize(repeating: 1)
        dither = GaussianNoise(seed: 0x5EED)
    }

    deinit {
        for buffer in [window, frameBuffer, spectrum, melEnergies] { buffer.deallocate() }
    }

    /// The options the per-frame path needs, flattened once.
    private struct Settings {
        var magnitudeSpectrum = false, logEnergy = false, rawEnergy = true, logFbank = true
        var logEnergyFloor: Float = -.infinity

        init(_ kind: Kind) {
            var floor: Float = 0
            switch kind {
            case .fbank(let o):
                magnitudeSpectrum = !o.usePower; logEnergy = o.useEnergy; rawEnergy = o.rawEnergy
                floor = o.energyFloor; logFbank = o.useLogFbank
            case .mfcc(let o):
                logEnergy = o.useEnergy; rawEnergy = o.rawEnergy; floor = o.energyFloor
            }
            if floor > 0 { logEnergyFloor = log(floor) }
        }
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
        guard !input.isEmpty else { return }
        let old = samples.count
        samples.append(contentsOf: repeatElement(0, count: input.count))
        samples.withUnsafeMutableBufferPointer { buffer in
            nonFiniteSampleCount += copyReplacingNonFinite(input, scale: scale, into: buffer.baseAddress! + old)
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
        // One growth of the output and one access to each buffer per batch of frames:
        // the per-frame path then touches no stored `var` (each access is checked).
        let firstRow = features.count
        features.append(contentsOf: repeatElement(0, count: (target - framesComputed) * dimension))
        let first = framesComputed, start = samplesStart, received = samplesReceived
        samples.withUnsafeBufferPointer { input in
            features.withUnsafeMutableBufferPointer { output in
                for index in first..<target {
                    computeFrame(index, samples: input, samplesStart: start, received: received,
                                 into: output.baseAddress! + firstRow + (index - first) * dimension)
                }
            }
        }
        framesComputed = target
        dropConsumedSamples()
    }

    private func computeFrame(_ index: Int, samples all: UnsafeBufferPointer<Float>, samplesStart: Int, received: Int,
                              into row: UnsafeMutablePointer<Float>) {
        let size = frameOptions.windowSize
        let start = frameOptions.firstSample(ofFrame: index)
        let inside = start >= 0 && start + size <= received
        let ditherAmount = frameOptions.dither
        var source = UnsafePointer(all.baseAddress! + (start - samplesStart))
        if !inside || ditherAmount != 0 {
            for i in 0..<size {
                frameBuffer[i] = inside ? source[i] : all[Self.mirrored(start + i, count: received) - samplesStart]
                if ditherAmount != 0 { frameBuffer[i] += ditherAmount * dither.next() }
            }
            source = UnsafePointer(frameBuffer.baseAddress!)
        }
        let energy = FramePreparation.simd(source, count: size, removeDC: frameOptions.removeDCOffset,
                                           preemphasis: frameOptions.preemphasisCoefficient,
                                           window: window.baseAddress!, into: fft.input.baseAddress!)
        fft.transform()
        PowerSpectrum.simd(fft.output.baseAddress!, bins: filterbank.fftBinCount,
                           magnitude: settings.magnitudeSpectrum, into: spectrum.baseAddress!)
        filterbank.apply(spectrum.baseAddress!, into: melEnergies.baseAddress!)
        if settings.logFbank || cepstrum != nil {
            VectorLog.simd(melEnergies.baseAddress!, count: melEnergies.count, floor: Float.ulpOfOne)
        }
        if let cepstrum {
            cepstrum.apply(melEnergies.baseAddress!, into: row)
        } else {
            (row + (settings.logEnergy ? 1 : 0)).update(from: melEnergies.baseAddress!, count: filterbank.binCount)
        }
        if settings.logEnergy {
            let e = settings.rawEnergy ? energy : DotProduct.simd(fft.input.baseAddress!, fft.input.baseAddress!, count: fft.size)
            row[0] = max(log(max(e, Float.ulpOfOne)), settings.logEnergyFloor)
        }
    }

    /// Kaldi's edge mirroring of an out-of-range sample index in a signal of `count`.
    private static func mirrored(_ index: Int, count n: Int) -> Int {
        var s = index
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
