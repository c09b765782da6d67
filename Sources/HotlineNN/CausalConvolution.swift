/// The two 3x3 convolutions over time x frequency, causal in time (output frame t sees
/// input frames t-2...t; frames before the start are zeros), frequency stride 2 with one
/// zero bin of padding on each side, ReLU after each. The first has time stride 1 and one
/// input channel; the second has time stride `timeStride`.
///
/// Each output position is an im2col patch multiplied by the weight matrix through
/// `AffineKernel`, with the frequency positions as the batch.
public struct CausalConvolution: Sendable {
    /// Channels of both layers.
    public let channels: Int
    /// Input bins.
    public let bins: Int
    /// Frequency positions after the first layer.
    public let firstBins: Int
    /// Frequency positions after the second layer.
    public let secondBins: Int
    /// Input frames per output frame of the second layer.
    public let timeStride: Int
    let firstWeights: [Float]    // channels x 9 (one input channel)
    let firstBias: [Float]
    let secondWeights: [Float]   // channels x (channels x 9)
    let secondBias: [Float]

    /// The layers from their tensors (shapes as in the training framework).
    public init(bins: Int, channels: Int, timeStride: Int, firstWeights: [Float], firstBias: [Float],
                secondWeights: [Float], secondBias: [Float]) {
        self.bins = bins
        self.channels = channels
        self.timeStride = timeStride
        firstBins = (bins - 1) / 2 + 1
        secondBins = (firstBins - 1) / 2 + 1
        self.firstWeights = firstWeights
        self.firstBias = firstBias
        self.secondWeights = secondWeights
        self.secondBias = secondBias
    }

    /// Size of the vector handed to the GRU: channel-major, `channels x secondBins`.
    public var outputSize: Int { channels * secondBins }

    /// Per-stream state: the last three (padded) input frames and first-layer outputs.
    public struct State: Sendable {
        var inputs: [Float]        // 3 x (bins + 2), oldest first
        var firstOutputs: [Float]  // 3 x (firstBins + 2) x channels, oldest first
        var patches: [Float]       // scratch: max(firstBins x 9, secondBins x channels x 9)
        var secondOutput: [Float]  // scratch: secondBins x channels
        /// First-layer frames seen.
        public internal(set) var frames = 0
    }

    /// A fresh state (zeros before the first frame).
    public func makeState() -> State {
        State(inputs: .init(repeating: 0, count: 3 * (bins + 2)),
              firstOutputs: .init(repeating: 0, count: 3 * (firstBins + 2) * channels),
              patches: .init(repeating: 0, count: Swift.max(firstBins * 9, secondBins * channels * 9)),
              secondOutput: .init(repeating: 0, count: secondBins * channels))
    }

    /// Takes one normalised input frame (`bins` values); when the second layer produces a
    /// frame, writes it (`outputSize` values) to `output` and returns true.
    public func accept(_ frame: UnsafePointer<Float>, state: inout State, output: UnsafeMutablePointer<Float>) -> Bool {
        let stride = bins + 2, c = channels
        let firstStride = (firstBins + 2) * c
        return state.inputs.withUnsafeMutableBufferPointer { inputs in
            state.firstOutputs.withUnsafeMutableBufferPointer { first in
                state.patches.withUnsafeMutableBufferPointer { patches in
                    state.secondOutput.withUnsafeMutableBufferPointer { second in
                        let x = inputs.baseAddress!, o1 = first.baseAddress!, p = patches.baseAddress!
                        // Shift the input window and append the new frame between zero pads.
                        x.update(from: x + stride, count: 2 * stride)
                        (x + 2 * stride + 1).update(from: frame, count: bins)
                        // First layer: patch [kt][kf] per frequency position.
                        for f in 0..<firstBins {
                            for kt in 0..<3 {
                                for kf in 0..<3 { p[f * 9 + kt * 3 + kf] = x[kt * stride + 2 * f + kf] }
                            }
                        }
                        o1.update(from: o1 + firstStride, count: 2 * firstStride)
                        let newest = o1 + 2 * firstStride + c   // skip the zero pad position
                        firstWeights.withUnsafeBufferPointer { w in
                            firstBias.withUnsafeBufferPointer { b in
                                AffineKernel.apply(weights: w.baseAddress!, bias: b.baseAddress!, rows: c, columns: 9,
                                                   inputs: p, batch: firstBins, outputs: newest)
                            }
                        }
                        relu(newest, count: firstBins * c)
                        let t = state.frames
                        state.frames += 1
                        guard t % timeStride == 0 else { return false }
                        // Second layer: patch [cin][kt][kf] per frequency position; positions are [f][c].
                        let patch = c * 9
                        for g in 0..<secondBins {
                            let dst = p + g * patch
                            for cin in 0..<c {
                                for kt in 0..<3 {
                                    let row = o1 + kt * firstStride + cin
                                    for kf in 0..<3 { dst[cin * 9 + kt * 3 + kf] = row[(2 * g + kf) * c] }
                                }
                            }
                        }
                        let o2 = second.baseAddress!
                        secondWeights.withUnsafeBufferPointer { w in
                            secondBias.withUnsafeBufferPointer { b in
                                AffineKernel.apply(weights: w.baseAddress!, bias: b.baseAddress!, rows: c, columns: patch,
                                                   inputs: p, batch: secondBins, outputs: o2)
                            }
                        }
                        for g in 0..<secondBins {
                            for ch in 0..<c { output[ch * secondBins + g] = Swift.max(0, o2[g * c + ch]) }
                        }
                        return true
                    }
                }
            }
        }
    }

    /// Direct 4-deep loops over a whole utterance (frames x bins): the reference.
    public func reference(_ input: [Float]) -> [[Float]] {
        let frames = input.count / bins, c = channels
        func x(_ t: Int, _ f: Int) -> Float { t < 0 || f < 0 || f >= bins ? 0 : input[t * bins + f] }
        var first = [[Float]](repeating: [], count: frames)   // [t][c * firstBins + f]
        for t in 0..<frames {
            first[t] = (0..<(c * firstBins)).map { i in
                let ch = i / firstBins, f = i % firstBins
                var s = firstBias[ch]
                for kt in 0..<3 { for kf in 0..<3 { s += firstWeights[ch * 9 + kt * 3 + kf] * x(t - 2 + kt, 2 * f - 1 + kf) } }
                return Swift.max(0, s)
            }
        }
        func y(_ t: Int, _ ch: Int, _ f: Int) -> Float { t < 0 || f < 0 || f >= firstBins ? 0 : first[t][ch * firstBins + f] }
        return stride(from: 0, to: frames, by: timeStride).map { t in
            (0..<(c * secondBins)).map { i in
                let ch = i / secondBins, g = i % secondBins
                var s = secondBias[ch]
                for cin in 0..<c {
                    for kt in 0..<3 {
                        for kf in 0..<3 { s += secondWeights[((ch * c + cin) * 3 + kt) * 3 + kf] * y(t - 2 + kt, cin, 2 * g - 1 + kf) }
                    }
                }
                return Swift.max(0, s)
            }
        }
    }

    @inline(__always)
    func relu(_ p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { p[i] = Swift.max(0, p[i]) }
    }
}
