/// The all-pole LPC synthesis filter of order 16: y[n] = e[n] + sum_k a[k] y[n-1-k],
/// clamped to the int16 range (the voice's residual is in int16 scale).
///
/// A sample-by-sample filter is bound by latency: each output waits for a 16-term dot
/// product over the one before it. This one makes four outputs per step instead. For a
/// set of coefficients it precomputes how y[n], ..., y[n+3] depend on the last 16 outputs
/// and on e[n], ..., e[n+3] (`BlockResponse`); a step is then 20 independent multiply-adds
/// of four lanes, summed as a tree, and the history shifts by a whole SIMD4 register.
/// The few samples left over at the end of a stretch, and any block that reaches the
/// clamp, are filtered one at a time.
struct LPCSynthesisFilter {
    static let order = 16
    /// The last 16 outputs, oldest in lane 0, newest (y[n-1]) in lane 15.
    private var history = SIMD16<Float>()
    private var response = BlockResponse(SIMD16<Float>())

    /// How four outputs follow from the history and four excitation samples, for one set
    /// of coefficients: y[n+j] = sum_k history[k] * fromHistory[k][j] + sum_t e[n+t] * fromExcitation[t][j].
    private struct BlockResponse {
        let coefficients: SIMD16<Float>
        /// The coefficients in history order (lane k multiplies history[k]), for single steps.
        let reversed: SIMD16<Float>
        var fromHistory = [SIMD4<Float>](repeating: .zero, count: 16)
        var fromExcitation = [SIMD4<Float>](repeating: .zero, count: 4)

        init(_ a: SIMD16<Float>) {
            coefficients = a
            var r = SIMD16<Float>()
            for k in 0..<16 { r[k] = a[15 - k] }
            reversed = r
            // rows[j] and excitation[j]: y[n+j] in terms of history and e[n..n+3].
            var rows = [SIMD16<Float>](repeating: .zero, count: 4)
            var excitation = [SIMD4<Float>](repeating: .zero, count: 4)
            for j in 0..<4 {
                var row = SIMD16<Float>(), fromE = SIMD4<Float>()
                fromE[j] = 1
                for m in 0..<16 {
                    if m < j {
                        // y[n+j-1-m] is itself one of the new outputs.
                        row += a[m] * rows[j - 1 - m]
                        fromE += a[m] * excitation[j - 1 - m]
                    } else {
                        row[15 - m + j] += a[m]
                    }
                }
                rows[j] = row
                excitation[j] = fromE
            }
            for k in 0..<16 { fromHistory[k] = SIMD4(rows[0][k], rows[1][k], rows[2][k], rows[3][k]) }
            for t in 0..<4 { fromExcitation[t] = SIMD4(excitation[0][t], excitation[1][t], excitation[2][t], excitation[3][t]) }
        }
    }

    /// Filters `count` excitation samples with the coefficients at `a` (16 floats) into `out`.
    mutating func process(_ e: UnsafePointer<Float>, count: Int, coefficients a: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let coefficients = UnsafeRawPointer(a).loadUnaligned(as: SIMD16<Float>.self)
        // Consecutive stretches share a pitch mark's frame: compute its response once.
        if coefficients != response.coefficients { response = BlockResponse(coefficients) }
        var h = history
        var n = 0
        response.fromHistory.withUnsafeBufferPointer { c in
            response.fromExcitation.withUnsafeBufferPointer { x in
                while n + 4 <= count {
                    let e4 = UnsafeRawPointer(e + n).loadUnaligned(as: SIMD4<Float>.self)
                    let (h0, h1, h2, h3) = (h.lowHalf.lowHalf, h.lowHalf.highHalf, h.highHalf.lowHalf, h.highHalf.highHalf)
                    // Four partial sums, one per history register, then a tree.
                    var s0 = c[0] * h0[0] + c[1] * h0[1]
                    s0 += c[2] * h0[2] + c[3] * h0[3]
                    var s1 = c[4] * h1[0] + c[5] * h1[1]
                    s1 += c[6] * h1[2] + c[7] * h1[3]
                    var s2 = c[8] * h2[0] + c[9] * h2[1]
                    s2 += c[10] * h2[2] + c[11] * h2[3]
                    var s3 = c[12] * h3[0] + c[13] * h3[1]
                    s3 += c[14] * h3[2] + c[15] * h3[3]
                    let e01: SIMD4<Float> = x[0] * e4[0] + x[1] * e4[1]
                    let e23: SIMD4<Float> = x[2] * e4[2] + x[3] * e4[3]
                    let s01: SIMD4<Float> = s0 + s1, s23: SIMD4<Float> = s2 + s3
                    let y4: SIMD4<Float> = (s01 + s23) + (e01 + e23)
                    if any(y4 .> 32767) || any(y4 .< -32768) {
                        // Clamping one output changes the next: go one sample at a time.
                        for i in 0..<4 { out[n + i] = Self.step(e[n + i], &h, response.reversed) }
                    } else {
                        UnsafeMutableRawPointer(out + n).storeBytes(of: y4, as: SIMD4<Float>.self)
                        h = SIMD16(lowHalf: SIMD8(lowHalf: h1, highHalf: h2), highHalf: SIMD8(lowHalf: h3, highHalf: y4))
                    }
                    n += 4
                }
            }
        }
        while n < count {
            out[n] = Self.step(e[n], &h, response.reversed)
            n += 1
        }
        history = h
    }

    /// One output: the dot product with the history (summed as a tree), clamped, shifted in.
    @inline(__always)
    private static func step(_ e: Float, _ h: inout SIMD16<Float>, _ reversed: SIMD16<Float>) -> Float {
        let p = reversed * h
        let p8 = p.lowHalf + p.highHalf, p4 = p8.lowHalf + p8.highHalf
        let y = min(32767, max(-32768, e + ((p4[0] + p4[1]) + (p4[2] + p4[3]))))
        h = SIMD16(lowHalf: SIMD8(lowHalf: SIMD4(h[1], h[2], h[3], h[4]), highHalf: SIMD4(h[5], h[6], h[7], h[8])),
                   highHalf: SIMD8(lowHalf: SIMD4(h[9], h[10], h[11], h[12]), highHalf: SIMD4(h[13], h[14], h[15], y)))
        return y
    }

    /// The plain scalar filter `process` must match (tests compare them).
    static func reference(_ e: [Float], coefficients a: [Float], history: inout [Float]) -> [Float] {
        var out: [Float] = []
        for x in e {
            var y = x
            for k in 0..<order { y += a[k] * history[k] }
            y = max(-32768, min(32767, y))
            history.insert(y, at: 0)
            history.removeLast()
            out.append(y)
        }
        return out
    }
}
