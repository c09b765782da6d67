import ArgumentParser
import Foundation
import HotlineCore
import HotlineDSP

/// `hotline-bench vad IN.f32 OUT.f32`: per-frame VAD output and its compute time.
struct BenchVADCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vad",
        abstract: "Run the VAD over raw float32 8 kHz audio in 10 ms chunks; write [probability, decision] per frame.")

    @Argument(help: "Input: raw little-endian float32 mono, full scale 1.0, 8 kHz.") var input: String
    @Argument(help: "Output: float32 pairs (probability, 0/1 speech) per 10 ms frame.") var output: String

    struct Report: Encodable {
        var frames: Int
        var seconds: Double
        var realtimeFactor: Double
    }

    func run() throws {
        let samples = try readFloat32(input)
        let vad = try VoiceActivityDetector()
        var out: [Float] = []
        out.reserveCapacity(samples.count / 40 + 2)
        var frames: [VADFrame] = []
        frames.reserveCapacity(samples.count / 80 + 1)
        let seconds = seconds { forEachChunk(of: samples, size: 80) { vad.process($0, into: &frames) } }
        for frame in frames {
            out.append(frame.probability)
            out.append(frame.isSpeech ? 1 : 0)
        }
        try writeFloat32(out, to: output)
        try report(Report(frames: out.count / 2, seconds: seconds, realtimeFactor: Double(samples.count) / 8000 / seconds))
    }
}
