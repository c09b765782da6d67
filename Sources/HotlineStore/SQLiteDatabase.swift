import Foundation
import GRDB

/// The embedded call store: one SQLite file (GRDB), its schema migrated when opened.
final class SQLiteDatabase: SQLDatabase {
    private let queue: DatabaseQueue
    let location: String

    /// Opens (creating and migrating) the database at `path`.
    init(path: String) throws {
        location = path
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
            migrator.registerMigration("v4: node") { db in
                try db.execute(sql: "ALTER TABLE calls ADD COLUMN node TEXT NOT NULL DEFAULT ''")
            }
            migrator.registerMigration("v5: flow versions, calls by time") { db in
                try db.execute(sql: SQLiteDatabase.flowVersionsTable)
            }
            migrator.registerMigration("v6: annotations") { db in
                try db.execute(sql: """
                    CREATE TABLE annotations (turn_id INTEGER PRIMARY KEY REFERENCES turns(id), said TEXT NOT NULL,
                        annotated_by TEXT NOT NULL, annotated_at TEXT NOT NULL)
                    """)
            }
            try migrator.migrate(queue)
        } catch {
            throw CallStoreError(description: "\(path): cannot open the call database (\(error))")
        }
    }

    /// Every published version of every flow, kept (the newest of a name is the one in force);
    /// and calls by time, for QA's queries over a day of a large store.
    static let flowVersionsTable = """
        CREATE TABLE flow_versions (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, version TEXT NOT NULL,
            content TEXT NOT NULL, published_at TEXT NOT NULL, published_by TEXT NOT NULL);
        CREATE INDEX flow_versions_by_name ON flow_versions(name, id);
        CREATE INDEX calls_by_start ON calls(started_at);
        """

    func notify(_ channel: String, _ payload: String) throws {}

    func listen(_ channel: String, _ heard: @escaping @Sendable (String) -> Void) throws -> StoreWatch? { nil }

    func read(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        do { return try queue.read { try Self.rows($0, sql, arguments) } } catch {
            throw CallStoreError(description: "\(location): cannot read (\(error))")
        }
    }

    func write(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        do { return try queue.write { try Self.rows($0, sql, arguments) } } catch {
            throw CallStoreError(description: "\(location): cannot write (\(error))")
        }
    }

    private static func rows(_ db: Database, _ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let values: [DatabaseValue] = arguments.map {
            switch $0 {
            case .null: return .null
            case .integer(let n): return n.databaseValue
            case .real(let x): return x.databaseValue
            case .text(let t): return t.databaseValue
            }
        }
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map { row in
            var columns: [String: SQLValue] = [:]
            for (name, value) in row {
                switch value.storage {
                case .null, .blob: columns[name] = .null
                case .int64(let n): columns[name] = .integer(n)
                case .double(let x): columns[name] = .real(x)
                case .string(let t): columns[name] = .text(t)
                }
            }
            return SQLRow(columns: columns)
        }
    }
}
