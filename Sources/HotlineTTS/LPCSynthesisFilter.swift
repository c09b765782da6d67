/// The all-pole LPC synthesis filter of order 16: y[n] = e[n] + sum_k a[k] y[n-1-k],
/// clamped to the int16 range (the voice's residual is in int16 scale).
///
/// A sample-by-sample filter is bound by latency: each output waits for a 16-term dot
/// product over the one before it. This one makes four outputs per step instead. For a
/// set of coefficients it precomputes how y[n], ..., y[n+3] depend on the last 16 outputs
/// and on e[n], ..., e[n+3] (`BlockResponse`); a step is then four independent dot
/// products, summed as trees, and the history shifts by a whole SIMD4 register. The few
/// samples left at the end of a stretch, and any block that reaches the clamp, are
/// filtered one at a time.
struct LPCSynthesisFilter {
    static let order = 16
    /// The last 16 outputs, oldest in lane 0, newest (y[n-1]) in lane 15.
    private var history = SIMD16<Float>()
    private var response = BlockResponse(SIMD16<Float>())

    /// y[n+j] = sum(rows.j * history) + sum(excitation.j * e[n..<n+4]), for j = 0 ..< 4.
    private struct BlockResponse {
        let coefficients: SIMD16<Float>
        let rows: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)
        let excitation: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)

        init(_ a: SIMD16<Float>) {
            coefficients = a
            // Row j without the new outputs it depends on: a[15 - k + j] at lane k >= j,
            // that is, the coefficients reversed and moved up j lanes.
            let moved = withUnsafeTemporaryAllocation(of: Float.self, capacity: 20) { padded in
                for k in 0..<4 { padded[k] = 0 }
                for k in 0..<16 { padded[k + 4] = a[15 - k] }
                let raw = UnsafeRawPointer(padded.baseAddress!)
                func load(_ j: Int) -> SIMD16<Float> { raw.loadUnaligned(fromByteOffset: (4 - j) * 4, as: SIMD16<Float>.self) }
                return (load(0), load(1), load(2), load(3))
            }
            // Then y[n+j-1-m] for m < j is itself row j-1-m.
            let r0 = moved.0
            let r1 = moved.1 + a[0] * r0
            let r2 = moved.2 + a[0] * r1 + a[1] * r0
            let r3 = moved.3 + a[0] * r2 + a[1] * r1 + a[2] * r0
            rows = (r0, r1, r2, r3)
            let e0 = SIMD4<Float>(1, 0, 0, 0)
            let e1 = SIMD4<Float>(0, 1, 0, 0) + a[0] * e0
            let e2 = SIMD4<Float>(0, 0, 1, 0) + a[0] * e1 + a[1] * e0
            let e3 = SIMD4<Float>(0, 0, 0, 1) + a[0] * e2 + a[1] * e1 + a[2] * e0
            excitation = (e0, e1, e2, e3)
        }
    }

    /// Filters `count` excitation samples with the coefficients at `a` (16 floats) into `out`.
    mutating func process(_ e: UnsafePointer<Float>, count: Int, coefficients a: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let coefficients = UnsafeRawPointer(a).loadUnaligned(as: SIMD16<Float>.self)
        // Consecutive stretches share a pitch mark's frame: compute its response once.
        if coefficients != response.coefficients { response = BlockResponse(coefficients) }
        let (r0, r1, r2, r3) = response.rows, (x0, x1, x2, x3) = response.excitation
        var h = history
        var n = 0
        while n + 4 <= count {
            let e4 = UnsafeRawPointer(e + n).loadUnaligned(as: SIMD4<Float>.self)
            let y4 = Self.sums(Self.fold(r0 * h) + x0 * e4, Self.fold(r1 * h) + x1 * e4,
                               Self.fold(r2 * h) + x2 * e4, Self.fold(r3 * h) + x3 * e4)
            if any(y4 .> 32767) || any(y4 .< -32768) {
                // Clamping one output changes the next: go one sample at a time.
                for i in 0..<4 { out[n + i] = Self.step(e[n + i], &h, r0) }
            } else {
                UnsafeMutableRawPointer(out + n).storeBytes(of: y4, as: SIMD4<Float>.self)
                h = SIMD16(lowHalf: SIMD8(lowHalf: h.lowHalf.highHalf, highHalf: h.highHalf.lowHalf),
                           highHalf: SIMD8(lowHalf: h.highHalf.highHalf, highHalf: y4))
            }
            n += 4
        }
        while n < count {
            out[n] = Self.step(e[n], &h, r0)
            n += 1
        }
        history = h
    }

    /// Sixteen lanes added pairwise down to four.
    @inline(__always)
    private static func fold(_ v: SIMD16<Float>) -> SIMD4<Float> {
        let v8 = v.lowHalf + v.highHalf
        return v8.lowHalf + v8.highHalf
    }

    /// The lane sums of four vectors, as one vector (a transpose and two adds).
    @inline(__always)
    private static func sums(_ p0: SIMD4<Float>, _ p1: SIMD4<Float>, _ p2: SIMD4<Float>, _ p3: SIMD4<Float>) -> SIMD4<Float> {
        let q0 = SIMD4(lowHalf: p0.lowHalf, highHalf: p1.lowHalf) + SIMD4(lowHalf: p0.highHalf, highHalf: p1.highHalf)
        let q1 = SIMD4(lowHalf: p2.lowHalf, highHalf: p3.lowHalf) + SIMD4(lowHalf: p2.highHalf, highHalf: p3.highHalf)
        return SIMD4(q0[0], q0[2], q1[0], q1[2]) + SIMD4(q0[1], q0[3], q1[1], q1[3])
    }

    /// One output from the history (`row0`: the coefficients in history order), clamped
    /// and shifted in.
    @inline(__always)
    private static func step(_ e: Float, _ h: inout SIMD16<Float>, _ row0: SIMD16<Float>) -> Float {
        let p = fold(row0 * h)
        let y = min(32767, max(-32768, e + ((p[0] + p[1]) + (p[2] + p[3]))))
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
