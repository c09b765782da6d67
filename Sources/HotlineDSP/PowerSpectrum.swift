/// |X[k]|^2 (or |X[k]|) of interleaved complex bins `[re0, im0, re1, im1, ...]`.
public enum PowerSpectrum {
    /// Plain reference over `bins` bins.
    public static func scalar(_ spectrum: UnsafePointer<Float>, bins: Int, magnitude: Bool,
                              into output: UnsafeMutablePointer<Float>) {
        for k in 0..<bins {
            let p = spectrum[2 * k] * spectrum[2 * k] + spectrum[2 * k + 1] * spectrum[2 * k + 1]
            output[k] = magnitude ? p.squareRoot() : p
        }
    }

    /// SIMD version: 16 interleaved floats in, 8 bins out per step.
    public static func simd(_ spectrum: UnsafePointer<Float>, bins: Int, magnitude: Bool,
                            into output: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(spectrum), rawOut = UnsafeMutableRawPointer(output)
        let stride = MemoryLayout<Float>.stride
        var k = 0
        while k + 8 <= bins {
            let v = raw.loadUnaligned(fromByteOffset: 2 * k * stride, as: SIMD16<Float>.self)
            let squares = v * v
            var p = squares.evenHalf + squares.oddHalf
            if magnitude { p = p.squareRoot() }
            rawOut.storeBytes(of: p, toByteOffset: k * stride, as: SIMD8<Float>.self)
            k += 8
        }
        if k < bins { scalar(spectrum + 2 * k, bins: bins - k, magnitude: magnitude, into: output + k) }
    }
}
