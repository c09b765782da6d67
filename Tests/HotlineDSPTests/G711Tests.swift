import Foundation
import HotlineDSP
import Testing

/// Checks the G.711 kernels against sox's tables (Fixtures/g711, made by
/// tools/make-g711-fixtures.sh): every int16 input and every code.
@Suite struct G711Tests {
    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "bin", subdirectory: "Fixtures/g711"))
        return try Data(contentsOf: url)
    }

    static let allInt16: [Int16] = (Int(Int16.min)...Int(Int16.max)).map { Int16($0) }

    @Test(arguments: [(G711Law.muLaw, "sox-encode-all-int16-ulaw"), (G711Law.aLaw, "sox-encode-all-int16-alaw")])
    func simdEncoderMatchesSoxForEveryInt16(law: G711Law, fixture: String) throws {
        let reference = [UInt8](try Self.fixture(fixture))
        #expect(reference.count == 65536)
        let encoded = G711.encode(Self.allInt16, law: law)
        let mismatches = zip(encoded, reference).filter { $0 != $1 }.count
        #expect(mismatches == 0)
    }

    @Test(arguments: [(G711Law.muLaw, "sox-encode-all-int16-ulaw"), (G711Law.aLaw, "sox-encode-all-int16-alaw")])
    func scalarEncoderMatchesSoxForEveryInt16(law: G711Law, fixture: String) throws {
        let reference = [UInt8](try Self.fixture(fixture))
        let mismatches = zip(Self.allInt16, reference).filter { G711.encodeScalar($0, law: law) != $1 }.count
        #expect(mismatches == 0)
    }

    @Test(arguments: [(G711Law.muLaw, "sox-decode-all-codes-ulaw-s16"), (G711Law.aLaw, "sox-decode-all-codes-alaw-s16")])
    func decoderMatchesSoxForEveryCode(law: G711Law, fixture: String) throws {
        let data = try Self.fixture(fixture)
        let reference = data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)).map { Int16(littleEndian: $0) } }
        #expect(reference.count == 256)
        #expect(G711.decode((0...255).map { UInt8($0) }, law: law) == reference)
    }

    @Test(arguments: G711Law.allCases)
    func decodingThenEncodingGivesTheSameCode(law: G711Law) {
        // Every code's reconstruction value must encode back to a code with the same value
        // (mu-law has two zeros, 0x7F and 0xFF, which both decode to 0).
        for code in 0...255 {
            let value = G711.decodeScalar(UInt8(code), law: law)
            let again = G711.encodeScalar(value, law: law)
            #expect(G711.decodeScalar(again, law: law) == value)
        }
    }

    @Test func oddLengthsUseTheScalarTail() {
        let input: [Int16] = [-32768, -1, 0, 1, 100, 1000, 32767, 12345, -12345, 7, 8, 9, 10]
        #expect(G711.encode(input, law: .muLaw) == input.map { G711.encodeScalar($0, law: .muLaw) })
        #expect(G711.encode(input, law: .aLaw) == input.map { G711.encodeScalar($0, law: .aLaw) })
    }

    @Test func floatRoundTripKeepsSpeechLevelsWithinTheCodecStep() {
        let samples = (0..<800).map { Float(sin(Double($0) * 0.07)) * 0.5 }
        for law in G711Law.allCases {
            let back = G711.decodeToFloat(G711.encode(samples, law: law), law: law)
            let worst = zip(samples, back).map { abs($0 - $1) }.max()!
            #expect(worst < 0.5 * 0.04)   // G.711 steps are at most ~3% of the level
        }
    }
}
