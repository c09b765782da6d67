import GRDB

/// What the calls a query selects add up to, for admins and QA: how they ended
/// (containment: the flow finished the call itself), how long they took, where callers
/// struggled or gave up, what they asked for, and how sure the recognizer was.
public struct CallAnalytics: Sendable, Equatable, Encodable {
    /// Calls selected.
    public var calls = 0
    /// Calls by outcome ("hangup", "transfer:queue:support", "caller hung up", ...).
    public var outcomes: [String: Int] = [:]
    /// The flow ended the call itself (outcome "hangup"), as a share of the calls.
    public var containment = 0.0
    /// Transferred (outcome starting "transfer"), as a share.
    public var transferRate = 0.0
    /// The caller left mid-flow (hung up, went silent or their line was lost), as a share.
    public var abandonment = 0.0
    /// Mean call length, seconds.
    public var averageHandleSeconds = 0.0

    /// One dialogue state's turns.
    public struct State: Sendable, Equatable, Encodable {
        public var state: String
        public var turns = 0
        public var noInputs = 0
        public var noMatches = 0
        /// Calls abandoned whose last turn was here.
        public var dropOffs = 0
        /// How the flow read its turns, most frequent first (at most five).
        public var interpretations: [String: Int] = [:]
    }

    /// Per state, most turns first.
    public var states: [State] = []
    /// Spoken turns by confidence, in tenths: [0] counts 0.0..<0.1, ..., [9] 0.9...1.0.
    public var confidence = [Int](repeating: 0, count: 10)

    /// Outcomes that mean the caller left before the flow was done.
    static let abandoned = ["caller hung up", "caller silent", "line lost"]
}

extension CallStore {
    /// Adds up the calls `query` selects (its `struggled` is ignored).
    public func analytics(_ query: CallQuery = CallQuery()) throws -> CallAnalytics {
        let (conditions, arguments) = Self.filter(query)
        let selected = conditions.joined(separator: " AND ")
        let abandoned = CallAnalytics.abandoned.map { "'\($0)'" }.joined(separator: ", ")
        return try read { db in
            var result = CallAnalytics()
            var totalMs = 0
            for row in try Row.fetchAll(db, sql: "SELECT outcome, COUNT(*) AS n, SUM(duration_ms) AS ms FROM calls WHERE \(selected) GROUP BY outcome",
                                        arguments: StatementArguments(arguments)) {
                let outcome: String = row["outcome"], n: Int = row["n"]
                result.outcomes[outcome.isEmpty ? "(cut off)" : outcome] = n
                result.calls += n
                totalMs += row["ms"] ?? 0
            }
            guard result.calls > 0 else { return result }
            let share = { (test: (String) -> Bool) in Double(result.outcomes.filter { test($0.key) }.values.reduce(0, +)) / Double(result.calls) }
            result.containment = share { $0 == "hangup" }
            result.transferRate = share { $0.hasPrefix("transfer") }
            result.abandonment = share { CallAnalytics.abandoned.contains($0) }
            result.averageHandleSeconds = Double(totalMs) / 1000 / Double(result.calls)
            var states: [String: CallAnalytics.State] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT turns.state AS state, COUNT(*) AS n, SUM(turns.input = 'noinput') AS noinputs, SUM(turns.input = 'nomatch') AS nomatches
                FROM turns JOIN calls ON calls.id = turns.call_id WHERE \(selected) GROUP BY turns.state
                """, arguments: StatementArguments(arguments)) {
                let name: String = row["state"]
                states[name] = CallAnalytics.State(state: name, turns: row["n"], noInputs: row["noinputs"], noMatches: row["nomatches"])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT turns.state AS state, COUNT(*) AS n FROM turns JOIN calls ON calls.id = turns.call_id
                WHERE \(selected) AND calls.outcome IN (\(abandoned))
                  AND turns.at_ms = (SELECT MAX(last.at_ms) FROM turns AS last WHERE last.call_id = turns.call_id)
                GROUP BY turns.state
                """, arguments: StatementArguments(arguments)) {
                states[row["state"], default: CallAnalytics.State(state: row["state"])].dropOffs = row["n"]
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT turns.state AS state, turns.interpretation AS reading, COUNT(*) AS n
                FROM turns JOIN calls ON calls.id = turns.call_id WHERE \(selected)
                GROUP BY turns.state, turns.interpretation ORDER BY n DESC
                """, arguments: StatementArguments(arguments)) {
                let name: String = row["state"]
                if states[name]?.interpretations.count ?? 5 < 5 { states[name]?.interpretations[row["reading"]] = row["n"] }
            }
            result.states = states.values.sorted { ($0.turns, $1.state) > ($1.turns, $0.state) }
            for row in try Row.fetchAll(db, sql: """
                SELECT MIN(CAST(turns.confidence * 10 AS INTEGER), 9) AS bucket, COUNT(*) AS n
                FROM turns JOIN calls ON calls.id = turns.call_id
                WHERE \(selected) AND turns.input = 'speech' AND turns.confidence IS NOT NULL GROUP BY bucket
                """, arguments: StatementArguments(arguments)) {
                let bucket: Int = row["bucket"]
                if (0..<10).contains(bucket) { result.confidence[bucket] = row["n"] }
            }
            return result
        }
    }
}
