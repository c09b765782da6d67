import Foundation
import HotlineTestSupport
import Testing

@Suite struct DetectCommandTests {
    struct Event: Decodable {
        var file: String
        var type: String
        var digit: String?
        var name: String?
        var startMs: Int
        var endMs: Int?
    }

    /// Writes `samples` (8 kHz) as a float WAV through the CLI's own converter: a raw
    /// float32 file read with --raw-encoding.
    static func write(_ samples: [Float], to path: String) throws {
        let raw = path + ".f32"
        try samples.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: raw)) }
        let result = try CommandRunner.run("hotline", ["audio", "convert", raw, path, "--raw-encoding", "float32", "--raw-rate", "8000", "--codec", "pcm16"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func events(_ arguments: [String]) throws -> [Event] {
        let result = try CommandRunner.run("hotline", ["detect", "--json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    static func tone(_ frequencies: [Double], ms: Int, amplitude: Double = 0.1) -> [Float] {
        (0..<(ms * 8)).map { n in Float(frequencies.reduce(0) { $0 + amplitude * sin(2 * .pi * $1 * Double(n) / 8000) }) }
    }

    static func dtmf(_ key: Character) -> [Float] {
        let rows: [Character: (Double, Double)] = ["1": (697, 1209), "5": (770, 1336), "9": (852, 1477), "#": (941, 1477)]
        let (low, high) = rows[key]!
        return tone([low, high], ms: 80)
    }

    @Test func reportsDialledDigitsWithTimes() throws {
        let scratch = Scratch()
        let gap = [Float](repeating: 0, count: 800)
        let samples = gap + Self.dtmf("1") + gap + Self.dtmf("5") + gap + Self.dtmf("9") + gap + Self.dtmf("#") + gap
        try Self.write(samples, to: scratch.file("keys.wav"))
        let events = try Self.events(["--only", "dtmf", scratch.file("keys.wav")])
        #expect(events.map { $0.digit ?? "?" } == ["1", "5", "9", "#"])
        #expect(events.allSatisfy { $0.type == "dtmf" && $0.file.hasSuffix("keys.wav") && $0.endMs != nil })
        // The second key starts at 100 + 80 + 100 = 280 ms.
        #expect(abs(events[1].startMs - 280) <= 20)
    }

    @Test func reportsBusyToneAndSpeech() throws {
        let scratch = Scratch()
        var samples = [Float](repeating: 0, count: 4000)
        for _ in 0..<4 { samples += Self.tone([480, 620], ms: 500) + [Float](repeating: 0, count: 4000) }
        try Self.write(samples, to: scratch.file("busy.wav"))
        let events = try Self.events([scratch.file("busy.wav")])
        #expect(events.contains { $0.type == "tone" && $0.name == "busy" })
        #expect(!events.contains { $0.type == "dtmf" })

        let speech = try CommandRunner.run("hotline", ["detect", repositoryRoot.appendingPathComponent("Audio/samples/digits-jackson-16k.flac").path])
        #expect(speech.status == 0)
        #expect(speech.stdout.contains(": speech "))
    }

    @Test func badFilesAreOneLineErrorsAndTheRestStillRun() throws {
        let scratch = Scratch()
        try Self.write(Self.dtmf("5"), to: scratch.file("five.wav"))
        let result = try CommandRunner.run("hotline", ["detect", "--json", "--only", "dtmf", "/no/such.wav", scratch.file("five.wav")])
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("/no/such.wav"))
        #expect(result.stdout.contains("\"digit\":\"5\""))
    }
}
