import Foundation

/// Design of a Kaiser-windowed sinc lowpass FIR (Kaiser's formulas for beta and length).
public struct WindowedSincLowpass: Sendable {
    /// Cutoff (the middle of the transition band) as a fraction of the sample rate.
    public let cutoff: Double
    /// Width of the transition band as a fraction of the sample rate.
    public let transitionWidth: Double
    /// Stopband attenuation in dB.
    public let stopbandAttenuationDb: Double

    /// Describes a lowpass: `cutoff` and `transitionWidth` are fractions of the sample rate.
    public init(cutoff: Double, transitionWidth: Double, stopbandAttenuationDb: Double) {
        precondition(cutoff > 0 && cutoff < 0.5 && transitionWidth > 0, "bad lowpass specification")
        self.cutoff = cutoff
        self.transitionWidth = transitionWidth
        self.stopbandAttenuationDb = stopbandAttenuationDb
    }

    /// Kaiser's beta for the attenuation.
    public var beta: Double {
        let a = stopbandAttenuationDb
        if a > 50 { return 0.1102 * (a - 8.7) }
        if a >= 21 { return 0.5842 * pow(a - 21, 0.4) + 0.07886 * (a - 21) }
        return 0
    }

    /// Kaiser's estimate of the number of taps needed (odd).
    public var estimatedLength: Int {
        let n = Int(((stopbandAttenuationDb - 7.95) / (2.285 * 2 * Double.pi * transitionWidth)).rounded(.up))
        return n | 1
    }

    /// The symmetric impulse response of `length` taps (odd), with DC gain `gain`.
    public func taps(length: Int, gain: Double = 1) -> [Double] {
        precondition(length % 2 == 1, "length must be odd")
        let half = Double(length - 1) / 2
        let i0Beta = besselI0(beta)
        var h = (0..<length).map { j -> Double in
            let t = Double(j) - half
            let x = 2 * cutoff * t
            let sinc = x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
            let r = half == 0 ? 0 : t / half
            let window = besselI0(beta * (1 - r * r).squareRoot()) / i0Beta
            return 2 * cutoff * sinc * window
        }
        let sum = h.reduce(0, +)
        for j in h.indices { h[j] *= gain / sum }
        return h
    }
}

/// Modified Bessel function of the first kind, order 0 (power series).
func besselI0(_ x: Double) -> Double {
    var sum = 1.0, term = 1.0
    let q = x * x / 4
    for k in 1..<200 {
        term *= q / Double(k * k)
        sum += term
        if term < sum * 1e-17 { break }
    }
    return sum
}
