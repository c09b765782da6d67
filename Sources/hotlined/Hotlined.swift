import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore
import HotlineDaemon
import HotlineDialogue
import HotlineStore

/// `hotlined`: the Hotline daemon. Today it answers calls on one ALSA line with one flow
/// (`--flow`); the YAML configuration, several lines, the call store and systemd
/// integration arrive with the rest of the daemon issue.
@main
struct Hotlined: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotlined",
        abstract: "The Hotline voice IVR daemon.",
        discussion: """
            With --flow, answers calls on an ALSA line (--capture/--playback PCM names; --alsa-config \
            defines PCMs in asoundrc syntax, e.g. a file-backed line). Each call starts when the previous \
            one ends; every turn is logged as one JSON line on standard output, then a summary per call.
            """,
        version: HotlineVersion.string)

    @Option(help: "Path of the daemon configuration (YAML; not read yet).")
    var config: String = "/etc/hotline/hotlined.yaml"
    @Flag(help: "Check the configuration and exit.")
    var checkConfig = false

    @Option(help: "The flow the line runs.") var flow: String?
    @Option(help: "ALSA capture PCM (the caller).") var capture = "default"
    @Option(help: "ALSA playback PCM (the hotline).") var playback = "default"
    @Option(help: "A file of ALSA PCM definitions (asoundrc syntax) used instead of the system's.") var alsaConfig: String?
    @Option(help: "Answer this many calls, then exit (0: run until stopped).") var calls = 0
    @Option(help: "Longest call, seconds.") var maxCallSeconds = 600
    @Option(help: "Write each call's stereo recording (caller left, hotline right) into this folder.") var record: String?
    @Option(help: "SQLite call store: every call and turn, written as they happen (hotline calls list/show read it).") var database: String?
    @Option(help: "Acoustic model file.") var model = "Models/acoustic/acoustic.hnn"
    @Option(help: "Voice file.") var voice = "Models/voices/kal16/kal16.voice"
    @Option(help: "Lexicon file (CMU format).") var lexicon = "Models/lexicon/cmudict-en-us.dict"
    @Option(help: "An admin's lexicon (CMU format, WORD PH ON ES per line), read after the others so its words win; repeatable.") var userLexicon: [String] = []

    struct CallSummary: Encodable {
        var call: Int
        var outcome: String
        var turns: Int
        var callMs: Int
        var recording: String?
        /// The call's id in the store.
        var id: Int64?
    }

    func run() throws {
        guard let flowPath = flow else {
            print("hotlined \(HotlineVersion.string): configuration \(config)")
            print("hotlined: reading the configuration file is not built yet; run a line with --flow FLOW")
            return
        }
        // SIGTERM / SIGINT (from the start, so a stop during loading is clean too): end the
        // call in progress cleanly (logged, recorded), then exit.
        let stop = StopRequest()
        let signals = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.request() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        do {
            let flow = try FlowLoader.load(path: flowPath)
            let resources = try CallSession.Resources(model: model, voice: voice, lexicon: [lexicon] + userLexicon)
            let alsa = try alsaConfig.map { path in
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw InvalidArgument("\(path): cannot read the ALSA configuration")
                }
                return text
            }
            if let record { try FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true) }
            let store = try database.map { try CallStore(path: $0) }
            if checkConfig { print("hotlined: \(flowPath) and the models load"); return }
            var answered = 0
            while (calls == 0 || answered < calls) && !stop.requested {
                let line = LineService(
                    capture: try ALSADevice(name: capture, direction: .capture, configuration: alsa),
                    playback: try ALSADevice(name: playback, direction: .playback, configuration: alsa))
                let session = try CallSession(flow: flow, resources: resources)
                let callID = try store?.beginCall(line: capture, flow: flowPath)
                if let store, let callID {
                    session.onTurn = { turn in
                        do { try store.addTurn(call: callID, turn) } catch {
                            FileHandle.standardError.write(Data("hotlined: \(error)\n".utf8))
                        }
                    }
                }
                let (heard, said) = try line.run(session, maxSeconds: maxCallSeconds) { stop.requested }
                answered += 1
                for turn in session.turns { print(try jsonLine(turn)) }
                var path: String?
                if let record {
                    path = "\(record)/call-\(answered).opus"
                    try SoundFile.write(channels: [heard, said], sampleRate: CallSession.sampleRate, to: path!, codec: .opus)
                }
                if let store, let callID {
                    try store.endCall(callID, outcome: session.outcome ?? "", durationMs: session.nowMs, recording: path)
                }
                print(try jsonLine(CallSummary(call: answered, outcome: session.outcome ?? "", turns: session.turns.count,
                                               callMs: session.nowMs, recording: path, id: callID)))
            }
        } catch let error as HotlineError {
            FileHandle.standardError.write(Data("hotlined: \(error)\n".utf8))
            throw ExitCode.failure
        } catch {
            FileHandle.standardError.write(Data("hotlined: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Set from a signal handler's queue, read by the audio loop.
final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    /// Whether a stop was asked for.
    var requested: Bool { lock.withLock { flag } }
    /// Asks the daemon to stop.
    func request() { lock.withLock { flag = true } }
}
