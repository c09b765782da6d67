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
    /// Calls per day (UTC, "2026-12-07").
    public var perDay: [String: Int] = [:]
    /// Calls by hour of the day they began (UTC): [0] 00:00-00:59, ..., [23].
    public var perHour = [Int](repeating: 0, count: 24)

    /// The calls one version of a flow ran, and how many it contained.
    public struct FlowVersionFigures: Sendable, Equatable, Encodable {
        public var calls = 0
        public var containment = 0.0
    }
    /// Slot values the flows took ("size" -> "large" -> 12), at most ten values per slot, the
    /// most frequent; read from turns interpreted as `SLOT = VALUE` (secrets are masked there).
    public var slots: [String: [String: Int]] = [:]
    /// Per flow version (12 hex digits; "" for calls stored without one).
    public var perFlowVersion: [String: FlowVersionFigures] = [:]

    /// Outcomes that mean the caller left before the flow was done.
    static let abandoned = ["caller hung up", "caller silent", "line lost"]
}

extension CallStore {
    /// Adds up the calls `query` selects (its `struggled` and `limit` are ignored).
    public func analytics(_ query: CallQuery = CallQuery()) throws -> CallAnalytics {
        let (conditions, arguments) = Self.filter(query)
        let selected = conditions.joined(separator: " AND ")
        let ofSelectedCalls = "FROM turns JOIN calls ON calls.id = turns.call_id WHERE \(selected)"
        let abandoned = CallAnalytics.abandoned.map { "'\($0)'" }.joined(separator: ", ")
        var result = CallAnalytics()
        var totalMs = 0
        for row in try database.read("SELECT outcome, COUNT(*) AS n, SUM(duration_ms) AS ms FROM calls WHERE \(selected) GROUP BY outcome",
                            arguments) {
            let outcome = try row.string("outcome"), n = try row.int("n")
            result.outcomes[outcome.isEmpty ? "(cut off)" : outcome] = n
            result.calls += n
            totalMs += try row.optionalInt("ms") ?? 0
        }
        guard result.calls > 0 else { return result }
        let share = { (test: (String) -> Bool) in Double(result.outcomes.filter { test($0.key) }.values.reduce(0, +)) / Double(result.calls) }
        result.containment = share { $0 == "hangup" }
        result.transferRate = share { $0.hasPrefix("transfer") }
        result.abandonment = share { CallAnalytics.abandoned.contains($0) }
        result.averageHandleSeconds = Double(totalMs) / 1000 / Double(result.calls)
        var states: [String: CallAnalytics.State] = [:]
        for row in try database.read("""
            SELECT turns.state AS state, COUNT(*) AS n, SUM(CASE WHEN turns.input = 'noinput' THEN 1 ELSE 0 END) AS noinputs,
                   SUM(CASE WHEN turns.input = 'nomatch' THEN 1 ELSE 0 END) AS nomatches
            \(ofSelectedCalls) GROUP BY turns.state
            """, arguments) {
            let name = try row.string("state")
            states[name] = CallAnalytics.State(state: name, turns: try row.int("n"), noInputs: try row.int("noinputs"),
                                               noMatches: try row.int("nomatches"))
        }
        for row in try database.read("""
            SELECT turns.state AS state, COUNT(*) AS n \(ofSelectedCalls) AND calls.outcome IN (\(abandoned))
              AND turns.at_ms = (SELECT MAX(last.at_ms) FROM turns AS last WHERE last.call_id = turns.call_id)
            GROUP BY turns.state
            """, arguments) {
            let name = try row.string("state")
            states[name, default: CallAnalytics.State(state: name)].dropOffs = try row.int("n")
        }
        for row in try database.read("""
            SELECT turns.state AS state, turns.interpretation AS reading, COUNT(*) AS n \(ofSelectedCalls)
            GROUP BY turns.state, turns.interpretation ORDER BY n DESC
            """, arguments) {
            let name = try row.string("state")
            if states[name]?.interpretations.count ?? 5 < 5 { states[name]?.interpretations[try row.string("reading")] = try row.int("n") }
        }
        for row in try database.read("""
            SELECT turns.interpretation AS reading, COUNT(*) AS n \(ofSelectedCalls) AND turns.interpretation LIKE '% = %'
            GROUP BY turns.interpretation ORDER BY n DESC
            """, arguments) {
            let reading = try row.string("reading")
            guard let split = reading.range(of: " = ") else { continue }
            let slot = String(reading[..<split.lowerBound]), value = String(reading[split.upperBound...])
            guard !slot.contains(" "), result.slots[slot, default: [:]].count < 10 else { continue }
            result.slots[slot, default: [:]][value] = try row.int("n")
        }
        var contained: [String: Int] = [:]
        for row in try database.read("""
            SELECT COALESCE(flow_version, '') AS version, SUM(CASE WHEN outcome = 'hangup' THEN 1 ELSE 0 END) AS contained,
                   COUNT(*) AS n FROM calls WHERE \(selected) GROUP BY COALESCE(flow_version, '')
            """, arguments) {
            let version = try row.string("version")
            result.perFlowVersion[version, default: .init()].calls = try row.int("n")
            contained[version] = try row.int("contained")
        }
        for (version, figures) in result.perFlowVersion {
            result.perFlowVersion[version]?.containment = Double(contained[version] ?? 0) / Double(max(figures.calls, 1))
        }
        for row in try database.read("""
            SELECT substr(started_at, 1, 13) AS hour, COUNT(*) AS n FROM calls WHERE \(selected) GROUP BY substr(started_at, 1, 13)
            """, arguments) {
            let hour = try row.string("hour"), n = try row.int("n")
            result.perDay[String(hour.prefix(10)), default: 0] += n
            if let h = Int(hour.suffix(2)), (0..<24).contains(h) { result.perHour[h] += n }
        }
        result.states = states.values.sorted { ($0.turns, $1.state) > ($1.turns, $0.state) }
        // Tenths by comparison, which both SQL dialects compute alike (their casts round differently).
        let bucket = "CASE " + (1...9).reversed().map { "WHEN turns.confidence >= 0.\($0) THEN \($0) " }.joined() + "ELSE 0 END"
        for row in try database.read("""
            SELECT \(bucket) AS bucket, COUNT(*) AS n \(ofSelectedCalls) AND turns.input = 'speech' AND turns.confidence IS NOT NULL
            GROUP BY 1
            """, arguments) {
            result.confidence[try row.int("bucket")] = try row.int("n")
        }
        return result
    }
}
