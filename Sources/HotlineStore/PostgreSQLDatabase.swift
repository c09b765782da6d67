import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The call store several hotlined nodes share: PostgreSQL (postgres-nio), reached by a
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` URL (`?host=/run/postgresql` for a
/// Unix socket). Its schema is versioned in the table `hotline_schema` and migrated when a
/// node opens it, under an advisory lock so nodes starting together migrate once.
/// One connection per store, statements one at a time; a lost connection is opened again
/// by the next statement.
final class PostgreSQLDatabase: SQLDatabase, @unchecked Sendable {   // `connection` guarded by `lock`
    let location: String
    private let configuration: PostgresConnection.Configuration
    private let lock = NSLock()
    private var connection: PostgresConnection?

    /// Whether `location` names a PostgreSQL database rather than a SQLite file.
    static func isURL(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// The schema, one migration per version; a node applies those its database lacks.
    static let migrations: [[String]] = [
        [   // 1
            """
            CREATE TABLE calls (id BIGSERIAL PRIMARY KEY, started_at TEXT NOT NULL, line TEXT NOT NULL, flow TEXT NOT NULL,
                outcome TEXT NOT NULL DEFAULT '', duration_ms INTEGER NOT NULL DEFAULT 0, recording TEXT, caller TEXT, called TEXT,
                sip_call_id TEXT, flow_version TEXT, node TEXT NOT NULL DEFAULT '')
            """,
            """
            CREATE TABLE turns (id BIGSERIAL PRIMARY KEY, call_id BIGINT NOT NULL REFERENCES calls(id), at_ms INTEGER NOT NULL,
                state TEXT NOT NULL, expecting TEXT NOT NULL, input TEXT NOT NULL, heard TEXT NOT NULL, confidence DOUBLE PRECISION,
                nbest TEXT NOT NULL, speech_ms TEXT, interpretation TEXT NOT NULL, replies TEXT NOT NULL,
                reply_latency_ms DOUBLE PRECISION NOT NULL)
            """,
            "CREATE INDEX turns_by_call ON turns(call_id, at_ms)",
            "CREATE INDEX calls_by_start ON calls(started_at)",
            "CREATE INDEX open_calls_by_node ON calls(node) WHERE outcome = ''",
        ],
        [   // 2
            """
            CREATE TABLE flow_versions (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL, content TEXT NOT NULL,
                published_at TEXT NOT NULL, published_by TEXT NOT NULL)
            """,
            "CREATE INDEX flow_versions_by_name ON flow_versions(name, id)",
        ],
        [   // 3
            """
            CREATE TABLE annotations (turn_id BIGINT PRIMARY KEY REFERENCES turns(id), said TEXT NOT NULL, annotated_by TEXT NOT NULL,
                annotated_at TEXT NOT NULL)
            """,
        ],
    ]

    /// Connects to the database `url` names and migrates it.
    init(url: String) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, Self.isURL(url),
              let user = parts.user, !user.isEmpty else {
            throw CallStoreError(description: "\(url): not a PostgreSQL URL (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)")
        }
        let database = parts.path.hasPrefix("/") && parts.path.count > 1 ? String(parts.path.dropFirst()) : user
        let socket = parts.queryItems?.first { $0.name == "host" }?.value
        if let socket {
            configuration = .init(unixSocketPath: socket.hasSuffix(".s.PGSQL.\(parts.port ?? 5432)") ? socket
                                    : socket + "/.s.PGSQL.\(parts.port ?? 5432)",
                                  username: user, password: parts.password, database: database)
        } else {
            configuration = .init(host: parts.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1", port: parts.port ?? 5432,
                                  username: user, password: parts.password, database: database, tls: .disable)
        }
        location = "\(scheme)://\(user)@\(socket ?? parts.host ?? "")\(parts.port.map { ":\($0)" } ?? "")/\(database)"
        try migrate()
    }

    deinit {
        _ = try? connection?.close().wait()
    }

    func read(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try lock.withLock { try run(sql, arguments, doing: "read") }
    }

    func write(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try lock.withLock { try run(sql, arguments, doing: "write") }
    }

    func notify(_ channel: String, _ payload: String) throws {
        try write("SELECT pg_notify(?, ?)", [.text(channel), .text(payload)])
    }

    func listen(_ channel: String, _ heard: @escaping @Sendable (String) -> Void) throws -> StoreWatch? {
        let listener = NoticeListener(configuration: configuration, channel: channel, heard: heard)
        try listener.connect()
        return StoreWatch { listener.stop() }
    }

    /// A connection of its own that LISTENs on a channel, opened again (every 5 s) when lost.
    private final class NoticeListener: @unchecked Sendable {   // `connection`, `stopped` guarded by `lock`
        let configuration: PostgresConnection.Configuration
        let channel: String
        let heard: @Sendable (String) -> Void
        private let lock = NSLock()
        private var connection: PostgresConnection?
        private var stopped = false

        init(configuration: PostgresConnection.Configuration, channel: String, heard: @escaping @Sendable (String) -> Void) {
            (self.configuration, self.channel, self.heard) = (configuration, channel, heard)
        }

        func connect() throws {
            let opened = try PostgresConnection.connect(on: PostgreSQLDatabase.eventLoops.next(), configuration: configuration, id: 2,
                                                        logger: PostgreSQLDatabase.logger).wait()
            opened.addListener(channel: channel) { [heard] _, notice in heard(notice.payload) }
            // A query after the LISTEN: once it is answered, the LISTEN is in force.
            _ = try opened.query("SELECT 1", logger: PostgreSQLDatabase.logger).wait()
            let keep = lock.withLock { () -> Bool in
                guard !stopped else { return false }
                connection = opened
                return true
            }
            guard keep else { _ = try? opened.close().wait(); return }
            opened.closeFuture.whenComplete { [self] _ in reconnectLater() }
        }

        private func reconnectLater() {
            guard !(lock.withLock { stopped }) else { return }
            PostgreSQLDatabase.eventLoops.next().scheduleTask(in: .seconds(5)) { [self] in
                DispatchQueue.global().async { [self] in
                    do {
                        try connect()
                        heard("")   // notices sent while it was away are lost: look again
                    } catch {
                        reconnectLater()
                    }
                }
            }
        }

        func stop() {
            let open = lock.withLock { () -> PostgresConnection? in
                stopped = true
                return connection
            }
            _ = try? open?.close().wait()
        }
    }

    /// Applies the migrations the database lacks, each in its own transaction, holding an
    /// advisory lock so that nodes starting at once do not race.
    private func migrate() throws {
        try lock.withLock {
            try run("SELECT pg_advisory_lock(4840101)", [], doing: "lock the schema of")
            defer { _ = try? run("SELECT pg_advisory_unlock(4840101)", [], doing: "unlock the schema of") }
            try run("CREATE TABLE IF NOT EXISTS hotline_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                    [], doing: "migrate")
            let current = try run("SELECT COALESCE(MAX(version), 0) AS version FROM hotline_schema", [], doing: "migrate")
                .first?.int("version") ?? 0
            guard current <= Self.migrations.count else {
                throw CallStoreError(description: "\(location): the call database has schema version \(current), newer than this "
                                     + "hotline knows (\(Self.migrations.count)): upgrade hotline on this node")
            }
            for (index, statements) in Self.migrations.enumerated() where index + 1 > current {
                try run("BEGIN", [], doing: "migrate")
                do {
                    for statement in statements { try run(statement, [], doing: "migrate") }
                    try run("INSERT INTO hotline_schema (version) VALUES (?)", [.integer(Int64(index + 1))], doing: "migrate")
                    try run("COMMIT", [], doing: "migrate")
                } catch {
                    _ = try? run("ROLLBACK", [], doing: "migrate")
                    throw error
                }
            }
        }
    }

    /// Runs one statement on the connection (opened first if need be); call with `lock` held.
    @discardableResult
    private func run(_ sql: String, _ arguments: [SQLValue], doing verb: String) throws -> [SQLRow] {
        do {
            let connection = try open()
            var binds = PostgresBindings(capacity: arguments.count)
            for argument in arguments {
                switch argument {
                case .null: binds.appendNull()
                case .integer(let n): binds.append(n)
                case .real(let x): binds.append(x)
                case .text(let t): binds.append(t)
                }
            }
            let query = PostgresQuery(unsafeSQL: Self.numberedPlaceholders(sql), binds: binds)
            return try connection.query(query, logger: Self.logger).wait().rows.map(Self.row)
        } catch {
            if connection?.isClosed == true { connection = nil }
            throw CallStoreError(description: "\(location): cannot \(verb) the call database (\(Self.describe(error)))")
        }
    }

    private func open() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let opened = try PostgresConnection.connect(on: Self.eventLoops.next(), configuration: configuration, id: 1,
                                                    logger: Self.logger).wait()
        connection = opened
        return opened
    }

    /// The store's own event loop: statements wait on it from lines' and HTTP handlers'
    /// threads, so it must be none of theirs.
    private static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private static let logger: Logger = {
        var logger = Logger(label: "hotline.store.postgres")
        logger.logLevel = .error
        return logger
    }()

    /// `sql` with its `?` placeholders numbered the way PostgreSQL wants them ($1, $2, ...);
    /// a `?` inside a quoted literal stays.
    static func numberedPlaceholders(_ sql: String) -> String {
        var result = "", quoted = false, count = 0
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?" && !quoted {
                count += 1
                result += "$\(count)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func row(_ row: PostgresRow) throws -> SQLRow {
        var columns: [String: SQLValue] = [:]
        for cell in row {
            guard cell.bytes != nil else { columns[cell.columnName] = .null; continue }
            switch cell.dataType {
            case .int2, .int4, .int8: columns[cell.columnName] = .integer(try cell.decode(Int64.self))
            case .float4, .float8: columns[cell.columnName] = .real(try cell.decode(Double.self))
            case .bool: columns[cell.columnName] = .integer(try cell.decode(Bool.self) ? 1 : 0)
            default: columns[cell.columnName] = .text(try cell.decode(String.self))
            }
        }
        return SQLRow(columns: columns)
    }

    /// What went wrong, in a line: the server's message, or why the connection failed.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }
}
