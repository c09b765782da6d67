/// Inner product of two Float32 vectors: the kernel under FIR filtering and resampling.
public enum DotProduct {
    /// Plain scalar reference.
    public static func scalar(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count { sum += a[i] * b[i] }
        return sum
    }

    /// SIMD version: four 8-lane accumulators (to hide add latency), then a scalar tail.
    @inline(__always)
    public static func simd(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        @inline(__always) func product(_ i: Int) -> SIMD8<Float> {
            let offset = i * MemoryLayout<Float>.stride
            return ra.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        }
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>(), acc2 = SIMD8<Float>(), acc3 = SIMD8<Float>()
        var i = 0
        while i + 32 <= count {
            acc0 += product(i)
            acc1 += product(i + 8)
            acc2 += product(i + 16)
            acc3 += product(i + 24)
            i += 32
        }
        while i + 8 <= count {
            acc0 += product(i)
            i += 8
        }
        var sum = ((acc0 + acc1) + (acc2 + acc3)).pairwiseSum
        while i < count {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }
}

extension SIMD8 where Scalar == Float {
    /// Sum of the lanes by pairwise halving: three vector adds. (`sum()` adds the lanes
    /// one after another, seven dependent scalar adds, which dominated short kernels.)
    @inline(__always)
    var pairwiseSum: Float {
        let half = lowHalf + highHalf
        let quarter = half.lowHalf + half.highHalf
        return quarter[0] + quarter[1]
    }
}
