import Foundation

/// In-place log-softmax of one vector: x - max - log(sum(exp(x - max))).
public enum LogSoftmax {
    /// The SIMD kernel (8-lane max; the exponentials go through libm for exactness).
    public static func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        var m8 = SIMD8<Float>(repeating: -.infinity)
        while k + 8 <= count {
            m8 = pointwiseMax(m8, AffineKernel.load8(x + k))
            k += 8
        }
        var m = m8.max()
        while k < count { m = Swift.max(m, x[k]); k += 1 }
        var sum: Float = 0
        for i in 0..<count { sum += expf(x[i] - m) }
        let shift = m + logf(sum)
        k = 0
        let s8 = SIMD8<Float>(repeating: shift)
        while k + 8 <= count {
            UnsafeMutableRawPointer(x + k).storeBytes(of: AffineKernel.load8(x + k) - s8, as: SIMD8<Float>.self)
            k += 8
        }
        while k < count { x[k] -= shift; k += 1 }
    }

    /// Plain loops in double precision: the reference.
    public static func reference(_ x: [Float]) -> [Float] {
        let m = Double(x.max() ?? 0)
        let lse = m + Foundation.log(x.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) })
        return x.map { Float(Double($0) - lse) }
    }
}
