import Foundation
import HotlineTestSupport
import Testing

/// `hotline call`: the scripted demo caller (real dev-set speech) against the example flow.
@Suite struct CallCommandTests {
    struct Turn: Decodable {
        var atMs: Int
        var state: String
        var input: String
        var heard: String
        var interpretation: String
        var replies: [String]
    }

    struct Info: Decodable {
        var channels: Int
        var sampleRate: Int
    }

    @Test func theDemoCallerBargesIntoTheMenuAndIsHeard() throws {
        let scratch = Scratch()
        let recording = scratch.file("call.opus")
        let result = try CommandRunner.run("hotline", ["call", "--json", "Flows/hotline.yaml", "Audio/samples/caller-order-status.flac", "-o", recording])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        let turns = lines.dropLast().compactMap { try? JSONDecoder().decode(Turn.self, from: Data($0.utf8)) }
        let first = try #require(turns.first)
        // "one" said 3 s into a menu prompt that lasts over 10 s: barge-in, then the option.
        #expect(first.state == "main_menu" && first.input == "speech" && first.heard == "one")
        #expect(first.interpretation.contains("menu option 1"))
        #expect(first.atMs < 8000)
        #expect(first.replies == ["Please key in or say your six digit order number."])
        #expect(turns.count >= 2 && turns[1].state == "ask_order")
        #expect(lines.last?.contains("\"outcome\"") == true)
        // The recording: caller left, hotline right.
        let info = try CommandRunner.run("hotline", ["audio", "info", "--json", recording])
        let described = try JSONDecoder().decode(Info.self, from: Data(info.stdout.utf8))
        #expect(described.channels == 2 && described.sampleRate == 8000)
    }

    @Test func onAnEchoingLineTheCallGoesTheSameWay() throws {
        // The line returns the hotline's audio 6 dB down, 60 ms late; the echo canceller
        // takes it out.
        let args = ["call", "--json", "Flows/hotline.yaml", "Audio/samples/caller-order-status.flac"]
        let plain = try CommandRunner.run("hotline", args)
        let echoed = try CommandRunner.run("hotline", args + ["--echo-loss", "6", "--echo-delay", "60"])
        #expect(echoed.status == 0, "\(echoed.stderr)")
        func turns(_ out: String) -> [String] {
            out.split(separator: "\n").dropLast().compactMap { try? JSONDecoder().decode(Turn.self, from: Data($0.utf8)) }
                .map { "\($0.state) \($0.input) \($0.heard)" }
        }
        #expect(turns(echoed.stdout) == turns(plain.stdout) && turns(plain.stdout).count == 3)
        let bad = try CommandRunner.run("hotline", args + ["--echo-loss", "6", "--echo-delay", "5"])
        #expect(bad.status != 0 && bad.stderr.contains("--echo-delay"))
    }

    @Test func missingAudioIsAOneLineError() throws {
        let result = try CommandRunner.run("hotline", ["call", "Flows/hotline.yaml", "/no/caller.wav"])
        #expect(result.status != 0 && result.stderr.contains("/no/caller.wav"))
    }
}
