import Foundation
import HotlineCore

/// One 10 ms frame's voice-activity verdict.
public struct VADFrame: Sendable, Equatable {
    /// First sample of the frame's 10 ms hop.
    public var startSample: Int
    /// The model's speech probability for the frame.
    public var probability: Float
    /// Speech after smoothing (onset confirmation and hangover).
    public var isSpeech: Bool
}

/// A stretch of speech, in samples.
public struct SpeechSegment: Sendable, Equatable {
    /// First sample of speech.
    public var startSample: Int
    /// Sample after the last one of speech.
    public var endSample: Int
}

/// Frame-by-frame voice activity on 8 kHz telephone audio.
///
/// `VADFeatures` (band energies over a tracked noise floor, spectral shape) of the
/// current and the two previous frames feed a small trained network (`VADModel`, trained by
/// tools/train-vad.py on ../shared/speech mixed with its noise at 0-20 dB SNR). Its
/// probability is smoothed: speech starts when `onsetFrames` frames in a row exceed
/// `threshold`, and ends after `hangoverFrames` frames below it.
public final class VoiceActivityDetector {
    /// Decision settings.
    public struct Options: Sendable, Equatable {
        /// Probability above which a frame counts as speech.
        public var threshold: Float = 0.5
        /// Frames above the threshold that start speech.
        public var onsetFrames = 1
        /// Frames below it that end speech.
        public var hangoverFrames = 3

        /// The defaults.
        public init() {}
    }

    /// Settings in use.
    public let options: Options
    /// Non-finite input samples replaced by zero so far.
    public private(set) var nonFiniteSampleCount = 0
    private let features = VADFeatures()
    private let model = VADModel.trained
    // Raw buffers, allocated once: the per-frame path touches no checked stored array.
    /// The analysis window being filled; `filled` samples are valid.
    private let window = UnsafeMutableBufferPointer<Float>.allocate(capacity: VADFeatures.windowSize)
    private var filled = 0
    /// The last `contextFrames` frames' features, newest first: the model's input.
    private let context = UnsafeMutableBufferPointer<Float>.allocate(capacity: VADModel.inputCount)
    private var nextFrameStart = 0
    private var above = 0, below = 0
    private var speaking = false

    /// A detector for 8 kHz audio.
    public init(options: Options = Options()) throws {
        self.options = options
        context.initialize(repeating: 0)
        window.initialize(repeating: 0)
    }

    deinit {
        window.deallocate()
        context.deallocate()
    }

    /// Feeds samples (float, full scale 1.0) and appends a verdict per completed 10 ms
    /// frame to `frames`.
    public func process(_ samples: UnsafeBufferPointer<Float>, into frames: inout [VADFrame]) {
        let size = VADFeatures.windowSize, hop = VADFeatures.hopSize, d = VADFeatures.dimension
        let inputs = VADModel.inputCount
        let c = context.baseAddress!, w = window.baseAddress!
        var i = 0
        while i < samples.count {
            let n = min(size - filled, samples.count - i)
            nonFiniteSampleCount += copyReplacingNonFinite(UnsafeBufferPointer(rebasing: samples[i..<(i + n)]), scale: 1, into: w + filled)
            filled += n
            i += n
            guard filled == size else { break }
            (c + d).update(from: c, count: inputs - d)
            features.compute(UnsafePointer(w), into: c)
            let p = model.probability(UnsafePointer(c))
            frames.append(VADFrame(startSample: nextFrameStart, probability: p, isSpeech: smooth(p)))
            nextFrameStart += hop
            // Keep the overlap (the window's last 48 samples) for the next frame.
            w.update(from: w + hop, count: size - hop)
            filled = size - hop
        }
    }

    /// Feeds samples; returns a verdict per completed 10 ms frame.
    public func process(_ samples: [Float]) -> [VADFrame] {
        var frames: [VADFrame] = []
        samples.withUnsafeBufferPointer { process($0, into: &frames) }
        return frames
    }

    /// Forgets everything (a new call).
    public func reset() {
        features.reset()
        filled = 0
        nonFiniteSampleCount = 0
        nextFrameStart = 0
        context.update(repeating: 0)
        above = 0
        below = 0
        speaking = false
    }

    private func smooth(_ p: Float) -> Bool {
        if p > options.threshold {
            above += 1
            below = 0
            if !speaking, above >= options.onsetFrames { speaking = true }
        } else {
            below += 1
            above = 0
            if speaking, below >= options.hangoverFrames { speaking = false }
        }
        return speaking
    }
}

/// Turns per-frame verdicts into speech segments.
public struct SpeechSegmentTracker: Sendable {
    private var start: Int?
    private var lastSpeechEnd = 0

    /// An empty tracker.
    public init() {}

    /// Adds frames; returns segments they closed.
    public mutating func add(_ frames: [VADFrame]) -> [SpeechSegment] {
        var closed: [SpeechSegment] = []
        for frame in frames {
            if frame.isSpeech {
                if start == nil { start = frame.startSample }
                lastSpeechEnd = frame.startSample + VADFeatures.hopSize
            } else if let s = start {
                closed.append(SpeechSegment(startSample: s, endSample: lastSpeechEnd))
                start = nil
            }
        }
        return closed
    }

