/// Conversion between Float32 audio in [-1, 1] and int16 PCM at the 32768 scale.
///
/// This is the one place where the in-process float representation meets int16
/// (files, G.711, Kaldi-scaled features). `x * 32768` is rounded to nearest-even and
/// clipped to [-32768, 32767], so int16 -> float -> int16 is exact.
public enum PCM16 {
    /// The int16 full scale used in both directions.
    public static let scale: Float = 32768

    /// One sample to int16 (scalar reference of `fromFloat`).
    @inline(__always)
    public static func sample(_ x: Float) -> Int16 {
        let v = (x * scale).rounded(.toNearestOrEven)
        // NaN compares false on both sides and maps to 0.
        if v >= 32767 { return 32767 }
        if v <= -32768 { return -32768 }
        return v == v ? Int16(v) : 0
    }

    /// Float32 samples to int16, eight at a time.
    public static func fromFloat(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Int16>) {
        precondition(output.count >= input.count, "output too small")
        let n = input.count
        var i = 0
        let lo = SIMD8<Float>(repeating: -32768), hi = SIMD8<Float>(repeating: 32767)
        while i + 8 <= n {
            var v = SIMD8<Float>()
            for lane in 0..<8 { v[lane] = input[i + lane] }
            v = (v * scale).rounded(.toNearestOrEven)
            v.replace(with: 0, where: v .!= v)   // NaN -> 0
            v = v.clamped(lowerBound: lo, upperBound: hi)
            let w = SIMD8<Int32>(v)
            for lane in 0..<8 { output[i + lane] = Int16(truncatingIfNeeded: w[lane]) }
            i += 8
        }
        while i < n {
            output[i] = sample(input[i])
            i += 1
        }
    }

    /// Float32 samples to a new int16 array.
    public static func fromFloat(_ samples: [Float]) -> [Int16] {
        [Int16](unsafeUninitializedCapacity: samples.count) { out, count in
            samples.withUnsafeBufferPointer { fromFloat($0, into: out) }
            count = samples.count
        }
    }

    /// int16 samples to Float32 in [-1, 1).
    public static func toFloat(_ samples: [Int16]) -> [Float] {
        let inverse = 1 / scale
        return samples.map { Float($0) * inverse }
    }
}
