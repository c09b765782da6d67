import HotlineDSP

/// One call's media over RTP, without the socket: the caller's packets in (audio to the
/// jitter buffer, RFC 4733 events to keys), the hotline's 10 ms frames out as 20 ms G.711
/// packets. RTP goes where the caller's SDP said until its first packet arrives, then
/// back to where that came from (symmetric RTP: a caller behind NAT is reached); packets
/// from elsewhere are ignored after that.
public struct RTPStream: Sendable {
    /// The negotiated codec.
    public let codec: RTPAudioCodec
    /// The caller's telephone-event payload type, if negotiated.
    public let telephoneEvent: UInt8?
    /// Where our packets go.
    public private(set) var remote: SIPEndpoint?
    /// False while the caller holds the call (their SDP said sendonly or inactive).
    public var sending = true
    /// When the caller's last packet came, ms (nil: none yet).
    public private(set) var lastPacketMs: Int?

    private var latched = false
    private var jitter = JitterBuffer()
    private var remoteSSRC: UInt32?
    private var events = TelephoneEventReceiver()
    private var keys: [TelephoneEventReceiver.Event] = []
    private let ssrc = UInt32.random(in: 1...UInt32.max)
    private var sequence = UInt16.random(in: 0...UInt16.max)
    private var timestamp = UInt32.random(in: 0...UInt32.max)
    private var outgoing: [Float] = []
    private var startedTalkspurt = false
    /// Telephone-event packets (payload, is the first of its event) waiting to replace audio packets.
    private var pendingEvents: [(payload: [UInt8], first: Bool)] = []
    private var eventTimestamp: UInt32 = 0
    private var rtcp = RTCPStatistics()
    /// Where our RTCP goes: the caller's RTCP port until their first report, then its source.
    public private(set) var rtcpRemote: SIPEndpoint?
    private var rtcpLatched = false

    /// Samples per packet we send (20 ms).
    public static let packetSamples = 160

    /// A stream sending to `remote` (the SDP's address and port).
    public init(codec: RTPAudioCodec, telephoneEvent: UInt8?, remote: SIPEndpoint?, rtcpRemote: SIPEndpoint? = nil) {
        self.codec = codec
        self.telephoneEvent = telephoneEvent
        self.remote = remote
        self.rtcpRemote = rtcpRemote
        outgoing.reserveCapacity(Self.packetSamples)
    }

    /// Packets the jitter buffer took, dropped as late, and frames it concealed.
    public var statistics: (received: Int, late: Int, concealed: Int) { (jitter.received, jitter.late, jitter.concealedFrames) }

    /// The caller's SDP changed (re-INVITE): new address, hold or unhold.
    public mutating func update(_ offer: SDPOffer) {
        sending = !offer.isHold
        if offer.address != "0.0.0.0", offer.port > 0 {
            remote = SIPEndpoint(host: offer.address, port: offer.port)
            rtcpRemote = SIPEndpoint(host: offer.address, port: offer.rtcpPort)
            latched = false
            rtcpLatched = false
        }
    }

    /// Takes one datagram from `source`.
    public mutating func receive(_ data: [UInt8], from source: SIPEndpoint, nowMs: Int) {
        guard let packet = RTPPacket(data) else { return }
        if latched, source != remote { return }
        if !latched {
            remote = source
            latched = true
        }
        lastPacketMs = nowMs
        if let remoteSSRC, remoteSSRC != packet.ssrc { jitter = JitterBuffer() }   // a new source restarts playout
        remoteSSRC = packet.ssrc
        rtcp.received(packet, nowMs: nowMs)
        if let telephoneEvent, packet.payloadType == telephoneEvent {
            keys += events.receive(packet.payload, timestamp: packet.timestamp, nowMs: nowMs)
        } else if packet.payloadType == codec.payloadType {
            let samples = G711.decode(packet.payload, law: codec.law).map { Float($0) / 32768 }
            jitter.put(timestamp: packet.timestamp, samples: samples)
        }
    }

