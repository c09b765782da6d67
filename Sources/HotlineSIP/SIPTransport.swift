import Foundation
import NIOCore
import NIOPosix

/// A SIP line's sockets on SwiftNIO: the SIP socket feeding a `SIPUserAgent` (which
/// lives on the socket's event loop only), an RTP and an RTCP socket per call, and a
/// 20 ms tick for the agent's timers and the calls' RTCP reports. A call goes to `onCall`
/// once its 200 OK is out (`onCall` must not block: it starts the call's own thread);
/// refusals and failures go to `onLog`.
public final class SIPTransport: @unchecked Sendable {   // agent and calls touched on `loop` only
    public let settings: SIPSettings
    private let group: MultiThreadedEventLoopGroup
    private let loop: EventLoop
    private let agent: SIPUserAgent
    private var channel: Channel?
    private var calls: [String: SIPCall] = [:]
    private var ticker: RepeatedTask?
    private var nextPortPair: Int?   // of `rtpPorts`, taken in turn
    private let onCall: @Sendable (SIPCall) -> Void
    private let onLog: @Sendable (String) -> Void

    /// A transport for `settings`; `start()` opens it.
    public init(settings: SIPSettings, onCall: @escaping @Sendable (SIPCall) -> Void, onLog: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        agent = SIPUserAgent(settings: settings)
        self.onCall = onCall
        self.onLog = onLog
    }

    /// A monotonic clock in ms, the agent's time.
    public static var nowMs: Int { Int(NIODeadline.now().uptimeNanoseconds / 1_000_000) }

