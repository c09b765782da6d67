import ArgumentParser
import Foundation
import HotlineCore
import HotlineDSP

/// `hotline-bench fft`: the FFTW transform alone, the ceiling for the front end.
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
        let seconds = seconds { for _ in 0..<frames { fft.transform() } }
        try report(Report(frames: frames, seconds: seconds, realtimeFactor: Double(frames) / 100 / seconds))
    }
}
