import ArgumentParser
import Foundation
import HotlineCore
import HotlineNN

/// `hotline-bench acoustic IN.f32`: acoustic-model time per stream, single and batched.
struct BenchAcousticCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acoustic",
        abstract: "Time the acoustic model on raw float32 fbank frames (frames x bins), one frame at a time as on a live line.")

    @Argument(help: "Input: raw little-endian float32 fbank frames, row-major.") var input: String
    @Option(help: "Acoustic model file.") var model = "Models/acoustic/acoustic.hnn"
    @Option(help: "Streams advanced together in the batched run.") var batch = 16
    @Option(help: "Repetitions (the best is reported).") var repeats = 3
    @Option(help: "Write the single-stream log-posteriors here (float32).") var out: String?

    struct Report: Encodable {
        var frames: Int
        var audioSeconds: Double
        var singleSeconds: Double
        var singleRealtimeFraction: Double
        var batch: Int
        var batchedSecondsPerStream: Double
        var batchedRealtimeFraction: Double
    }

    func run() throws {
        let acoustic = try AcousticModel(contentsOf: URL(fileURLWithPath: model))
        let bins = acoustic.file.architecture.bins
        let features = try readFloat32(input)
        let frames = features.count / bins
        guard frames > 0 else { throw ValidationError("no frames in \(input)") }
        var posteriors: [Float] = []
        var single = Double.infinity
        for _ in 0..<repeats {
            let stream = AcousticStream(model: acoustic)
            let start = DispatchTime.now()
            posteriors = stream.accept(features: features)
            single = min(single, secondsSince(start))
        }
        var batched = Double.infinity
        var frame = [Float](repeating: 0, count: batch * bins)
        for _ in 0..<repeats {
            let streams = AcousticBatch(model: acoustic, count: batch)
            var emitted = 0
            let start = DispatchTime.now()
            for t in 0..<frames {
                for s in 0..<batch {   // each stream its own (shifted) audio
                    let source = (t + s * 7) % frames
                    for k in 0..<bins { frame[s * bins + k] = features[source * bins + k] }
                }
                frame.withUnsafeBufferPointer { f in streams.step(frames: f.baseAddress!) { _, _ in emitted += 1 } }
            }
            batched = min(batched, secondsSince(start))
            guard emitted == batch * acoustic.outputFrameCount(inputFrames: frames) else {
                throw ValidationError("batched run produced \(emitted) frames")
            }
        }
        if let out { try writeFloat32(posteriors, to: out) }
        let audio = Double(frames) * acoustic.file.frontEnd.frameShiftMs / 1000
        print(try jsonLine(Report(frames: frames, audioSeconds: audio, singleSeconds: single, singleRealtimeFraction: single / audio,
                                  batch: batch, batchedSecondsPerStream: batched / Double(batch),
                                  batchedRealtimeFraction: batched / Double(batch) / audio)))
    }
}
