import Foundation

/// A fresh temporary folder per test, removed when the value is dropped.
final class TemporaryFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "hotline-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Builds a canonical WAV file in memory (for layouts our writer does not produce:
/// stereo, float with NaN, headers that lie).
func wavBytes(format: UInt16, channels: UInt16, sampleRate: UInt32, bitsPerSample: UInt16,
              payload: Data, declaredDataBytes: UInt32? = nil) -> Data {
    var d = Data()
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
    func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
    let blockAlign = channels * bitsPerSample / 8
    d.append(contentsOf: Array("RIFF".utf8)); u32(36 + UInt32(payload.count))
    d.append(contentsOf: Array("WAVE".utf8))
    d.append(contentsOf: Array("fmt ".utf8)); u32(16)
    u16(format); u16(channels); u32(sampleRate); u32(sampleRate * UInt32(blockAlign)); u16(blockAlign); u16(bitsPerSample)
    d.append(contentsOf: Array("data".utf8)); u32(declaredDataBytes ?? UInt32(payload.count))
    d.append(payload)
    return d
}

func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> Data {
    var d = Data()
    for v in values { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
    return d
}

func floatBytes(_ values: [Float]) -> Data {
    littleEndianBytes(values.map(\.bitPattern))
}

/// Runs a program and returns its exit status and standard output.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = Pipe()
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
