import Foundation
import HotlineDSP
import Testing

/// The front end against kaldi-native-fbank's reference outputs in
/// ../shared/vectors/kaldi-fbank (see its README for conventions and tolerance).
@Suite struct FeatureVectorTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/vectors/kaldi-fbank").standardized

    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return data.withUnsafeBytes { raw in
            raw.bindMemory(to: UInt32.self).map { Float(bitPattern: UInt32(littleEndian: $0)) }
        }
    }

    static let kinds: [(String, FeatureExtractor.Kind)] = [
        ("fbank23", .fbank(FbankOptions(bins: 23))),
        ("fbank40", .fbank(FbankOptions(bins: 40))),
        ("mfcc13", .mfcc(MfccOptions(ceps: 13, bins: 23))),
        ("mfcc13_bins40", .mfcc(MfccOptions(ceps: 13, bins: 40))),
    ]

    @Test(arguments: ["tone1k", "noise", "speech"])
    func matchesKaldiNativeFbank(signal: String) throws {
        let input = try Self.floats("\(signal).input.f32")   // already in int16 units
        for (name, kind) in Self.kinds {
            let reference = try Self.floats("\(signal).\(name).f32")
            let ours = try FeatureExtractor.compute(input, kind: kind, scale: 1)
            #expect(ours.values.count == reference.count, "\(signal) \(name): \(ours.frameCount) frames")
            let worst = zip(ours.values, reference).map { abs($0 - $1) }.max() ?? .infinity
            // The README allows 2e-2 (float32 noise on the tone's empty bins); we measure
            // at most 5e-3 (MFCC of the tone), so hold to 1e-2.
            #expect(worst < 1e-2, "\(signal) \(name): max abs diff \(worst)")
        }
    }
}
