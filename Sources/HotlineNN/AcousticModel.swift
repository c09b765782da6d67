import Foundation
import HotlineCore

/// The CNN+GRU acoustic model: fbank frames in, CTC log-posteriors (blank + phones) out.
/// Immutable and shareable between calls; each call keeps its own `AcousticStream` or
/// shares an `AcousticBatch`.
public final class AcousticModel: Sendable {
    /// The file it was read from: architecture, front end and phone set.
    public let file: ModelFile
    /// Output labels; index 0 is the CTC blank.
    public var phones: [String] { file.phones }
    /// Input frames per output frame.
    public var timeStride: Int { file.architecture.timeStride }
    let featureMean: [Float]
    let featureScale: [Float]
    let convolution: CausalConvolution
    let layers: [GRULayer]
    let outputWeights: [Float]
    let outputBias: [Float]

    /// Loads and checks a model file.
    public convenience init(contentsOf url: URL) throws {
        try self.init(file: ModelFile(contentsOf: url))
    }

    /// Builds the model from a parsed file, checking every tensor's shape.
    public init(file: ModelFile) throws {
        guard file.kind == "ctc-acoustic-model" else {
            throw ModelFileError(path: "model", reason: "kind \(file.kind) is not ctc-acoustic-model")
        }
        let a = file.architecture
        self.file = file
        featureMean = try file.tensor("feature_mean", shape: [a.bins])
        featureScale = try file.tensor("feature_scale", shape: [a.bins])
        convolution = CausalConvolution(
            bins: a.bins, channels: a.channels, timeStride: a.timeStride,
            firstWeights: try file.tensor("conv1.weight", shape: [a.channels, 1, 3, 3]),
            firstBias: try file.tensor("conv1.bias", shape: [a.channels]),
            secondWeights: try file.tensor("conv2.weight", shape: [a.channels, a.channels, 3, 3]),
            secondBias: try file.tensor("conv2.bias", shape: [a.channels]))
        guard convolution.secondBins == a.convBins else {
            throw ModelFileError(path: "model", reason: "convBins \(a.convBins) does not follow from \(a.bins) bins")
        }
        var layers: [GRULayer] = []
        for l in 0..<a.layers {
            let input = l == 0 ? convolution.outputSize : a.hidden
            layers.append(GRULayer(
                inputSize: input, hiddenSize: a.hidden,
                inputWeights: try file.tensor("gru.weight_ih_l\(l)", shape: [3 * a.hidden, input]),
                hiddenWeights: try file.tensor("gru.weight_hh_l\(l)", shape: [3 * a.hidden, a.hidden]),
                inputBias: try file.tensor("gru.bias_ih_l\(l)", shape: [3 * a.hidden]),
                hiddenBias: try file.tensor("gru.bias_hh_l\(l)", shape: [3 * a.hidden])))
        }
        self.layers = layers
        outputWeights = try file.tensor("output.weight", shape: [a.outputs, a.hidden])
        outputBias = try file.tensor("output.bias", shape: [a.outputs])
    }

    /// Output frames that `frames` input frames give.
    public func outputFrameCount(inputFrames frames: Int) -> Int {
        frames == 0 ? 0 : (frames - 1) / timeStride + 1
    }

    /// Log-posteriors of a whole utterance (frames x bins, row-major):
    /// `outputFrameCount` rows of `phones.count` values.
    public func logPosteriors(features: [Float]) -> [Float] {
        let stream = AcousticStream(model: self)
        return stream.accept(features: features)
    }
}

/// Several calls advanced together, one feature frame each per step: the convolutions
/// run per stream, the GRU and output layers run as one batched matrix product so each
/// weight is read once per step for all streams.
public final class AcousticBatch {
    /// The model.
    public let model: AcousticModel
    /// Number of streams.
    public let count: Int
    private var convolutionStates: [CausalConvolution.State]
    private var hidden: [[Float]]          // per layer: count x H
    private var gathered: [Float]          // ready streams' GRU inputs
    private var layerOutput: [Float]
    private var scratch: [Float]
    private var logits: [Float]
    private var readyIndices: [Int]
    private var convolutionOutput: [Float]

    /// `count` streams, all at the start of a call.
    public init(model: AcousticModel, count: Int) {
        let a = model.file.architecture
        self.model = model
        self.count = count
        convolutionStates = (0..<count).map { _ in model.convolution.makeState() }
        hidden = (0..<a.layers).map { _ in [Float](repeating: 0, count: count * a.hidden) }
        gathered = .init(repeating: 0, count: count * Swift.max(model.convolution.outputSize, a.hidden))
        layerOutput = .init(repeating: 0, count: count * a.hidden)
        scratch = .init(repeating: 0, count: 6 * a.hidden * count)
        logits = .init(repeating: 0, count: count * a.outputs)
        readyIndices = []
        readyIndices.reserveCapacity(count)
        convolutionOutput = .init(repeating: 0, count: model.convolution.outputSize)
    }

