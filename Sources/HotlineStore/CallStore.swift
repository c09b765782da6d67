import Foundation
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
    /// The hotlined node that answered it (its `node:` name; nil when none was set).
    public var node: String? = nil
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
    /// The customer typed it (the web chat).
    case text
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
        case .text: return "customer typed: \"\(heard)\""
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
    /// Answered by this node.
    public var node: String?
    /// At most this many calls, the newest (nil: all).
    public var limit: Int?
    /// Run by this flow (its file, or `store:NAME`).
    public var flow: String?
    /// Run by this version of its flow (12 hex digits).
    public var flowVersion: String?
    /// With a turn the flow read exactly so: an intent ("menu option 2") or a slot's value
    /// ("order_number = 555019").
    public var interpretation: String?
    /// With a spoken turn heard with less confidence than this.
    public var confidenceBelow: Double?

    /// A query; with no arguments, every call.
    public init(since: String? = nil, until: String? = nil, line: String? = nil, outcome: String? = nil, struggled: Bool = false,
                node: String? = nil, limit: Int? = nil) {
        (self.since, self.until, self.line, self.outcome, self.struggled) = (since, until, line, outcome, struggled)
        (self.node, self.limit) = (node, limit)
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

/// Calls and their turns, in SQLite (the embedded default: a file) or PostgreSQL (a
/// `postgres://` URL: one store for several nodes, each call marked with its node). Every
/// write is its own transaction, so a crash or power cut loses no completed turn; a call
/// without an outcome was cut off.
public final class CallStore: Sendable {
    let database: any SQLDatabase
    /// The name this node gives its calls ("" when none); unfinished calls are closed per node.
    public let node: String
    /// The database file, or its URL without the password.
    public var location: String { database.location }

    /// Whether `location` is a PostgreSQL URL (`postgres://...`) rather than a SQLite file.
    public static func isPostgreSQL(_ location: String) -> Bool { PostgreSQLDatabase.isURL(location) }

    /// Opens (creating and migrating) the SQLite database at path `location`, or the
    /// PostgreSQL database at URL `location`; `node` names the calls this process begins.
    public init(location: String, node: String = "") throws {
        database = PostgreSQLDatabase.isURL(location) ? try PostgreSQLDatabase(url: location) : try SQLiteDatabase(path: location)
        self.node = node
    }

    /// Records a call being answered; returns its id.
    public func beginCall(line: String, flow: String, flowVersion: String?, startedAt: Date, parties: CallParties?) throws -> Int64 {
        let rows = try database.write("""
            INSERT INTO calls (started_at, line, flow, flow_version, caller, called, sip_call_id, node) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING id
            """, [SQLValue(ISO8601DateFormatter().string(from: startedAt)), SQLValue(line), SQLValue(flow), SQLValue(flowVersion),
                  SQLValue(parties?.caller), SQLValue(parties?.called), SQLValue(parties?.sipCallID), SQLValue(node)])
        guard let id = try rows.first?.int("id") else { throw CallStoreError(description: "\(location): no id for a new call") }
        return Int64(id)
    }

    /// Records one completed turn of call `id`.
    public func addTurn(call id: Int64, _ turn: TurnRecord) throws {
        try database.write("""
            INSERT INTO turns (call_id, at_ms, state, expecting, input, heard, confidence, nbest, speech_ms, interpretation, replies,
                               reply_latency_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [SQLValue(id), SQLValue(turn.atMs), SQLValue(turn.state), SQLValue(turn.expecting), SQLValue(turn.input.rawValue),
                  SQLValue(turn.heard), SQLValue(turn.confidence), SQLValue(try Self.json(turn.nbest)),
                  SQLValue(try turn.speechMs.map(Self.json)), SQLValue(turn.interpretation), SQLValue(try Self.json(turn.replies)),
                  SQLValue(turn.replyLatencyMs)])
    }

    /// Records how call `id` ended.
    public func endCall(_ id: Int64, outcome: String, durationMs: Int, recording: String?) throws {
        try database.write("UPDATE calls SET outcome = ?, duration_ms = ?, recording = ? WHERE id = ?",
                           [SQLValue(outcome), SQLValue(durationMs), SQLValue(recording), SQLValue(id)])
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

    /// Closes every call this node left open (outcome '') as `outcome`, with the time of
    /// its last turn as its duration; returns them so their recordings can be linked.
    /// Other nodes' calls in progress are theirs to close.
    public func closeUnfinishedCalls(as outcome: String) throws -> [UnfinishedCall] {
        try database.write("""
            UPDATE calls SET outcome = ?, duration_ms = COALESCE((SELECT MAX(turns.at_ms) FROM turns WHERE turns.call_id = calls.id), 0)
            WHERE outcome = '' AND node = ? RETURNING id, line, duration_ms
            """, [SQLValue(outcome), SQLValue(node)])
            .map { UnfinishedCall(id: Int64(try $0.int("id")), line: try $0.string("line"), durationMs: try $0.int("duration_ms")) }
            .sorted { $0.id < $1.id }
    }

    /// Links call `id` to its recording.
    public func setRecording(_ id: Int64, _ recording: String) throws {
        try database.write("UPDATE calls SET recording = ? WHERE id = ?", [SQLValue(recording), SQLValue(id)])
    }

    /// The calls `query` selects, newest first, each with its turn counts (counted per
    /// call, so a limited query reads only the turns of the calls it returns).
    public func calls(_ query: CallQuery = CallQuery()) throws -> [CallSummary] {
        var (conditions, arguments) = Self.filter(query)
        if query.struggled {
            conditions.append("""
                (EXISTS (SELECT 1 FROM turns WHERE turns.call_id = calls.id AND turns.input IN ('nomatch', 'noinput'))
                 OR calls.outcome LIKE 'transfer%' OR calls.outcome = 'daemon crashed')
                """)
        }
        let ofThisCall = "FROM turns WHERE turns.call_id = calls.id"
        return try database.read("""
            SELECT calls.*, (SELECT COUNT(*) \(ofThisCall)) AS turn_count,
                   (SELECT COUNT(*) \(ofThisCall) AND turns.input = 'nomatch') AS no_matches,
                   (SELECT COUNT(*) \(ofThisCall) AND turns.input = 'noinput') AS no_inputs,
                   (SELECT MIN(turns.confidence) \(ofThisCall)) AS lowest_confidence
            FROM calls WHERE \(conditions.joined(separator: " AND "))
            ORDER BY calls.id DESC \(query.limit.map { "LIMIT \($0)" } ?? "")
            """, arguments).map { row in
            CallSummary(call: try Self.callRecord(row), turns: try row.int("turn_count"), noMatches: try row.int("no_matches"),
                        noInputs: try row.int("no_inputs"), lowestConfidence: try row.double("lowest_confidence"))
        }
    }

    /// The WHERE conditions (on `calls`) and their arguments that select `query`'s calls
    /// (its `struggled` needs the turns: `calls` adds it).
    static func filter(_ query: CallQuery) -> (conditions: [String], arguments: [SQLValue]) {
        var conditions = ["calls.started_at >= ?"], arguments = [SQLValue(query.since ?? "")]
        if let until = query.until { conditions.append("calls.started_at < ?"); arguments.append(SQLValue(until)) }
        if let line = query.line { conditions.append("calls.line = ?"); arguments.append(SQLValue(line)) }
        if let node = query.node { conditions.append("calls.node = ?"); arguments.append(SQLValue(node)) }
        if let outcome = query.outcome {
            conditions.append(outcome.isEmpty ? "calls.outcome = ''" : "substr(calls.outcome, 1, length(?)) = ?")
            if !outcome.isEmpty { arguments += [SQLValue(outcome), SQLValue(outcome)] }
        }
        if let flow = query.flow { conditions.append("calls.flow = ?"); arguments.append(SQLValue(flow)) }
        if let version = query.flowVersion { conditions.append("calls.flow_version = ?"); arguments.append(SQLValue(version)) }
        if let reading = query.interpretation {
            conditions.append("EXISTS (SELECT 1 FROM turns AS t WHERE t.call_id = calls.id AND t.interpretation = ?)")
            arguments.append(SQLValue(reading))
        }
        if let below = query.confidenceBelow {
            conditions.append("EXISTS (SELECT 1 FROM turns AS t WHERE t.call_id = calls.id AND t.input = 'speech' AND t.confidence < ?)")
            arguments.append(SQLValue(below))
        }
        return (conditions, arguments)
    }

    /// Call `id`, or nil.
    public func call(_ id: Int64) throws -> CallRecord? {
        try database.read("SELECT * FROM calls WHERE id = ?", [SQLValue(id)]).first.map(Self.callRecord)
    }

    private static func callRecord(_ row: SQLRow) throws -> CallRecord {
        let node = try row.text("node") ?? ""
        return CallRecord(id: Int64(try row.int("id")), startedAt: try row.string("started_at"), line: try row.string("line"),
                          flow: try row.string("flow"), outcome: try row.string("outcome"), durationMs: try row.int("duration_ms"),
                          recording: try row.text("recording"),
                          parties: try row.text("caller").map { CallParties(caller: $0, called: try row.text("called") ?? "",
                                                                             sipCallID: try row.text("sip_call_id")) },
                          flowVersion: try row.text("flow_version"), node: node.isEmpty ? nil : node)
    }

    private static func turnInput(_ name: String) throws -> TurnInput {
        guard let input = TurnInput(rawValue: name) else { throw CallStoreError(description: "a turn of unknown input \"\(name)\"") }
        return input
    }

    /// The turns of call `id`, in order.
    public func turns(call id: Int64) throws -> [TurnRecord] {
        try database.read("SELECT * FROM turns WHERE call_id = ? ORDER BY at_ms, id", [SQLValue(id)]).map { row in
            TurnRecord(atMs: try row.int("at_ms"), state: try row.string("state"), expecting: try row.string("expecting"),
                       input: try Self.turnInput(row.string("input")), heard: try row.string("heard"),
                       confidence: try row.double("confidence"), nbest: try Self.decode(row.string("nbest")),
                       speechMs: try row.text("speech_ms").map { try Self.decode($0) },
                       interpretation: try row.string("interpretation"), replies: try Self.decode(row.string("replies")),
                       replyLatencyMs: try row.double("reply_latency_ms") ?? 0)
        }
    }

    private static func json<T: Encodable>(_ list: [T]) throws -> String {
        String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ text: String) throws -> [T] {
        try JSONDecoder().decode([T].self, from: Data(text.utf8))
    }
}
