import Foundation
@testable import HotlineTTS
import Testing

/// The voice file's two frame layouts: version 1 (float32 rows) and version 2 (int16
/// reflection coefficients, as tools/voice_file.py writes the rms voice).
@Suite struct VoiceDatabaseTests {
    /// A voice file of one unit "k-ae" with two frames (marks at 0 and 160 samples) and
    /// four residual samples.
    static func write(version: UInt32, frames: Data, extra: [String: Any] = [:]) throws -> String {
        var header: [String: Any] = ["name": "test", "sample_rate": 16000, "lpc_order": 16, "frame_floats": 18, "phones": ["pau", "k", "ae"],
                                     "units": [["name": "k-ae", "frame": 0, "frames": 2, "boundary": 1, "residual": 0, "samples": 4]]]
        header.merge(extra) { $1 }
        let json = try JSONSerialization.data(withJSONObject: header)
        var data = Data("HVOX".utf8)
        for v in [version, UInt32(json.count)] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        data.append(json)
        data.append(Data(count: (4 - data.count % 4) % 4))
        data.append(frames)
        data.append(Data([0xFF, 0x7F, 0x80, 0xFF]))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("voice-\(getpid())-\(version).voice").path
        FileManager.default.createFile(atPath: path, contents: data)
        return path
    }

    static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    @Test func reflectionCoefficientsComeBackAsThePredictorTheyDescribe() throws {
        // k1 = 0.5, k2 = -0.25 -> a1 = 0.5 - (-0.25)(0.5) = 0.625, a2 = -0.25 (the step-up).
        var frames = Data()
        for mark in [UInt16(0), 160] {
            Self.append(mark, to: &frames)
            for k in [0.5, -0.25] + [Double](repeating: 0, count: 14) { Self.append(Int16((k * 32767).rounded()), to: &frames) }
        }
        let path = try Self.write(version: 2, frames: frames, extra: ["frame_encoding": "reflection16"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let voice = try VoiceDatabase(path: path)
        #expect(voice.frames.count == 36)
        #expect(voice.frames[18] == 0.01)   // 160 samples at 16 kHz, in s
        #expect(abs(voice.frames[2] - 0.625) < 1e-4 && abs(voice.frames[3] + 0.25) < 1e-4)
        #expect(voice.frames[4...17].allSatisfy { abs($0) < 1e-9 })
        #expect(voice.residual.count == 4)
    }

    @Test func aVersionThatDisagreesWithItsFrameEncodingIsRefused() throws {
        let path = try Self.write(version: 1, frames: Data(count: 2 * 18 * 4), extra: ["frame_encoding": "reflection16"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: VoiceDatabase.LoadError.self) { try VoiceDatabase(path: path) }
    }
}
