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

    /// A bank for `frequencies` at `sampleRate` Hz.
    public init(frequencies: [Double], sampleRate: Double) {
        self.frequencies = frequencies
        let padded = (frequencies.count + 7) / 8 * 8
        coefficients = (0..<padded).map { i in
            i < frequencies.count ? Float(2 * cos(2 * Double.pi * frequencies[i] / sampleRate)) : 0
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
