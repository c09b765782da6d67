import ArgumentParser
import Foundation
import HotlineDSP

/// `hotline bench`: time one kernel on a file, excluding I/O (used by bench/ scripts).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time DSP kernels on raw float32 input (for the scripts in bench/).",
        shouldDisplay: false,
        subcommands: [BenchResampleCommand.self, BenchFeaturesCommand.self, BenchFFTCommand.self,
                      BenchVADCommand.self, BenchVADFeaturesCommand.self, BenchDetectorsCommand.self])
}

/// `hotline bench resample IN.f32 OUT.f32 --from HZ --to HZ`.
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
        let start = DispatchTime.now()
        samples.withUnsafeBufferPointer { all in
            let step = chunk > 0 ? chunk : max(all.count, 1)
            var i = 0
            while i < all.count {
                let end = min(i + step, all.count)
                resampler.process(UnsafeBufferPointer(rebasing: all[i..<end]), appendingTo: &out)
                i = end
            }
        }
        out += resampler.flush()
        let seconds = secondsSince(start)
        try out.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: output)) }
        let audioSeconds = Double(samples.count) / Double(from)
        print(try jsonLine(Report(inputSamples: samples.count, outputSamples: out.count, seconds: seconds,
                                  realtimeFactor: audioSeconds / seconds, tapsPerPhase: resampler.tapsPerPhase)))
    }
}

/// Reads a raw little-endian float32 file.
func readFloat32(_ path: String) throws -> [Float] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data.withUnsafeBytes { raw in
        raw.bindMemory(to: UInt32.self).map { Float(bitPattern: UInt32(littleEndian: $0)) }
    }
}

/// Seconds elapsed since `start`.
func secondsSince(_ start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// `hotline bench features IN.f32 --kind fbank|mfcc`: front-end speed on int16-unit samples.
struct BenchFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute features of raw float32 samples in int16 units; print the compute time as JSON.")

    @Argument(help: "Input: raw little-endian float32 mono samples, int16 units, 8 kHz.") var input: String
    @Option(help: "fbank or mfcc.") var kind: FeaturesCommand.Kind = .fbank
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
        let start = DispatchTime.now()
        samples.withUnsafeBufferPointer { all in
            let step = chunk > 0 ? chunk : max(all.count, 1)
            var i = 0
            while i < all.count {
                let end = min(i + step, all.count)
                extractor.accept(UnsafeBufferPointer(rebasing: all[i..<end]), scale: 1)
                // Consume frames as a live caller would, so memory stays bounded.
                let ready = extractor.framesReady
                if out != nil { for f in frames..<ready { kept += extractor.frame(f) } }
                extractor.discardFrames(upTo: ready)
                frames = ready
                i = end
            }
        }
        extractor.finish()
        let seconds = secondsSince(start)
        if let out { try kept.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: out)) } }
        print(try jsonLine(Report(frames: frames, dimension: extractor.dimension, seconds: seconds,
                                  realtimeFactor: Double(samples.count) / 8000 / seconds)))
    }
}

/// `hotline bench fft`: the FFTW transform alone, the ceiling for the front end.
struct BenchFFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fft",
        abstract: "Time the front end's 256-point real FFT alone; print frames per second as JSON.")

    @Option(help: "Transforms to run (100 per second of 8 kHz audio).") var frames = 360_000
    @Option(help: "Transform size.") var size = 256

    struct Report: Encodable {
        var frames: Int
        var seconds: Double
        var realtimeFactor: Double
    }

    func run() throws {
        let fft = RealFFT(size: size)
        for i in 0..<size { fft.input[i] = Float(i % 7) }
        let start = DispatchTime.now()
        for _ in 0..<frames { fft.transform() }
        let seconds = secondsSince(start)
        print(try jsonLine(Report(frames: frames, seconds: seconds, realtimeFactor: Double(frames) / 100 / seconds)))
    }
}

/// `hotline bench vad IN.f32 OUT.f32`: per-frame VAD output and its compute time.
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
        let start = DispatchTime.now()
        var frames: [VADFrame] = []
        frames.reserveCapacity(samples.count / 80 + 1)
        samples.withUnsafeBufferPointer { all in
            var i = 0
            while i < all.count {
                vad.process(UnsafeBufferPointer(rebasing: all[i..<min(i + 80, all.count)]), into: &frames)
                i += 80
            }
        }
        let seconds = secondsSince(start)
        for frame in frames {
            out.append(frame.probability)
            out.append(frame.isSpeech ? 1 : 0)
        }
        try out.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: output)) }
        print(try jsonLine(Report(frames: out.count / 2, seconds: seconds, realtimeFactor: Double(samples.count) / 8000 / seconds)))
    }
}

/// `hotline bench vad-features IN.f32 OUT.f32`: the VAD's input features, for training.
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
        try out.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: output)) }
    }
}

/// `hotline bench detectors IN.f32`: speed of each line detector alone, 10 ms chunks.
struct BenchDetectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detectors",
        abstract: "Time the DTMF, call-progress and VAD detectors on raw float32 8 kHz audio; print x-realtime as JSON.")

    @Argument(help: "Input: raw little-endian float32 mono, full scale 1.0, 8 kHz.") var input: String
    @Option(name: .customLong("repeat"), help: "Runs per detector; the fastest is reported (shared machines are noisy).") var runs = 5

    struct Report: Encodable {
        var audioSeconds: Double
        var dtmf: Double
        var callProgress: Double
        var vad: Double
    }

    func run() throws {
        let samples = try readFloat32(input)
        let chunks = stride(from: 0, to: samples.count, by: 80).map { Array(samples[$0..<min($0 + 80, samples.count)]) }
        let audioSeconds = Double(samples.count) / 8000
        // Each run uses a fresh detector, as a new call would.
        func realtime<D>(_ make: () throws -> D, _ body: (D, [Float]) -> Void) rethrows -> Double {
            var best = 0.0
            for _ in 0..<max(runs, 1) {
                let detector = try make()
                let start = DispatchTime.now()
                for chunk in chunks { body(detector, chunk) }
                best = max(best, audioSeconds / secondsSince(start))
            }
            return best
        }
        var frames: [VADFrame] = []
        frames.reserveCapacity(samples.count / 80 + 1)
        let report = Report(audioSeconds: audioSeconds,
                            dtmf: realtime({ DTMFDetector() }) { _ = $0.process($1) },
                            callProgress: realtime({ CallProgressDetector(plan: .northAmerica) }) { _ = $0.process($1) },
                            vad: try realtime({ try VoiceActivityDetector() }) { vad, chunk in
                                frames.removeAll(keepingCapacity: true)
                                chunk.withUnsafeBufferPointer { vad.process($0, into: &frames) }
                            })
        print(try jsonLine(report))
    }
}
