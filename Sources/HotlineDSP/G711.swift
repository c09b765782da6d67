/// ITU-T G.711 companding (mu-law and A-law) between int16 PCM and 8-bit codes.
///
/// Encoding first rounds the int16 sample to the codec's native grid (14-bit for
/// mu-law, 13-bit for A-law; half up, the top value clipped) and then applies the
/// G.711 segment tables. This is exactly what sox does, and the test suite checks all
/// 65,536 inputs and all 256 codes against sox's output. `encode` runs eight samples at
/// a time in SIMD registers; `encodeScalar` is the plain reference it is tested against.
public enum G711Law: String, Sendable, CaseIterable {
    /// North American / Japanese mu-law (PCMU).
    case muLaw = "ulaw"
    /// European A-law (PCMA).
    case aLaw = "alaw"
}

/// G.711 encoder and decoder kernels.
public enum G711 {
    // MARK: Scalar reference

    /// Encodes one int16 sample (plain scalar reference for the SIMD kernel).
    public static func encodeScalar(_ sample: Int16, law: G711Law) -> UInt8 {
        switch law {
        case .muLaw:
            let grid = min((Int32(sample) + 2) >> 2, 8191)
            let negative = grid < 0
            let magnitude = min((negative ? -grid : grid) + 33, 8191)
            let segment = max(0, (32 - Int32(magnitude.leadingZeroBitCount)) - 6)
            let mantissa = min(magnitude >> (segment + 1), 31) & 0xF
            return UInt8((segment << 4) | mantissa) ^ (negative ? 0x7F : 0xFF)
        case .aLaw:
            let grid = min((Int32(sample) + 4) >> 3, 4095)
            let negative = grid < 0
            let magnitude = negative ? -grid - 1 : grid
            let segment = max(0, (32 - Int32(magnitude.leadingZeroBitCount)) - 5)
            let mantissa = (magnitude >> max(segment, 1)) & 0xF
            return UInt8((segment << 4) | mantissa) ^ (negative ? 0x55 : 0xD5)
        }
    }

    /// Decodes one code to int16 (G.711 reconstruction values).
    public static func decodeScalar(_ code: UInt8, law: G711Law) -> Int16 {
        switch law {
        case .muLaw:
            let u = Int32(~code)
            let t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
            return Int16(u & 0x80 != 0 ? 0x84 - t : t - 0x84)
        case .aLaw:
            let a = Int32(code ^ 0x55)
            let segment = (a & 0x70) >> 4
            var t = (a & 0x0F) << 4
            switch segment {
            case 0: t += 8
            case 1: t += 0x108
            default: t = (t + 0x108) << (segment - 1)
            }
            return Int16(a & 0x80 != 0 ? t : -t)
        }
    }

    // MARK: Decode tables

    private static let muLawToInt16: [Int16] = (0...255).map { decodeScalar(UInt8($0), law: .muLaw) }
    private static let aLawToInt16: [Int16] = (0...255).map { decodeScalar(UInt8($0), law: .aLaw) }

    /// The 256-entry decode table of `law`.
    public static func decodeTable(_ law: G711Law) -> [Int16] {
        law == .muLaw ? muLawToInt16 : aLawToInt16
    }

    // MARK: SIMD kernels

    /// Encodes `input` into `output` (same count), eight samples per step.
    public static func encode(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>,
                              law: G711Law) {
        precondition(output.count >= input.count, "output too small")
        let n = input.count
        var i = 0
        while i + 8 <= n {
            var v = SIMD8<Int32>()
            for lane in 0..<8 { v[lane] = Int32(input[i + lane]) }
            let codes = law == .muLaw ? encodeMuLaw8(v) : encodeALaw8(v)
            for lane in 0..<8 { output[i + lane] = UInt8(truncatingIfNeeded: codes[lane]) }
            i += 8
        }
        while i < n {
            output[i] = encodeScalar(input[i], law: law)
            i += 1
        }
    }

    @inline(__always)
    static func encodeMuLaw8(_ x: SIMD8<Int32>) -> SIMD8<Int32> {
        let grid = pointwiseMin((x &+ 2) &>> 2, SIMD8(repeating: 8191))
        let negative = grid .< 0
        let absolute = grid.replacing(with: 0 &- grid, where: negative)
        let magnitude = pointwiseMin(absolute &+ 33, SIMD8(repeating: 8191))
        let bitLength = SIMD8<Int32>(repeating: 32) &- magnitude.leadingZeroBitCount
        let segment = pointwiseMax(bitLength &- 6, SIMD8(repeating: 0))
        let mantissa = pointwiseMin(magnitude &>> (segment &+ 1), SIMD8(repeating: 31)) & 0xF
        let mask = SIMD8<Int32>(repeating: 0xFF).replacing(with: 0x7F, where: negative)
        return ((segment &<< 4) | mantissa) ^ mask
    }

    @inline(__always)
    static func encodeALaw8(_ x: SIMD8<Int32>) -> SIMD8<Int32> {
        let grid = pointwiseMin((x &+ 4) &>> 3, SIMD8(repeating: 4095))
        let negative = grid .< 0
        let magnitude = grid.replacing(with: ~grid, where: negative)
        let bitLength = SIMD8<Int32>(repeating: 32) &- magnitude.leadingZeroBitCount
        let segment = pointwiseMax(bitLength &- 5, SIMD8(repeating: 0))
        let mantissa = (magnitude &>> pointwiseMax(segment, SIMD8(repeating: 1))) & 0xF
        let mask = SIMD8<Int32>(repeating: 0xD5).replacing(with: 0x55, where: negative)
        return ((segment &<< 4) | mantissa) ^ mask
    }

    /// Decodes `input` into `output` (same count) through the 256-entry table.
    public static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>,
                              law: G711Law) {
        precondition(output.count >= input.count, "output too small")
        decodeTable(law).withUnsafeBufferPointer { table in
            for i in 0..<input.count { output[i] = table[Int(input[i])] }
        }
    }

    // MARK: Array conveniences

    /// Encodes int16 samples to G.711 codes.
    public static func encode(_ samples: [Int16], law: G711Law) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: samples.count) { out, count in
            samples.withUnsafeBufferPointer { encode($0, into: out, law: law) }
            count = samples.count
        }
    }

    /// Decodes G.711 codes to int16 samples.
    public static func decode(_ codes: [UInt8], law: G711Law) -> [Int16] {
        [Int16](unsafeUninitializedCapacity: codes.count) { out, count in
            codes.withUnsafeBufferPointer { decode($0, into: out, law: law) }
            count = codes.count
        }
    }

    /// Encodes Float32 audio in [-1, 1] (converted to int16 at the usual 32768 scale).
    public static func encode(_ samples: [Float], law: G711Law) -> [UInt8] {
        encode(PCM16.fromFloat(samples), law: law)
    }

    /// Decodes G.711 codes to Float32 audio in [-1, 1].
    public static func decodeToFloat(_ codes: [UInt8], law: G711Law) -> [Float] {
        PCM16.toFloat(decode(codes, law: law))
    }
}
