import Foundation
import HotlineSIP
import HotlineStore

/// A SIP line of the daemon: its transport answers INVITEs from the allowed peers, and
/// each call runs on a thread of its own through the line's `LineService` (the same
/// call session, recorder and store as an ALSA line), then is hung up with a BYE if the
/// caller has not left. Runs until the daemon stops or the line's `calls` are done.
final class SIPLineService: @unchecked Sendable {   // counters guarded by `lock`
    private let service: LineService
    private let daemon: Daemon
    private let lock = NSLock()
    private var started = 0, finished = 0

    init(service: LineService, daemon: Daemon) {
        self.service = service
        self.daemon = daemon
    }

    private var line: DaemonConfiguration.Line { service.line }

    /// Answers calls until the daemon stops or `calls` have been answered and ended; a
    /// socket that cannot be opened is retried with backoff, like an ALSA line's device.
    func run() {
        guard let settings = line.sip else { return }
        var backoff = 1.0
        while !daemon.stop.isSet {
            let transport = SIPTransport(settings: settings, onCall: { [self] call in start(call) },
                                         onLog: { [daemon, line] in
                                             daemon.log.message(.warning, "line \(line.name): \($0)")
                                             DaemonMetrics.sipRefused(line: line.name)
                                         })
            do {
                let port = try transport.start()
                daemon.log.message(.info, "line \(line.name): SIP on \(SIPEndpoint(host: settings.listen.host, port: port))")
            } catch {
                daemon.log.message(.error, "line \(line.name): \(error); retrying in \(Int(backoff)) s")
                DaemonMetrics.lineReopened(line: line.name)
                daemon.beat(line.name)
                _ = daemon.waitBeforeReopening(backoff)
                backoff = min(backoff * 2, 30)
                continue
            }
            while !daemon.stop.wait(seconds: 0.1), !allCallsDone { daemon.beat(line.name) }
            // New calls are refused (503: a proxy in front sends them to another node), calls in
            // progress end (their sessions see the stop) and send their BYEs, then the sockets close.
            transport.drain()
            let deadline = Date().addingTimeInterval(Daemon.stopGraceSeconds)
            while (lock.withLock { started > finished } || transport.callCount > 0), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            transport.stop()
            return
        }
    }

    private var allCallsDone: Bool { lock.withLock { line.calls > 0 && finished >= line.calls } }

    /// Runs `call` on its own thread (the transport's event loop must not wait).
    private func start(_ call: SIPCall) {
        let taken = lock.withLock { () -> Bool in
            guard line.calls == 0 || started < line.calls else { return false }
            started += 1
            return true
        }
        guard taken else { return call.hangUp() }
        let incoming = call.incoming
        daemon.log.message(.info, "line \(line.name): call \(incoming.callID) from \(incoming.caller) to \(incoming.called) answered "
                           + "(\(incoming.codec.rawValue) from \(incoming.source))")
        let thread = Thread { [self] in
            let audio = SIPCallLine(call, mediaTimeoutSeconds: line.sip?.mediaTimeoutSeconds ?? 20)
            do {
                try service.answer(audio, parties: CallParties(caller: incoming.caller, called: incoming.called, sipCallID: incoming.callID))
            } catch {
                daemon.log.message(.error, "line \(line.name): call \(incoming.callID): \(error)")
            }
            if call.endReason == nil { call.hangUp() }
            let stats = call.statistics
            daemon.log.message(.debug, "line \(line.name): call \(incoming.callID): \(stats.received) packets in, "
                               + "\(stats.late) late, \(stats.concealed) frames concealed, \(audio.lateFrames) frames answered late, "
                               + "\(call.reportsReceived) RTCP reports in")
            lock.withLock { finished += 1 }
        }
        thread.name = "\(line.name) call"
        thread.start()
    }
}
