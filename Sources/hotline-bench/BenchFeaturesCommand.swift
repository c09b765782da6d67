import ArgumentParser
import Foundation
import HotlineCore
import HotlineDSP

/// `hotline-bench features IN.f32 --kind fbank|mfcc`: front-end speed on int16-unit samples.
struct BenchFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute features of raw float32 samples in int16 units; print the compute time as JSON.")

    @Argument(help: "Input: raw little-endian float32 mono samples, int16 units, 8 kHz.") var input: String
    enum Kind: String, ExpressibleByArgument, CaseIterable { case fbank, mfcc }

    @Option(help: "fbank or mfcc.") var kind: Kind = .fbank
    @Option(help: "Mel filters.") var bins = 23
    @Option(help: "Cepstra (mfcc).") var ceps = 13
    @Option(help: "Feed the input in chunks of this many samples (0: one call).") var chunk = 0
    @Option(help: "Also write the features (float32, row-major) here.") var out: String?

    struct Report: Encodable {
        var frames: Int
        var dimension: Int
        var seconds: Double
        var realtimeFactor: Double
    }

    func run() throws {
        let samples = try readFloat32(input)
        let extractor = try FeatureExtractor(kind: kind == .fbank ? .fbank(FbankOptions(bins: bins)) : .mfcc(MfccOptions(ceps: ceps, bins: bins)))
        var frames = 0
        var kept: [Float] = []
        let seconds = seconds {
            forEachChunk(of: samples, size: chunk) { piece in
                extractor.accept(piece, scale: 1)
                // Consume frames as a live caller would, so memory stays bounded.
                let ready = extractor.framesReady
                if out != nil { for f in frames..<ready { kept += extractor.frame(f) } }
                extractor.discardFrames(upTo: ready)
                frames = ready
            }
            extractor.finish()
        }
        if let out { try writeFloat32(kept, to: out) }
        print(try jsonLine(Report(frames: frames, dimension: extractor.dimension, seconds: seconds,
                                  realtimeFactor: Double(samples.count) / 8000 / seconds)))
    }
}
