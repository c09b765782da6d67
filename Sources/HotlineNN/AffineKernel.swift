/// y = W x + b for a batch of input vectors: the matrix kernel under the convolution, the
/// GRU and the output layer.
///
/// `weights` is row-major (rows x columns, as the training framework stores a linear
/// layer), `inputs` holds `batch` vectors of `columns` values one after another, and
/// `outputs` receives `batch` vectors of `rows` values. Four rows are computed together
/// with 8-lane accumulators so each input load serves four rows, and each block of four
/// weight rows stays in L1 across the batch: the weights, the dominant memory traffic,
/// are read once per batch instead of once per stream.
public enum AffineKernel {
    /// The SIMD kernel.
    @inline(__always)
    public static func apply(
        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, rows: Int, columns: Int,
        inputs: UnsafePointer<Float>, batch: Int, outputs: UnsafeMutablePointer<Float>
    ) {
        let vectorEnd = columns & ~7
        var row = 0
        while row + 4 <= rows {
            let w0 = weights + row * columns, w1 = w0 + columns, w2 = w1 + columns, w3 = w2 + columns
            for b in 0..<batch {
                let x = inputs + b * columns
                var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                var k = 0
                while k < vectorEnd {
                    let v = load8(x + k)
                    a0 += load8(w0 + k) * v
                    a1 += load8(w1 + k) * v
                    a2 += load8(w2 + k) * v
                    a3 += load8(w3 + k) * v
                    k += 8
                }
                var s0 = horizontalSum(a0), s1 = horizontalSum(a1), s2 = horizontalSum(a2), s3 = horizontalSum(a3)
                while k < columns {
                    let v = x[k]
                    s0 += w0[k] * v; s1 += w1[k] * v; s2 += w2[k] * v; s3 += w3[k] * v
                    k += 1
                }
                let y = outputs + b * rows + row
                if let bias {
                    s0 += bias[row]; s1 += bias[row + 1]; s2 += bias[row + 2]; s3 += bias[row + 3]
                }
                y[0] = s0; y[1] = s1; y[2] = s2; y[3] = s3
            }
            row += 4
        }
        while row < rows {
            let w = weights + row * columns
            for b in 0..<batch {
                let x = inputs + b * columns
                var acc = SIMD8<Float>()
                var k = 0
                while k < vectorEnd {
                    acc += load8(w + k) * load8(x + k)
                    k += 8
                }
                var s = horizontalSum(acc)
                while k < columns { s += w[k] * x[k]; k += 1 }
                outputs[b * rows + row] = s + (bias?[row] ?? 0)
            }
            row += 1
        }
    }

    /// Plain loops: the reference the SIMD kernel is tested against.
    public static func reference(
        weights: [Float], bias: [Float]?, rows: Int, columns: Int, inputs: [Float], batch: Int
    ) -> [Float] {
        var out = [Float](repeating: 0, count: batch * rows)
        for b in 0..<batch {
            for r in 0..<rows {
                var s: Float = bias?[r] ?? 0
                for k in 0..<columns { s += weights[r * columns + k] * inputs[b * columns + k] }
                out[b * rows + r] = s
            }
        }
        return out
    }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Pairwise lane sum (SIMD `.sum()` adds the lanes one by one).
    @inline(__always)
    static func horizontalSum(_ v: SIMD8<Float>) -> Float {
        let h = v.lowHalf + v.highHalf
        let q = h.lowHalf + h.highHalf
        return q.x + q.y
    }
}
