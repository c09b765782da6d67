import Foundation

/// Amplitude of the `frequency` component of `y` sampled at `rate` Hz (exact for an
/// integer-Hz tone over a whole-second window: a whole number of cycles).
public func amplitude(of frequency: Double, in y: ArraySlice<Float>, rate: Int) -> Double {
    var c = 0.0, s = 0.0
    for (k, v) in y.enumerated() {
        let phase = 2 * .pi * frequency * Double(k) / Double(rate)
        c += Double(v) * cos(phase)
        s += Double(v) * sin(phase)
    }
    return 2 * (c * c + s * s).squareRoot() / Double(y.count)
}