    /// The caller's next 10 ms.
    public mutating func nextFrame() -> [Float] { jitter.next() }

    /// A key signalled outside RTP (SIP INFO): pressed and released at once.
    public mutating func injectKey(_ key: Character) {
        keys += [.began(key), .ended(key, durationSamples: 0)]
    }

    /// Keys begun and ended since the last call.
    public mutating func takeKeys() -> [TelephoneEventReceiver.Event] {
        defer { keys.removeAll(keepingCapacity: true) }
        return keys
    }

    /// Takes an RTCP datagram from the caller; our reports go back where it came from.
    public mutating func receiveRTCP(_ data: [UInt8], from source: SIPEndpoint, nowMs: Int) {
        if rtcpLatched, source != rtcpRemote { return }
        rtcpRemote = source
        rtcpLatched = true
        rtcp.receivedReport(data, nowMs: nowMs)
    }

    /// Our RTCP report now (RFC 3550: a sender report once we have sent audio).
    public mutating func rtcpReport(nowMs: Int, unixSeconds: Double) -> [UInt8] {
        rtcp.report(ssrc: ssrc, rtpTimestamp: timestamp &- UInt32(Self.packetSamples), nowMs: nowMs, unixSeconds: unixSeconds,
                    cname: "hotline@\(ssrc)")
    }

    /// RTCP reports the caller sent so far.
    public var reportsReceived: Int { rtcp.reportsReceived }

    /// Queues `keys` to go out as RFC 4733 events (each `toneMs` long, `gapMs` apart) in
    /// place of audio packets; false when the caller offered no telephone-event.
    public mutating func sendKeys(_ keys: String, toneMs: Int = 100, gapMs: Int = 100) -> Bool {
        guard telephoneEvent != nil else { return false }
        for key in keys {
            let payloads = TelephoneEventReceiver.payloads(for: key, durationMs: toneMs)
            pendingEvents += payloads.enumerated().map { ($0.element, $0.offset == 0) }
            pendingEvents += [[UInt8]](repeating: [], count: gapMs / 20).map { ($0, false) }   // audio between keys
        }
        return true
    }

    /// Time the queued key events take to go out, ms.
    public var pendingKeysMs: Int { pendingEvents.count * 20 }

    /// Adds 10 ms of hotline audio; returns a packet to send once 20 ms are ready.
    public mutating func send(_ frame: [Float]) -> [UInt8]? {
        outgoing += frame
        guard outgoing.count >= Self.packetSamples else { return nil }
        if let telephoneEvent, !pendingEvents.isEmpty, !pendingEvents[0].payload.isEmpty {
            // An event's packets share the timestamp of its start; the end packet is sent three times.
            let (payload, first) = pendingEvents.removeFirst()
            if first { eventTimestamp = timestamp }
            outgoing.removeFirst(Self.packetSamples)
            let packet = RTPPacket(payloadType: telephoneEvent, marker: first, sequence: sequence, timestamp: eventTimestamp,
                                   ssrc: ssrc, payload: payload)
            sequence &+= 1
            timestamp &+= UInt32(Self.packetSamples)   // the media clock goes on
            return sending && remote != nil ? packet.bytes : nil
        }
        if !pendingEvents.isEmpty { pendingEvents.removeFirst() }
        let samples = outgoing.prefix(Self.packetSamples).map { Int16(clamping: Int(($0 * 32767).rounded())) }
        outgoing.removeFirst(Self.packetSamples)
        let packet = RTPPacket(payloadType: codec.payloadType, marker: !startedTalkspurt, sequence: sequence, timestamp: timestamp,
                               ssrc: ssrc, payload: G711.encode(samples, law: codec.law))
        startedTalkspurt = true
        if sending, remote != nil { rtcp.sent(payloadBytes: packet.payload.count) }
        sequence &+= 1
        timestamp &+= UInt32(Self.packetSamples)
        return sending && remote != nil ? packet.bytes : nil
    }
}
