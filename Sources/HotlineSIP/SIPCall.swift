import Foundation
import NIOCore

/// One SIP call's media and state as the daemon's call thread sees it (thread-safe): the
/// caller's audio and keys in, the hotline's audio out, and whether the call is still on.
/// The transport fills it from its event loop.
public final class SIPCall: @unchecked Sendable {
    /// What the INVITE offered: Call-ID, caller and called numbers, codec.
    public let incoming: SIPUserAgent.IncomingCall
    private let lock = NSLock()
    private var stream: RTPStream
    private var reason: SIPUserAgent.EndReason?
    private var channel: Channel?, rtcpChannel: Channel?
    private var nextReportMs: Int
    private let startedMs: Int
    private let hangUpRequest: @Sendable (String) -> Void
    private let transferRequest: @Sendable (String, String) -> Void
    private var transferResult: (accepted: Bool, code: Int)?
    private let transferFinished = DispatchSemaphore(value: 0)

    init(_ incoming: SIPUserAgent.IncomingCall, nowMs: Int, hangUp: @escaping @Sendable (String) -> Void,
         transfer: @escaping @Sendable (String, String) -> Void) {
        self.incoming = incoming
        let offered = incoming.offer.port > 0   // no port yet: a late offer, answered in the ACK
        stream = RTPStream(codec: incoming.codec, telephoneEvent: incoming.telephoneEvent,
                           remote: offered ? SIPEndpoint(host: incoming.offer.address, port: incoming.offer.port) : nil,
                           rtcpRemote: offered ? SIPEndpoint(host: incoming.offer.address, port: incoming.offer.rtcpPort) : nil)
        nextReportMs = nowMs + Self.reportIntervalMs
        stream.sending = !incoming.offer.isHold
        startedMs = nowMs
        hangUpRequest = hangUp
        transferRequest = transfer
    }

    /// The caller's next 10 ms (concealment or silence where packets are missing).
    public func nextFrame() -> [Float] { lock.withLock { stream.nextFrame() } }

    /// Sends 10 ms of hotline audio (a packet goes out every second frame).
    public func send(_ frame: [Float]) {
        let (packet, remote, channel) = lock.withLock { (stream.send(frame), stream.remote, self.channel) }
        guard let packet, let remote, let channel, let address = try? SocketAddress(ipAddress: remote.host, port: remote.port) else { return }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: packet)), promise: nil)
    }

    /// Sends `keys` to the caller's side as RFC 4733 events; the time they take (ms), or nil
    /// when the call negotiated no telephone-event.
    public func sendKeys(_ keys: String) -> Int? {
        lock.withLock { stream.sendKeys(keys) ? stream.pendingKeysMs : nil }
    }

    /// Keys the caller pressed (RFC 4733 or SIP INFO) since the last call.
    public func takeKeys() -> [TelephoneEventReceiver.Event] { lock.withLock { stream.takeKeys() } }

    /// Why the call ended from the network's side (caller's BYE, CANCEL, no ACK), or nil while it is on.
    public var endReason: SIPUserAgent.EndReason? { lock.withLock { reason } }

    /// Whether the caller has sent no RTP for `timeoutMs` (counted from the answer) while not holding the call.
    public func mediaTimedOut(nowMs: Int, timeoutMs: Int) -> Bool {
        lock.withLock { stream.sending && nowMs - (stream.lastPacketMs ?? startedMs) >= timeoutMs }
    }

    /// Packets received, dropped as late, and frames concealed.
    public var statistics: (received: Int, late: Int, concealed: Int) { lock.withLock { stream.statistics } }

    /// Ends the call from the hotline's side (BYE).
    public func hangUp() { hangUpRequest(incoming.callID) }

    /// Hands the caller to `target` (a sip: or tel: URI) by REFER and waits, up to
    /// `timeoutSeconds`, for how it went: the transfer target answered, or the SIP status
    /// that refused it (408: no answer in time).
    public func transfer(to target: String, timeoutSeconds: Double = 30) -> (accepted: Bool, code: Int) {
        transferRequest(incoming.callID, target)
        guard transferFinished.wait(timeout: .now() + timeoutSeconds) == .success else { return (false, 408) }
        return lock.withLock { transferResult ?? (false, 408) }
    }

    // MARK: - From the transport

    func attach(_ channel: Channel, rtcp: Channel) {
        lock.withLock {
            self.channel = channel
            rtcpChannel = rtcp
        }
    }

    /// How often RTCP reports go out (RFC 3550's minimum interval).
    static let reportIntervalMs = 5000

    /// Sends our RTCP report when one is due.
    func reportIfDue(nowMs: Int) {
        let due = lock.withLock { () -> ([UInt8], SIPEndpoint?, Channel?)? in
            guard nowMs >= nextReportMs else { return nil }
            nextReportMs = nowMs + Self.reportIntervalMs
            return (stream.rtcpReport(nowMs: nowMs, unixSeconds: Date().timeIntervalSince1970), stream.rtcpRemote, rtcpChannel)
        }
        guard let (report, to, channel) = due, let to, let channel,
              let address = try? SocketAddress(ipAddress: to.host, port: to.port) else { return }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: report)), promise: nil)
    }

    /// RTCP reports the caller sent so far.
    public var reportsReceived: Int { lock.withLock { stream.reportsReceived } }

    func receivedRTCP(_ data: [UInt8], from source: SIPEndpoint, nowMs: Int) {
        lock.withLock { stream.receiveRTCP(data, from: source, nowMs: nowMs) }
    }

    func received(_ data: [UInt8], from source: SIPEndpoint, nowMs: Int) {
        lock.withLock { stream.receive(data, from: source, nowMs: nowMs) }
    }

    func update(_ offer: SDPOffer) { lock.withLock { stream.update(offer) } }

    func transferDone(accepted: Bool, code: Int) {
        lock.withLock { transferResult = (accepted, code) }
        transferFinished.signal()
    }

    func key(_ key: Character) {
        lock.withLock { stream.injectKey(key) }
    }

    /// The call ended from the network's side; its RTP and RTCP sockets, to be closed.
    func end(_ why: SIPUserAgent.EndReason) -> [Channel] {
        lock.withLock {
            if reason == nil { reason = why }
            defer { (channel, rtcpChannel) = (nil, nil) }
            return [channel, rtcpChannel].compactMap { $0 }
        }
    }
}
