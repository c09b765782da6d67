import Foundation

/// A simulated telephone channel for testing recognition as callers reach it: the
/// 300-3400 Hz band of a phone line (second-order Butterworth high- and low-pass
/// sections, RBJ biquads), a level of -20 dBFS RMS, and a G.711 round trip. Input and
/// output are 8 kHz samples in [-1, 1].
public struct TelephoneChannel: Sendable {
    /// Lower edge of the passband, Hz.
    public var lowCutHz: Double = 300
    /// Upper edge of the passband, Hz.
    public var highCutHz: Double = 3400
    /// RMS level the speech is set to, dBFS.
    public var levelDb: Double = -20
    /// The line's codec.
    public var law: G711Law = .muLaw

    /// The default channel: 300-3400 Hz, -20 dBFS, mu-law.
    public init() {}

    /// `samples` as they arrive over the line.
    public func apply(_ samples: [Float], sampleRate: Int = 8000) -> [Float] {
        guard !samples.isEmpty else { return [] }
        let filtered = Biquad.lowPass(cutoffHz: highCutHz, sampleRate: sampleRate)
            .filter(Biquad.highPass(cutoffHz: lowCutHz, sampleRate: sampleRate).filter(samples))
        let rms = sqrt(filtered.reduce(0) { $0 + Double($1) * Double($1) } / Double(filtered.count))
        let gain = rms > 0 ? Float(pow(10, levelDb / 20) / rms) : 1
        let leveled = filtered.map { max(-1, min(1, $0 * gain)) }
        return G711.decodeToFloat(G711.encode(leveled, law: law), law: law)
    }
}

/// One second-order IIR section (direct form I), coefficients from R. Bristow-Johnson's
/// audio EQ cookbook with Q = 1/sqrt(2) (Butterworth).
struct Biquad {
    var b0: Double, b1: Double, b2: Double, a1: Double, a2: Double

    static func lowPass(cutoffHz: Double, sampleRate: Int) -> Biquad {
        let (cosw, alpha) = terms(cutoffHz, sampleRate)
        return normalised(b0: (1 - cosw) / 2, b1: 1 - cosw, b2: (1 - cosw) / 2, a0: 1 + alpha, a1: -2 * cosw, a2: 1 - alpha)
    }

    static func highPass(cutoffHz: Double, sampleRate: Int) -> Biquad {
        let (cosw, alpha) = terms(cutoffHz, sampleRate)
        return normalised(b0: (1 + cosw) / 2, b1: -(1 + cosw), b2: (1 + cosw) / 2, a0: 1 + alpha, a1: -2 * cosw, a2: 1 - alpha)
    }

    private static func terms(_ cutoffHz: Double, _ sampleRate: Int) -> (cosw: Double, alpha: Double) {
        let w = 2 * Double.pi * cutoffHz / Double(sampleRate)
        return (cos(w), sin(w) / 2.0.squareRoot())   // sin w / 2Q with Q = 1/sqrt(2)
    }

    private static func normalised(b0: Double, b1: Double, b2: Double, a0: Double, a1: Double, a2: Double) -> Biquad {
        Biquad(b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0)
    }

    func filter(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0
        for n in 0..<x.count {
            let x0 = Double(x[n])
            let y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            (x2, x1, y2, y1) = (x1, x0, y1, y0)
            y[n] = Float(y0)
        }
        return y
    }
}
