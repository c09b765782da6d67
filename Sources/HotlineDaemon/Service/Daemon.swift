import Crypto
import Foundation
import HotlineAudio
import HotlineCore
import HotlineDialogue
import HotlineSIP
import HotlineStore
import HotlineTTS
import Logging

/// hotlined's core: loads the models, flows and call store once, runs a `LineService` per
/// configured line on its own thread, and talks to systemd (READY once loaded, watchdog
/// keep-alives while every line's audio path moves, RELOADING/STOPPING).
///
/// `reload()` (SIGHUP) re-reads the configuration and the flows: new flows apply to new
/// calls, calls in progress finish on the flow they started with, and a flow or
/// configuration with errors leaves the running one in place (the errors are logged).
public final class Daemon: @unchecked Sendable {
    /// Set to stop: every line ends its call cleanly (logged, recorded, stored) and closes.
    public let stop: StopFlag
    let log: DaemonLog
    let resources: CallSession.Resources
    /// Where calls are kept, if anywhere.
    public let store: CallStoring?
    let slots: CallSlots
    /// Encodes and writes the calls' recordings off the lines' audio loops.
    let recordingWorker = BackgroundWorker(name: "recordings")
    /// Writes the calls' turns to the store off the lines' audio loops, in order (with many
    /// calls at once, a write waiting its turn at SQLite would make a frame late).
    let storeWorker = BackgroundWorker(name: "store", nice: 0)
    private var current: DaemonConfiguration
    /// The configuration in force (lines' flows change on reload).
    public var configuration: DaemonConfiguration { lock.withLock { current } }
    private let configurationPath: String?
    private let notifier: SystemdNotifier
    private let lock = NSLock()
    /// Opens a line's audio; nil: its ALSA devices.
    private let openLine: LineOpener?
    /// Waits before a failed line is opened again (seconds); true when the daemon stops meanwhile.
    let waitBeforeReopening: @Sendable (Double) -> Bool
    private var flows: [String: LoadedFlow] = [:]   // by line name (and number)

    /// A flow as calls run it: its file, the flow, and its version (the first 12 hex digits
    /// of the file's SHA-256), which each stored call keeps.
    struct LoadedFlow {
        let path: String
        let flow: Flow
        let version: String
    }
    private var heartbeats: [String: UInt64] = [:]                  // by line name, uptime ns

