import Foundation
import HotlineStore
import HotlineTestSupport
import Testing

/// The two databases a store can be in; every test runs on both.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgresql

    var testDescription: String { rawValue }

    /// Where a new, empty store of this kind is; `cleanUp` removes a SQLite file.
    func newLocation() throws -> String {
        switch self {
        case .sqlite:
            return FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
        case .postgresql:
            guard let url = PrivatePostgreSQL.newDatabase() else {
                throw NoPostgreSQL(description: PrivatePostgreSQL.unavailable ?? "cannot create a PostgreSQL database")
            }
            return url
        }
    }

    func cleanUp(_ location: String) {
        if self == .sqlite { try? FileManager.default.removeItem(atPath: location) }
    }
}

/// The call store, in SQLite and in PostgreSQL: turns survive a call that never ended (a
/// crash mid-call), QA's queries and the analytics read the same from both.
@Suite struct CallStoreTests {
    static func turn(_ at: Int, _ heard: String) -> TurnRecord {
        TurnRecord(atMs: at, state: "menu", expecting: "menu", input: .speech, heard: heard, confidence: 0.9,
                   nbest: [heard, "other"], speechMs: [at - 500, at - 100], interpretation: "menu option 1", replies: ["Hello."],
                   replyLatencyMs: 3.5)
    }

    @Test(arguments: Backend.allCases) func turnsOfACutOffCallAreKeptAndReadBack(_ backend: Backend) throws {
        let path = try backend.newLocation()
        defer { backend.cleanUp(path) }
        do {
            let store = try CallStore(location: path)
            let first = try store.beginCall(line: "line1", flow: "f.yaml")
            try store.addTurn(call: first, Self.turn(1200, "one"))
            try store.addTurn(call: first, Self.turn(5400, "yes"))
            try store.endCall(first, outcome: "hangup", durationMs: 6000, recording: "call-1.opus")
            let second = try store.beginCall(line: "line1", flow: "f.yaml")
            try store.addTurn(call: second, Self.turn(900, "agent"))
            // ... and the daemon dies here: no endCall.
        }
        let reopened = try CallStore(location: path)
        let calls = try reopened.calls().map(\.call)
        #expect(calls.map(\.id) == [2, 1])
        #expect(calls[0].outcome == "" && calls[1].outcome == "hangup" && calls[1].recording == "call-1.opus")
        #expect(try reopened.turns(call: 1) == [Self.turn(1200, "one"), Self.turn(5400, "yes")])
        #expect(try reopened.turns(call: 2).map(\.heard) == ["agent"])
        #expect(try reopened.calls(CallQuery(since: "2999")).isEmpty)
        // The next daemon closes it as a crash, with the time its turns reached, and QA finds it.
        #expect(try reopened.closeUnfinishedCalls(as: "daemon crashed") == [.init(id: 2, line: "line1", durationMs: 900)])
        try reopened.setRecording(2, "line1-2-1.opus")
        let closed = try reopened.call(2)
        #expect(closed?.outcome == "daemon crashed" && closed?.durationMs == 900 && closed?.recording == "line1-2-1.opus")
        #expect(try reopened.calls(CallQuery(struggled: true)).map(\.call.id).contains(2))
        #expect(try reopened.closeUnfinishedCalls(as: "daemon crashed").isEmpty)
    }

