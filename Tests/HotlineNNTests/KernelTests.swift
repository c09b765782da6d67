import Foundation
import HotlineNN
import Testing

/// Each SIMD kernel against its plain-loop reference, on sizes that exercise the tails.
@Suite struct KernelTests {
    struct Random {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001) / 1_000_000 - 1
        }
        mutating func array(_ n: Int) -> [Float] { (0..<n).map { _ in next() } }
    }

    @Test(arguments: [(1, 1, 1), (4, 8, 1), (5, 9, 3), (13, 36, 10), (576, 320, 4), (40, 192, 7)])
    func affineMatchesReference(rows: Int, columns: Int, batch: Int) {
        var rng = Random(state: UInt64(rows * 1000 + columns))
        let w = rng.array(rows * columns), b = rng.array(rows), x = rng.array(columns * batch)
        var y = [Float](repeating: .nan, count: rows * batch)
        y.withUnsafeMutableBufferPointer { out in
            AffineKernel.apply(weights: w, bias: b, rows: rows, columns: columns, inputs: x, batch: batch, outputs: out.baseAddress!)
        }
        let reference = AffineKernel.reference(weights: w, bias: b, rows: rows, columns: columns, inputs: x, batch: batch)
        let worst = zip(y, reference).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-4 * Float(columns).squareRoot(), "max diff \(worst)")
    }

    @Test func logSoftmaxMatchesReference() {
        var rng = Random(state: 9)
        for n in [1, 7, 8, 40, 41] {
            var x = rng.array(n).map { $0 * 30 }
            let reference = LogSoftmax.reference(x)
            x.withUnsafeMutableBufferPointer { LogSoftmax.apply($0.baseAddress!, count: n) }
            #expect(zip(x, reference).allSatisfy { abs($0 - $1) < 1e-5 }, "n=\(n)")
            #expect(abs(x.map { exp(Double($0)) }.reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test func gruStepMatchesReferenceForEveryStreamOfABatch() {
        var rng = Random(state: 4)
        let input = 21, hidden = 12, batch = 3
        let layer = GRULayer(inputSize: input, hiddenSize: hidden,
                             inputWeights: rng.array(3 * hidden * input), hiddenWeights: rng.array(3 * hidden * hidden),
                             inputBias: rng.array(3 * hidden), hiddenBias: rng.array(3 * hidden))
        let x = rng.array(batch * input)
        var h = rng.array(batch * hidden)
        let before = h
        var scratch = [Float](repeating: 0, count: 6 * hidden * batch)
        h.withUnsafeMutableBufferPointer { hp in
            scratch.withUnsafeMutableBufferPointer { layer.step(inputs: x, hidden: hp.baseAddress!, batch: batch, scratch: $0.baseAddress!) }
        }
        for s in 0..<batch {
            let reference = layer.referenceStep(input: Array(x[s * input..<(s + 1) * input]),
                                                hidden: Array(before[s * hidden..<(s + 1) * hidden]))
            let ours = h[s * hidden..<(s + 1) * hidden]
            #expect(zip(ours, reference).allSatisfy { abs($0 - $1) < 1e-5 }, "stream \(s)")
        }
    }

    @Test func convolutionStreamingMatchesReference() {
        var rng = Random(state: 11)
        let bins = 13, channels = 5
        let conv = CausalConvolution(bins: bins, channels: channels, timeStride: 3,
                                     firstWeights: rng.array(channels * 9), firstBias: rng.array(channels),
                                     secondWeights: rng.array(channels * channels * 9), secondBias: rng.array(channels))
        let frames = 17
        let input = rng.array(frames * bins)
        let reference = conv.reference(input)
        var state = conv.makeState()
        var produced: [[Float]] = []
        var out = [Float](repeating: 0, count: conv.outputSize)
        for t in 0..<frames {
            let ready = input.withUnsafeBufferPointer { i in
                out.withUnsafeMutableBufferPointer { conv.accept(i.baseAddress! + t * bins, state: &state, output: $0.baseAddress!) }
            }
            if ready { produced.append(out) }
        }
        #expect(produced.count == reference.count)
        for (a, b) in zip(produced, reference) {
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 })
        }
    }
}
