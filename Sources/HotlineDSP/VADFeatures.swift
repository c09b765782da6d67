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
    /// Lowest band energy: -70 dBFS white noise through this window and band.
    public static let bandEnergyFloor: Float = 2e4

    private let fft = RealFFT(size: windowSize, planning: .patient)
    // Raw buffers, allocated once: the per-frame path touches no checked stored array.
    private let window = UnsafeMutableBufferPointer<Float>.allocate(capacity: windowSize)
    private let power = UnsafeMutableBufferPointer<Float>.allocate(capacity: windowSize / 2)
    /// Log energies of the bands and the frame, padded to whole 8-lane groups.
    private let levels = UnsafeMutableBufferPointer<Float>.allocate(capacity: (bandCount + 1 + 7) / 8 * 8)
    private let floor = UnsafeMutableBufferPointer<Float>.allocate(capacity: bandCount + 1)
    private var seeded = false

    /// A fresh tracker.
    public init() {
        _ = window.initialize(from: FrameWindow.coefficients(.hanning, size: Self.windowSize, blackmanCoefficient: 0.42))
        power.initialize(repeating: 0)
        levels.initialize(repeating: 1)
        floor.initialize(repeating: 0)
    }

    deinit {
        for buffer in [window, power, levels, floor] { buffer.deallocate() }
    }

    /// Forgets the noise floor.
    public func reset() { seeded = false }

    /// Computes the features of the `windowSize` samples at `frame` into `output`
    /// (`dimension` floats) and updates the noise floor.
    public func compute(_ frame: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        // Static lets are lazily initialised globals: read them once, not per iteration.
        let size = Self.windowSize, bands = Self.bandCount, rise = Self.floorRisePerFrame, minimum = Self.bandEnergyFloor
        // Int16 scale keeps the energies well above the log floor, as in the front end.
        let raw = UnsafeRawPointer(frame), rawWindow = UnsafeRawPointer(window.baseAddress!)
        let rawOut = UnsafeMutableRawPointer(fft.input.baseAddress!)
        for i in stride(from: 0, to: size * 4, by: 32) {
            let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD8<Float>.self)
                * rawWindow.loadUnaligned(fromByteOffset: i, as: SIMD8<Float>.self) * 32768
            rawOut.storeBytes(of: v, toByteOffset: i, as: SIMD8<Float>.self)
        }
        fft.transform()
        let p = power.baseAddress!, level = levels.baseAddress!, noise = floor.baseAddress!
        PowerSpectrum.simd(fft.output.baseAddress!, bins: size / 2, magnitude: false, into: p)
        // Bands of 4 bins (250 Hz); bin 0 (DC) is left out of the first band.
        var total: Float = 0
        for b in 0..<bands {
            let e = (b == 0 ? 0 : p[4 * b]) + p[4 * b + 1] + p[4 * b + 2] + p[4 * b + 3]
            total += e
            level[b] = e
        }
        level[bands] = total
        // Floor every energy at that of -70 dBFS white noise (about 2e4 per band in these
        // units), so digital silence reads as a quiet line, not as an abyss the model
        // never saw in training (every training mixture has background noise).
        for j in 0..<bands { level[j] = max(level[j], minimum) }
        level[bands] = max(level[bands], minimum * Float(bands))
        VectorLog.simd(level, count: levels.count, floor: 1)
        let logTotal = level[bands]
        for j in 0...bands {
            let l = level[j]
            if j < bands { output[bands + 1 + j] = l - logTotal }
            if !seeded || l < noise[j] { noise[j] = l } else { noise[j] += rise }
            output[j] = l - noise[j]
        }
        seeded = true
    }
}
