/// Copies `input * scale` to `output`, replacing NaN and infinities by 0; returns how
/// many were replaced. Damaged audio must never turn a feature or a verdict into NaN.
public func copyReplacingNonFinite(_ input: UnsafeBufferPointer<Float>, scale: Float,
                                   into output: UnsafeMutablePointer<Float>) -> Int {
    guard let base = input.baseAddress else { return 0 }
    var replaced = 0
    let raw = UnsafeRawPointer(base), rawOut = UnsafeMutableRawPointer(output)
    let infinity = SIMD8<Float>(repeating: .infinity), scaleVector = SIMD8<Float>(repeating: scale)
    var start = 0
    while start + 8 <= input.count {
        let v = raw.loadUnaligned(fromByteOffset: start * 4, as: SIMD8<Float>.self)
        let bad = (v .!= v) .| (v .== infinity) .| (v .== -infinity)
        if any(bad) { replaced += (0..<8).filter { bad[$0] }.count }
        rawOut.storeBytes(of: (v * scaleVector).replacing(with: 0, where: bad), toByteOffset: start * 4, as: SIMD8<Float>.self)
        start += 8
    }
    for i in start..<input.count {
        let v = input[i]
        if v.isFinite {
            output[i] = v * scale
        } else {
            output[i] = 0
            replaced += 1
        }
    }
    return replaced
}
