/// The time-domain stages of one frame, in Kaldi's order: DC removal, raw energy,
/// pre-emphasis, window.
///
/// `simd` fuses the four stages into two passes (a sum for the mean, then one pass that
/// subtracts it, accumulates the energy, pre-emphasises from the DC-free neighbours and
/// tapers); `scalar` runs them one after another exactly as Kaldi writes them. Both take
/// `count` samples from `input` and write `count` samples to `output`; the return value
/// is the frame's energy after DC removal and before pre-emphasis.
public enum FramePreparation {
    /// Plain reference: each stage in turn.
    public static func scalar(_ input: UnsafePointer<Float>, count: Int, removeDC: Bool, preemphasis: Float,
                              window: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) -> Float {
        for i in 0..<count { output[i] = input[i] }
        if removeDC {
            var sum: Float = 0
            for i in 0..<count { sum += output[i] }
            let mean = sum / Float(count)
            for i in 0..<count { output[i] -= mean }
        }
        var energy: Float = 0
        for i in 0..<count { energy += output[i] * output[i] }
        if preemphasis != 0 {
            var i = count - 1
            while i > 0 {
                output[i] -= preemphasis * output[i - 1]
                i -= 1
            }
            output[0] -= preemphasis * output[0]
        }
        for i in 0..<count { output[i] *= window[i] }
        return energy
    }

    /// Fused SIMD version.
    public static func simd(_ input: UnsafePointer<Float>, count: Int, removeDC: Bool, preemphasis: Float,
                            window: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) -> Float {
        let raw = UnsafeRawPointer(input), rawWindow = UnsafeRawPointer(window)
        let rawOut = UnsafeMutableRawPointer(output)
        let stride = MemoryLayout<Float>.stride
        var mean: Float = 0
        if removeDC {
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
            var i = 0
            while i + 16 <= count {
                acc0 += raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self)
                acc1 += raw.loadUnaligned(fromByteOffset: (i + 8) * stride, as: SIMD8<Float>.self)
                i += 16
            }
            var sum = (acc0 + acc1).pairwiseSum
            while i < count {
                sum += input[i]
                i += 1
            }
            mean = sum / Float(count)
        }
        // Sample 0 has no predecessor: Kaldi pre-emphasises it against itself.
        let first = input[0] - mean
        var energy = first * first
        output[0] = (first - preemphasis * first) * window[0]
        let meanVector = SIMD8<Float>(repeating: mean)
        let coefficient = SIMD8<Float>(repeating: preemphasis)
        var energyVector = SIMD8<Float>()
        var i = 1
        while i + 8 <= count {
            let current = raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self) - meanVector
            let previous = raw.loadUnaligned(fromByteOffset: (i - 1) * stride, as: SIMD8<Float>.self) - meanVector
            energyVector += current * current
            let tapered = (current - coefficient * previous)
                * rawWindow.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self)
            rawOut.storeBytes(of: tapered, toByteOffset: i * stride, as: SIMD8<Float>.self)
            i += 8
        }
        energy += energyVector.pairwiseSum
        while i < count {
            let current = input[i] - mean
            energy += current * current
            output[i] = (current - preemphasis * (input[i - 1] - mean)) * window[i]
            i += 1
        }
        return energy
    }
}
