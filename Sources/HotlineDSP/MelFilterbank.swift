import Foundation
import HotlineCore

/// Kaldi's triangular mel filterbank over the power spectrum, stored sparsely: each
/// filter keeps only its run of non-zero weights and the FFT bin where the run starts.
public struct MelFilterbank: Sendable {
    /// Number of filters.
    public let binCount: Int
    /// FFT bins read (`fftSize / 2`: the Nyquist bin is not used, as in Kaldi).
    public let fftBinCount: Int
    /// First FFT bin of each filter.
    public let firstBin: [Int]
    /// Offset of each filter's weights in `weights`.
    let weightOffset: [Int]
    /// Weight count of each filter.
    let weightCount: [Int]
    /// All filters' non-zero weights, one run after another.
    let weights: [Float]

    /// Kaldi's mel scale: 1127 ln(1 + f / 700).
    public static func mel(_ hz: Double) -> Double { 1127 * log(1 + hz / 700) }

    /// Builds the filters for an FFT of `fftSize` points at `sampleRate` Hz.
    public init(options: MelOptions, fftSize: Int, sampleRate: Double) throws {
        let nyquist = sampleRate / 2
        let high = options.highFrequencyHz > 0 ? options.highFrequencyHz : nyquist + options.highFrequencyHz
        guard options.binCount >= 1, options.lowFrequencyHz >= 0, high > options.lowFrequencyHz, high <= nyquist else {
            throw InvalidArgument("mel filters need 1 or more bins and 0 <= low < high <= \(nyquist) Hz (got \(options.binCount) bins, \(options.lowFrequencyHz)...\(high) Hz)")
        }
        binCount = options.binCount
        fftBinCount = fftSize / 2
        let binWidthHz = sampleRate / Double(fftSize)
        let melLow = Self.mel(options.lowFrequencyHz), melHigh = Self.mel(high)
        let melStep = (melHigh - melLow) / Double(options.binCount + 1)
        var first: [Int] = [], offsets: [Int] = [], counts: [Int] = [], all: [Float] = []
        for b in 0..<options.binCount {
            let left = melLow + Double(b) * melStep, center = left + melStep, right = center + melStep
            var start = -1
            var run: [Float] = []
            for i in 0..<fftBinCount {
                let m = Self.mel(binWidthHz * Double(i))
                guard m > left, m < right else { continue }
                let weight = m <= center ? (m - left) / (center - left) : (right - m) / (right - center)
                if start < 0 { start = i }
                // Bins inside one triangle are contiguous; fill any gap defensively.
                while start + run.count < i { run.append(0) }
                run.append(Float(weight))
            }
            guard start >= 0 else {
                throw InvalidArgument("mel bin \(b) of \(options.binCount) covers no FFT bin: use fewer bins or a longer frame")
            }
            first.append(start)
            offsets.append(all.count)
            counts.append(run.count)
            all += run
        }
        firstBin = first
        weightOffset = offsets
        weightCount = counts
        weights = all
    }

    /// Plain reference: filter energies of `power` (at least `fftBinCount` values).
    public func applyScalar(_ power: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            for b in 0..<binCount {
                var sum: Float = 0
                for j in 0..<weightCount[b] { sum += w[weightOffset[b] + j] * power[firstBin[b] + j] }
                output[b] = sum
            }
        }
    }

    /// SIMD version: each filter's run is one dot product.
    public func apply(_ power: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            firstBin.withUnsafeBufferPointer { first in
                weightOffset.withUnsafeBufferPointer { offset in
                    weightCount.withUnsafeBufferPointer { count in
                        for b in 0..<binCount {
                            output[b] = DotProduct.simd(w.baseAddress! + offset[b], power + first[b], count: count[b])
                        }
                    }
                }
            }
        }
    }
}
