import ArgumentParser
import Foundation
import HotlineCore
import HotlineDSP

/// `hotline-bench detectors IN.f32`: speed of each line detector alone, 10 ms chunks.
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
        let speeds = Report(audioSeconds: audioSeconds,
                            dtmf: realtime({ DTMFDetector() }) { _ = $0.process($1) },
                            callProgress: realtime({ CallProgressDetector(plan: .northAmerica) }) { _ = $0.process($1) },
                            vad: try realtime({ try VoiceActivityDetector() }) { vad, chunk in
                                frames.removeAll(keepingCapacity: true)
                                chunk.withUnsafeBufferPointer { vad.process($0, into: &frames) }
                            })
        try report(speeds)
    }
}
