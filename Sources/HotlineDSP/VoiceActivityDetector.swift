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
/// current and the three previous frames feed a small trained network (`VADModel`, trained by
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
    private let features = VADFeatures()
    private let model = VADModel.trained
    private var buffer: [Float] = []
    private var bufferStart = 0
    private var received = 0
    private var nextFrame = 0
    /// The last three frames' features, newest first: the model's input.
    private var context: [Float]
    private var frameFeatures = [Float](repeating: 0, count: VADFeatures.dimension)
    private var above = 0, below = 0
    private var speaking = false
    private var segmentStart = 0

    /// A detector for 8 kHz audio.
    public init(options: Options = Options()) throws {
        self.options = options
        context = [Float](repeating: 0, count: VADModel.inputCount)
    }

    /// Feeds samples (float, full scale 1.0); returns a verdict per completed 10 ms frame.
    public func process(_ samples: [Float]) -> [VADFrame] {
        buffer += samples
        received += samples.count
        var frames: [VADFrame] = []
        while nextFrame * VADFeatures.hopSize + VADFeatures.windowSize <= received {
            let start = nextFrame * VADFeatures.hopSize
            buffer.withUnsafeBufferPointer { all in
                frameFeatures.withUnsafeMutableBufferPointer { out in
                    features.compute(all.baseAddress! + (start - bufferStart), into: out.baseAddress!)
                }
            }
            // Shift the context by one frame and put the newest first.
            let d = VADFeatures.dimension
            for i in stride(from: context.count - 1, through: d, by: -1) { context[i] = context[i - d] }
            for i in 0..<d { context[i] = frameFeatures[i] }
            let p = model.probability(context)
            frames.append(VADFrame(startSample: start, probability: p, isSpeech: smooth(p)))
            nextFrame += 1
        }
        let drop = nextFrame * VADFeatures.hopSize - bufferStart
        if drop > 4096 {
            buffer.removeFirst(drop)
            bufferStart += drop
        }
        return frames
    }

    /// Forgets everything (a new call).
    public func reset() {
        features.reset()
        buffer.removeAll()
        bufferStart = 0
        received = 0
        nextFrame = 0
        for i in context.indices { context[i] = 0 }
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
    static let contextFrames = 4
    /// Inputs: `contextFrames` frames of `VADFeatures.dimension`.
    static let inputCount = contextFrames * VADFeatures.dimension
    let hiddenCount: Int
    /// Row-major [hidden][input].
    let hiddenWeights: [Float]
    let hiddenBias: [Float]
    let outputWeights: [Float]
    let outputBias: Float
    /// Input normalisation (subtract mean, multiply by inverse std).
    let inputMean: [Float]
    let inputScale: [Float]

    /// Speech probability of one context vector.
    func probability(_ input: [Float]) -> Float {
        var normalized = [Float](repeating: 0, count: Self.inputCount)
        for i in 0..<Self.inputCount { normalized[i] = (input[i] - inputMean[i]) * inputScale[i] }
        var logit = outputBias
        normalized.withUnsafeBufferPointer { x in
            hiddenWeights.withUnsafeBufferPointer { w in
                for h in 0..<hiddenCount {
                    let a = DotProduct.simd(w.baseAddress! + h * Self.inputCount, x.baseAddress!, count: Self.inputCount) + hiddenBias[h]
                    if a > 0 { logit += a * outputWeights[h] }
                }
            }
        }
        return 1 / (1 + exp(-logit))
    }
}