    @Test(arguments: Backend.allCases) func analyticsAddUpOutcomesStatesAndConfidence(_ backend: Backend) throws {
        let path = try backend.newLocation()
        defer { backend.cleanUp(path) }
        let store = try CallStore(location: path)
        func call(_ outcome: String, _ turns: [TurnRecord], ms: Int) throws {
            let id = try store.beginCall(line: "l", flow: "f.yaml")
            for turn in turns { try store.addTurn(call: id, turn) }
            try store.endCall(id, outcome: outcome, durationMs: ms, recording: nil)
        }
        var menu = Self.turn(1000, "one")   // state "menu", confidence 0.9, read "menu option 1"
        menu.state = "main_menu"
        var ask = Self.turn(5000, "")
        (ask.state, ask.input, ask.confidence, ask.interpretation) = ("ask_order", .noInput, nil, "noinput")
        var unsure = Self.turn(3000, "two")
        (unsure.state, unsure.confidence, unsure.interpretation) = ("main_menu", 0.35, "size = large")
        try call("hangup", [menu], ms: 10_000)
        try call("transfer:queue:support", [unsure], ms: 20_000)
        try call("caller hung up", [menu, ask], ms: 30_000)   // gave up at ask_order
        let stats = try store.analytics()
        #expect(stats.calls == 3 && stats.averageHandleSeconds == 20)
        #expect(abs(stats.containment - 1.0 / 3) < 1e-9 && abs(stats.transferRate - 1.0 / 3) < 1e-9 && abs(stats.abandonment - 1.0 / 3) < 1e-9)
        #expect(stats.outcomes == ["hangup": 1, "transfer:queue:support": 1, "caller hung up": 1])
        #expect(stats.states.map(\.state) == ["main_menu", "ask_order"])
        #expect(stats.states[0].turns == 3 && stats.states[0].interpretations == ["menu option 1": 2, "size = large": 1]
                && stats.states[0].dropOffs == 0)
        #expect(stats.slots == ["size": ["large": 1]])
        #expect(stats.states[1].turns == 1 && stats.states[1].noInputs == 1 && stats.states[1].dropOffs == 1)
        #expect(stats.confidence == [0, 0, 0, 1, 0, 0, 0, 0, 0, 2])
        #expect(try store.analytics(CallQuery(outcome: "hangup")).calls == 1)
        #expect(stats.perDay.values.reduce(0, +) == 3 && stats.perHour.reduce(0, +) == 3)
        #expect(stats.perFlowVersion.keys.sorted() == [""] && stats.perFlowVersion[""]?.calls == 3
                && abs((stats.perFlowVersion[""]?.containment ?? 0) - 1.0 / 3) < 1e-9)
    }

    @Test(arguments: Backend.allCases) func qaFindsCallsByTimeLineOutcomeAndStruggle(_ backend: Backend) throws {
        let path = try backend.newLocation()
        defer { backend.cleanUp(path) }
        let store = try CallStore(location: path)
        let smooth = try store.beginCall(line: "sales", flow: "f.yaml", startedAt: Date(timeIntervalSince1970: 1_800_000_000))
        try store.addTurn(call: smooth, Self.turn(1200, "one"))
        try store.endCall(smooth, outcome: "hangup", durationMs: 6000, recording: nil)
        let lost = try store.beginCall(line: "support", flow: "f.yaml", startedAt: Date(timeIntervalSince1970: 1_800_086_400))
        var noMatch = Self.turn(2000, "")
        (noMatch.input, noMatch.confidence) = (.noMatch, 0.2)
        var silent = Self.turn(9000, "")
        (silent.input, silent.confidence) = (.noInput, nil)
        for turn in [noMatch, silent] { try store.addTurn(call: lost, turn) }
        try store.endCall(lost, outcome: "transfer:sip:agent@example.com", durationMs: 20000, recording: nil)
        let cutOff = try store.beginCall(line: "sales", flow: "f.yaml", startedAt: Date(timeIntervalSince1970: 1_800_172_800))

        let all = try store.calls()
        #expect(all.map(\.call.id) == [cutOff, lost, smooth])
        #expect(all[1].turns == 2 && all[1].noMatches == 1 && all[1].noInputs == 1 && all[1].lowestConfidence == 0.2)
        #expect(all[0].turns == 0 && all[0].lowestConfidence == nil)
        #expect(try store.calls(CallQuery(struggled: true)).map(\.call.id) == [lost])
        #expect(try store.calls(CallQuery(line: "sales")).map(\.call.id) == [cutOff, smooth])
        #expect(try store.calls(CallQuery(outcome: "transfer")).map(\.call.id) == [lost])
        #expect(try store.calls(CallQuery(outcome: "")).map(\.call.id) == [cutOff])
        #expect(try store.calls(CallQuery(since: "2027-01-16", until: "2027-01-17")).map(\.call.id) == [lost])
        #expect(try store.calls(CallQuery(limit: 2)).map(\.call.id) == [cutOff, lost])
        var reading = CallQuery()
        reading.interpretation = "menu option 1"
        #expect(try store.calls(reading).map(\.call.id) == [lost, smooth])
        var unsure = CallQuery()
        unsure.confidenceBelow = 0.5
        #expect(try store.calls(unsure).isEmpty)   // the 0.2 was a no-match, not speech
        unsure.confidenceBelow = 0.95
        #expect(try store.calls(unsure).map(\.call.id) == [smooth])
        var flow = CallQuery()
        (flow.flow, flow.flowVersion) = ("f.yaml", "nope")
        #expect(try store.calls(flow).isEmpty && store.calls(CallQuery(line: "sales")).count == 2)
        #expect(try store.calls(CallQuery(struggled: true, limit: 1)).map(\.call.id) == [lost])
    }

    @Test(arguments: Backend.allCases) func annotationsMeasureWhatWasHeardPerState(_ backend: Backend) throws {
        let location = try backend.newLocation()
        defer { backend.cleanUp(location) }
        let store = try CallStore(location: location)
        let id = try store.beginCall(line: "l", flow: "f.yaml")
        var right = Self.turn(1000, "a large latte")
        right.state = "order"
        var wrong = Self.turn(3000, "a large tea")
        wrong.state = "order"
        var missed = Self.turn(5000, "")
        (missed.state, missed.input) = ("confirm", .noMatch)
        for turn in [right, wrong, missed] { try store.addTurn(call: id, turn) }
        try store.annotate(call: id, turn: 1, said: "A large latte.", by: "quinn")
        try store.annotate(call: id, turn: 2, said: "a large latte please", by: "quinn")
        try store.annotate(call: id, turn: 3, said: "yes", by: "quinn")
        try store.annotate(call: id, turn: 3, said: "yes please", by: "ann")   // a second look replaces the first
        #expect(try store.annotations(call: id)[3] .map { ($0.said, $0.annotatedBy) } ?? ("", "") == ("yes please", "ann"))
        let report = try store.accuracy()
        #expect(report.states.map(\.state) == ["order", "confirm"])
        #expect(report.states[0].annotated == 2 && report.states[0].correct == 1 && report.states[0].words == 7 && report.states[0].wordErrors == 2)
        #expect(report.states[1].missed == 1 && report.states[1].wordErrors == 2)
        #expect(report.total.annotated == 3 && report.total.correct == 1)
        #expect { try store.annotate(call: id, turn: 4, said: "x", by: "q") } throws: { "\($0)".contains("has no turn 4") }
    }

    @Test(arguments: Backend.allCases) func eachNodeClosesOnlyTheCallsItLeftOpen(_ backend: Backend) throws {
        let location = try backend.newLocation()
        defer { backend.cleanUp(location) }
        let a = try CallStore(location: location, node: "a"), b = try CallStore(location: location, node: "b")
        let left = try a.beginCall(line: "sip", flow: "f.yaml")
        let running = try b.beginCall(line: "sip", flow: "f.yaml")
        #expect(try a.closeUnfinishedCalls(as: "daemon crashed").map(\.id) == [left])
        #expect(try b.call(running)?.outcome == "" && b.call(left)?.node == "a")
        #expect(try b.calls(CallQuery(node: "b")).map(\.call.id) == [running])
    }

    @Test func anUnwritablePathIsAOneLineError() {
        #expect { try CallStore(location: "/no/such/folder/calls.sqlite") } throws: { "\($0)".hasPrefix("/no/such/folder/calls.sqlite: ") }
    }
}

