import ArgumentParser
import Foundation
import HotlineCore
import HotlineDSP

/// `hotline-bench resample IN.f32 OUT.f32 --from HZ --to HZ`.
struct BenchResampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resample",
        abstract: "Resample raw little-endian float32 mono; print the compute time as JSON.")

    @Argument(help: "Input: raw little-endian float32 mono samples.") var input: String
    @Argument(help: "Output: raw little-endian float32 mono samples.") var output: String
    @Option(help: "Input rate in Hz.") var from: Int
    @Option(help: "Output rate in Hz.") var to: Int
    @Option(help: "Feed the input in chunks of this many samples (0: one call).") var chunk = 0

    struct Report: Encodable {
        var inputSamples: Int
        var outputSamples: Int
        var seconds: Double
        var realtimeFactor: Double
        var tapsPerPhase: Int
    }

    func run() throws {
        let samples = try readFloat32(input)
        let resampler = try Resampler(from: from, to: to)
        var out: [Float] = []
        out.reserveCapacity(resampler.outputCount(forInput: samples.count))
        let seconds = seconds {
            forEachChunk(of: samples, size: chunk) { resampler.process($0, appendingTo: &out) }
            out += resampler.flush()
        }
        try writeFloat32(out, to: output)
        let audioSeconds = Double(samples.count) / Double(from)
        print(try jsonLine(Report(inputSamples: samples.count, outputSamples: out.count, seconds: seconds,
                                  realtimeFactor: audioSeconds / seconds, tapsPerPhase: resampler.tapsPerPhase)))
    }
}
