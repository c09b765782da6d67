import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP

/// `hotline features IN --kind fbank|mfcc`: Kaldi-compatible features of a sound file.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute Kaldi-compatible log-mel filterbank or MFCC features of a sound file.",
        discussion: """
            Features use Kaldi's int16 sample scale. --out writes little-endian float32, row-major \
            [frame][dimension], and prints a JSON summary; --print writes one frame per line as text. \
            Input at another rate is resampled to --sample-rate first.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable { case fbank, mfcc }

    @Argument(help: "Input sound file.") var input: String
    @Option(help: "fbank (log-mel) or mfcc.") var kind: Kind = .fbank
    @Option(help: "Mel filters.") var bins: Int = 23
    @Option(help: "Cepstral coefficients (mfcc).") var ceps: Int = 13
    @Option(help: "Rate the features are computed at, Hz.") var sampleRate: Int = 8000
    @Option(help: "Frame window: \(FrameWindowType.allCases.map(\.rawValue).joined(separator: ", ")).")
    var window: FrameWindowType = .povey
    @Option(help: "Dither (Gaussian noise std in int16 units; 0 is off).") var dither: Float = 0
    @Flag(help: "Centre frames on multiples of the shift, mirroring the edges (Kaldi snip_edges=false).")
    var noSnipEdges = false
    @Flag(help: "fbank: prepend the log energy as column 0.") var energy = false
    @Option(help: "Normalise: none, utterance (mean), sliding (600-frame mean).") var cmvn: CMVNMode = .none
    @Option(help: "Write float32 frames to this file.") var out: String?
    @Flag(help: "Print frames as text, one per line.") var print = false
    @OptionGroup var raw: RawInputOptions

    enum CMVNMode: String, ExpressibleByArgument, CaseIterable { case none, utterance, sliding }

    func validate() throws {
        guard out != nil || print else { throw ValidationError("give --out FILE.f32 or --print") }
        guard bins >= 1, ceps >= 1, (1000...192_000).contains(sampleRate) else {
            throw ValidationError("--bins and --ceps must be positive, --sample-rate 1000...192000")
        }
    }

    func run() throws {
        do {
            var audio = try SoundFile.read(input, raw: raw.format)
            if audio.sampleRate != sampleRate { audio = try Resampler.resample(audio, to: sampleRate) }
            var frame = FrameOptions()
            frame.sampleRate = Double(sampleRate)
            frame.windowType = window
            frame.dither = dither
            frame.snipEdges = !noSnipEdges
            let kindOptions: FeatureExtractor.Kind
            switch kind {
            case .fbank:
                var o = FbankOptions(bins: bins)
                o.frame = frame
                o.useEnergy = energy
                kindOptions = .fbank(o)
            case .mfcc:
                var o = MfccOptions(ceps: ceps, bins: bins)
                o.frame = frame
                kindOptions = .mfcc(o)
            }
            var features = try FeatureExtractor.compute(audio.samples, kind: kindOptions)
            switch cmvn {
            case .none: break
            case .utterance: CMVN.normalizeUtterance(&features, variance: false)
            case .sliding: features = SlidingCMVN.apply(features, options: SlidingCMVN.Options())
            }
            if let out {
                try features.values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: out)) }
                Swift.print(try jsonLine(Summary(file: out, frames: features.frameCount, dimension: features.dimension)))
            }
            if print {
                for i in 0..<features.frameCount {
                    Swift.print(features[i].map { String(format: "%.4f", $0) }.joined(separator: " "))
                }
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        } catch let error as CocoaError {
            printError("\(out ?? ""): cannot write (\(error.localizedDescription))")
            throw ExitCode.failure
        }
    }

    struct Summary: Encodable {
        var file: String
        var frames: Int
        var dimension: Int
    }
}

extension FrameWindowType: ExpressibleByArgument {}
