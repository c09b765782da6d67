import Foundation
import HotlineTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// hotlined as a service: a configuration of several file-backed lines, the systemd
/// notification protocol, the watchdog and reload on SIGHUP.
@Suite struct DaemonServiceTests {
    /// A recorded caller as raw 8 kHz S16, after `leadingSilence` seconds of silence.
    static func callerRaw(_ scratch: Scratch, leadingSilence: Double = 0, sample: String = "caller-order-status") throws -> String {
        let raw = scratch.file("\(sample)-\(leadingSilence).raw")
        if FileManager.default.fileExists(atPath: raw) { return raw }   // made already in this scratch folder
        let result = try CommandRunner.runProgram("sox", [
            repositoryRoot.appendingPathComponent("Audio/samples/\(sample).flac").path,
            "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", "8000", raw, "pad", "\(leadingSilence)", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        return raw
    }

    /// A configuration of `lines` (YAML list items) using the repository's models and flow.
    static func configuration(_ scratch: Scratch, asoundrc: String, lines: String, flow: String? = nil) throws -> String {
        let root = repositoryRoot.path
        try asoundrc.write(toFile: scratch.file("lines.asoundrc"), atomically: true, encoding: .utf8)
        let path = scratch.file("hotlined.yaml")
        try """
            models:
              acoustic: \(root)/Models/acoustic/acoustic.hnn
              voice: \(root)/Models/voices/rms/rms.voice
              lexicon: \(root)/Models/lexicon/cmudict-en-us.dict
            data_dir: data
            alsa_config: lines.asoundrc
            lines:
            \(lines)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `hotlined --config config`, started, its output going to `stdout` and `stderr`.
    static func startDaemon(_ config: String, stdout: Any, stderr: Any) throws -> Process {
        let daemon = Process()
        daemon.executableURL = CommandRunner.productsFolder.appendingPathComponent("hotlined")
        daemon.arguments = ["--config", config]
        daemon.standardOutput = stdout
        daemon.standardError = stderr
        try daemon.run()
        return daemon
    }

    struct Summary: Decodable {
        var line: String
        var outcome: String
        var recording: String?
        var replyLatencyMs: [Double]
        var bargeInMs: [Double]
    }

    @Test func checkConfigFailsOnAFlowWhosePromptsOrPhrasesCannotWork() throws {
        let scratch = Scratch()
        let flow = scratch.file("bad.yaml")
        try "flow: b\nstart: hi\nstates:\n  hi:\n    prompt: '<speak>Hi <emphasis>there</speak>'\n    hangup: yes\n"
            .write(toFile: flow, atomically: true, encoding: .utf8)
        let config = try Self.configuration(scratch, asoundrc: "pcm.quiet { type null }\n",
                                            lines: "  - { name: a, capture: quiet, playback: quiet, flow: \(flow) }")
        let check = try CommandRunner.run("hotlined", ["--config", config, "--check-config"])
        #expect(check.status != 0)
        #expect(check.stderr.contains("bad.yaml: prompt \"<speak>Hi <emphasis>there</speak>\": SSML at character 25"), "\(check.stderr)")
        #expect(check.stderr.contains("the flows have 1 error(s), logged above"), "\(check.stderr)")
    }

    @Test func aWebhookIsPostedWhileTheLineGoesOnAndATransferIsKeyedToThePBX() throws {
        let scratch = Scratch()
        let backend = try LoopbackBackend(reply: #"{"desk": "sip:desk-" + body["line"]}"#)
        let flow = scratch.file("hook.yaml")
        try """
            flow: h
            start: open
            states:
              open:
                prompt: "One moment."
                set: {line: "7"}
                webhook: {url: "http://127.0.0.1:\(backend.port)/route", send: [line], into: r, timeout_ms: 3000, ok: desk, failed: down}
              desk:
                prompt: "Connecting you."
                transfer: "ext:204"
              down:
                prompt: "Sorry."
                hangup: true
            """.write(toFile: flow, atomically: true, encoding: .utf8)
        let config = try Self.configuration(scratch, asoundrc: """
            pcm.quiet { type file; slave.pcm { type null }; file "/dev/null"; infile "/dev/zero"; format "raw" }
            pcm.speaker { type file; slave.pcm { type null }; file "\(scratch.file("said.raw"))"; format "raw" }
            """, lines: "  - { name: q, capture: quiet, playback: speaker, flow: \(flow), answer: immediately, realtime: true, calls: 1, "
                + "transfer_keys: \"##{number}\" }")
        let result = try CommandRunner.run("hotlined", ["--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = result.stdout.split(separator: "\n").compactMap { try? JSONDecoder().decode(Summary.self, from: Data($0.utf8)) }.first
        #expect(summary?.outcome == "transfer:ext:204", "\(result.stdout)\(result.stderr)")
        // After "Connecting you." the hotline keyed the PBX's transfer code and the extension.
        _ = try CommandRunner.runProgram("sox", ["-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", "8000",
                                                 scratch.file("said.raw"), scratch.file("said.wav")])
        let keys = try CommandRunner.run("hotline", ["detect", scratch.file("said.wav"), "--only", "dtmf", "--json"])
        struct Key: Decodable { var digit: String? }
        let keyed = keys.stdout.split(separator: "\n").compactMap { try? JSONDecoder().decode(Key.self, from: Data($0.utf8)).digit }
        #expect(keyed.joined() == "##204", "\(keys.stdout)")
        // QA's replay answers the webhook with the backend's recorded reply (the backend is gone).
        let replay = try CommandRunner.run("hotline", ["replay", "1", "--db", scratch.file("data/calls.sqlite")])
        #expect(replay.status == 0 && replay.stdout.contains("call 1: 1 turns then, 1 now, 0 differ"), "\(replay.stdout)\(replay.stderr)")
    }

    @Test func answersOnEveryConfiguredLineAndStoresEachCall() throws {
        let scratch = Scratch()
        let caller = try Self.callerRaw(scratch), lateCaller = try Self.callerRaw(scratch, leadingSilence: 2)
        let config = try Self.configuration(scratch, asoundrc: """
            pcm.in_a { type file; slave.pcm { type null }; file "/dev/null"; infile "\(caller)"; format "raw" }
            pcm.out_a { type file; slave.pcm { type null }; file "\(scratch.file("a.raw"))"; format "raw" }
            pcm.in_b { type file; slave.pcm { type null }; file "/dev/null"; infile "\(lateCaller)"; format "raw" }
            pcm.out_b { type file; slave.pcm { type null }; file "\(scratch.file("b.raw"))"; format "raw" }
            """, lines: """
              - { name: a, capture: in_a, playback: out_a, flow: \(repositoryRoot.path)/Flows/hotline.yaml, answer: immediately, calls: 1 }
              - { name: b, capture: in_b, playback: out_b, flow: \(repositoryRoot.path)/Flows/hotline.yaml, calls: 1 }
            """)
        let check = try CommandRunner.run("hotlined", ["--config", config, "--check-config"])
        #expect(check.status == 0 && check.stdout.contains("2 line(s)"), "\(check.stderr)")
        let result = try CommandRunner.run("hotlined", ["--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        let summaries = result.stdout.split(separator: "\n").compactMap { try? JSONDecoder().decode(Summary.self, from: Data($0.utf8)) }
        #expect(Set(summaries.map(\.line)) == ["a", "b"])
        let a = try #require(summaries.first { $0.line == "a" })
        #expect(a.outcome == "hangup" && a.replyLatencyMs.count == 3 && !a.bargeInMs.isEmpty)
        #expect(a.bargeInMs.allSatisfy { $0 < 100 })
        // Line b answers on activity: nothing is played until the caller's first word (2 s of
        // added silence, then the recording's "one" at 3.0-3.55 s) is over.
        let b = try Data(contentsOf: URL(fileURLWithPath: scratch.file("b.raw")))
        let samples = b.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        let firstSound = samples.firstIndex { abs(Int($0)) > 300 } ?? 0
        #expect(firstSound > 5_550 * 8 && firstSound < 6_500 * 8, "greeting starts at sample \(firstSound)")
        // Both calls are in the store under the data folder, each with a stereo recording.
        let list = try CommandRunner.run("hotline", ["calls", "list", "--db", scratch.file("data/calls.sqlite")])
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 2, "\(list.stdout)\(list.stderr)")
        for summary in summaries {
            let info = try CommandRunner.run("hotline", ["audio", "info", summary.recording ?? ""])
            #expect(info.stdout.contains("2 ch"))
        }
    }

    /// Two lines, a and b, each answering one call at once from the recorded caller (line
    /// b from `secondCapture` instead when given); `more` is added to the configuration.
    static func twoCallers(_ scratch: Scratch, secondCapture: String? = nil, more: String = "") throws -> String {
        let caller = try callerRaw(scratch)
        return try configuration(scratch, asoundrc: """
            pcm.in_a { type file; slave.pcm { type null }; file "/dev/null"; infile "\(caller)"; format "raw" }
            pcm.in_b { type file; slave.pcm { type null }; file "/dev/null"; infile "\(secondCapture ?? caller)"; format "raw" }
            pcm.out { type file; slave.pcm { type null }; file "/dev/null"; format "raw" }
            """, lines: """
              - { name: a, capture: in_a, playback: out, flow: \(repositoryRoot.path)/Flows/hotline.yaml, answer: immediately, calls: 1 }
              - { name: b, capture: in_b, playback: out, flow: \(repositoryRoot.path)/Flows/hotline.yaml, answer: immediately, calls: 1 }
            \(more)
            """)
    }

    @Test func aLineWhoseDeviceBlocksOnOpenHoldsUpNoOtherLine() throws {
        let scratch = Scratch()
        let fifo = scratch.file("nobody-writes.fifo")   // opening it for reading blocks until a writer comes
        #expect(mkfifo(fifo, 0o600) == 0)
        let config = try Self.twoCallers(scratch, secondCapture: fifo)
        // The configuration check names the blocked line instead of hanging.
        let started = Date()
        let check = try CommandRunner.runProgram(CommandRunner.productsFolder.appendingPathComponent("hotlined").path,
                                                 ["--config", config, "--check-config"])
        #expect(check.status != 0 && check.stderr.contains("line b: its devices did not open within 5 s"), "\(check.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
        // The daemon answers line a while line b waits; on SIGTERM it ends without line b.
        let out = Pipe()
        let daemon = try Self.startDaemon(config, stdout: out, stderr: FileHandle.nullDevice)
        var stdout = ""
        for _ in 0..<600 where !stdout.contains("\"outcome\"") {   // the call summary line, within 60 s
            stdout += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        let summaries = stdout.split(separator: "\n").compactMap { try? JSONDecoder().decode(Summary.self, from: Data($0.utf8)) }
        #expect(summaries.map(\.line) == ["a"] && summaries.first?.outcome == "hangup", "\(stdout)")
        daemon.terminate()
        let stopping = Date()
        daemon.waitUntilExit()
        #expect(Date().timeIntervalSince(stopping) < 20)
    }

    @Test func killingTheDaemonMidCallKeepsEveryCompletedTurn() throws {
        let scratch = Scratch()
        let caller = try Self.callerRaw(scratch)
        let config = try Self.configuration(scratch, asoundrc: """
            pcm.in { type file; slave.pcm { type null }; file "/dev/null"; infile "\(caller)"; format "raw" }
            pcm.out { type file; slave.pcm { type null }; file "/dev/null"; format "raw" }
            """, lines: "  - { name: k, capture: in, playback: out, flow: \(repositoryRoot.path)/Flows/hotline.yaml, answer: immediately, realtime: true }")
        let out = Pipe()
        let daemon = try Self.startDaemon(config, stdout: out, stderr: FileHandle.nullDevice)
        // The call runs in real time; once the keyed order number (its second turn, about
        // 10 s in) is logged, the daemon dies without warning.
        var log = ""
        let deadline = Date(timeIntervalSinceNow: 60)
        while !log.contains("555019"), Date() < deadline {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            log += String(decoding: data, as: UTF8.self)
        }
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        #expect(log.contains("555019"))
        struct Shown: Decodable {
            struct Call: Decodable { var outcome: String }
            struct Turn: Decodable { var heard: String }
            var call: Call
            var turns: [Turn]
        }
        let shown = try CommandRunner.run("hotline", ["calls", "show", "1", "--db", scratch.file("data/calls.sqlite"), "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let call = try JSONDecoder().decode(Shown.self, from: Data(shown.stdout.utf8))
        #expect(call.call.outcome == "")   // cut off: no outcome
        #expect(call.turns.map(\.heard).prefix(2) == ["one", "555019"])
        // The recording so far is on disk, unfinished: about 10 s of stereo Opus.
        let recordings = try FileManager.default.contentsOfDirectory(atPath: scratch.file("data/recordings"))
        let part = try #require(recordings.first { $0.hasSuffix(".opus.part") })
        let size = try FileManager.default.attributesOfItem(atPath: scratch.file("data/recordings/" + part))[.size] as? Int ?? 0
        #expect(size > 10_000, "\(part): \(size) bytes")
    }

    @Test func tellsSystemdItIsReadyKeepsTheWatchdogFedAndReloadsOnSIGHUP() throws {
        let scratch = Scratch()
        let flow = scratch.file("flow.yaml")
        let good = try String(contentsOfFile: repositoryRoot.appendingPathComponent("Flows/hotline.yaml").path, encoding: .utf8)
        try good.write(toFile: flow, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: repositoryRoot.appendingPathComponent("Flows/orders.csv").path, toPath: scratch.file("orders.csv"))
        let config = try Self.configuration(scratch, asoundrc: """
            pcm.quiet { type file; slave.pcm { type null }; file "/dev/null"; infile "/dev/zero"; format "raw" }
            pcm.speaker { type file; slave.pcm { type null }; file "/dev/null"; format "raw" }
            """, lines: "  - { name: q, capture: quiet, playback: speaker, flow: flow.yaml, answer: immediately, realtime: true }")
        let socket = try NotifySocket(path: scratch.file("notify"))
        let daemon = Process()
        daemon.executableURL = CommandRunner.productsFolder.appendingPathComponent("hotlined")
        daemon.arguments = ["--config", config]
        daemon.environment = ProcessInfo.processInfo.environment.merging(
            ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "200000"]) { $1 }
        let errors = Pipe()
        daemon.standardError = errors
        daemon.standardOutput = FileHandle.nullDevice
        try daemon.run()
        defer { if daemon.isRunning { daemon.terminate() } }
        #expect(socket.waitFor("READY=1", seconds: 60))
        // The line answers at once: `systemctl status` shows the call in progress.
        #expect(socket.waitFor("STATUS=calls in progress: 1; answered: 1; turned away (all busy): 0", seconds: 30))
        #expect(socket.waitFor("WATCHDOG=1", seconds: 5))
        // A broken flow on reload: the old one keeps running, the journal says where.
        try good.replacingOccurrences(of: "start: ", with: "strat: ").write(toFile: flow, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        #expect(socket.waitFor("RELOADING=1", seconds: 30) && socket.waitFor("READY=1", seconds: 30))
        try good.write(toFile: flow, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        #expect(socket.waitFor("RELOADING=1", seconds: 30) && socket.waitFor("READY=1", seconds: 30))
        #expect(daemon.isRunning)
        daemon.terminate()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        #expect(socket.waitFor("STOPPING=1", seconds: 10))
        #expect(log.contains("reload failed; calls keep the running flows"), "\(log)")
        #expect(log.contains("flow.yaml:5:1: unknown field 'strat'"), "\(log)")
        #expect(log.contains("reloaded: q runs"), "\(log)")
    }
}

/// A datagram socket standing in for systemd's notification socket.
final class NotifySocket {
    let path: String
    private let fd: Int32
    private var received: [String] = []

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0 else { throw CocoaError(.fileWriteUnknown) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Waits up to `seconds` for a message containing `line`; consumes messages up to it.
    func waitFor(_ line: String, seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let index = received.firstIndex(where: { $0.split(separator: "\n").contains(Substring(line)) }) {
                received.removeFirst(index + 1)
                return true
            }
            if Date() > deadline { return false }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { received.append(String(decoding: buffer[0..<n], as: UTF8.self)) }
        }
    }
}
