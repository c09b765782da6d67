import Foundation

/// What QA says the caller really said in one turn (the transcript of its audio).
public struct Annotation: Sendable, Equatable, Encodable {
    /// The turn, 1-based, in the call's order.
    public var turn: Int
    /// The words, as QA wrote them ("" when the caller said nothing).
    public var said: String
    public var annotatedBy: String
    public var annotatedAt: String
}

/// How well the calls' spoken turns were heard, against QA's annotations, per dialogue
/// state: a turn is right when the words recognized (none for a no-match or no-input) are
/// the words annotated, compared without case or punctuation; word errors are the edit
/// distance between them.
public struct AccuracyReport: Sendable, Equatable, Encodable {
    public struct State: Sendable, Equatable, Encodable {
        public var state: String
        /// Annotated turns (speech, no-match and no-input).
        public var annotated = 0
        /// Of them, heard right.
        public var correct = 0
        /// Annotated words, and recognition errors against them (substitutions, deletions, insertions).
        public var words = 0, wordErrors = 0
        /// Turns where the caller said something in the annotation but the hotline heard nothing it took (no-match, no-input).
        public var missed = 0
        public var accuracy: Double { annotated == 0 ? 0 : Double(correct) / Double(annotated) }
        public var wordErrorRate: Double { words == 0 ? 0 : Double(wordErrors) / Double(words) }
    }

    /// Per state, most annotated first.
    public var states: [State] = []
    /// Over every state.
    public var total = State(state: "")
}

extension CallStore {
    /// Keeps what the caller really said in turn `turn` (1-based) of call `id`, replacing an
    /// earlier annotation of it.
    public func annotate(call id: Int64, turn: Int, said: String, by annotator: String, at date: Date = Date()) throws {
        guard turn >= 1, let turnID = try database.read("SELECT id FROM turns WHERE call_id = ? ORDER BY at_ms, id LIMIT 1 OFFSET ?",
                                                        [SQLValue(id), SQLValue(turn - 1)]).first?.int("id") else {
            throw CallStoreError(description: "call \(id) has no turn \(turn)")
        }
        try database.write("""
            INSERT INTO annotations (turn_id, said, annotated_by, annotated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (turn_id) DO UPDATE SET said = excluded.said, annotated_by = excluded.annotated_by,
                annotated_at = excluded.annotated_at
            """, [SQLValue(turnID), SQLValue(said), SQLValue(annotator), SQLValue(ISO8601DateFormatter().string(from: date))])
    }

    /// Call `id`'s annotations by turn number.
    public func annotations(call id: Int64) throws -> [Int: Annotation] {
        let turnIDs = try database.read("SELECT id FROM turns WHERE call_id = ? ORDER BY at_ms, id", [SQLValue(id)]).map { try $0.int("id") }
        let numbers = Dictionary(uniqueKeysWithValues: turnIDs.enumerated().map { ($1, $0 + 1) })
        var found: [Int: Annotation] = [:]
        for row in try database.read("""
            SELECT annotations.* FROM annotations JOIN turns ON turns.id = annotations.turn_id WHERE turns.call_id = ?
            """, [SQLValue(id)]) {
            guard let number = numbers[try row.int("turn_id")] else { continue }
            found[number] = Annotation(turn: number, said: try row.string("said"), annotatedBy: try row.string("annotated_by"),
                                       annotatedAt: try row.string("annotated_at"))
        }
        return found
    }

    /// The recognizer's accuracy on the annotated turns of the calls `query` selects.
    public func accuracy(_ query: CallQuery = CallQuery()) throws -> AccuracyReport {
        let (conditions, arguments) = Self.filter(query)
        var states: [String: AccuracyReport.State] = [:]
        var report = AccuracyReport()
        for row in try database.read("""
            SELECT turns.state AS state, turns.input AS input, turns.heard AS heard, annotations.said AS said
            FROM annotations JOIN turns ON turns.id = annotations.turn_id JOIN calls ON calls.id = turns.call_id
            WHERE \(conditions.joined(separator: " AND ")) AND turns.input IN ('speech', 'nomatch', 'noinput')
            """, arguments) {
            let said = Self.words(try row.string("said"))
            let heard = try row.string("input") == "speech" ? Self.words(try row.string("heard")) : []
            let errors = Self.editDistance(said, heard)
            func add(_ state: inout AccuracyReport.State) {
                state.annotated += 1
                state.correct += errors == 0 ? 1 : 0
                state.words += said.count
                state.wordErrors += errors
                state.missed += heard.isEmpty && !said.isEmpty ? 1 : 0
            }
            let name = try row.string("state")
            add(&states[name, default: AccuracyReport.State(state: name)])
            add(&report.total)
        }
        report.states = states.values.sorted { ($0.annotated, $1.state) > ($1.annotated, $0.state) }
        return report
    }

    /// Lowercase words without punctuation ("Two, please!" -> ["two", "please"]).
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }.map(String.init)
    }

    /// Substitutions, deletions and insertions turning `reference` into `hypothesis`.
    static func editDistance(_ reference: [String], _ hypothesis: [String]) -> Int {
        var previous = Array(0...hypothesis.count)
        for (i, word) in reference.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: hypothesis.count)
            for (j, other) in hypothesis.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (word == other ? 0 : 1))
            }
            previous = current
        }
        return previous[hypothesis.count]
    }
}
