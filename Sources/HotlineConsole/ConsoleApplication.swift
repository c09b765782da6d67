import HotlineDaemon
import HotlineStore
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Prometheus

/// hotlined's HTTP side (off unless `--http` or an `http` section asks for it): `/healthz`
/// for load balancers and supervisors, `/metrics` in Prometheus's text format for
/// alerting (both open), and, for the configuration's users (signed in at `/login`) and API
/// tokens, the console's pages and the JSON API under `/api` (docs/api.md).
public enum ConsoleApplication {
    /// `daemon`'s application listening on `host`:`port` (0: a port the system picks,
    /// passed to `onRunning`), its metrics from `registry`, its pages and API over `store`
    /// for `users` and `tokens` (name -> SHA-256 hex).
    public static func make(daemon: Daemon, host: String, port: Int, registry: PrometheusCollectorRegistry,
                            store: CallStore?, users: [String: DaemonConfiguration.ConsoleUser] = [:], tokens: [String: String],
                            onRunning: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let sockets = Router(context: BasicWebSocketRequestContext.self)
        return Application(router: router(daemon: daemon, registry: registry, store: store, users: users, tokens: tokens, sockets: sockets),
                           server: .http1WebSocketUpgrade(webSocketRouter: sockets),
                           configuration: .init(address: .hostname(host, port: port), serverName: "Hotline"),
                           onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) }, logger: daemon.logger)
    }

    /// The exposition with a `# HELP` line before each metric's `# TYPE` line.
    static func withHelp(_ exposition: String) -> String {
        exposition.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let parts = line.split(separator: " ")
            guard parts.count >= 3, parts[0] == "#", parts[1] == "TYPE", let help = DaemonMetrics.help[String(parts[2])] else { return String(line) }
            return "# HELP \(parts[2]) \(help)\n\(line)"
        }.joined(separator: "\n")
    }

    /// A bcrypt hash of `password` for a user in the configuration's `http: users:`.
    public static func hashPassword(_ password: String) -> String { ConsoleUsers.hash(password) }

    /// The routes (tests drive them in process).
    static func router(daemon: Daemon, registry: PrometheusCollectorRegistry, store: CallStore?,
                       users: [String: DaemonConfiguration.ConsoleUser], tokens: [String: String],
                       sockets: Router<BasicWebSocketRequestContext> = Router(context: BasicWebSocketRequestContext.self)) -> Router<ConsoleContext> {
        let router = Router(context: ConsoleContext.self)
        router.get("healthz") { _, _ -> Response in
            let ok = daemon.linesMoving()
            return Response(status: ok ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: ok ? "ok\n" : "stalled\n")))
        }
        router.get("metrics") { _, _ -> Response in
            var text: [UInt8] = []
            registry.emit(into: &text)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: withHelp(String(decoding: text, as: UTF8.self)))))
        }
        if let line = daemon.configuration.chatLine { ChatChannel.add(to: router, sockets: sockets, daemon: daemon, line: line) }
        guard !users.isEmpty || !tokens.isEmpty else { return router }
        let sessions = ConsoleSessions()
        router.add(middleware: ConsoleAuthentication(tokens: tokens, sessions: sessions))
        LoginRoutes.add(to: router, users: ConsoleUsers(users: users), sessions: sessions, throttle: LoginThrottle())
        let api = router.group("api")
        if let store { CallsAPI.add(to: api, daemon: daemon, store: store) }
        FlowsAPI.add(to: api, daemon: daemon, store: store)
        WebPages.add(to: router, daemon: daemon, store: store)
        return router
    }
}
