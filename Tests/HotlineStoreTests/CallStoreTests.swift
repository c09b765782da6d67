import Foundation
import HotlineStore
import Testing

/// The call store: turns survive a call that never ended (a crash mid-call).
@Suite struct CallStoreTests {
    static func turn(_ at: Int, _ heard: String) -> TurnRecord {
        TurnRecord(atMs: at, state: "menu", expecting: "menu", input: "speech", heard: heard, confidence: 0.9,
                   nbest: [heard, "other"], speechMs: [at - 500, at - 100], interpretation: "menu option 1", replies: ["Hello."],
                   replyLatencyMs: 3.5)
    }

    @Test func turnsOfACutOffCallAreKeptAndReadBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let store = try CallStore(path: path)
            let first = try store.beginCall(line: "line1", flow: "f.yaml")
            try store.addTurn(call: first, Self.turn(1200, "one"))
            try store.addTurn(call: first, Self.turn(5400, "yes"))
            try store.endCall(first, outcome: "hangup", durationMs: 6000, recording: "call-1.opus")
            let second = try store.beginCall(line: "line1", flow: "f.yaml")
            try store.addTurn(call: second, Self.turn(900, "agent"))
            // ... and the daemon dies here: no endCall.
        }
        let reopened = try CallStore(path: path)
        let calls = try reopened.calls()
        #expect(calls.map(\.id) == [2, 1])
        #expect(calls[0].outcome == "" && calls[1].outcome == "hangup" && calls[1].recording == "call-1.opus")
        #expect(try reopened.turns(call: 1) == [Self.turn(1200, "one"), Self.turn(5400, "yes")])
        #expect(try reopened.turns(call: 2).map(\.heard) == ["agent"])
        #expect(try reopened.calls(since: "2999").isEmpty)
    }

    @Test func anUnwritablePathIsAOneLineError() {
        #expect { try CallStore(path: "/no/such/folder/calls.sqlite") } throws: { "\($0)".hasPrefix("/no/such/folder/calls.sqlite: ") }
    }
}
