import Foundation
import GRDB
import HotlineCore

/// One call as the store keeps it.
public struct CallRecord: Sendable, Codable, Equatable {
    /// Row id.
    public var id: Int64
    /// When the call was answered (ISO 8601).
    public var startedAt: String
    /// The line (ALSA PCM) it came in on.
    public var line: String
    /// The flow file that ran it.
    public var flow: String
    /// How it ended; empty while in progress (or when the daemon died mid-call).
    public var outcome: String
    /// Length, ms.
    public var durationMs: Int
    /// The stereo recording, if any.
    public var recording: String?
    /// Who called and which number, when the line tells (SIP: From and the Request-URI).
    public var parties: CallParties?
    /// The version of the flow file that ran it (first 12 hex digits of its SHA-256).
    public var flowVersion: String?
}

/// Who a call is from and to, as the line told it.
public struct CallParties: Sendable, Codable, Equatable {
    /// The caller's number or SIP user (From).
    public var caller: String
    /// The number called (the Request-URI's user, else To's).
    public var called: String
    /// The SIP Call-ID, to find the call in a PBX's or proxy's logs.
    public var sipCallID: String?

    /// Parties of a call.
    public init(caller: String, called: String, sipCallID: String? = nil) {
        (self.caller, self.called, self.sipCallID) = (caller, called, sipCallID)
    }
}

/// What a turn was; its raw value is how the store, the log and the JSON name it.
public enum TurnInput: String, Sendable, Codable, CaseIterable {
    /// The caller said something the grammar matches.
    case speech
    /// The caller keyed a digit string or a key.
    case dtmf
    /// The caller said nothing before the no-input timeout.
    case noInput = "noinput"
    /// The caller said something nothing in the grammar matches (well enough).
    case noMatch = "nomatch"
    /// A backend answered a webhook (or failed to).
    case webhook
    /// The caller left a message.
    case message
}

/// One turn of a call, as the call session logs it and the store keeps it: what the caller
/// said or keyed, or what a backend answered, and the flow's answer.
public struct TurnRecord: Sendable, Codable, Equatable {
    /// When the turn ended (call time, ms).
    public var atMs: Int
    /// Dialogue state that listened (or called the backend, or recorded the message).
    public var state: String
    /// What was expected ("menu", "digits 6...10", ...; "" for a backend's answer or a message).
    public var expecting: String
    /// What the turn was: the caller's speech, keys, silence or words nothing matched, a
    /// backend's answer, or a message left.
    public var input: TurnInput
    /// Recognized words or keys ("" when none); a webhook's reply (its fields as a JSON
    /// object, or "failed"); a message's reference (its file).
    public var heard: String
    /// Recognizer confidence (speech only).
    public var confidence: Double?
    /// Alternatives (speech only).
    public var nbest: [String]
    /// Caller speech start and end (ms), when there was speech.
    public var speechMs: [Int]?
    /// How the engine read it.
    public var interpretation: String
    /// What the hotline said in answer.
    public var replies: [String]
    /// Compute time from the end of the caller's turn to the reply being ready, ms.
    public var replyLatencyMs: Double

    /// A turn record.
    public init(atMs: Int, state: String, expecting: String, input: TurnInput, heard: String, confidence: Double?,
                nbest: [String], speechMs: [Int]?, interpretation: String, replies: [String], replyLatencyMs: Double) {
        self.atMs = atMs; self.state = state; self.expecting = expecting; self.input = input; self.heard = heard
        self.confidence = confidence; self.nbest = nbest; self.speechMs = speechMs; self.interpretation = interpretation
        self.replies = replies; self.replyLatencyMs = replyLatencyMs
    }
}

/// A store that cannot be used, with the reason.
extension TurnRecord {
    /// The turn in a line: `caller: "one" (0.93)`, `caller: keys 555019`, `caller: nomatch
    /// (best "uh")`, `backend: {"number":"42"}`, `caller left a message: FILE`.
    public var summary: String {
        switch input {
        case .speech: return "caller: \"\(heard)\" (\(confidence ?? 0))"
        case .dtmf: return "caller: keys \(heard)"
        case .webhook: return "backend: \(heard)"
        case .message: return "caller left a message: \(heard)"
        case .noMatch, .noInput: return "caller: \(input.rawValue)" + (heard.isEmpty ? "" : " (best \"\(heard)\")")
        }
    }
}

/// Which calls to list; every condition is optional.
public struct CallQuery: Sendable {
    /// Answered at or after this time (ISO 8601, or a prefix of one: "2026-11-29").
    public var since: String?
    /// Answered before this time.
    public var until: String?
    /// On this line.
    public var line: String?
    /// Ended with an outcome that starts with this ("transfer", "hangup", "caller hung up";
    /// "" for calls cut off before they ended).
    public var outcome: String?
    /// Only calls where the caller struggled: a no-match or no-input turn, a transfer, or a
    /// call a daemon crash cut off (closed as such when the daemon starts again).
    public var struggled = false

