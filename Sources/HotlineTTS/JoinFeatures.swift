import Foundation

/// The sound of a unit at one pitch mark, as unit selection compares it across a join:
/// the shape of the LPC envelope (its cepstrum) and the residual's level.
struct JoinFeatures: Sendable {
    /// c1 ... c12 of the LPC filter 1 / (1 - sum a[k] z^-k), then the residual's log RMS.
    let values: SIMD16<Float>

    /// The features of a unit with no frames.
    static let silence = JoinFeatures(values: SIMD16())

    private init(values: SIMD16<Float>) { self.values = values }

    /// From the filter's coefficients a1 ... ap and the residual's mean power around the mark.
    init(coefficients a: ArraySlice<Float>, power: Float) {
        // c[n] = a[n] + sum over k < n of (k / n) c[k] a[n - k], a[n] = 0 past the order.
        let a = Array(a)
        var c = [Float](repeating: 0, count: 13)
        for n in 1...12 {
            var sum = n <= a.count ? a[n - 1] : 0
            for k in 1..<n where n - k <= a.count { sum += Float(k) / Float(n) * c[k] * a[n - k - 1] }
            c[n] = sum
        }
        var v = SIMD16<Float>()
        for n in 1...12 { v[n - 1] = c[n] }
        v[12] = 0.5 * log(max(power, 1))
        values = v
    }

    /// How different two sounds are: the Euclidean distance of their cepstra and log RMS
    /// (natural-log units, so 1 is about 8.7 dB; frames either side of a join inside one
    /// recording are typically 0.4 apart, other units of the same diphone 0.5, with a long
    /// tail).
    func distance(_ other: JoinFeatures) -> Float {
        let d = values - other.values
        return (d * d).sum().squareRoot()
    }

    /// The features at `unit`'s first and last pitch marks (the residual's power over
    /// 10 ms around each), from a voice's frame table and residual.
    static func edges(of unit: VoiceDatabase.Unit, frames: [Float], frameFloats: Int, residual: [Float], sampleRate: Int) -> (start: JoinFeatures, end: JoinFeatures) {
        guard unit.frames > 0 else { return (silence, silence) }
        func features(_ k: Int) -> JoinFeatures {
            let row = (unit.frame + k) * frameFloats
            let mark = Int(Double(frames[row]) * Double(sampleRate))
            let span = max(0, mark - sampleRate / 200)..<min(unit.samples, mark + sampleRate / 200)
            let power = span.reduce(Float(0)) { $0 + residual[unit.residual + $1] * residual[unit.residual + $1] }
            return JoinFeatures(coefficients: frames[(row + 2)..<(row + frameFloats)], power: power / Float(max(1, span.count)))
        }
        return (features(0), features(unit.frames - 1))
    }
}
