import Foundation
import HotlineTestSupport
import Testing

@Suite struct FeaturesCommandTests {
    static let sample = repositoryRoot.appendingPathComponent("Audio/samples/digits-jackson-16k.flac").path

    struct Summary: Decodable {
        var file: String
        var frames: Int
        var dimension: Int
    }

    @Test func writesFloat32RowsAndASummary() throws {
        let scratch = Scratch()
        let out = scratch.file("f.f32")
        let result = try CommandRunner.run("hotline", ["features", Self.sample, "--kind", "mfcc", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(result.stdout.utf8))
        #expect(summary.dimension == 13)
        // 16 kHz input is resampled to 8 kHz: 35134 samples -> 1 + (35134 - 200) / 80 frames.
        #expect(summary.frames == 1 + (35134 - 200) / 80)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.count == summary.frames * summary.dimension * 4)
        let values = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(values.allSatisfy { $0.isFinite })
    }

    @Test func printsOneFramePerLine() throws {
        let result = try CommandRunner.run("hotline", ["features", Self.sample, "--kind", "fbank", "--bins", "40", "--print"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1 + (35134 - 200) / 80)
        #expect(lines[0].split(separator: " ").count == 40)
    }

    @Test func needsAnOutputAndAReadableInput() throws {
        let missingOutput = try CommandRunner.run("hotline", ["features", Self.sample])
        #expect(missingOutput.status != 0 && missingOutput.stderr.contains("--out"))
        let missingFile = try CommandRunner.run("hotline", ["features", "/no/such.wav", "--print"])
        #expect(missingFile.status != 0 && missingFile.stderr.contains("/no/such.wav"))
        let tooManyCeps = try CommandRunner.run("hotline", ["features", Self.sample, "--kind", "mfcc", "--ceps", "40", "--print"])
        #expect(tooManyCeps.status != 0 && tooManyCeps.stderr.split(separator: "\n").count == 1)
    }
}
