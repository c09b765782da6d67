import Foundation
import HotlineDSP
import Testing

@Suite struct PCM16Tests {
    @Test func everyInt16SurvivesFloatAndBack() {
        let all = (Int(Int16.min)...Int(Int16.max)).map { Int16($0) }
        #expect(PCM16.fromFloat(PCM16.toFloat(all)) == all)
    }

    @Test func simdMatchesScalarIncludingOutOfRangeAndNaN() {
        var generator = SystemRandomNumberGenerator()
        var samples = (0..<1001).map { _ in Float.random(in: -1.5...1.5, using: &generator) }
        samples += [.nan, .infinity, -.infinity, 1, -1, 0.99999, -0.99999, 0.5 / 32768, 1.5 / 32768]
        #expect(PCM16.fromFloat(samples) == samples.map(PCM16.sample))
    }

    @Test func clipsAndMapsNaNToSilence() {
        #expect(PCM16.fromFloat([2, -2, .nan, 1, -1]) == [32767, -32768, 0, 32767, -32768])
    }
}