    /// Starts stream `index` afresh (a new call on that line).
    public func reset(stream index: Int) {
        convolutionStates[index] = model.convolution.makeState()
        let h = model.file.architecture.hidden
        for l in hidden.indices {
            for k in 0..<h { hidden[l][index * h + k] = 0 }
        }
    }

    /// Advances every stream by one raw fbank frame (`frames`: count x bins). For each
    /// stream that produced an output frame, calls `emit(stream, logPosteriors)`.
    public func step(frames: UnsafePointer<Float>, emit: (Int, UnsafeBufferPointer<Float>) -> Void) {
        let a = model.file.architecture
        let bins = a.bins, convSize = model.convolution.outputSize
        readyIndices.removeAll(keepingCapacity: true)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: bins) { norm in
            let n = norm.baseAddress!
            model.featureMean.withUnsafeBufferPointer { mean in
                model.featureScale.withUnsafeBufferPointer { scale in
                    gathered.withUnsafeMutableBufferPointer { gather in
                        for s in 0..<count {
                            let f = frames + s * bins
                            for k in 0..<bins { n[k] = (f[k] - mean[k]) * scale[k] }
                            if model.convolution.accept(n, state: &convolutionStates[s], output: gather.baseAddress! + readyIndices.count * convSize) {
                                readyIndices.append(s)
                            }
                        }
                    }
                }
            }
        }
        let ready = readyIndices.count
        guard ready > 0 else { return }
        let h = a.hidden
        gathered.withUnsafeMutableBufferPointer { input in
            layerOutput.withUnsafeMutableBufferPointer { state in
                scratch.withUnsafeMutableBufferPointer { work in
                    for (l, layer) in model.layers.enumerated() {
                        // Gather the ready streams' hidden state, step, scatter back.
                        hidden[l].withUnsafeMutableBufferPointer { all in
                            for (j, s) in readyIndices.enumerated() {
                                (state.baseAddress! + j * h).update(from: all.baseAddress! + s * h, count: h)
                            }
                            layer.step(inputs: input.baseAddress!, hidden: state.baseAddress!, batch: ready, scratch: work.baseAddress!)
                            for (j, s) in readyIndices.enumerated() {
                                (all.baseAddress! + s * h).update(from: state.baseAddress! + j * h, count: h)
                            }
                        }
                        input.baseAddress!.update(from: state.baseAddress!, count: ready * h)
                    }
                }
                logits.withUnsafeMutableBufferPointer { out in
                    model.outputWeights.withUnsafeBufferPointer { w in
                        model.outputBias.withUnsafeBufferPointer { b in
                            AffineKernel.apply(weights: w.baseAddress!, bias: b.baseAddress!, rows: a.outputs, columns: h,
                                               inputs: state.baseAddress!, batch: ready, outputs: out.baseAddress!)
                        }
                    }
                    for (j, s) in readyIndices.enumerated() {
                        let row = out.baseAddress! + j * a.outputs
                        LogSoftmax.apply(row, count: a.outputs)
                        emit(s, UnsafeBufferPointer(start: row, count: a.outputs))
                    }
                }
            }
        }
    }
}

/// One call's acoustic model state: feed fbank frames as they arrive (any chunking),
/// get log-posterior frames out; the result equals a one-shot pass over the same frames.
public final class AcousticStream {
    private let batch: AcousticBatch
    /// Input frames accepted so far.
    public private(set) var framesAccepted = 0

    /// A stream at the start of a call.
    public init(model: AcousticModel) { batch = AcousticBatch(model: model, count: 1) }

    /// Accepts frames (frames x bins, row-major) and returns the log-posterior rows they
    /// completed, concatenated.
    public func accept(features: [Float]) -> [Float] {
        let bins = batch.model.file.architecture.bins
        precondition(features.count % bins == 0, "features must be whole frames of \(bins) bins")
        var out: [Float] = []
        out.reserveCapacity((features.count / bins / batch.model.timeStride + 1) * batch.model.phones.count)
        features.withUnsafeBufferPointer { f in
            for t in 0..<(features.count / bins) {
                batch.step(frames: f.baseAddress! + t * bins) { _, row in out.append(contentsOf: row) }
            }
        }
        framesAccepted += features.count / bins
        return out
    }

    /// Starts afresh.
    public func reset() {
        batch.reset(stream: 0)
        framesAccepted = 0
    }
}
