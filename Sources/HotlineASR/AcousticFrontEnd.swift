import HotlineCore
import HotlineDSP
import HotlineNN

/// Audio to log-posteriors for one call: the model's own fbank front end feeding its
/// acoustic stream, in whatever chunks the line delivers (10-20 ms at a time).
public final class AcousticFrontEnd {
    /// The acoustic model.
    public let model: AcousticModel
    /// Sample rate the model expects.
    public var sampleRate: Int { Int(model.file.frontEnd.sampleRate) }
    /// Seconds per output frame.
    public var secondsPerOutputFrame: Double { model.file.frontEnd.frameShiftMs * 0.001 * Double(model.timeStride) }
    private let features: FeatureExtractor
    private let stream: AcousticStream
    private var featuresUsed = 0
    private var pending: [Float] = []

    /// A front end for `model`; fails if the model asks for a front end this build lacks.
    public init(model: AcousticModel) throws {
        let f = model.file.frontEnd
        guard f.kind == "fbank" else { throw InvalidArgument("model front end \(f.kind) is not supported (fbank only)") }
        var options = FbankOptions(bins: f.bins)
        options.frame.sampleRate = f.sampleRate
        options.frame.frameLengthMs = f.frameLengthMs
        options.frame.frameShiftMs = f.frameShiftMs
        options.frame.dither = f.dither
        options.frame.preemphasisCoefficient = f.preemphasis
        options.frame.snipEdges = f.snipEdges
        options.mel.lowFrequencyHz = f.lowFrequency
        options.mel.highFrequencyHz = f.highFrequency
        self.model = model
        features = try FeatureExtractor(fbank: options)
        stream = AcousticStream(model: model)
    }

    /// Accepts samples (float, full scale ±1) at `sampleRate`; returns the log-posterior
    /// rows (outputs each) they completed.
    public func accept(_ samples: [Float]) -> [Float] {
        features.accept(samples)
        return drain()
    }

    /// Silence fed by `finish(closingSilence: true)` after the last sample, in ms. The model
    /// emits a phone some frames after hearing it, so without this a recording cut right
    /// after the last word loses that word's last phones ("six" heard as "S").
    public static let closingSilenceMs = 200

    /// Ends the input; returns the last rows. `closingSilence`: first feed
    /// `closingSilenceMs` of silence, for audio that may stop as a word ends (a file, a
    /// cut-off turn); audio that already ends in silence needs none.
    public func finish(closingSilence: Bool = true) -> [Float] {
        if closingSilence { features.accept([Float](repeating: 0, count: sampleRate * Self.closingSilenceMs / 1000)) }
        features.finish()
        return drain()
    }

    /// Starts a new utterance.
    public func reset() {
        features.reset()
        stream.reset()
        featuresUsed = 0
    }

    private func drain() -> [Float] {
        let ready = features.framesReady
        guard ready > featuresUsed else { return [] }
        pending.removeAll(keepingCapacity: true)   // reused: no allocation per chunk
        for i in featuresUsed..<ready { pending.append(contentsOf: features.frame(i)) }
        features.discardFrames(upTo: ready)
        featuresUsed = ready
        return stream.accept(features: pending)
    }
}
