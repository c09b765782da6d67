import Foundation
import HotlineTTS
import Testing

/// Unit selection on a small voice written here: carrier-word diphones for every pair of
/// "pau k ae t s", plus two recordings of running speech, "pau k ae t pau" (units 5-8)
/// and "pau k ae n pau" (units 9-12).
@Suite struct UnitSelectionTests {
    static let voice: VoiceDatabase = {
        var units: [[String: Any]] = []
        func unit(_ name: String, left: String? = nil, right: String? = nil, next: Int? = nil) {
            var u: [String: Any] = ["name": name, "frame": units.count, "frames": 1, "boundary": 0, "residual": 0, "samples": 1]
            if let left, let right { u["left"] = left; u["right"] = right }
            if let next { u["next"] = next }
            units.append(u)
        }
        for name in ["pau-k", "k-ae", "ae-t", "t-pau", "t-s"] { unit(name) }
        for recording in [["pau", "pau", "k", "ae", "t", "pau", "pau"], ["pau", "pau", "k", "ae", "n", "pau", "pau"]] {
            for i in 1..<5 {
                unit("\(recording[i])-\(recording[i + 1])", left: recording[i - 1], right: recording[i + 2], next: i < 4 ? units.count + 1 : nil)
            }
        }
        let header: [String: Any] = ["name": "test", "sample_rate": 16000, "lpc_order": 16, "frame_floats": 18,
                                     "phones": ["pau", "k", "ae", "t", "s", "n", "m"], "units": units]
        let json = try! JSONSerialization.data(withJSONObject: header)
        var data = Data("HVOX".utf8)
        for v in [UInt32(1), UInt32(json.count)] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        data.append(json)
        data.append(Data(count: (4 - data.count % 4) % 4 + units.count * 18 * 4 + 1))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("unit-selection-\(getpid()).voice").path
        FileManager.default.createFile(atPath: path, contents: data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try! VoiceDatabase(path: path)
    }()

    @Test func theRecordingIsTakenWholeWhereItSaysTheSamePhones() {
        #expect(UnitSelection.select(["pau", "k", "ae", "t", "pau"], voice: Self.voice) == [5, 6, 7, 8])
    }

    @Test func aDifferentEndingKeepsTheRecordingUpToIt() {
        // "cats": the recording's k-ae and ae-t, then the carrier diphones for t-s and s-pau
        // (which the voice lacks: "pau-pau" and "s-pau" neither exist, so nil).
        #expect(UnitSelection.select(["pau", "k", "ae", "t", "s", "pau"], voice: Self.voice) == [5, 6, 7, 4, nil])
    }

    @Test func aNeighbourOfTheSameClassIsTheNearerMatch() {
        // k-ae before "m": the k-ae recorded before "n" (a nasal too) rather than before "t".
        #expect(UnitSelection.select(["k", "ae", "m"], voice: Self.voice) == [10, nil])
        #expect(UnitSelection.select(["k", "ae", "d"], voice: Self.voice) == [6, nil])
    }

    @Test func theFirstUnitOfADiphoneIsTheCarrierWordOne() {
        #expect(Self.voice.unit("k-ae")?.name == "k-ae")
        #expect(UnitSelection.select(["k", "ae"], voice: Self.voice).count == 1)
        #expect(UnitSelection.select(["k"], voice: Self.voice).isEmpty)
    }
}
