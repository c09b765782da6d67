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
    /// Non-zero weights of each filter.
    let weightCount: [Int]
    /// Each filter's weights, zero-padded to a multiple of 8, one run after another.
    let weights: [Float]
    /// For `apply`: per filter, its first bin's byte offset and its count of 8-lane groups.
    let plan: [Int32]
    /// Floats `apply` may read from its input: `fftBinCount` plus room for the padding.
    public var paddedInputCount: Int { (0..<binCount).map { firstBin[$0] + (weightCount[$0] + 7) / 8 * 8 }.max() ?? 0 }

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
            all += run + [Float](repeating: 0, count: (8 - run.count % 8) % 8)
        }
        firstBin = first
        weightOffset = offsets
        weightCount = counts
        weights = all
        plan = (0..<options.binCount).flatMap { [Int32(first[$0] * 4), Int32((counts[$0] + 7) / 8)] }
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

    /// SIMD version: each filter's zero-padded run is whole 8-lane products, so
    /// `power` must hold `paddedInputCount` floats (zeros past `fftBinCount`).
    public func apply(_ power: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            plan.withUnsafeBufferPointer { steps in
                var weight = UnsafeRawPointer(w.baseAddress!)
                let input = UnsafeRawPointer(power)
                for b in 0..<binCount {
                    // steps: first FFT bin (in bytes) and 8-lane group count of filter b.
                    var bin = input + Int(steps[2 * b])
                    var acc = SIMD8<Float>()
                    for _ in 0..<steps[2 * b + 1] {
                        acc += weight.loadUnaligned(as: SIMD8<Float>.self) * bin.loadUnaligned(as: SIMD8<Float>.self)
                        weight += 32
                        bin += 32
                    }
                    output[b] = acc.pairwiseSum
                }
            }
        }
    }
}
