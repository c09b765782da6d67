import ArgumentParser
import Foundation
import HotlineCore

/// `hotline-bench`: times one kernel on a file, excluding I/O and loading, and prints a
/// one-line JSON report; the scripts in bench/ run it beside an established peer.
@main
struct HotlineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline-bench",
        abstract: "Time Hotline's kernels on raw float32 input (for the scripts in bench/).",
        version: HotlineVersion.string,
        subcommands: [BenchResampleCommand.self, BenchFeaturesCommand.self, BenchFFTCommand.self,
                      BenchVADCommand.self, BenchVADFeaturesCommand.self, BenchDetectorsCommand.self,
                      BenchAcousticCommand.self, BenchTTSCommand.self, BenchEchoCommand.self])
}

/// Reads a raw little-endian float32 file.
func readFloat32(_ path: String) throws -> [Float] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data.withUnsafeBytes { raw in
        raw.bindMemory(to: UInt32.self).map { Float(bitPattern: UInt32(littleEndian: $0)) }
    }
}

/// Writes `samples` as a raw float32 file.
func writeFloat32(_ samples: [Float], to path: String) throws {
    try samples.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
}

/// Seconds elapsed since `start`.
func secondsSince(_ start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// Seconds `body` takes.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now()
    try body()
    return secondsSince(start)
}

/// The fastest of `runs` (at least one) timings of `body`, seconds.
func fastest(of runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<max(runs, 1) { best = min(best, try seconds(body)) }
    return best
}

/// Feeds `samples` to `body` in chunks of `size` samples (all at once when `size` is 0).
func forEachChunk(of samples: [Float], size: Int, _ body: (UnsafeBufferPointer<Float>) -> Void) {
    samples.withUnsafeBufferPointer { all in
        let step = size > 0 ? size : max(all.count, 1)
        var i = 0
        while i < all.count {
            let end = min(i + step, all.count)
            body(UnsafeBufferPointer(rebasing: all[i..<end]))
            i = end
        }
    }
}

/// Prints the report as one JSON line.
func report<T: Encodable>(_ value: T) throws { print(try jsonLine(value)) }
