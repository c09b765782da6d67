import Foundation

/// Per-frame features for voice activity from a 16 ms Hann-windowed FFT every 10 ms:
/// the log energies of 16 bands of 250 Hz and of the whole frame, each relative to a
/// tracked noise floor (how far the frame stands above the background), and the 16 band
/// energies relative to the frame's own total (its spectral shape, whatever the level).
///
/// The noise floor of each band follows the band down at once and creeps up slowly
/// (`floorRisePerFrame`, natural-log units per frame, about 3 dB/s), so stationary
/// noise sits near zero and speech stands out as a positive band "SNR". The first
/// frames seed the floor. Features are what the VAD model was trained on
/// (tools/train-vad.py reads them through `hotline bench vad-features`).
public final class VADFeatures {
    /// Bands per frame.
    public static let bandCount = 16
    /// Samples per analysis window (16 ms at 8 kHz).
    public static let windowSize = 128
    /// Samples between frames (10 ms at 8 kHz).
    public static let hopSize = 80
    /// Features per frame: band SNRs, overall level over the floor, spectral shape.
    public static let dimension = 2 * bandCount + 1
    /// How fast the floor rises, natural-log units per frame (0.0035 ~ 3 dB/s).
    public static let floorRisePerFrame: Float = 0.0035

    private let fft = RealFFT(size: windowSize)
    private let window: [Float]
    private var power = [Float](repeating: 0, count: windowSize / 2 + 8)
    private var floor = [Float](repeating: 0, count: bandCount + 1)
    private var seeded = false

    /// A fresh tracker.
    public init() {
        window = FrameWindow.coefficients(.hanning, size: Self.windowSize, blackmanCoefficient: 0.42)
    }

    /// Forgets the noise floor.
    public func reset() { seeded = false }

    /// Computes the features of the `windowSize` samples at `frame` into `output`
    /// (`dimension` floats) and updates the noise floor.
    public func compute(_ frame: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        // Int16 scale keeps the energies well above the log floor, as in the front end.
        for i in 0..<Self.windowSize { fft.input[i] = frame[i] * window[i] * 32768 }
        fft.transform()
        power.withUnsafeMutableBufferPointer { p in
            PowerSpectrum.simd(fft.output.baseAddress!, bins: Self.windowSize / 2, magnitude: false, into: p.baseAddress!)
            // Bands of 4 bins (250 Hz); bin 0 (DC) is left out of the first band.
            var total: Float = 0
            for b in 0..<Self.bandCount {
                let start = b == 0 ? 1 : 4 * b
                var e: Float = 0
                for k in start..<(4 * b + 4) { e += p[k] }
                total += e
                output[b] = e
            }
            output[Self.bandCount] = total
        }
        VectorLog.simd(output, count: Self.bandCount + 1, floor: 1)
        let total = output[Self.bandCount]
        for j in 0...Self.bandCount {
            let level = output[j]
            if j < Self.bandCount { output[Self.bandCount + 1 + j] = level - total }
            if !seeded || level < floor[j] { floor[j] = level } else { floor[j] += Self.floorRisePerFrame }
            output[j] = level - floor[j]
        }
        seeded = true
    }
}
