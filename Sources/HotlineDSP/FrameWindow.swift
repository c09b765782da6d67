import Foundation

/// Window functions of `FrameWindowType`, computed once per extractor.
enum FrameWindow {
    /// The `size`-point window (Kaldi's definitions, in double precision).
    static func coefficients(_ type: FrameWindowType, size: Int, blackmanCoefficient: Float) -> [Float] {
        let a = 2 * Double.pi / Double(size - 1)
        return (0..<size).map { i -> Float in
            let x = Double(i)
            switch type {
            case .povey: return Float(pow(0.5 - 0.5 * cos(a * x), 0.85))
            case .hamming: return Float(0.54 - 0.46 * cos(a * x))
            case .hanning: return Float(0.5 - 0.5 * cos(a * x))
            case .sine: return Float(sin(0.5 * a * x))
            case .blackman:
                let b = Double(blackmanCoefficient)
                return Float(b - 0.5 * cos(a * x) + (0.5 - b) * cos(2 * a * x))
            case .rectangular: return 1
            }
        }
    }
}
