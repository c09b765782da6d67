import Foundation
import HotlineDSP
import Testing

/// The simulated phone line of `hotline flow test --voices`.
@Suite struct TelephoneChannelTests {
    static func sine(_ hz: Double, seconds: Double = 1) -> [Float] {
        (0..<Int(8000 * seconds)).map { Float(0.5 * sin(2 * Double.pi * hz * Double($0) / 8000)) }
    }

    static func rmsDb(_ x: ArraySlice<Float>) -> Double {
        10 * log10(x.reduce(0) { $0 + Double($1) * Double($1) } / Double(x.count))
    }

    @Test func keepsTheVoiceBandAtTheLineLevelAndCutsWhatLiesOutsideIt() {
        let channel = TelephoneChannel()
        let voice = channel.apply(Self.sine(1000))
        #expect(abs(Self.rmsDb(voice[800...]) - channel.levelDb) < 0.5)
        // Both tones together: the one below the band comes out far weaker than the one in it.
        let mixed = channel.apply(zip(Self.sine(1000), Self.sine(100)).map { $0 + $1 })
        let inBand = channel.apply(Self.sine(1000).map { $0 * 0.5 })
        let residue = zip(mixed, inBand).map { $0 - $1 }
        #expect(Self.rmsDb(residue[800...]) < Self.rmsDb(mixed[800...]) - 12)
        #expect(channel.apply([]).isEmpty)
    }
}