    /// Loads everything `configuration` names (read from `configurationPath`, if any, which
    /// `reload()` reads again); throws when a model, a flow or the store cannot be used.
    /// The seams, for tests and other transports: `store` keeps the calls when the
    /// configuration names no database; `openLine` opens lines instead of their ALSA
    /// devices; `waitBeforeReopening` waits between a failed line's retries instead of
    /// the clock (it returns whether the daemon stopped meanwhile).
    public init(configuration: DaemonConfiguration, configurationPath: String? = nil, log: DaemonLog,
                notifier: SystemdNotifier = SystemdNotifier(), stop: StopFlag = StopFlag(), store: CallStoring? = nil,
                openLine: LineOpener? = nil, waitBeforeReopening: (@Sendable (Double) -> Bool)? = nil) throws {
        self.stop = stop
        self.openLine = openLine
        self.waitBeforeReopening = waitBeforeReopening ?? { [stop] in stop.wait(seconds: $0) }
        current = configuration
        self.configurationPath = configurationPath
        self.log = log
        self.notifier = notifier
        if let folder = configuration.recordings {   // DATA_DIR/recordings: makes DATA_DIR for the store too
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let store = try configuration.database.map { location in
            try CallStore(location: location, node: configuration.node
                          ?? (CallStore.isPostgreSQL(location) ? ProcessInfo.processInfo.hostName : ""))
        } ?? store
        self.store = store
        flows = try Self.loadFlows(configuration, store: store, log: log)
        resources = try CallSession.Resources(model: configuration.acousticModel, voice: configuration.voice,
                                              lexicon: configuration.lexicon)
        slots = CallSlots(capacity: configuration.maxConcurrentCalls)
        flowErrorsAtStart = warmPrompts()
        if let shared = store as? CallStore, configuration.lines.flatMap(\.flows).contains(where: { DaemonConfiguration.storedFlowName($0) != nil }) {
            // A flow published on any node (or by `hotline flow publish`) reaches this one.
            flowWatch = try shared.watchFlows { [weak self] name in
                guard let self else { return }
                DispatchQueue.global().async {
                    self.log.message(.info, name.isEmpty ? "flow store reachable again: reloading flows" : "flow '\(name)' published: reloading flows")
                    self.reload()
                }
            }
        }
    }

    deinit { flowWatch?.stop() }

    /// Notices of flows published to a shared store, while lines run `store:` flows.
    private var flowWatch: StoreWatch?

    /// Errors the flows' prompts and listen words had when the daemon loaded them (logged
    /// then): SSML that does not parse, words that cannot be heard. `--check-config` fails on them.
    public private(set) var flowErrorsAtStart = 0

    /// Takes a call slot (false when all are taken: the caller hears the lines are busy)
    /// and tells systemd how many calls are in progress (`systemctl status` shows it).
    func beginCall() -> Bool {
        let free = slots.acquire()
        notifier.notify("STATUS=" + slots.status)
        return free
    }

    /// Gives back the slot a call took, if it took one, and updates systemd's status.
    func endCall(tookSlot: Bool) {
        if tookSlot { slots.release() }
        notifier.notify("STATUS=" + slots.status)
    }

    /// Where flow `name`, in force in the store, is written to be loaded (its folder is the
    /// flow's base for relative paths); when the store cannot be read, the copy written last.
    private static func storedFlow(_ name: String, configuration: DaemonConfiguration, store: CallStoring?, log: DaemonLog) throws -> String {
        let folder = configuration.flowCache ?? FileManager.default.temporaryDirectory.appendingPathComponent("hotline-flows").path
        let path = "\(folder)/\(name).yaml"
        do {
            guard let store = store as? CallStore else { throw InvalidArgument("flow store:\(name): no call store to read flows from") }
            guard let stored = try store.activeFlow(name) else {
                throw InvalidArgument("flow '\(name)' was never published to \(store.location): "
                                      + "hotline flow publish FILE --name \(name) --db \(store.location)")
            }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(stored.content.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return path
        } catch let error as CallStoreError where FileManager.default.fileExists(atPath: path) {
            log.message(.warning, "flow store:\(name): \(error); running the copy in \(path)")
            return path
        }
    }

    /// Calls a killed daemon left open: stored as "daemon crashed" with the time their
    /// turns reached, and linked to what was recorded of them (the `.opus.part` file, whose
    /// Ogg pages already written play, renamed to `.opus`).
    func recoverUnfinishedCalls() {
        guard let store else { return }
        do {
            let calls = try store.closeUnfinishedCalls(as: "daemon crashed")
            guard !calls.isEmpty else { return }
            let folder = configuration.recordings
            let parts = folder.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0) }?.filter { $0.hasSuffix(".opus.part") } ?? []
            for call in calls {
                var recording: String?
                if let folder, let part = parts.first(where: { $0.hasPrefix("\(call.line)-\(call.id)-") }) {
                    let kept = folder + "/" + part.dropLast(".part".count)
                    do {
                        try FileManager.default.moveItem(atPath: folder + "/" + part, toPath: kept)
                        try store.setRecording(call.id, kept)
                        recording = kept
                    } catch {
                        log.message(.error, "call \(call.id): cannot keep its recording \(part): \(error)")
                    }
                }
                log.message(.warning, "call \(call.id) on line \(call.line) was cut off by a daemon crash after "
                            + "\(call.durationMs / 1000) s; stored as 'daemon crashed'" + (recording.map { ", recording \($0)" } ?? ""))
            }
        } catch {
            log.message(.error, "cannot close the calls a crash left open: \(error)")
        }
    }

    /// How long a line's devices may take to open in `checkDevices` before that line counts as failed.
    static let deviceOpenTimeoutSeconds = 5.0

    /// Opens and closes every line's devices (binds a SIP line's socket), all lines at once; returns the failures by
    /// line name. A line whose open does not return within `deviceOpenTimeoutSeconds` (a
    /// file plugin reading a FIFO nobody writes) fails, and holds up no other line.
    public func checkDevices() throws -> [String: Error] {
        let open = try lineOpener()
        let opened = OpenResults()
        let done = DispatchGroup()
        for line in configuration.lines {
            done.enter()
            Thread.detachNewThread {
                do {
                    if let sip = line.sip {   // its SIP socket can be bound (the port is free, the address ours)
                        let transport = SIPTransport(settings: sip, onCall: { $0.hangUp() }, onLog: { _ in })
                        try transport.start()
                        transport.stop()
                    } else {
                        var probe = line
                        probe.realtime = false
                        _ = try open(probe)
                    }
                    opened.record(line.name, nil)
                } catch {
                    opened.record(line.name, error)
                }
                done.leave()
            }
        }
        _ = done.wait(timeout: .now() + Self.deviceOpenTimeoutSeconds)
        let results = opened.all   // a line missing here is still opening
        var failures: [String: Error] = [:]
        for line in configuration.lines {
            switch results[line.name] {
            case .some(.some(let error)): failures[line.name] = error
            case .some(.none): break
            case .none:
                failures[line.name] = InvalidArgument("line \(line.name): its devices did not open within \(Int(Self.deviceOpenTimeoutSeconds)) s "
                                                      + "(held by another program, or a file nobody writes?)")
            }
        }
        return failures
    }

