import Foundation
import HotlineDSP
import Testing

@Suite struct DotProductTests {
    @Test(arguments: [0, 1, 7, 8, 15, 16, 17, 31, 64, 509])
    func simdMatchesScalar(count: Int) {
        let a = (0..<count).map { Float(sin(Double($0) * 0.37)) }
        let b = (0..<count).map { Float(cos(Double($0) * 0.11)) }
        let scalar = DotProduct.scalar(a, b, count: count)
        let simd = DotProduct.simd(a, b, count: count)
        #expect(abs(scalar - simd) <= 1e-5 * max(1, Float(count)))
    }
}
