import Foundation
import HotlineTestSupport
import Testing

@Suite struct AudioCommandTests {
    static let sample = repositoryRoot.appendingPathComponent("Audio/samples/digits-jackson-16k.flac").path

    struct Info: Decodable {
        var path: String
        var container: String
        var encoding: String
        var sampleRate: Int
        var channels: Int
        var frames: Int
        var durationSeconds: Double
    }

    @Test func takesOneChannelOfAStereoRecording() throws {
        let scratch = Scratch()
        let stereo = scratch.file("stereo.wav")
        // Left 440 Hz, right 1000 Hz, as a call recording holds the caller and the hotline.
        let sox = try CommandRunner.runProgram("sox", ["-n", "-r", "8000", "-c", "2", "-b", "16", stereo, "synth", "1", "sine", "440", "sine", "1000"])
        #expect(sox.status == 0, "\(sox.stderr)")
        for (channel, tone, other) in [(0, 440.0, 1000.0), (1, 1000.0, 440.0)] {
            let out = scratch.file("ch\(channel).wav")
            let convert = try CommandRunner.run("hotline", ["audio", "convert", stereo, out, "--channel", "\(channel)"])
            #expect(convert.status == 0, "\(convert.stderr)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: out)).dropFirst(44)   // PCM16 after the WAV header
            let samples = stride(from: bytes.startIndex, to: bytes.endIndex - 1, by: 2).map {
                Float(Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)) / 32768
            }
            #expect(samples.count == 8000)
            #expect(amplitude(of: tone, in: samples[...], rate: 8000) > 10 * amplitude(of: other, in: samples[...], rate: 8000))
        }
        let missing = try CommandRunner.run("hotline", ["audio", "convert", stereo, scratch.file("x.wav"), "--channel", "2"])
        #expect(missing.status != 0 && missing.stderr.contains("has 2 channel(s); there is no channel 2"))
    }

    @Test func convertsA16kFlacToAn8kMuLawWavThatSoxReads() throws {
        let scratch = Scratch()
        let out = scratch.file("line.wav")
        let convert = try CommandRunner.run("hotline", ["audio", "convert", Self.sample, out, "--rate", "8000", "--codec", "ulaw"])
        #expect(convert.status == 0, "\(convert.stderr)")

        let info = try CommandRunner.run("hotline", ["audio", "info", "--json", out])
        #expect(info.status == 0)
        let described = try JSONDecoder().decode(Info.self, from: Data(info.stdout.utf8))
        #expect(described.container == "WAV" && described.encoding == "ULAW")
        #expect(described.sampleRate == 8000 && described.channels == 1)
        let input = try JSONDecoder().decode(Info.self, from: Data(try CommandRunner.run("hotline", ["audio", "info", "--json", Self.sample]).stdout.utf8))
        #expect(input.sampleRate == 16000)
        #expect(described.frames == (input.frames + 1) / 2)

        // An independent reader agrees (sox is installed by `make deps`).
        let rate = try CommandRunner.runProgram("sox", ["--i", "-r", out])
        let encoding = try CommandRunner.runProgram("sox", ["--i", "-e", out])
        #expect(rate.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "8000", "sox: \(rate.stderr)")
        #expect(encoding.stdout.contains("u-law"))
        let decoded = try CommandRunner.runProgram("sox", [out, "-n", "stat"])
        #expect(decoded.status == 0)
        #expect(decoded.stderr.contains("RMS"))
    }

    @Test func anInterruptedConversionLeavesNoPartFile() throws {
        let scratch = Scratch()
        let input = scratch.file("long.wav"), output = scratch.file("long.opus")
        let sox = try CommandRunner.runProgram("sox", ["-n", "-r", "48000", "-c", "1", input, "synth", "900", "pinknoise", "vol", "0.1"])
        #expect(sox.status == 0, "\(sox.stderr)")
        let process = Process()
        process.executableURL = CommandRunner.productsFolder.appendingPathComponent("hotline")
        process.arguments = ["audio", "convert", input, output, "--rate", "8000"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Stopped once it is writing (15 minutes of audio takes it several seconds).
        for _ in 0..<600 where process.isRunning && !FileManager.default.fileExists(atPath: output + ".part") { usleep(10_000) }
        #expect(process.isRunning, "finished before it could be interrupted")
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGINT)
        #expect(!FileManager.default.fileExists(atPath: output + ".part"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func codecFollowsTheOutputExtension() throws {
        let scratch = Scratch()
        for (name, encoding, rate) in [("a.flac", "PCM_16", "16000"), ("a.opus", "OPUS", "16000"), ("a.wav", "PCM_16", "8000")] {
            var arguments = ["audio", "convert", Self.sample, scratch.file(name)]
            if rate != "16000" { arguments += ["--rate", rate] }
            #expect(try CommandRunner.run("hotline", arguments).status == 0)
            let info = try CommandRunner.run("hotline", ["audio", "info", "--json", scratch.file(name)])
            let described = try JSONDecoder().decode(Info.self, from: Data(info.stdout.utf8))
            #expect(described.encoding == encoding && String(described.sampleRate) == rate)
        }
    }

    @Test func plainInfoIsOneLinePerFile() throws {
        let result = try CommandRunner.run("hotline", ["audio", "info", Self.sample, Self.sample])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("FLAC PCM_16, 16000 Hz, 1 ch"))
    }

    @Test func failuresExitNonZeroWithOneLineNamingTheFile() throws {
        let scratch = Scratch()
        try Data("RIFF....not really a wave file".utf8).write(to: URL(fileURLWithPath: scratch.file("bad.wav")))
        let info = try CommandRunner.run("hotline", ["audio", "info", Self.sample, scratch.file("bad.wav"), scratch.file("gone.wav")])
        #expect(info.status != 0)
        #expect(info.stdout.split(separator: "\n").count == 1)   // the good file is still described
        let errors = info.stderr.split(separator: "\n")
        #expect(errors.count == 2)
        #expect(errors[0].contains("bad.wav") && errors[1].contains("gone.wav"))

        let convert = try CommandRunner.run("hotline", ["audio", "convert", scratch.file("bad.wav"), scratch.file("out.wav")])
        #expect(convert.status != 0)
        #expect(convert.stderr.split(separator: "\n").count == 1 && convert.stderr.contains("bad.wav"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("out.wav")))
    }

    @Test func unknownOutputExtensionAsksForACodec() throws {
        let result = try CommandRunner.run("hotline", ["audio", "convert", Self.sample, "/tmp/x.mp3"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--codec"))
    }

    @Test func opusAtAnUnsupportedRateSuggestsRate() throws {
        let scratch = Scratch()
        let result = try CommandRunner.run("hotline", ["audio", "convert", Self.sample, scratch.file("a.opus"), "--rate", "44100"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--rate"))
    }

    @Test func rawInputIsReadWithAnExplicitFormat() throws {
        let scratch = Scratch()
        try Data([UInt8](repeating: 0xFF, count: 800)).write(to: URL(fileURLWithPath: scratch.file("line.ul")))
        let result = try CommandRunner.run("hotline", ["audio", "info", "--json", "--raw-encoding", "ulaw", "--raw-rate", "8000", scratch.file("line.ul")])
        #expect(result.status == 0)
        let described = try JSONDecoder().decode(Info.self, from: Data(result.stdout.utf8))
        #expect(described.frames == 800 && described.encoding == "ULAW" && described.container == "RAW")
    }

    @Test func helpListsTheSubcommands() throws {
        let result = try CommandRunner.run("hotline", ["audio", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("info") && result.stdout.contains("convert"))
        let convertHelp = try CommandRunner.run("hotline", ["audio", "convert", "--help"])
        #expect(convertHelp.stdout.contains("--rate") && convertHelp.stdout.contains("--codec") && convertHelp.stdout.contains("--salvage"))
    }
}