    /// Closes a segment still open at the end of the audio.
    public mutating func finish() -> [SpeechSegment] {
        defer { start = nil }
        return start.map { [SpeechSegment(startSample: $0, endSample: lastSpeechEnd)] } ?? []
    }
}

/// The VAD network: context features -> ReLU hidden layer -> sigmoid.
struct VADModel: Sendable {
    /// Frames of context (current and previous).
    static let contextFrames = 3
    /// Inputs: `contextFrames` frames of `VADFeatures.dimension`.
    static let inputCount = contextFrames * VADFeatures.dimension
    let hiddenCount: Int
    /// Hidden units rounded up to whole 8-lane groups.
    let paddedHiddenCount: Int
    /// Column-major [input][paddedHidden], with the input normalisation folded in.
    let columns: [Float]
    let hiddenBias: [Float]
    let outputWeights: [Float]
    let outputBias: Float

    /// The network as trained: `hiddenWeights` (row-major [hidden][input]) act on inputs
    /// normalised as `(x - inputMean) * inputScale`; that affine map is folded into the
    /// first layer, which is stored by columns so the hidden units fill SIMD lanes.
    init(hiddenCount: Int, hiddenWeights: [Float], hiddenBias: [Float], outputWeights: [Float], outputBias: Float,
         inputMean: [Float], inputScale: [Float]) {
        self.hiddenCount = hiddenCount
        paddedHiddenCount = (hiddenCount + 7) / 8 * 8
        var columns = [Float](repeating: 0, count: Self.inputCount * paddedHiddenCount)
        var bias = hiddenBias + [Float](repeating: 0, count: paddedHiddenCount - hiddenCount)
        for h in 0..<hiddenCount {
            for i in 0..<Self.inputCount {
                let scaled = hiddenWeights[h * Self.inputCount + i] * inputScale[i]
                columns[i * paddedHiddenCount + h] = scaled
                bias[h] -= scaled * inputMean[i]
            }
        }
        self.columns = columns
        self.hiddenBias = bias
        self.outputWeights = outputWeights + [Float](repeating: 0, count: paddedHiddenCount - hiddenCount)
        self.outputBias = outputBias
    }

    /// Speech probability of one context vector (`inputCount` floats).
    ///
    /// Sixteen hidden units at a time fill four 4-lane registers, one input column at a
    /// time. (8-lane vectors times a broadcast scalar were split into 2-lane pieces by
    /// the compiler on baseline x86-64 and ran several times slower.)
    func probability(_ input: UnsafePointer<Float>) -> Float {
        // Static lets are lazily initialised globals: read once, not per iteration.
        let inputs = Self.inputCount, stride = paddedHiddenCount
        var logit = outputBias
        columns.withUnsafeBufferPointer { w in
            hiddenBias.withUnsafeBufferPointer { b in
                outputWeights.withUnsafeBufferPointer { o in
                    var group = 0
                    while group < stride {
                        let bias = UnsafeRawPointer(b.baseAddress! + group)
                        var acc0 = bias.loadUnaligned(as: SIMD4<Float>.self)
                        var acc1 = bias.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self)
                        var acc2 = SIMD4<Float>(), acc3 = SIMD4<Float>()
                        let wide = stride - group >= 16
                        if wide {
                            acc2 = bias.loadUnaligned(fromByteOffset: 32, as: SIMD4<Float>.self)
                            acc3 = bias.loadUnaligned(fromByteOffset: 48, as: SIMD4<Float>.self)
                        }
                        var column = UnsafeRawPointer(w.baseAddress! + group)
                        for i in 0..<inputs {
                            let x = SIMD4<Float>(repeating: input[i])
                            acc0 += column.loadUnaligned(as: SIMD4<Float>.self) * x
                            acc1 += column.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self) * x
                            if wide {
                                acc2 += column.loadUnaligned(fromByteOffset: 32, as: SIMD4<Float>.self) * x
                                acc3 += column.loadUnaligned(fromByteOffset: 48, as: SIMD4<Float>.self) * x
                            }
                            column += stride &* 4
                        }
                        let zero = SIMD4<Float>(), weights = UnsafeRawPointer(o.baseAddress! + group)
                        var out = acc0.replacing(with: zero, where: acc0 .< zero) * weights.loadUnaligned(as: SIMD4<Float>.self)
                            + acc1.replacing(with: zero, where: acc1 .< zero) * weights.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self)
                        if wide {
                            out += acc2.replacing(with: zero, where: acc2 .< zero) * weights.loadUnaligned(fromByteOffset: 32, as: SIMD4<Float>.self)
                                + acc3.replacing(with: zero, where: acc3 .< zero) * weights.loadUnaligned(fromByteOffset: 48, as: SIMD4<Float>.self)
                        }
                        logit += (out[0] + out[1]) + (out[2] + out[3])
                        group += wide ? 16 : 8
                    }
                }
            }
        }
        return 1 / (1 + exp(-logit))
    }
}
