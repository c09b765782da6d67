import Foundation

/// Where a daemon keeps its calls: SQLite or PostgreSQL (`CallStore`; SQLite is the default) or memory
/// (`MemoryCallStore`: tests, and runs that keep nothing on disk). Every method is safe to
/// call from any line's thread.
public protocol CallStoring: AnyObject, Sendable {
    /// Records a call being answered, with its flow's version and who called whom when the
    /// line tells; returns its id.
    func beginCall(line: String, flow: String, flowVersion: String?, startedAt: Date, parties: CallParties?) throws -> Int64
    /// Records one completed turn of call `id`.
    func addTurn(call id: Int64, _ turn: TurnRecord) throws
    /// Records how call `id` ended.
    func endCall(_ id: Int64, outcome: String, durationMs: Int, recording: String?) throws
    /// Closes every call still open as `outcome`, with the time of its last turn as its
    /// duration; returns them so their recordings can be linked.
    func closeUnfinishedCalls(as outcome: String) throws -> [CallStore.UnfinishedCall]
    /// Links call `id` to its recording.
    func setRecording(_ id: Int64, _ recording: String) throws
    /// Call `id`, or nil.
    func call(_ id: Int64) throws -> CallRecord?
    /// The turns of call `id`, in order.
    func turns(call id: Int64) throws -> [TurnRecord]
}

extension CallStoring {
    /// Records a call being answered now; returns its id.
    public func beginCall(line: String, flow: String, flowVersion: String? = nil, parties: CallParties? = nil) throws -> Int64 {
        try beginCall(line: line, flow: flow, flowVersion: flowVersion, startedAt: Date(), parties: parties)
    }

    /// Records a call answered at `startedAt`, from nobody known; returns its id.
    public func beginCall(line: String, flow: String, startedAt: Date) throws -> Int64 {
        try beginCall(line: line, flow: flow, flowVersion: nil, startedAt: startedAt, parties: nil)
    }
}

extension CallStore: CallStoring {}

/// Calls kept in memory, in the order they began; ids count from 1.
public final class MemoryCallStore: CallStoring, @unchecked Sendable {   // guarded by `lock`
    private let lock = NSLock()
    private var calls: [CallRecord] = []
    private var turnsByCall: [Int64: [TurnRecord]] = [:]

    /// An empty store.
    public init() {}

    /// Every call, oldest first.
    public var all: [CallRecord] { lock.withLock { calls } }

    public func beginCall(line: String, flow: String, flowVersion: String?, startedAt: Date, parties: CallParties?) throws -> Int64 {
        lock.withLock {
            let id = Int64(calls.count + 1)
            calls.append(CallRecord(id: id, startedAt: ISO8601DateFormatter().string(from: startedAt), line: line, flow: flow,
                                    outcome: "", durationMs: 0, recording: nil, parties: parties, flowVersion: flowVersion))
            return id
        }
    }

    public func addTurn(call id: Int64, _ turn: TurnRecord) throws {
        try update(id) { _ in }
        lock.withLock { turnsByCall[id, default: []].append(turn) }
    }

    public func endCall(_ id: Int64, outcome: String, durationMs: Int, recording: String?) throws {
        try update(id) { ($0.outcome, $0.durationMs, $0.recording) = (outcome, durationMs, recording) }
    }

    public func closeUnfinishedCalls(as outcome: String) throws -> [CallStore.UnfinishedCall] {
        lock.withLock {
            calls.indices.filter { calls[$0].outcome.isEmpty }.map { i in
                calls[i].outcome = outcome
                calls[i].durationMs = turnsByCall[calls[i].id]?.map(\.atMs).max() ?? 0
                return CallStore.UnfinishedCall(id: calls[i].id, line: calls[i].line, durationMs: calls[i].durationMs)
            }
        }
    }

    public func setRecording(_ id: Int64, _ recording: String) throws { try update(id) { $0.recording = recording } }

    public func call(_ id: Int64) throws -> CallRecord? { lock.withLock { calls.first { $0.id == id } } }

    public func turns(call id: Int64) throws -> [TurnRecord] { lock.withLock { turnsByCall[id] ?? [] } }

    private func update(_ id: Int64, _ change: (inout CallRecord) -> Void) throws {
        try lock.withLock {
            guard let i = calls.firstIndex(where: { $0.id == id }) else { throw CallStoreError(description: "memory: no call \(id)") }
            change(&calls[i])
        }
    }
}
