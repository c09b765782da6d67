import HotlineStore
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// hotlined's HTTP side (off unless `--http` or an `http` section asks for it): `/healthz`
/// for load balancers and supervisors, `/metrics` in Prometheus's text format for
/// alerting (both open), and with a call store and API tokens the JSON API under `/api`.
public enum ConsoleApplication {
    /// The application listening on `host`:`port` (0: a port the system picks, passed to
    /// `onRunning`); `healthy` says whether the daemon's lines are moving.
    public static func make(host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger,
                            store: CallStore?, tokens: [String: String],
                            healthy: @escaping @Sendable () -> Bool,
                            onRunning: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.get("healthz") { _, _ -> Response in
            let ok = healthy()
            return Response(status: ok ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: ok ? "ok\n" : "stalled\n")))
        }
        router.get("metrics") { _, _ -> Response in
            var text: [UInt8] = []
            registry.emit(into: &text)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
        if let store, !tokens.isEmpty { CallsAPI.add(to: router, store: store, tokens: tokens) }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Hotline"),
                           onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }
}
