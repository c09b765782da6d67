import ArgumentParser
import Foundation
import HotlineCore
import HotlineConsole
import HotlineDaemon
import HotlineSIP
import HotlineStore
import Metrics
import Prometheus
import ServiceLifecycle
import HotlineTTS

/// `hotlined`: the Hotline daemon. Answers calls on the ALSA phone lines of its
/// configuration file, or on one line given by options (`--flow`, `--capture`, ...).
@main
struct Hotlined: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotlined",
        abstract: "The Hotline voice IVR daemon.",
        discussion: """
            Reads its lines, models, data folder and limits from --config (YAML; see Systemd/hotlined.yaml). \
            With --flow instead, answers calls on one line (--capture/--playback PCM names; --alsa-config defines \
            PCMs in asoundrc syntax, e.g. a file-backed line), each call starting when the previous one ends. \
            Every turn is logged as one JSON line on standard output, then a summary per call. SIGHUP reloads \
            the configuration and flows (new calls use them; a broken flow keeps the old one), SIGTERM ends calls \
            cleanly and exits. Under systemd (Type=notify) it reports READY once loaded and sends watchdog keep-alives.
            """,
        version: HotlineVersion.string)

    @Option(help: "The daemon configuration (YAML).") var config = "/etc/hotline/hotlined.yaml"
    @Flag(help: "Check the configuration, its flows, models and devices, then exit.") var checkConfig = false
    @Flag(help: "Read a console user's password from standard input (its first line) and print its bcrypt hash for http: users:, then exit.")
    var hashPassword = false

    @Option(help: "Run one line with this flow instead of the configuration's lines.") var flow: String?
    @Option(help: "Answer SIP calls (UDP) on this address and port instead of an ALSA line, with --flow: 127.0.0.1:5080, [::1]:5080, 0.0.0.0:5060.") var sip: String?
    @Option(help: "A network or address SIP requests are taken from (repeatable; default loopback only), with --sip: 10.0.0.0/8, 192.0.2.7.") var sipAllow: [String] = []
    @Option(help: "Serve /healthz and /metrics (Prometheus) on this address and port, with --flow: 127.0.0.1:8080.") var http: String?
    @Option(help: "ALSA capture PCM (the caller), with --flow.") var capture = "default"
    @Option(help: "ALSA playback PCM (the hotline), with --flow.") var playback = "default"
    @Option(help: "A file of ALSA PCM definitions (asoundrc syntax) used instead of the system's, with --flow.") var alsaConfig: String?
    @Option(help: "Answer this many calls, then exit (0: run until stopped), with --flow.") var calls = 0
    @Option(help: "Longest call, seconds, with --flow.") var maxCallSeconds = 600
    @Option(help: "Write each call's stereo recording (caller left, hotline right) into this folder, with --flow.") var record: String?
    @Option(help: "The call store, with --flow (hotline calls list/show read it): a SQLite file, or postgres://USER@HOST:PORT/DATABASE.") var database: String?
    @Option(help: "This node's name on the calls it stores, with --flow (default: the host's name with PostgreSQL).") var node: String?
    @Option(help: "Acoustic model file, with --flow.") var model = "Models/acoustic/acoustic.hnn"
    @Option(help: "Voice file, with --flow.") var voice = VoiceDatabase.defaultPath
    @Option(help: "Lexicon file (CMU format), with --flow.") var lexicon = "Models/lexicon/cmudict-en-us.dict"
    @Option(help: "An admin's lexicon (CMU format, WORD PH ON ES per line), read after the others so its words win; repeatable; with --flow (in the configuration: more files under models.lexicon).") var userLexicon: [String] = []

    func run() async throws {
        if hashPassword {
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                FileHandle.standardError.write(Data("hotlined: --hash-password reads the password from standard input\n".utf8))
                throw ExitCode.failure
            }
            print(ConsoleApplication.hashPassword(password))
            return
        }
        // SIGTERM / SIGINT while loading stop the daemon before its lines start; from then on
        // the service group handles them (and SIGHUP, ignored until there is something to reload).
        let stop = StopFlag()
        signal(SIGHUP, SIG_IGN)
        // Recordings, messages and the call store hold what callers said: readable by the
        // daemon's group at most (0640, folders 0750), whatever umask it was started with.
        umask(umask(0o027) | 0o027)
        // Once the service group runs, it alone handles them: it stops the HTTP side, then
        // the lines, in order (a line stopped here first would end before the group asked).
        let groupRuns = StopFlag()
        let sources = [SIGTERM, SIGINT].map { Self.onSignal($0) { if !groupRuns.isSet { stop.set() } } }
        defer { sources.forEach { $0.cancel() } }
        do {
            let (settings, path) = try configuration()
            let daemon = try Daemon(configuration: settings, configurationPath: path, log: DaemonLog(level: settings.logLevel),
                                    stop: stop)
            if checkConfig {
                if let failure = try daemon.checkDevices().sorted(by: { $0.key < $1.key }).first { throw failure.value }
                guard daemon.flowErrorsAtStart == 0 else {
                    throw InvalidArgument("\(path ?? "the options"): the flows have \(daemon.flowErrorsAtStart) error(s), logged above")
                }
                print("hotlined: \(path ?? "the options"): \(settings.lines.count) line(s), their flows, the models and devices are usable")
                return
            }
            guard !stop.isSet else { return }
            let group = DaemonService.group(daemon, others: settings.httpListen.map { [console(daemon, listen: $0)] } ?? [])
            groupRuns.set()
            try await group.run()
        } catch {
            FileHandle.standardError.write(Data("hotlined: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The HTTP side: health and the daemon's metrics (swift-metrics, bootstrapped here to a
    /// Prometheus registry; once per process).
    private func console(_ daemon: Daemon, listen: SIPEndpoint) -> any Service {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return ConsoleApplication.make(daemon: daemon, host: listen.host, port: listen.port, registry: registry,
                                       store: daemon.store as? CallStore, users: daemon.configuration.consoleUsers,
                                       tokens: daemon.configuration.apiTokens,
                                       onRunning: { port in daemon.announce("HTTP on \(SIPEndpoint(host: listen.host, port: port))") })
    }

    /// Runs `action` (on a background queue) each time signal `number` arrives.
    private static func onSignal(_ number: Int32, _ action: @escaping @Sendable () -> Void) -> DispatchSourceSignal {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler(handler: action)
        source.resume()
        return source
    }

    /// The configuration file's, or one line from the options.
    private func configuration() throws -> (DaemonConfiguration, String?) {
        guard let flow else { return (try DaemonConfiguration.load(path: config), config) }
        var line = DaemonConfiguration.Line(name: capture, capture: capture, playback: playback, flow: flow)
        if let sip {
            guard let listen = SIPEndpoint(sip) else { throw InvalidArgument("--sip \(sip): not an IP address and port (as in 127.0.0.1:5080)") }
            var settings = SIPSettings(listen: listen)
            if !sipAllow.isEmpty {
                settings.allowedPeers = try sipAllow.map { text in
                    guard let network = IPNetwork(text) else { throw InvalidArgument("--sip-allow \(text): not an IP address or network") }
                    return network
                }
            }
            line = DaemonConfiguration.Line(name: "sip", sip: settings, flow: flow)
        }
        line.answer = .immediately
        line.calls = calls
        var settings = DaemonConfiguration(lines: [line])
        settings.alsaConfig = alsaConfig
        settings.maxCallSeconds = maxCallSeconds
        if let http {
            guard let address = SIPEndpoint(http) else { throw InvalidArgument("--http \(http): not an IP address and port (as in 127.0.0.1:8080)") }
            settings.httpListen = address
        }
        settings.recordings = record
        settings.database = database
        settings.node = node
        settings.acousticModel = model
        settings.voice = voice
        settings.lexicon = [lexicon] + userLexicon
        return (settings, nil)
    }
}