    /// Binds the SIP socket and starts the timers; returns the port bound (the
    /// configured one, or the one the system chose for port 0).
    @discardableResult
    public func start() throws -> Int {
        // No SO_REUSEADDR: a second daemon on the same port must fail, not share its datagrams.
        let bootstrap = DatagramBootstrap(group: group)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramReader { [self] bytes, source in
                        perform(agent.receive(bytes, from: source, nowMs: Self.nowMs))
                    })
                }
            }
        do {
            channel = try bootstrap.bind(host: settings.listen.host, port: settings.listen.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw SIPTransportError("cannot listen for SIP on \(settings.listen): \(error)")
        }
        ticker = loop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { [self] _ in
            let now = Self.nowMs
            perform(agent.tick(nowMs: now))
            for call in calls.values { call.reportIfDue(nowMs: now) }
        }
        return channel?.localAddress?.port ?? settings.listen.port
    }

    /// Calls in progress.
    public var callCount: Int { (try? loop.submit { [self] in calls.count }.wait()) ?? 0 }

    /// Refuses new calls (503, and 503 to OPTIONS health checks) from now on; the calls in
    /// progress go on.
    public func drain() {
        _ = try? loop.submit { [self] in agent.draining = true }.wait()
    }

    /// Closes the sockets (calls still up are not hung up first: end them before).
    public func stop() {
        let closing = try? loop.submit { [self] () -> [Channel] in
            ticker?.cancel()
            let open = calls.values.flatMap { $0.end(.hungUp) } + [channel].compactMap { $0 }
            calls.removeAll()
            return open
        }.wait()
        for channel in closing ?? [] { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
    }

    private func hangUp(_ callID: String) {
        loop.execute { [self] in perform(agent.hangUp(callID, nowMs: Self.nowMs)) }
    }

    private func transfer(_ callID: String, to target: String) {
        loop.execute { [self] in perform(agent.transfer(callID, to: target, nowMs: Self.nowMs)) }
    }

    private func perform(_ actions: [SIPUserAgent.Action]) {
        for action in actions {
            switch action {
            case .send(let bytes, let to):
                guard let channel, let address = try? SocketAddress(ipAddress: to.host, port: to.port) else {
                    onLog("cannot send to \(to)")
                    continue
                }
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: bytes)), promise: nil)
            case .incoming(let incoming):
                openMedia(for: incoming)
            case .answered(let callID):
                if let call = calls[callID] { onCall(call) }
            case .transferred(let callID, let accepted, let code):
                calls[callID]?.transferDone(accepted: accepted, code: code)
            case .connected:
                break
            case .mediaChanged(let callID, let offer):
                calls[callID]?.update(offer)
            case .key(let callID, let key):
                calls[callID]?.key(key)
            case .ended(let callID, let reason):
                for media in calls.removeValue(forKey: callID)?.end(reason) ?? [] { media.close(promise: nil) }
            case .refused(let text):
                onLog(text)
            }
        }
    }

    /// Binds the call's RTP and RTCP sockets next to the SIP one; answers the call once
    /// they are open.
    private func openMedia(for incoming: SIPUserAgent.IncomingCall) {
        let call = SIPCall(incoming, nowMs: Self.nowMs, hangUp: { [weak self] in self?.hangUp($0) },
                           transfer: { [weak self] in self?.transfer($0, to: $1) })
        bindMedia(for: call, attemptsLeft: settings.rtpPorts == nil ? 1 : 32).whenComplete { [self] result in
            switch result {
            case .success(let (media, control)):
                guard agent.hasCall(incoming.callID) else {   // cancelled while the sockets opened
                    media.close(promise: nil)
                    control.close(promise: nil)
                    return
                }
                call.attach(media, rtcp: control)
                calls[incoming.callID] = call
                perform(agent.accept(incoming.callID, mediaPort: media.localAddress?.port ?? 0,
                                     rtcpPort: control.localAddress?.port, nowMs: Self.nowMs))
            case .failure(let error):
                onLog("call \(incoming.callID): cannot open its RTP sockets: \(error)")
                perform(agent.reject(incoming.callID, code: 503, reason: "Service Unavailable", nowMs: Self.nowMs))
            }
        }
    }

    /// The call's RTP and RTCP sockets: on ports the system picks, or on the next free even
    /// port of `rtpPorts` and the one after it (trying further pairs while ports are taken).
    private func bindMedia(for call: SIPCall, attemptsLeft: Int) -> EventLoopFuture<(Channel, Channel)> {
        var rtpPort = 0
        if let range = settings.rtpPorts {
            let first = range.lowerBound + range.lowerBound % 2   // RTP even, RTCP the odd port after it
            let pairs = max(1, (range.upperBound - first + 1) / 2)
            let index = nextPortPair ?? Int.random(in: 0..<pairs)
            nextPortPair = (index + 1) % pairs
            rtpPort = first + 2 * index
        }
        let rtp = bindUDP(port: rtpPort) { bytes, source in call.received(bytes, from: source, nowMs: Self.nowMs) }
        let rtcp = bindUDP(port: rtpPort == 0 ? 0 : rtpPort + 1) { bytes, source in call.receivedRTCP(bytes, from: source, nowMs: Self.nowMs) }
        return rtp.and(rtcp).flatMapError { [self] error in
            for channel in [rtp, rtcp] { channel.whenSuccess { $0.close(promise: nil) } }   // one of the pair may have opened
            return attemptsLeft > 1 ? bindMedia(for: call, attemptsLeft: attemptsLeft - 1) : loop.makeFailedFuture(error)
        }
    }

    /// A UDP socket on the listen address and `port` (0: the system picks), handing datagrams to `read`.
    private func bindUDP(port: Int, _ read: @escaping @Sendable ([UInt8], SIPEndpoint) -> Void) -> EventLoopFuture<Channel> {
        DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramReader(read))
                }
            }
            .bind(host: settings.listen.host, port: port)
    }
}

/// A SIP line's socket could not be opened.
public struct SIPTransportError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Hands each datagram's bytes and sender to `read`.
private final class DatagramReader: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    private let read: ([UInt8], SIPEndpoint) -> Void

    init(_ read: @escaping ([UInt8], SIPEndpoint) -> Void) { self.read = read }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let host = envelope.remoteAddress.ipAddress, let port = envelope.remoteAddress.port else { return }
        var buffer = envelope.data
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        read(bytes, SIPEndpoint(host: host, port: port))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {}   // an ICMP unreachable: nothing to do
}