    /// A query; with no arguments, every call.
    public init(since: String? = nil, until: String? = nil, line: String? = nil, outcome: String? = nil, struggled: Bool = false) {
        (self.since, self.until, self.line, self.outcome, self.struggled) = (since, until, line, outcome, struggled)
    }
}

/// A call and what QA looks at first: how many turns, how many of them failed, and the
/// lowest confidence of what was heard.
public struct CallSummary: Sendable, Equatable, Encodable {
    /// The call.
    public var call: CallRecord
    /// Its turns.
    public var turns: Int
    /// Turns nothing in the grammar was heard in.
    public var noMatches: Int
    /// Turns the caller said nothing in.
    public var noInputs: Int
    /// The lowest confidence of a spoken turn, if any.
    public var lowestConfidence: Double?
}

public struct CallStoreError: HotlineError {
    /// One line naming the database.
    public var description: String
}

/// Calls and their turns in SQLite (GRDB). Every write is its own transaction, so a
/// crash or power cut loses no completed turn; a call without an outcome was cut off.
public final class CallStore: Sendable {
    private let queue: DatabaseQueue
    /// The database file.
    public let path: String

    /// Opens (creating and migrating) the database at `path`.
    public init(path: String) throws {
        self.path = path
        do {
            queue = try DatabaseQueue(path: path)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(sql: """
                    CREATE TABLE calls (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, line TEXT NOT NULL,
                        flow TEXT NOT NULL, outcome TEXT NOT NULL DEFAULT '', duration_ms INTEGER NOT NULL DEFAULT 0, recording TEXT);
                    CREATE TABLE turns (id INTEGER PRIMARY KEY AUTOINCREMENT, call_id INTEGER NOT NULL REFERENCES calls(id),
                        at_ms INTEGER NOT NULL, state TEXT NOT NULL, expecting TEXT NOT NULL, input TEXT NOT NULL, heard TEXT NOT NULL,
                        confidence REAL, nbest TEXT NOT NULL, speech_ms TEXT, interpretation TEXT NOT NULL,
                        replies TEXT NOT NULL, reply_latency_ms REAL NOT NULL);
                    CREATE INDEX turns_by_call ON turns(call_id, at_ms);
                    """)
            }
            migrator.registerMigration("v2: parties") { db in
                try db.execute(sql: """
                    ALTER TABLE calls ADD COLUMN caller TEXT;
                    ALTER TABLE calls ADD COLUMN called TEXT;
                    ALTER TABLE calls ADD COLUMN sip_call_id TEXT;
                    """)
            }
            migrator.registerMigration("v3: flow version") { db in
                try db.execute(sql: "ALTER TABLE calls ADD COLUMN flow_version TEXT")
            }
            try migrator.migrate(queue)
        } catch {
            throw CallStoreError(description: "\(path): cannot open the call database (\(error))")
        }
    }

    /// Records a call being answered; returns its id.
    public func beginCall(line: String, flow: String, flowVersion: String?, startedAt: Date, parties: CallParties?) throws -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO calls (started_at, line, flow, flow_version, caller, called, sip_call_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [ISO8601DateFormatter().string(from: startedAt), line, flow, flowVersion, parties?.caller, parties?.called,
                                 parties?.sipCallID])
            return db.lastInsertedRowID
        }
    }

    /// Records one completed turn of call `id`.
    public func addTurn(call id: Int64, _ turn: TurnRecord) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO turns (call_id, at_ms, state, expecting, input, heard, confidence, nbest, speech_ms, interpretation, replies,
                                   reply_latency_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, turn.atMs, turn.state, turn.expecting, turn.input.rawValue, turn.heard, turn.confidence,
                                 try Self.json(turn.nbest), try turn.speechMs.map(Self.json), turn.interpretation,
                                 try Self.json(turn.replies), turn.replyLatencyMs])
        }
    }

    /// Records how call `id` ended.
    public func endCall(_ id: Int64, outcome: String, durationMs: Int, recording: String?) throws {
        try write { db in
            try db.execute(sql: "UPDATE calls SET outcome = ?, duration_ms = ?, recording = ? WHERE id = ?",
                           arguments: [outcome, durationMs, recording, id])
        }
    }

    /// A call the daemon never finished (it was killed mid-call): its id, line and how
    /// long it ran as far as its turns tell.
    public struct UnfinishedCall: Sendable, Equatable {
        public var id: Int64
        public var line: String
        public var durationMs: Int

        /// A call `id` on `line` that ran `durationMs`.
        public init(id: Int64, line: String, durationMs: Int) {
            (self.id, self.line, self.durationMs) = (id, line, durationMs)
        }
    }

    /// Closes every call still open (outcome '') as `outcome`, with the time of its last
    /// turn as its duration; returns them so their recordings can be linked.
    public func closeUnfinishedCalls(as outcome: String) throws -> [UnfinishedCall] {
        try write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT calls.id AS id, calls.line AS line, COALESCE(MAX(turns.at_ms), 0) AS duration_ms
                FROM calls LEFT JOIN turns ON turns.call_id = calls.id WHERE calls.outcome = '' GROUP BY calls.id
                """)
            let open = rows.map { UnfinishedCall(id: $0["id"], line: $0["line"], durationMs: $0["duration_ms"]) }
            for call in open {
                try db.execute(sql: "UPDATE calls SET outcome = ?, duration_ms = ? WHERE id = ?", arguments: [outcome, call.durationMs, call.id])
            }
            return open
        }
    }

    /// Links call `id` to its recording.
    public func setRecording(_ id: Int64, _ recording: String) throws {
        try write { db in try db.execute(sql: "UPDATE calls SET recording = ? WHERE id = ?", arguments: [recording, id]) }
    }

    /// The calls `query` selects, newest first, each with its turn counts.
    public func calls(_ query: CallQuery = CallQuery()) throws -> [CallSummary] {
        let (conditions, arguments) = Self.filter(query)
        let struggled = query.struggled ? "HAVING no_matches + no_inputs > 0 OR calls.outcome LIKE 'transfer%' OR calls.outcome = 'daemon crashed'" : ""
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT calls.*, COUNT(turns.id) AS turn_count, COALESCE(SUM(turns.input = 'nomatch'), 0) AS no_matches,
                       COALESCE(SUM(turns.input = 'noinput'), 0) AS no_inputs, MIN(turns.confidence) AS lowest_confidence
                FROM calls LEFT JOIN turns ON turns.call_id = calls.id
                WHERE \(conditions.joined(separator: " AND "))
                GROUP BY calls.id \(struggled)
                ORDER BY calls.id DESC
                """, arguments: StatementArguments(arguments)).map { row in
                CallSummary(call: Self.callRecord(row), turns: row["turn_count"], noMatches: row["no_matches"],
                            noInputs: row["no_inputs"], lowestConfidence: row["lowest_confidence"])
            }
        }
    }

    /// The WHERE conditions (on `calls`) and their arguments that select `query`'s calls
    /// (its `struggled` needs the turns: `calls` adds it).
    static func filter(_ query: CallQuery) -> (conditions: [String], arguments: [(any DatabaseValueConvertible)?]) {
        var conditions = ["calls.started_at >= ?"], arguments: [(any DatabaseValueConvertible)?] = [query.since ?? ""]
        if let until = query.until { conditions.append("calls.started_at < ?"); arguments.append(until) }
        if let line = query.line { conditions.append("calls.line = ?"); arguments.append(line) }
        if let outcome = query.outcome {
            conditions.append(outcome.isEmpty ? "calls.outcome = ''" : "substr(calls.outcome, 1, length(?)) = ?")
            if !outcome.isEmpty { arguments += [outcome, outcome] }
        }
        return (conditions, arguments)
    }

    /// Call `id`, or nil.
    public func call(_ id: Int64) throws -> CallRecord? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM calls WHERE id = ?", arguments: [id]).map(Self.callRecord) }
    }

    private static func callRecord(_ row: Row) -> CallRecord {
        let caller: String? = row["caller"], called: String? = row["called"]
        return CallRecord(id: row["id"], startedAt: row["started_at"], line: row["line"], flow: row["flow"],
                          outcome: row["outcome"], durationMs: row["duration_ms"], recording: row["recording"],
                          parties: caller.map { CallParties(caller: $0, called: called ?? "", sipCallID: row["sip_call_id"]) },
                          flowVersion: row["flow_version"])
    }

    private static func turnInput(_ name: String) throws -> TurnInput {
        guard let input = TurnInput(rawValue: name) else { throw CallStoreError(description: "a turn of unknown input \"\(name)\"") }
        return input
    }

    /// The turns of call `id`, in order.
    public func turns(call id: Int64) throws -> [TurnRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM turns WHERE call_id = ? ORDER BY at_ms, id", arguments: [id]).map { row in
                TurnRecord(atMs: row["at_ms"], state: row["state"], expecting: row["expecting"], input: try Self.turnInput(row["input"]),
                           heard: row["heard"], confidence: row["confidence"], nbest: try Self.decode(row["nbest"]),
                           speechMs: try (row["speech_ms"] as String?).map { try Self.decode($0) },
                           interpretation: row["interpretation"], replies: try Self.decode(row["replies"]),
                           replyLatencyMs: row["reply_latency_ms"])
            }
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.write(body) } catch {
            throw CallStoreError(description: "\(path): cannot write (\(error))")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch {
            throw CallStoreError(description: "\(path): cannot read (\(error))")
        }
    }

    private static func json<T: Encodable>(_ list: [T]) throws -> String {
        String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ text: String) throws -> [T] {
        try JSONDecoder().decode([T].self, from: Data(text.utf8))
    }
}