    /// How each line's open in `checkDevices` ended (nil: opened), written from the lines' threads.
    private final class OpenResults: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [String: Error?] = [:]
        func record(_ line: String, _ error: Error?) { lock.withLock { results[line] = .some(error) } }
        var all: [String: Error?] { lock.withLock { results } }
    }

    /// A line is opening its devices: until it beats again it is not watched for stalls
    /// (an open that blocks holds up that line alone; the watchdog stays fed by the others).
    func opening(_ line: String) {
        lock.withLock { heartbeats[line] = nil }
    }

    /// Runs every line until each has answered its `calls` or `stop` is set. A line whose
    /// devices fail (now or later) is reopened with backoff while the others answer; if no
    /// line's devices open at all, nothing is started and the first failure is thrown.
    public func run() throws {
        recoverUnfinishedCalls()
        let open = try lineOpener()
        let failures = try checkDevices()
        if let first = failures.first, failures.count == configuration.lines.count { throw first.value }
        let finished = DispatchGroup()
        let lines = configuration.lines
        for line in lines {
            beat(line.name)
            let service = LineService(line: line, daemon: self, open: open)
            finished.enter()
            let thread = Thread { [self] in
                if line.sip != nil { SIPLineService(service: service, daemon: self).run() } else { service.run() }
                lock.withLock { heartbeats[line.name] = nil }   // a closed line needs no keep-alive
                finished.leave()
            }
            thread.name = "line \(line.name)"
            thread.start()
        }
        notifier.notify("READY=1\nSTATUS=answering on \(lines.count) line(s)")
        log.message(.info, "ready: \(lines.map(\.name).joined(separator: ", "))")
        if let seconds = notifier.watchdogSeconds {
            Thread.detachNewThread { [self] in
                while !stop.wait(seconds: seconds / 2) {
                    if let stalled = stalledLine(olderThan: seconds) {
                        log.message(.error, "line \(stalled): audio path stalled; no watchdog keep-alive")
                    } else {
                        notifier.notify("WATCHDOG=1")
                    }
                }
            }
        }
        // Until every line is done; once stopped, lines get a grace period to end their
        // calls cleanly, and one still blocked opening its device is left behind.
        while finished.wait(timeout: .now() + 0.2) == .timedOut, !stop.isSet {}
        if stop.isSet { _ = finished.wait(timeout: .now() + Self.stopGraceSeconds) }
        stop.set()
        notifier.notify("STOPPING=1")
    }

    /// How long lines have, once the daemon stops, to store their calls and close.
    static let stopGraceSeconds = 10.0

    /// Re-reads the configuration (if the daemon has a file) and every line's flow; new
    /// calls use them. On any error, the running flows stay and the errors are logged.
    public func reload() {
        notifier.notify("RELOADING=1")
        defer { notifier.notify("READY=1") }
        do {
            var next = configuration
            if let configurationPath {
                let read = try DaemonConfiguration.load(path: configurationPath)
                if read.lines.map(\.name) != next.lines.map(\.name) || read.acousticModel != next.acousticModel
                    || read.voice != next.voice || read.lexicon != next.lexicon {
                    log.message(.warning, "reload: changes to lines and models apply after a restart; flows are reloaded")
                }
                for (i, line) in next.lines.enumerated() {
                    if let changed = read.lines.first(where: { $0.name == line.name }) {
                        next.lines[i].flow = changed.flow
                        next.lines[i].numbers = changed.numbers
                    }
                }
            }
            let loaded = try Self.loadFlows(next, store: store, log: log)
            lock.withLock {
                flows = loaded
                current.lines = next.lines
            }
            warmPrompts()
            log.message(.info, "reloaded: " + next.lines.map { "\($0.name) runs \($0.flow)" }.joined(separator: "; "))
        } catch {
            log.message(.error, "reload failed; calls keep the running flows:\n\(error)")
        }
    }

    /// The flow a new call on `line` runs (to `number`, on a SIP line with `numbers`), and its path.
    /// The flow line `line` runs now for calls to `number` (or its default flow).
    public func runningFlow(line: String, number: String? = nil) -> Flow? {
        lock.withLock { number.flatMap { flows[Self.flowKey(line, $0)] } ?? flows[line] }?.flow
    }

    func flow(for line: String, number: String? = nil) -> LoadedFlow {
        lock.withLock { number.flatMap { flows[Self.flowKey(line, $0)] } ?? flows[line]! }
    }

    /// The flows calls run now: per line (and number called), the file and its version.
    public var runningFlows: [(line: String, number: String?, path: String, version: String)] {
        lock.withLock {
            flows.map { key, loaded in
                let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : nil, loaded.path, loaded.version)
            }.sorted { ($0.line, $0.number ?? "") < ($1.line, $1.number ?? "") }
        }
    }

    /// Where `flows` keeps the flow of `number` on `line`.
    private static func flowKey(_ line: String, _ number: String) -> String { line + "\u{0}" + number }

    /// A call in progress, as `/api/live` shows it.
    public struct LiveCall: Sendable, Encodable, Equatable {
        public var line: String
        /// Its id in the call store, when stored.
        public var call: Int64?
        public var startedAt: String
        public var caller: String?, called: String?
        /// The dialogue state it is in.
        public var state: String
    }

    private var live: [UUID: LiveCall] = [:]

    /// The calls in progress, oldest first.
    public var liveCalls: [LiveCall] { lock.withLock { live.values.sorted { $0.startedAt < $1.startedAt } } }

    /// Records (or, with nil, forgets) call `key`'s progress.
    func setLive(_ key: UUID, _ call: LiveCall?) { lock.withLock { live[key] = call } }

    /// Logs `text` at info level (what a service beside the lines wants known: where it listens).
    public func announce(_ text: String) { log.message(.info, text) }

    /// The daemon's logger, for the services beside the lines.
    public var logger: Logger { log.logger }

    /// Whether every open line's audio has moved within `seconds` (what `/healthz` reports).
    public func linesMoving(withinSeconds seconds: Double = 10) -> Bool {
        stalledLine(olderThan: seconds) == nil && !stop.isSet
    }

    /// The line's audio path moved just now.
    func beat(_ line: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.withLock { heartbeats[line] = now }
    }

    private func stalledLine(olderThan seconds: Double) -> String? {
        let now = DispatchTime.now().uptimeNanoseconds
        return lock.withLock { heartbeats.first { Double(now - $0.value) / 1e9 > seconds }?.key }
    }

    /// What opens the lines: the seam given at start, or ALSA with the configured asoundrc.
    private func lineOpener() throws -> LineOpener {
        if let openLine { return openLine }
        let alsa = try configuration.alsaConfig.map { path in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw InvalidArgument("\(path): cannot read the ALSA configuration")
            }
            return text
        }
        return ALSALine.opener(configuration: alsa)
    }

    /// Renders every flow's fixed prompts ahead of calls, once per flow file; returns how
    /// many errors `checkSpeech` logged.
    @discardableResult
    private func warmPrompts() -> Int {
        let byPath = Dictionary(lock.withLock { flows.values.map { ($0.path, $0.flow) } }, uniquingKeysWith: { first, _ in first })
        var errors = 0
        for (path, flow) in byPath.sorted(by: { $0.key < $1.key }) {
            resources.prompts.warm(flow, synthesizer: (try? resources.synthesizer(for: flow)) ?? resources.synthesizer,
                                   sampleRate: CallSession.sampleRate)
            errors += checkSpeech(of: flow, path: path)
        }
        return errors
    }

    /// Logs what `FlowSpeechCheck` finds in a flow: words an admin's user lexicon can correct,
    /// SSML prompts that do not parse (read as plain text), recorded prompts that are not
    /// audio (their text is said) and words that cannot be heard; returns the number of errors.
    private func checkSpeech(of flow: Flow, path: String) -> Int {
        let found = FlowSpeechCheck.check(flow, lexicon: resources.lexicon)
        for error in found.errors { log.message(.error, "\(path): \(error)") }
        for warning in found.warnings { log.message(.warning, "\(path): \(warning)") }
        return found.errors.count
    }

    /// Every line's flow, loaded once per file; all problems of all files in one error.
    private static func loadFlows(_ configuration: DaemonConfiguration, store: CallStoring?, log: DaemonLog) throws -> [String: LoadedFlow] {
        var byPath: [String: LoadedFlow] = [:]
        var problems: [FlowDiagnostic] = []
        for reference in Set(configuration.lines.flatMap(\.flows)).sorted() {
            do {
                let path = try DaemonConfiguration.storedFlowName(reference)
                    .map { try storedFlow($0, configuration: configuration, store: store, log: log) } ?? reference
                let flow = try FlowLoader.load(path: path, pathsOutside: configuration.flowsMayReadAnywhere)
                let version = FlowVersion.version(of: (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data())
                byPath[reference] = LoadedFlow(path: reference, flow: flow, version: version)
            } catch let errors as FlowErrors {
                problems += errors.diagnostics
            }
        }
        guard problems.isEmpty else { throw FlowErrors(diagnostics: problems) }
        var flows: [String: LoadedFlow] = [:]
        for line in configuration.lines {
            flows[line.name] = byPath[line.flow]!
            for (number, path) in line.numbers { flows[flowKey(line.name, number)] = byPath[path]! }
        }
        return flows
    }
}
