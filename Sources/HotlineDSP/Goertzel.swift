import Foundation

/// A bank of Goertzel filters: the DFT power of a block of samples at chosen
/// frequencies, eight frequencies per SIMD register.
///
/// For a sine of amplitude A at one of the frequencies, exactly periodic in the block of
/// N samples, the power is (A N / 2)^2; `2 * power / N` is then the sine's energy in the
/// block (the sum of its squared samples).
public struct GoertzelBank: Sendable {
    /// The frequencies, Hz.
    public let frequencies: [Double]
    /// 2 cos(2 pi f / fs) per frequency, padded to a multiple of 8 lanes.
    let coefficients: [Float]
    /// cos and sin of 2 pi f / fs per frequency (padded), for complex outputs.
    let cosines: [Float]
    let sines: [Float]

    /// A bank for `frequencies` at `sampleRate` Hz.
    public init(frequencies: [Double], sampleRate: Double) {
        self.frequencies = frequencies
        let padded = (frequencies.count + 7) / 8 * 8
        let omega = (0..<padded).map { i in i < frequencies.count ? 2 * Double.pi * frequencies[i] / sampleRate : 0 }
        coefficients = omega.map { Float(2 * cos($0)) }
        cosines = omega.map { Float(cos($0)) }
        sines = omega.map { Float(sin($0)) }
    }

    /// Number of values `dft` writes per output array (frequencies padded to 8 lanes).
    public var paddedCount: Int { coefficients.count }

    /// The complex DFT of `count` samples at each frequency, up to a phase common to all
    /// blocks of the same length: (re + i im) = e^(i w (count - 1)) * sum x[n] e^(-i w n).
    /// Blocks can thus be joined: a window of m blocks of length L has the DFT
    /// sum_j y_j e^(-i w L j) (j = 0 oldest), whose power equals the direct one.
    public func dft(_ samples: UnsafePointer<Float>, count: Int,
                    re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        coefficients.withUnsafeBytes { c2 in
            cosines.withUnsafeBytes { cs in
                sines.withUnsafeBytes { sn in
                    let outRe = UnsafeMutableRawPointer(re), outIm = UnsafeMutableRawPointer(im)
                    // The recursion is a chain of dependent multiply-adds per filter; two
                    // groups of eight filters advance together so their chains overlap.
                    var offset = 0
                    let bytes = coefficients.count * 4
                    while offset < bytes {
                        let pair = offset + 32 < bytes
                        let ca = c2.loadUnaligned(fromByteOffset: offset, as: V.self)
                        let cb = pair ? c2.loadUnaligned(fromByteOffset: offset + 32, as: V.self) : V()
                        var a1 = V(), a2 = V(), b1 = V(), b2 = V()
                        for i in 0..<count {
                            let x = V(repeating: samples[i])
                            let a0 = x + ca * a1 - a2, b0 = x + cb * b1 - b2
                            a2 = a1
                            a1 = a0
                            b2 = b1
                            b1 = b0
                        }
                        for (k, (s1, s2)) in [(a1, a2), (b1, b2)].enumerated() where k == 0 || pair {
                            let at = offset + 32 * k
                            outRe.storeBytes(of: s1 - cs.loadUnaligned(fromByteOffset: at, as: V.self) * s2, toByteOffset: at, as: V.self)
                            outIm.storeBytes(of: sn.loadUnaligned(fromByteOffset: at, as: V.self) * s2, toByteOffset: at, as: V.self)
                        }
                        offset += pair ? 64 : 32
                    }
                }
            }
        }
    }

    /// Plain reference: the power at each frequency of `count` samples.
    public func powersScalar(_ samples: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) {
        for k in 0..<frequencies.count {
            let c = coefficients[k]
            var s1: Float = 0, s2: Float = 0
            for i in 0..<count {
                let s0 = samples[i] + c * s1 - s2
                s2 = s1
                s1 = s0
            }
            output[k] = s1 * s1 + s2 * s2 - c * s1 * s2
        }
    }

    /// SIMD version: eight filters advance together over the samples.
    public func powers(_ samples: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) {
        coefficients.withUnsafeBufferPointer { all in
            let raw = UnsafeRawPointer(all.baseAddress!)
            var group = 0
            while group * 8 < frequencies.count {
                let c = raw.loadUnaligned(fromByteOffset: group * 32, as: SIMD8<Float>.self)
                var s1 = SIMD8<Float>(), s2 = SIMD8<Float>()
                for i in 0..<count {
                    let s0 = SIMD8<Float>(repeating: samples[i]) + c * s1 - s2
                    s2 = s1
                    s1 = s0
                }
                let p = s1 * s1 + s2 * s2 - c * s1 * s2
                for lane in 0..<min(8, frequencies.count - group * 8) { output[group * 8 + lane] = p[lane] }
                group += 1
            }
        }
    }
}
