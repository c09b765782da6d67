import Foundation
import HotlineTestSupport
import Testing

@Suite struct DaemonCommandTests {
    @Test func versionsAgree() throws {
        let daemon = try CommandRunner.run("hotlined", ["--version"])
        let tool = try CommandRunner.run("hotline", ["--version"])
        #expect(daemon.status == 0 && tool.status == 0)
        #expect(!daemon.stdout.isEmpty && daemon.stdout == tool.stdout)
    }

    @Test func unknownOptionIsRejected() throws {
        let result = try CommandRunner.run("hotlined", ["--no-such-option"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--no-such-option"))
    }

    struct Turn: Decodable {
        var state: String
        var input: String
        var heard: String
    }

    struct Summary: Decodable {
        var call: Int
        var outcome: String
        var turns: Int
        var recording: String?
    }

    /// A whole call on real ALSA PCMs: the file plugin plays a recorded caller (dev-set
    /// speech and DTMF) into the capture PCM and takes what the daemon plays.
    @Test func answersACallOnAFileBackedALSALine() throws {
        let scratch = Scratch()
        let callerRaw = scratch.file("caller.raw"), hotlineRaw = scratch.file("hotline.raw")
        let sox = try CommandRunner.runProgram("sox", [repositoryRoot.appendingPathComponent("Audio/samples/caller-order-status.flac").path,
                                                      "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", "8000", callerRaw])
        #expect(sox.status == 0, "\(sox.stderr)")
        let config = scratch.file("line.asoundrc")
        try """
            pcm.caller { type file; slave.pcm { type null }; file "/dev/null"; infile "\(callerRaw)"; format "raw" }
            pcm.hotline { type file; slave.pcm { type null }; file "\(hotlineRaw)"; format "raw" }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let database = scratch.file("calls.sqlite")
        let result = try CommandRunner.run("hotlined", ["--flow", "Flows/hotline.yaml", "--capture", "caller", "--playback", "hotline",
                                                        "--alsa-config", config, "--calls", "1", "--record", scratch.file("calls"),
                                                        "--database", database])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        let turns = lines.dropLast().compactMap { try? JSONDecoder().decode(Turn.self, from: Data($0.utf8)) }
        #expect(turns.first?.state == "main_menu" && turns.first?.heard == "one")
        #expect(turns.count >= 2 && turns[1].input == "dtmf" && turns[1].heard == "555019")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(String(lines.last ?? "").utf8))
        #expect(summary.call == 1 && summary.outcome == "hangup")
        // The hotline spoke on the playback PCM, and the recording has both sides.
        let played = try Data(contentsOf: URL(fileURLWithPath: hotlineRaw))
        #expect(played.count > 8000 * 2 * 5)
        let info = try CommandRunner.run("hotline", ["audio", "info", summary.recording ?? ""])
        #expect(info.stdout.contains("2 ch"))
        // What callers said is readable by the daemon's group at most, whatever the umask.
        for file in [database, summary.recording ?? ""] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o027 } == 0, "\(file): \(String(mode ?? 0, radix: 8))")
        }
        // QA reads the call and every turn back from the store.
        let list = try CommandRunner.run("hotline", ["calls", "list", "--db", database])
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 1 && list.stdout.contains("hangup"))
        let shown = try CommandRunner.run("hotline", ["calls", "show", "1", "--db", database, "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        struct Shown: Decodable {
            struct Call: Decodable { var outcome: String; var recording: String?; var flowVersion: String? }
            var call: Call
            var turns: [Turn]
        }
        let call = try JSONDecoder().decode(Shown.self, from: Data(shown.stdout.utf8))
        #expect(call.call.outcome == "hangup" && call.call.recording == summary.recording)
        #expect(call.call.flowVersion?.count == 12 && call.call.flowVersion?.allSatisfy(\.isHexDigit) == true)   // which flow text ran
        #expect(call.turns.map(\.heard).prefix(2) == ["one", "555019"])
        // One turn to listen to: the caller's "one", cut from the stereo recording.
        let turnFile = scratch.file("turn1.wav")
        let cut = try CommandRunner.run("hotline", ["calls", "audio", "1", "--turn", "1", "--db", database, "-o", turnFile])
        #expect(cut.status == 0, "\(cut.stderr)")
        let heard = try CommandRunner.run("hotline", ["recognize", "--grammar", "builtin:digits?min=1&max=1", turnFile])
        #expect(heard.stdout.contains(": one value '1'"), "\(heard.stdout)")
        let turnInfo = try CommandRunner.run("hotline", ["audio", "info", turnFile])
        #expect(turnInfo.stdout.contains("1 ch"), "\(turnInfo.stdout)")
        // Calls and turns as CSV.
        let csv = try CommandRunner.run("hotline", ["calls", "export", "--turns", "--db", database])
        let rows = csv.stdout.split(separator: "\r\n")
        #expect(rows.first?.hasPrefix("call,line,at_ms,state") == true && rows.count == 4, "\(csv.stdout)")
        #expect(rows.count > 2 && rows[2].contains(",dtmf,555019,"))
        // The call as a regression test: it passes on the flow that ran it.
        let caseFile = scratch.file("call1.tests.yaml")
        let made = try CommandRunner.run("hotline", ["calls", "test-case", "1", "--db", database, "-o", caseFile])
        #expect(made.status == 0, "\(made.stderr)")
        let replayedCase = try CommandRunner.run("hotline", ["flow", "test", "Flows/hotline.yaml", caseFile])
        #expect(replayedCase.status == 0 && replayedCase.stdout.contains("1 of 1 passed"), "\(replayedCase.stdout)\(replayedCase.stderr)")
        let tooFar = try CommandRunner.run("hotline", ["calls", "audio", "1", "--turn", "9", "--db", database, "-o", turnFile])
        #expect(tooFar.status != 0 && tooFar.stderr.contains("call 1 has 3 turns, not 9"))
        let missing = try CommandRunner.run("hotline", ["calls", "show", "99", "--db", database])
        #expect(missing.status != 0 && missing.stderr.contains("no call 99"))
        let garbage = try CommandRunner.run("hotline", ["calls", "list", "--db", database, "--since", "garbage"])
        #expect(garbage.status != 0 && garbage.stderr.contains("--since 'garbage' is not a time"))
        // A mistyped store is an error, not a new empty database.
        let typo = try CommandRunner.run("hotline", ["calls", "list", "--db", database + "x"])
        #expect(typo.status != 0 && typo.stderr.contains("no call database there"), "\(typo.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database + "x"))
        // QA replay: the recording's caller channel through today's system.
        struct Replayed: Decodable { var turnsThen: Int; var turnsNow: Int; var differences: Int }
        let replay = try CommandRunner.run("hotline", ["replay", "1", "--db", database, "--json"])
        #expect(replay.status == 0, "\(replay.stderr)")
        let replayed = try JSONDecoder().decode(Replayed.self, from: Data(String(replay.stdout.split(separator: "\n").last ?? "").utf8))
        #expect(replayed.turnsThen == 3 && replayed.turnsNow >= 2)
        // By its recording file: the same call, found in the store.
        let byFile = try CommandRunner.run("hotline", ["replay", summary.recording ?? "", "--db", database])
        #expect(byFile.status == 0 && byFile.stdout.contains("call 1: 3 turns then"), "\(byFile.stdout)\(byFile.stderr)")
    }

    @Test func aMissingDeviceIsAOneLineError() throws {
        let result = try CommandRunner.run("hotlined", ["--flow", "Flows/hotline.yaml", "--capture", "no_such_pcm", "--calls", "1"])
        #expect(result.status != 0 && result.stderr.contains("no_such_pcm"))
    }

    @Test func wordsTheVoiceOrTheRecognizerMustGuessAreNamedAtStart() throws {
        let scratch = Scratch()
        let flow = scratch.file("brand.yaml")
        try ("flow: brand\nstart: welcome\nstates:\n  welcome:\n    prompt: Welcome to Qwikpay.\n    menu:\n"
             + "      - say: [qwikpay, 日本 please]\n        goto: bye\n  bye:\n    prompt: Bye.\n    hangup: yes\n")
            .write(toFile: flow, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run("hotlined", ["--flow", flow, "--capture", "no_such_pcm", "--calls", "1"])
        #expect(result.stderr.contains("brand.yaml: prompt words not in the lexicon: 'qwikpay' (guessed: K W IH K P EY)"),
                "\(result.stderr)")
        #expect(result.stderr.contains("brand.yaml: listen words not in the lexicon: 'qwikpay' (guessed: K W IH K P EY)"),
                "\(result.stderr)")
        #expect(result.stderr.contains("brand.yaml: phrases with these words can never be heard, the words have no pronunciation: '日本'"),
                "\(result.stderr)")
    }

    @Test func sigtermEndsTheCallInProgressCleanly() throws {
        let scratch = Scratch()
        let callerRaw = scratch.file("caller.raw")
        _ = try CommandRunner.runProgram("sox", [repositoryRoot.appendingPathComponent("Audio/samples/caller-order-status.flac").path,
                                                "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", "8000", callerRaw])
        let config = scratch.file("line.asoundrc")
        try """
            pcm.caller { type file; slave.pcm { type null }; file "/dev/null"; infile "\(callerRaw)"; format "raw" }
            pcm.hotline { type file; slave.pcm { type null }; file "/dev/null"; format "raw" }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = CommandRunner.productsFolder.appendingPathComponent("hotlined")
        daemon.arguments = ["--flow", "Flows/hotline.yaml", "--capture", "caller", "--playback", "hotline", "--alsa-config", config]
        let out = Pipe()
        daemon.standardOutput = out
        try daemon.run()
        // Calls back to back (calls 0 = until stopped): once the first has ended, SIGTERM.
        var output = ""
        for _ in 0..<10_000 where !output.contains("\"outcome\"") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            output += String(decoding: data, as: UTF8.self)
        }
        daemon.terminate()
        output += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        // Every call it started is logged and ended cleanly: the recorded caller's call, then
        // calls on the silent line after the file's end, the last one cut by SIGTERM.
        let summaries = output.split(separator: "\n").compactMap { try? JSONDecoder().decode(Summary.self, from: Data($0.utf8)) }
        #expect(summaries.first?.outcome == "hangup" && summaries.count >= 2, "\(output)")
        #expect(summaries.allSatisfy { !$0.outcome.isEmpty && $0.outcome != "line lost" })
    }
}
