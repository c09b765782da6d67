import ArgumentParser
import Foundation
import HotlineCore
import HotlineDSP

/// `hotline-bench echo PLAYED.f32 CALLER.f32 -o RESIDUAL.f32`: the line echo canceller on a
/// recorded line, 10 ms frames.
struct BenchEchoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "Run the echo canceller over what was played and what came back (raw float32 8 kHz); write the residual, print the time taken as JSON.")

    @Argument(help: "What the hotline played: raw little-endian float32 mono, 8 kHz.") var played: String
    @Argument(help: "The caller's side at the same time (with the echo in it), same format.") var caller: String
    @Option(name: .shortAndLong, help: "Where to write the residual (same format).") var output: String
    @Option(name: .customLong("repeat"), help: "Runs; the fastest is reported (shared machines are noisy).") var runs = 3

    struct Report: Encodable {
        var audioSeconds: Double
        /// Processing time of the fastest run.
        var seconds: Double
    }

    func run() throws {
        let far = try readFloat32(played), near = try readFloat32(caller)
        guard far.count == near.count else {
            throw ValidationError("\(played) and \(caller) differ in length (\(far.count) and \(near.count) samples)")
        }
        let frames = near.count / 80
        var residual: [Float] = []
        let best = fastest(of: runs) {
            let canceller = EchoCanceller()
            residual.removeAll(keepingCapacity: true)
            for k in 0..<frames {
                residual += canceller.cancel(Array(near[(k * 80)..<(k * 80 + 80)]))
                canceller.played(Array(far[(k * 80)..<(k * 80 + 80)]))
            }
        }
        try writeFloat32(residual, to: output)
        try report(Report(audioSeconds: Double(frames * 80) / 8000, seconds: best))
    }
}
