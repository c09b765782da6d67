import Foundation
import HotlineAudio
import HotlineDSP
@testable import HotlineDaemon
import HotlineStore
import HotlineTestSupport
import Testing

/// The daemon's lines in-process, on memory lines and a memory call store: answering,
/// the call limit, device failures and backoff, a failing store, transfer keys, stopping
/// and reloading. Nothing sleeps: memory lines never block, and backoff waits are recorded.
@Suite struct DaemonLineTests {
    static let callerAudio = try! SoundFile.read(repositoryRoot.appendingPathComponent("Audio/samples/caller-order-status.flac").path).samples

    /// Collects what the daemon logs.
    final class LogLines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [(DaemonLog.Stream, String)] = []
        var events: [String] { lock.withLock { lines.filter { $0.0 == .events }.map(\.1) } }
        var messages: [String] { lock.withLock { lines.filter { $0.0 == .messages }.map(\.1) } }
        func add(_ stream: DaemonLog.Stream, _ line: String) { lock.withLock { lines.append((stream, line)) } }
    }

    /// A daemon whose lines (`names`, each answering one call at once) run `flow` and open
    /// through `open`.
    static func daemon(_ names: [String] = ["a"], flow: String = repositoryRoot.appendingPathComponent("Flows/hotline.yaml").path,
                       log: LogLines, store: CallStoring, stop: StopFlag = StopFlag(), waits: Recorded<Double> = Recorded(),
                       configure: (inout DaemonConfiguration) -> Void = { _ in }, open: @escaping LineOpener) throws -> Daemon {
        var configuration = DaemonConfiguration(lines: names.map { name in
            var line = DaemonConfiguration.Line(name: name, capture: "memory", playback: "memory", flow: flow)
            line.answer = .immediately
            line.calls = 1
            return line
        })
        configuration.acousticModel = repositoryRoot.appendingPathComponent("Models/acoustic/acoustic.hnn").path
        configuration.voice = repositoryRoot.appendingPathComponent("Models/voices/rms/rms.voice").path
        configuration.lexicon = [repositoryRoot.appendingPathComponent("Models/lexicon/cmudict-en-us.dict").path]
        configure(&configuration)
        return try Daemon(configuration: configuration, log: DaemonLog(write: log.add), stop: stop, store: store, openLine: open,
                          waitBeforeReopening: { waits.add($0); return false })
    }

    @Test func aCallOnAMemoryLineIsAnsweredStoredAndLogged() throws {
        let log = LogLines(), store = MemoryCallStore(), line = MemoryLine(caller: Self.callerAudio)
        try Self.daemon(log: log, store: store) { _ in line }.run()
        let call = try #require(store.all.first)
        #expect(store.all.count == 1 && call.outcome == "hangup" && call.line == "a")
        #expect(try store.turns(call: call.id).map(\.input) == [.speech, .dtmf, .speech])
        #expect(log.events.last?.contains(#""outcome":"hangup""#) == true, "\(log.events)")
        #expect(line.played.contains { abs($0) > 0.1 } && line.droppedPlayback > 0)   // prompts played; barged in on
    }

    /// Keys, a spoken order number (dev-speaker digits), a no-input and a key for the agent,
    /// checked in the SQLite store and the stereo recording. The flow never confirms, so the
    /// path does not hang on the acoustic model's confidence.
    @Test func aSpokenOrderNumberANoinputAndTheAgentKeyAreStoredAndRecorded() throws {
        let scratch = Scratch(), flows = repositoryRoot.appendingPathComponent("Flows")
        let flow = try String(contentsOf: flows.appendingPathComponent("hotline.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "confirm_below: 0.8", with: "confirm_below: 0")
        try flow.write(toFile: scratch.file("hotline.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: flows.appendingPathComponent("orders.csv").path, toPath: scratch.file("orders.csv"))
        let caller = try SoundFile.read(repositoryRoot.appendingPathComponent("Audio/samples/caller-spoken-order.flac").path).samples
        let store = try CallStore(location: scratch.file("calls.sqlite"))
        try Self.daemon(["e2e"], flow: scratch.file("hotline.yaml"), log: LogLines(), store: store,
                        configure: { $0.recordings = scratch.file("recordings") }) { _ in MemoryLine(caller: caller) }.run()
        let call = try #require(try store.call(1))
        let turns = try store.turns(call: 1)
        #expect(call.line == "e2e" && call.outcome == "transfer:queue:support")
        #expect(turns.map(\.input) == [.dtmf, .speech, .noInput, .dtmf])
        #expect(turns.map(\.heard) == ["1", "five five five zero one nine", "", "0"])
        #expect(turns.map(\.state) == ["main_menu", "ask_order", "anything_else", "anything_else"])
        #expect(turns[1].interpretation.hasPrefix("order_number = 555019"))
        let hotlineSide = try SoundFile.read(try #require(call.recording), channel: 1)   // stereo: caller left, hotline right
        #expect(hotlineSide.sampleRate == 8000 && abs(hotlineSide.durationMs - Double(call.durationMs)) < 100)
        #expect(hotlineSide.samples.contains { abs($0) > 0.1 })
    }

    @Test func aCallerBeyondTheCallLimitHearsTheLinesAreBusy() throws {
        let log = LogLines(), store = MemoryCallStore()
        let daemon = try Self.daemon(log: log, store: store, configure: { $0.maxConcurrentCalls = 1 }) { _ in MemoryLine() }
        #expect(daemon.beginCall())   // another line's call holds the only slot
        try daemon.run()
        #expect(store.all.map(\.outcome) == ["busy"] && store.all.first?.flow == "(all lines busy)")
    }

    @Test func aLineThatFailsToOpenIsRetriedWithDoublingBackoffWhileTheOtherAnswers() throws {
        let log = LogLines(), store = MemoryCallStore()
        let opens = Counter(), waits = Recorded<Double>()
        try Self.daemon(["a", "b"], log: log, store: store, waits: waits) { line in
            // Line b's first five opens fail: the daemon's device check, then four by its line.
            if line.name == "b", opens.next() < 5 { throw MemoryLine.Unplugged() }
            return MemoryLine(caller: Self.callerAudio)
        }.run()
        #expect(waits.all == [1, 2, 4, 8])
        #expect(Set(store.all.map(\.line)) == ["a", "b"] && store.all.allSatisfy { $0.outcome == "hangup" })
        #expect(log.messages.filter { $0.contains("line b: the memory line was unplugged; retrying in") }.count == 4)
    }

    @Test func aDeviceFailingMidCallEndsItAsLineLostWithItsTurnsStored() throws {
        let log = LogLines(), store = MemoryCallStore()
        try Self.daemon(log: log, store: store) { _ in MemoryLine(caller: Self.callerAudio, failAfterFrames: 700) }.run()
        let call = try #require(store.all.first)
        #expect(call.outcome == "line lost" && call.durationMs == 7000)
        #expect(try store.turns(call: call.id).map(\.input) == [.speech])
        #expect(log.messages.contains { $0.contains("line a: the memory line was unplugged; reopening the line") })
    }

    /// A store that stops taking turns after the first: the call goes on to its end, and
    /// every turn is still in the log.
    @Test func aStoreFailingMidCallLosesNoTurnFromTheLog() throws {
        final class FailingStore: CallStoring, @unchecked Sendable {
            let kept = MemoryCallStore()
            var turns = 0
            func beginCall(line: String, flow: String, flowVersion: String?, startedAt: Date, parties: CallParties?) throws -> Int64 {
                try kept.beginCall(line: line, flow: flow, flowVersion: flowVersion, startedAt: startedAt, parties: parties)
            }
            func addTurn(call id: Int64, _ turn: TurnRecord) throws {
                turns += 1
                guard turns == 1 else { throw MemoryLine.Unplugged() }
                try kept.addTurn(call: id, turn)
            }
            func endCall(_ id: Int64, outcome: String, durationMs: Int, recording: String?) throws {
                try kept.endCall(id, outcome: outcome, durationMs: durationMs, recording: recording)
            }
            func closeUnfinishedCalls(as outcome: String) throws -> [CallStore.UnfinishedCall] { [] }
            func setRecording(_ id: Int64, _ recording: String) throws {}
            func call(_ id: Int64) throws -> CallRecord? { try kept.call(id) }
            func turns(call id: Int64) throws -> [TurnRecord] { try kept.turns(call: id) }
        }
        let log = LogLines(), store = FailingStore()
        try Self.daemon(log: log, store: store) { _ in MemoryLine(caller: Self.callerAudio) }.run()
        #expect(store.kept.all.first?.outcome == "hangup" && store.turns == 3)
        #expect(log.events.filter { $0.contains(#""heard":"#) }.count == 3)
        #expect(log.messages.filter { $0.contains("line a: the memory line was unplugged") }.count == 2, "\(log.messages)")
    }

    /// A full disk under the recordings: both lines still answer, every turn reaches the
    /// store (on another disk) and the log, and the recordings' failure is logged, not fatal.
    /// Needs a small tmpfs (root); skipped where mounting is not allowed.
    @Test func aFullRecordingsDiskLosesNoCallAndNoTurn() throws {
        let scratch = Scratch(), full = scratch.file("full")
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        func run(_ program: String, _ arguments: [String]) throws -> Int32 {
            let process = try Process.run(URL(fileURLWithPath: program), arguments: arguments)
            process.waitUntilExit()
            return process.terminationStatus
        }
        guard try run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", full]) == 0 else { return }
        defer { _ = try? run("/bin/umount", [full]) }
        try FileManager.default.createDirectory(atPath: full + "/recordings", withIntermediateDirectories: true)
        _ = try run("/bin/dd", ["if=/dev/zero", "of=\(full)/filler", "bs=4k", "count=64", "status=none"])   // stops when full
        let log = LogLines(), store = try CallStore(location: scratch.file("calls.sqlite"))
        try Self.daemon(["a", "b"], log: log, store: store, configure: { $0.recordings = full + "/recordings" }) { _ in
            MemoryLine(caller: Self.callerAudio)
        }.run()
        #expect(log.messages.contains { $0.contains("recording was not written") || $0.contains("is not recorded") }, "\(log.messages)")
        let calls = try [1, 2].compactMap { try store.call($0) }
        #expect(Set(calls.map(\.line)) == ["a", "b"] && calls.allSatisfy { $0.outcome == "hangup" })
        let stored = try [1, 2].map { try store.turns(call: $0).count }.reduce(0, +)
        #expect(stored == 6 && stored == log.events.filter { $0.contains(#""heard":"#) }.count)
    }

    @Test func aTransferIsKeyedDownTheLineToThePBX() throws {
        let scratch = Scratch(), flow = scratch.file("transfer.yaml")
        try "flow: t\nstart: hi\nstates:\n  hi:\n    prompt: Transferring you.\n    transfer: \"tel:555 0100\"\n"
            .write(toFile: flow, atomically: true, encoding: .utf8)
        let log = LogLines(), store = MemoryCallStore(), line = MemoryLine()
        try Self.daemon(flow: flow, log: log, store: store, configure: { $0.lines[0].transferKeys = "##{number}" }) { _ in line }.run()
        #expect(store.all.first?.outcome == "transfer:tel:555 0100")
        let keys = DTMFDetector().process(line.played).compactMap { if case .ended(let digit) = $0 { digit.key } else { nil } }
        #expect(String(keys) == "##5550100")
    }

    @Test func stoppingMidCallEndsTheCallCleanly() throws {
        let log = LogLines(), store = MemoryCallStore(), stop = StopFlag()
        let line = MemoryLine(caller: Self.callerAudio)
        line.onRead = { if $0 == 500 { stop.set() } }
        try Self.daemon(log: log, store: store, stop: stop) { _ in line }.run()
        #expect(store.all.first?.outcome == "daemon stopped" && store.all.first?.durationMs == 5010)
    }

    @Test func aReloadWithABrokenFlowKeepsTheRunningOneAndAFixedOneApplies() throws {
        let scratch = Scratch(), flow = scratch.file("f.yaml"), config = scratch.file("hotlined.yaml")
        let root = repositoryRoot.path
        try "flow: f\nstart: hi\nstates:\n  hi:\n    prompt: Hello.\n    hangup: true\n".write(toFile: flow, atomically: true, encoding: .utf8)
        try """
            models: {acoustic: \(root)/Models/acoustic/acoustic.hnn, voice: \(root)/Models/voices/rms/rms.voice, lexicon: \(root)/Models/lexicon/cmudict-en-us.dict}
            lines:
              - {name: a, capture: memory, playback: memory, flow: f.yaml}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let log = LogLines()
        let daemon = try Daemon(configuration: try DaemonConfiguration.load(path: config), configurationPath: config,
                                log: DaemonLog(write: log.add), openLine: { _ in MemoryLine() })
        try "flow: f\nstart: hi\nstates:\n  hi:\n    prompt: Hello.\n    next: nowhere\n".write(toFile: flow, atomically: true, encoding: .utf8)
        daemon.reload()
        #expect(daemon.flow(for: "a").flow.states["hi"]?.hangup == true)
        #expect(log.messages.contains { $0.contains("reload failed; calls keep the running flows") && $0.contains("nowhere") }, "\(log.messages)")
        try "flow: f\nstart: hi\nstates:\n  hi:\n    prompt: Hello again.\n    hangup: true\n".write(toFile: flow, atomically: true, encoding: .utf8)
        daemon.reload()
        #expect(daemon.flow(for: "a").flow.states["hi"]?.prompt == "Hello again.")
    }
}

/// Counts calls from any thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    /// The count before this call.
    func next() -> Int { lock.withLock { defer { count += 1 }; return count } }
}

/// Values recorded from any thread, in order.
final class Recorded<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [T] = []
    func add(_ value: T) { lock.withLock { values.append(value) } }
    var all: [T] { lock.withLock { values } }
}
