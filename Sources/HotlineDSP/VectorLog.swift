import Foundation

/// Natural logarithm with a floor, `log(max(x, floor))`, for log-mel energies.
///
/// `simd` evaluates eight logs at once: split x into exponent e and mantissa m in
/// [sqrt(1/2), sqrt(2)), then ln(x) = e ln 2 + ln(m) with ln(m) from the classic
/// single-precision minimax polynomial (Cephes `logf` coefficients), accurate to about
/// 1e-7 relative on normal inputs. The floor must be a positive normal float (Kaldi
/// uses FLT_EPSILON), so the input is never zero, negative, NaN or subnormal.
public enum VectorLog {
    /// Plain reference with Foundation's `log`.
    public static func scalar(_ values: UnsafeMutablePointer<Float>, count: Int, floor: Float) {
        for i in 0..<count { values[i] = log(max(values[i], floor)) }
    }

    /// SIMD version, in place.
    public static func simd(_ values: UnsafeMutablePointer<Float>, count: Int, floor: Float) {
        precondition(floor >= Float.leastNormalMagnitude, "floor must be a positive normal float")
        let raw = UnsafeMutableRawPointer(values)
        let stride = MemoryLayout<Float>.stride
        var i = 0
        while i + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self)
            raw.storeBytes(of: log8(pointwiseMax(v, SIMD8(repeating: floor))), toByteOffset: i * stride, as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {
            var tail = SIMD8<Float>(repeating: 1)
            for lane in 0..<(count - i) { tail[lane] = max(values[i + lane], floor) }
            let result = log8(tail)
            for lane in 0..<(count - i) { values[i + lane] = result[lane] }
        }
    }

    /// ln of eight positive normal floats.
    @inline(__always)
    static func log8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<Int32>.self)
        // x = 2^e * m with m in [0.5, 1).
        var exponent = SIMD8<Float>((bits &>> 23) &- 126)
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: SIMD8<Float>.self)
        // Move m into [sqrt(1/2), sqrt(2)) and take 1 off: ln(m) = ln(1 + f).
        let small = m .< 0.707106781186547524
        exponent = exponent.replacing(with: exponent - 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var p = SIMD8<Float>(repeating: 7.0376836292e-2)
        p = p * m - 1.1514610310e-1
        p = p * m + 1.1676998740e-1
        p = p * m - 1.2420140846e-1
        p = p * m + 1.4249322787e-1
        p = p * m - 1.6668057665e-1
        p = p * m + 2.0000714765e-1
        p = p * m - 2.4999993993e-1
        p = p * m + 3.3333331174e-1
        var y = p * m * z
        y += exponent * -2.12194440e-4
        y -= z * 0.5
        return m + y + exponent * 0.693359375
    }
}
