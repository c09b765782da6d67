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

    /// SIMD version, in place. A partial last group of lanes is padded with ones.
    public static func simd(_ values: UnsafeMutablePointer<Float>, count: Int, floor: Float) {
        precondition(floor >= Float.leastNormalMagnitude, "floor must be a positive normal float")
        let raw = UnsafeMutableRawPointer(values)
        let stride = MemoryLayout<Float>.stride
        let floorVector = SIMD8<Float>(repeating: floor)
        var i = 0
        while i + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self)
            raw.storeBytes(of: log8(v.replacing(with: floorVector, where: v .< floorVector)),
                           toByteOffset: i * stride, as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {
            var tail = SIMD8<Float>(repeating: 1)
            for lane in 0..<(count - i) { tail[lane] = max(values[i + lane], floor) }
            let result = log8(tail)
            for lane in 0..<(count - i) { values[i + lane] = result[lane] }
        }
    }

    /// ln of eight positive normal floats, in integer and float lane arithmetic only
    /// (no lane selects, which the compiler tends to scalarise).
    @inline(__always)
    static func log8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        typealias V = SIMD8<Float>
        typealias I = SIMD8<Int32>
        // Shift the bits so that the exponent field counts from sqrt(1/2): then
        // x = 2^e * m with m in [sqrt(1/2), sqrt(2)) and no comparison is needed.
        let sqrtHalfBits = I(repeating: 0x3F35_04F3)
        let shifted = unsafeBitCast(x, to: I.self) &- sqrtHalfBits
        let e = shifted &>> 23
        let m = unsafeBitCast((shifted & I(repeating: 0x007F_FFFF)) &+ sqrtHalfBits, to: V.self) - V(repeating: 1)
        // Int32 -> Float by the magic-number trick (exact for |e| < 2^22).
        let exponent = unsafeBitCast(e &+ I(repeating: 0x4B40_0000), to: V.self) - V(repeating: 12_582_912)
        let z = m * m
        var p = V(repeating: 7.0376836292e-2)
        p = p * m + V(repeating: -1.1514610310e-1)
        p = p * m + V(repeating: 1.1676998740e-1)
        p = p * m + V(repeating: -1.2420140846e-1)
        p = p * m + V(repeating: 1.4249322787e-1)
        p = p * m + V(repeating: -1.6668057665e-1)
        p = p * m + V(repeating: 2.0000714765e-1)
        p = p * m + V(repeating: -2.4999993993e-1)
        p = p * m + V(repeating: 3.3333331174e-1)
        var y = p * m * z
        y += exponent * V(repeating: -2.12194440e-4)
        y -= z * V(repeating: 0.5)
        return m + y + exponent * V(repeating: 0.693359375)
    }
}
