import HotlineDaemon
import HotlineStore
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// hotlined's HTTP side (off unless `--http` or an `http` section asks for it): `/healthz`
/// for load balancers and supervisors, `/metrics` in Prometheus's text format for
/// alerting (both open), and with a call store and API tokens the JSON API under `/api`.
public enum ConsoleApplication {
    /// `daemon`'s application listening on `host`:`port` (0: a port the system picks,
    /// passed to `onRunning`), its metrics from `registry`, its API over `store` for `tokens`
    /// (name -> SHA-256 hex).
    public static func make(daemon: Daemon, host: String, port: Int, registry: PrometheusCollectorRegistry,
                            store: CallStore?, tokens: [String: String],
                            onRunning: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.get("healthz") { _, _ -> Response in
            let ok = daemon.linesMoving()
            return Response(status: ok ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: ok ? "ok\n" : "stalled\n")))
        }
        router.get("metrics") { _, _ -> Response in
            var text: [UInt8] = []
            registry.emit(into: &text)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
        if let store, !tokens.isEmpty { CallsAPI.add(to: router, daemon: daemon, store: store, tokens: tokens) }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Hotline"),
                           onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) }, logger: daemon.logger)
    }
}
