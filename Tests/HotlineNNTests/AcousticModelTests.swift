import Foundation
import HotlineNN
import Testing

/// The Swift engine against the training framework's own outputs (fixtures written by
/// tools/train/export.py), streaming against one-shot, batched against single, and the
/// model file reader against damaged files.
@Suite struct AcousticModelTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    static let committedModel = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Models/acoustic/acoustic.hnn").standardized

    struct Parity: Decodable {
        var frames: Int
        var bins: Int
        var outputs: Int
        var features: [Float]
        var logPosteriors: [Float]
    }

    static func parity(_ name: String) throws -> Parity {
        try JSONDecoder().decode(Parity.self, from: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    static func tiny() throws -> AcousticModel {
        try AcousticModel(contentsOf: fixtures.appendingPathComponent("tiny.hnn"))
    }

    @Test(arguments: [("tiny.hnn", "tiny-parity.json"), ("committed", "acoustic-parity.json")])
    func logPosteriorsMatchTheTrainingFramework(model name: String, fixture: String) throws {
        let url = name == "committed" ? Self.committedModel : Self.fixtures.appendingPathComponent(name)
        let model = try AcousticModel(contentsOf: url)
        let p = try Self.parity(fixture)
        #expect(model.outputFrameCount(inputFrames: p.frames) * p.outputs == p.logPosteriors.count)
        let ours = model.logPosteriors(features: p.features)
        #expect(ours.count == p.logPosteriors.count)
        let worst = zip(ours, p.logPosteriors).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-3, "max |diff| \(worst)")
    }

    @Test func streamingInAnyChunkingEqualsOneShot() throws {
        let model = try Self.tiny()
        let p = try Self.parity("tiny-parity.json")
        let whole = model.logPosteriors(features: p.features)
        for chunk in [1, 2, 5, 13] {
            let stream = AcousticStream(model: model)
            var out: [Float] = []
            var t = 0
            while t < p.frames {
                let n = min(chunk, p.frames - t)
                out += stream.accept(features: Array(p.features[t * p.bins..<(t + n) * p.bins]))
                t += n
            }
            #expect(out == whole, "chunk \(chunk)")
        }
    }

    @Test func batchedStreamsEqualSeparateStreams() throws {
        let model = try Self.tiny()
        let p = try Self.parity("tiny-parity.json")
        // Stream 1 starts two frames late and stream 2 is reset midway, so the streams
        // reach the stride at different steps.
        let batch = AcousticBatch(model: model, count: 3)
        var outputs: [[Float]] = [[], [], []]
        var frames = [Float](repeating: 0, count: 3 * p.bins)
        for t in 0..<p.frames {
            if t == 2 { batch.reset(stream: 1) }
            for s in 0..<3 {
                let source = s == 1 ? max(0, t - 2) : t
                frames.replaceSubrange(s * p.bins..<(s + 1) * p.bins, with: p.features[source * p.bins..<(source + 1) * p.bins])
            }
            frames.withUnsafeBufferPointer { f in batch.step(frames: f.baseAddress!) { s, row in
                if !(s == 1 && t < 2) { outputs[s] += row }
            } }
        }
        let whole = model.logPosteriors(features: p.features)
        #expect(outputs[0] == whole)
        #expect(outputs[2] == whole)
        let late = model.logPosteriors(features: Array(p.features[0..<((p.frames - 2) * p.bins)]))
        #expect(outputs[1] == late)
    }

    @Test func damagedFilesGiveOneLineErrors() throws {
        let good = try Data(contentsOf: Self.fixtures.appendingPathComponent("tiny.hnn"))
        let cases: [(Data, String)] = [
            (Data("hello".utf8), "no HNN1 magic"),
            (good.prefix(good.count - 100), "truncated"),
            (Data(good.prefix(4)) + Data([2, 0, 0, 0]) + good.dropFirst(8), "format version 2"),
        ]
        for (data, expected) in cases {
            #expect { try ModelFile(data: data, path: "bad.hnn") } throws: { error in
                "\(error)".contains(expected) && "\(error)".hasPrefix("bad.hnn: ")
            }
        }
    }

    @Test func describesItsFrontEndAndPhones() throws {
        let model = try Self.tiny()
        #expect(model.phones.count == 40)
        #expect(model.phones[0] == "<blank>")
        #expect(model.phones.contains("ZH"))
        #expect(model.file.frontEnd.sampleRate == 8000)
        #expect(model.file.frontEnd.bins == 40)
    }
}
