import Foundation

/// MFCCs from log-mel energies: Kaldi's orthonormal DCT-II (rows 0..<ceps) with the
/// sinusoidal lifter folded into the matrix rows (lifter coefficient i multiplies row i,
/// so the two stages are one matrix-vector product).
public struct CepstralTransform: Sendable {
    /// Inputs (mel bins).
    public let inputCount: Int
    /// Outputs (cepstral coefficients).
    public let outputCount: Int
    /// Outputs rounded up to a multiple of 8 (SIMD lanes).
    let paddedOutputCount: Int
    /// Row-major [output][input] matrix, lifter applied (for the scalar reference).
    let matrix: [Float]
    /// Column-major copy, each column padded to `paddedOutputCount` (for SIMD).
    let columns: [Float]

    /// The DCT of `bins` inputs keeping `ceps` outputs, liftered with `lifter` (0: none).
    public init(bins: Int, ceps: Int, lifter: Float) {
        precondition(ceps >= 1 && ceps <= bins, "need 1...bins cepstra")
        inputCount = bins
        outputCount = ceps
        paddedOutputCount = (ceps + 7) / 8 * 8
        var m = [Float](repeating: 0, count: ceps * bins)
        for k in 0..<ceps {
            let normalizer = k == 0 ? (1 / Double(bins)).squareRoot() : (2 / Double(bins)).squareRoot()
            let lift = lifter == 0 ? 1 : 1 + 0.5 * Double(lifter) * sin(Double.pi * Double(k) / Double(lifter))
            for n in 0..<bins {
                m[k * bins + n] = Float(lift * normalizer * cos(Double.pi / Double(bins) * (Double(n) + 0.5) * Double(k)))
            }
        }
        matrix = m
        var c = [Float](repeating: 0, count: paddedOutputCount * bins)
        for n in 0..<bins {
            for k in 0..<ceps { c[n * paddedOutputCount + k] = m[k * bins + n] }
        }
        columns = c
    }

    /// Plain reference: `output[k] = sum_n matrix[k][n] * input[n]`.
    public func applyScalar(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        for k in 0..<outputCount {
            var sum: Float = 0
            for n in 0..<inputCount { sum += matrix[k * inputCount + n] * input[n] }
            output[k] = sum
        }
    }

    /// SIMD version: eight outputs accumulate together over the input columns.
    public func apply(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        columns.withUnsafeBytes { raw in
            let stride = MemoryLayout<Float>.stride
            var k = 0
            while k < outputCount {
                var acc = SIMD8<Float>()
                for n in 0..<inputCount {
                    acc += raw.loadUnaligned(fromByteOffset: (n * paddedOutputCount + k) * stride, as: SIMD8<Float>.self) * input[n]
                }
                for lane in 0..<min(8, outputCount - k) { output[k + lane] = acc[lane] }
                k += 8
            }
        }
    }
}
