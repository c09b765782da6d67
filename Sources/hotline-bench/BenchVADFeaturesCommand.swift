import ArgumentParser
import Foundation
import HotlineDSP

/// `hotline-bench vad-features IN.f32 OUT.f32`: the VAD's input features, for training.
struct BenchVADFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vad-features",
        abstract: "Write the VAD features of raw float32 8 kHz audio, float32 [frame][\(VADFeatures.dimension)].")

    @Argument(help: "Input: raw little-endian float32 mono, full scale 1.0, 8 kHz.") var input: String
    @Argument(help: "Output features.") var output: String

    func run() throws {
        let samples = try readFloat32(input)
        let features = VADFeatures()
        let d = VADFeatures.dimension
        let frames = samples.count < VADFeatures.windowSize ? 0 : 1 + (samples.count - VADFeatures.windowSize) / VADFeatures.hopSize
        var out = [Float](repeating: 0, count: frames * d)
        samples.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                for t in 0..<frames { features.compute(x.baseAddress! + t * VADFeatures.hopSize, into: o.baseAddress! + t * d) }
            }
        }
        try writeFloat32(out, to: output)
    }
}