/// Several hotlined nodes writing one PostgreSQL store at once.
@Suite struct SharedStoreTests {
    @Test func threeNodesWriteAThousandCallsAtOnceWithoutALostOrDuplicatedRow() throws {
        let location = try Backend.postgresql.newLocation()
        let stores = try ["node1", "node2", "node3"].map { try CallStore(location: location, node: $0) }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            let store = stores[index]
            for n in 0..<(index == 0 ? 334 : 333) {
                do {
                    let id = try store.beginCall(line: "sip", flow: "f.yaml")
                    for t in 1...3 { try store.addTurn(call: id, CallStoreTests.turn(t * 1000, "\(store.node) \(n) \(t)")) }
                    try store.endCall(id, outcome: "hangup", durationMs: 4000, recording: nil)
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty)
        let calls = try stores[0].calls()
        #expect(calls.count == 1000 && Set(calls.map(\.call.id)).count == 1000)
        #expect(calls.allSatisfy { $0.turns == 3 && $0.call.outcome == "hangup" })
        #expect(Dictionary(grouping: calls, by: { $0.call.node ?? "" }).mapValues(\.count) == ["node1": 334, "node2": 333, "node3": 333])
        let turns = try calls.prefix(50).flatMap { try stores[1].turns(call: $0.call.id) }
        #expect(Set(turns.map(\.heard)).count == 150)
    }

    @Test func aWrongURLOrAnUnreachableServerIsAOneLineError() {
        #expect { try CallStore(location: "postgres://@127.0.0.1/x") } throws: { "\($0)".contains("not a PostgreSQL URL") }
        #expect { try CallStore(location: "postgres://hotline@127.0.0.1:1/calls") } throws: {
            "\($0)".hasPrefix("postgres://hotline@127.0.0.1:1/calls: cannot lock the schema of the call database (")
        }
    }
}

struct NoPostgreSQL: Error, CustomStringConvertible {
    var description: String
}

/// Errors from several threads.
final class Failures: @unchecked Sendable {   // guarded by `lock`
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ failure: String) { lock.withLock { list.append(failure) } }
    var all: [String] { lock.withLock { list } }
}
