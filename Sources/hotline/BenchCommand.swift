import ArgumentParser
import Foundation

/// `hotline bench`: time one kernel on a file, excluding I/O (used by bench/ scripts).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time DSP kernels on raw float32 input (for the scripts in bench/).",
        shouldDisplay: false,
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

/// Seconds elapsed since `start`.
func secondsSince(_ start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
