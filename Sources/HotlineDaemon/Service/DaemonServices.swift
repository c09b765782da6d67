import Foundation
import ServiceLifecycle
import UnixSignals

/// The daemon in a swift-service-lifecycle `ServiceGroup`: `DaemonService` runs the lines
/// and ends them gracefully when the group shuts down (SIGTERM); `ReloadService` reloads
/// the configuration and flows on SIGHUP until then.
///
/// Each line keeps a thread of its own inside `Daemon.run`: its audio loop blocks on the
/// device every 10 ms, which must not hold one of the few threads async tasks share.
public struct DaemonService: Service {
    private let daemon: Daemon

    /// The service of `daemon`.
    public init(_ daemon: Daemon) { self.daemon = daemon }

    /// Runs every line until each is done (then the group shuts down) or the group shuts
    /// down (every line ends its call cleanly, as on the daemon's stop).
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
                Thread.detachNewThread { [daemon] in
                    do { try daemon.run(); done.resume() } catch { done.resume(throwing: error) }
                }
            }
        } onGracefulShutdown: { [daemon] in
            daemon.stop.set()
        }
    }

    /// The group hotlined runs: this service, the reload on SIGHUP and `others` (the HTTP
    /// side); SIGTERM and SIGINT shut it down gracefully; once the lines are done, so is the group.
    public static func group(_ daemon: Daemon, others: [any Service] = []) -> ServiceGroup {
        ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [
                .init(service: DaemonService(daemon), successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "lines"),
                .init(service: ReloadService(daemon), serviceName: "reload"),
            ] + others.map { .init(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: daemon.log.logger))
    }
}

/// Reloads the daemon's configuration and flows each time SIGHUP arrives.
public struct ReloadService: Service {
    private let daemon: Daemon

    /// The reload service of `daemon`.
    public init(_ daemon: Daemon) { self.daemon = daemon }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            daemon.reload()
        }
    }
}
