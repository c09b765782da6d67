/// The all-pole LPC synthesis filter of order 16: y[n] = e[n] + sum_k a[k] y[n-1-k],
/// clamped to the int16 range (the voice's residual is in int16 scale).
///
/// The history is a ring written twice (at `position` and `position + 16`), so the last 16
/// outputs, newest first, are always one contiguous run: one unaligned SIMD16 load and a
/// lane-wise multiply per sample instead of shifting an array.
struct LPCSynthesisFilter {
    static let order = 16
    /// Newest output at `position`, then older ones; each value also at `position + 16`.
    private var ring = [Float](repeating: 0, count: 2 * order)
    private var position = 0

    /// Filters `count` excitation samples with the coefficients at `a` (16 floats) into `out`.
    mutating func process(_ e: UnsafePointer<Float>, count: Int, coefficients a: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let coef = UnsafeRawPointer(a).loadUnaligned(as: SIMD16<Float>.self)
        var p = position
        ring.withUnsafeMutableBufferPointer { ring in
            let base = ring.baseAddress!
            for n in 0..<count {
                let history = UnsafeRawPointer(base + p).loadUnaligned(as: SIMD16<Float>.self)
                let y = min(32767, max(-32768, e[n] + (coef * history).sum()))
                p = p == 0 ? Self.order - 1 : p - 1
                base[p] = y
                base[p + Self.order] = y
                out[n] = y
            }
        }
        position = p
    }

    /// The plain scalar filter `process` must match (tests compare them).
    static func reference(_ e: [Float], coefficients a: [Float], history: inout [Float]) -> [Float] {
        var out: [Float] = []
        for x in e {
            var y = x
            for k in 0..<order { y += a[k] * history[k] }
            y = max(-32768, min(32767, y))
            history.insert(y, at: 0)
            history.removeLast()
            out.append(y)
        }
        return out
    }
}
