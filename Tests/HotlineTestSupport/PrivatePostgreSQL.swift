import Foundation

/// A PostgreSQL server of the tests' own: a cluster made with initdb in a temporary folder,
/// listening on a free loopback port, started once per test process and stopped when it
/// exits. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
public enum PrivatePostgreSQL {
    /// Why the server cannot start (PostgreSQL not installed, initdb failed), or nil.
    public static var unavailable: String? { server.failure }

    /// A URL of a new, empty database on the server, or nil (see `unavailable`).
    public static func newDatabase() -> String? {
        guard let port = server.port, let bin = server.bin else { return nil }
        let name = "t_" + UUID().uuidString.prefix(8).lowercased()
        guard run(bin + "/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "hotline", name]) == 0 else { return nil }
        return "postgres://hotline@127.0.0.1:\(port)/\(name)"
    }

    private struct Server: Sendable {
        var bin: String?
        var port: Int?
        var failure: String?
    }

    private static let server: Server = start()
    nonisolated(unsafe) private static var folder: String?

    private static func start() -> Server {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.compactMap(Int.init).max() else {
            return Server(failure: "PostgreSQL is not installed (apt-get install postgresql)")
        }
        let bin = "/usr/lib/postgresql/\(version)/bin"
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-pg-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot { _ = run("/bin/chown", ["postgres:postgres", data]) }
        let port = freePort()
        guard run(bin + "/initdb", ["-D", data, "-U", "hotline", "--auth=trust", "-E", "UTF8", "--no-sync"], asPostgres: asRoot) == 0,
              run(bin + "/pg_ctl", ["-D", data, "-l", data + "/server.log", "-w", "-o",
                                    "-p \(port) -k \(data) -c listen_addresses=127.0.0.1 -c fsync=off", "start"], asPostgres: asRoot) == 0
        else {
            return Server(failure: "could not start a PostgreSQL cluster in \(data) (see its server.log)")
        }
        folder = data
        atexit {
            guard let data = PrivatePostgreSQL.folder, let version = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?
                    .compactMap(Int.init).max() else { return }
            _ = PrivatePostgreSQL.run("/usr/lib/postgresql/\(version)/bin/pg_ctl", ["-D", data, "-m", "immediate", "stop"],
                                      asPostgres: getuid() == 0)
            try? FileManager.default.removeItem(atPath: data)
        }
        return Server(bin: bin, port: port)
    }

    /// A TCP port nothing listens on now.
    private static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length)
                return getsockname(socket, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `tool` and waits for it (posix_spawn and waitpid: Foundation's Process, started
    /// while the tests' threads wait for this server, may never see it end).
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], asPostgres: Bool = false) -> Int32 {
        let argv = asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", tool] + arguments : [tool] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }
}
