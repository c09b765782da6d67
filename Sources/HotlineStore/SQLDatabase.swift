import Foundation

/// A value going into or coming out of SQL.
enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    init(_ text: String?) { self = text.map { .text($0) } ?? .null }
    init(_ number: Int?) { self = number.map { .integer(Int64($0)) } ?? .null }
    init(_ number: Int64) { self = .integer(number) }
    init(_ number: Double?) { self = number.map { .real($0) } ?? .null }
}

/// One result row, by column name.
struct SQLRow: Sendable {
    var columns: [String: SQLValue]

    private func value(_ name: String) throws -> SQLValue {
        guard let value = columns[name] else { throw CallStoreError(description: "no column \(name) in a result row") }
        return value
    }

    /// The whole number in column `name`; NULL reads as nil.
    func optionalInt(_ name: String) throws -> Int? {
        switch try value(name) {
        case .null: return nil
        case .integer(let n): return Int(n)
        case .real(let x): return Int(x)
        case .text(let t): throw CallStoreError(description: "column \(name) holds text \"\(t)\", not a number")
        }
    }

    /// The whole number in column `name`, which must not be NULL.
    func int(_ name: String) throws -> Int {
        guard let n = try optionalInt(name) else { throw CallStoreError(description: "column \(name) is NULL") }
        return n
    }

    /// The number in column `name`; NULL reads as nil.
    func double(_ name: String) throws -> Double? {
        switch try value(name) {
        case .null: return nil
        case .integer(let n): return Double(n)
        case .real(let x): return x
        case .text(let t): throw CallStoreError(description: "column \(name) holds text \"\(t)\", not a number")
        }
    }

    /// The text in column `name`; NULL reads as nil.
    func text(_ name: String) throws -> String? {
        switch try value(name) {
        case .null: return nil
        case .text(let t): return t
        case .integer(let n): return String(n)
        case .real(let x): return String(x)
        }
    }

    /// The text in column `name`, which must not be NULL.
    func string(_ name: String) throws -> String {
        guard let text = try text(name) else { throw CallStoreError(description: "column \(name) is NULL") }
        return text
    }
}

/// The database under a `CallStore`: SQLite or PostgreSQL. Statements are written once
/// for both, in the SQL they share, with `?` for each argument; each statement is its own
/// transaction.
protocol SQLDatabase: Sendable {
    /// Where it is, for messages: a file path, or a URL without its password.
    var location: String { get }
    /// Rows of a statement that only reads.
    func read(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
    /// Runs a statement that writes; returns what its RETURNING clause returns.
    @discardableResult
    func write(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
    /// Tells every process listening on `channel` (PostgreSQL's NOTIFY); SQLite has no one to tell.
    func notify(_ channel: String, _ payload: String) throws
    /// Calls `heard` with each notice's payload on `channel` until the returned watch is
    /// stopped (a lost connection is opened again, and `heard` gets "" for what it may have
    /// missed meanwhile); nil where the database has no notices (SQLite).
    func listen(_ channel: String, _ heard: @escaping @Sendable (String) -> Void) throws -> StoreWatch?
}

/// Notices being listened for; `stop()` ends it.
public final class StoreWatch: @unchecked Sendable {   // `stopped` guarded by `lock`
    private let lock = NSLock()
    private var stopped = false
    private let onStop: @Sendable () -> Void

    init(onStop: @escaping @Sendable () -> Void) { self.onStop = onStop }

    /// Whether `stop()` was called.
    var isStopped: Bool { lock.withLock { stopped } }

    /// Stops listening.
    public func stop() {
        guard (lock.withLock { () -> Bool in defer { stopped = true }; return !stopped }) else { return }
        onStop()
    }
}
