import Foundation

/// One unidirectional GRU layer with the training framework's gate order (reset, update,
/// new) and equations:
///   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
///   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h.
public struct GRULayer: Sendable {
    /// Input size.
    public let inputSize: Int
    /// Hidden size.
    public let hiddenSize: Int
    let inputWeights: [Float]    // 3H x inputSize
    let hiddenWeights: [Float]   // 3H x H
    let inputBias: [Float]       // 3H
    let hiddenBias: [Float]      // 3H

    /// A layer from its four tensors.
    public init(inputSize: Int, hiddenSize: Int, inputWeights: [Float], hiddenWeights: [Float],
                inputBias: [Float], hiddenBias: [Float]) {
        precondition(inputWeights.count == 3 * hiddenSize * inputSize && hiddenWeights.count == 3 * hiddenSize * hiddenSize)
        precondition(inputBias.count == 3 * hiddenSize && hiddenBias.count == 3 * hiddenSize)
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.inputWeights = inputWeights
        self.hiddenWeights = hiddenWeights
        self.inputBias = inputBias
        self.hiddenBias = hiddenBias
    }

    /// Advances `batch` streams one step: `inputs` (batch x inputSize), `hidden`
    /// (batch x H, updated in place); `scratch` holds at least 6 x H x batch floats.
    public func step(inputs: UnsafePointer<Float>, hidden: UnsafeMutablePointer<Float>, batch: Int,
                     scratch: UnsafeMutablePointer<Float>) {
        let h3 = 3 * hiddenSize
        let gi = scratch, gh = scratch + h3 * batch
        inputWeights.withUnsafeBufferPointer { w in
            inputBias.withUnsafeBufferPointer { b in
                AffineKernel.apply(weights: w.baseAddress!, bias: b.baseAddress!, rows: h3, columns: inputSize,
                                   inputs: inputs, batch: batch, outputs: gi)
            }
        }
        hiddenWeights.withUnsafeBufferPointer { w in
            hiddenBias.withUnsafeBufferPointer { b in
                AffineKernel.apply(weights: w.baseAddress!, bias: b.baseAddress!, rows: h3, columns: hiddenSize,
                                   inputs: UnsafePointer(hidden), batch: batch, outputs: gh)
            }
        }
        let size = hiddenSize
        for s in 0..<batch {
            let i = gi + s * h3, g = gh + s * h3, h = hidden + s * size
            for k in 0..<size {
                let r = sigmoid(i[k] + g[k])
                let z = sigmoid(i[size + k] + g[size + k])
                let n = 2 / (1 + expf(-2 * (i[2 * size + k] + r * g[2 * size + k]))) - 1   // tanh, via the faster expf
                h[k] = n + z * (h[k] - n)
            }
        }
    }

    /// Plain loops in double precision: the reference for one stream.
    public func referenceStep(input: [Float], hidden: [Float]) -> [Float] {
        let size = hiddenSize
        func affine(_ w: [Float], _ b: [Float], _ x: [Float], _ row: Int) -> Double {
            var s = Double(b[row])
            for k in 0..<x.count { s += Double(w[row * x.count + k]) * Double(x[k]) }
            return s
        }
        return (0..<size).map { k in
            let r = 1 / (1 + Foundation.exp(-(affine(inputWeights, inputBias, input, k) + affine(hiddenWeights, hiddenBias, hidden, k))))
            let z = 1 / (1 + Foundation.exp(-(affine(inputWeights, inputBias, input, size + k) + affine(hiddenWeights, hiddenBias, hidden, size + k))))
            let n = Foundation.tanh(affine(inputWeights, inputBias, input, 2 * size + k) + r * affine(hiddenWeights, hiddenBias, hidden, 2 * size + k))
            return Float((1 - z) * n + z * Double(hidden[k]))
        }
    }

    @inline(__always)
    func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
}
