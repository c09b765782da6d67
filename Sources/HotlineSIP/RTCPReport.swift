/// RTCP for one call (RFC 3550 section 6): what we know of the caller's stream (loss,
/// jitter, the last sender report) kept as its packets arrive, and the sender report
/// (or receiver report, while we send nothing) we send every few seconds.
public struct RTCPStatistics: Sendable {
    private var baseSequence: UInt16?, maxSequence: UInt16 = 0, cycles: UInt32 = 0
    private var received: UInt32 = 0, expectedPrior: UInt32 = 0, receivedPrior: UInt32 = 0
    private var transit: Int64?, jitter: Double = 0
    /// The middle 32 bits of the caller's last sender report's NTP time, and when it came (ms).
    private var lastSenderReport: (ntp: UInt32, atMs: Int)?
    /// The caller's SSRC.
    public private(set) var remoteSSRC: UInt32?
    /// Our packets and payload bytes sent.
    public private(set) var packetsSent: UInt32 = 0, octetsSent: UInt32 = 0
    /// Reports the caller sent (sender or receiver reports).
    public private(set) var reportsReceived = 0

    public init() {}

    /// A packet of the caller's arrived at `nowMs` (RFC 3550 A.1 and A.8).
    public mutating func received(_ packet: RTPPacket, nowMs: Int) {
        remoteSSRC = packet.ssrc
        if baseSequence == nil {
            baseSequence = packet.sequence
            maxSequence = packet.sequence
        }
        let delta = packet.sequence &- maxSequence
        if delta < 0x8000, delta > 0 {   // in order, maybe with a gap
            if packet.sequence < maxSequence { cycles &+= 1 << 16 }
            maxSequence = packet.sequence
        }
        received &+= 1
        let arrival = Int64(nowMs) * 8   // in RTP timestamp units (8 kHz)
        let nowTransit = arrival - Int64(packet.timestamp)
        if let transit {
            let d = Double(abs(nowTransit - transit))
            jitter += (d - jitter) / 16
        }
        transit = nowTransit
    }

    /// We sent a packet carrying `payloadBytes`.
    public mutating func sent(payloadBytes: Int) {
        packetsSent &+= 1
        octetsSent &+= UInt32(payloadBytes)
    }

    /// Reads an RTCP compound packet from the caller; remembers its sender report's time.
    public mutating func receivedReport(_ data: [UInt8], nowMs: Int) {
        var offset = 0
        while offset + 8 <= data.count, data[offset] >> 6 == 2 {
            let type = data[offset + 1], words = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
            if type == 200, offset + 20 <= data.count {   // SR: NTP seconds and fraction at 8...15
                let ntp = data[(offset + 10)..<(offset + 14)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                lastSenderReport = (ntp, nowMs)
            }
            if type == 200 || type == 201 { reportsReceived += 1 }
            offset += 4 * (words + 1)
        }
    }

    /// Our report at `nowMs` (wall clock `unixSeconds` for the NTP time), as SSRC `ssrc`
    /// whose last packet had RTP timestamp `rtpTimestamp`: a sender report once we have
    /// sent, else a receiver report; one report block on the caller's stream once it has
    /// sent; then an SDES CNAME, as RFC 3550 asks of every compound packet.
    public mutating func report(ssrc: UInt32, rtpTimestamp: UInt32, nowMs: Int, unixSeconds: Double, cname: String) -> [UInt8] {
        var blocks: [UInt8] = []
        if let remoteSSRC, let baseSequence {
            let extendedMax = cycles + UInt32(maxSequence)
            let expected = extendedMax - UInt32(baseSequence) + 1
            let lost = Int64(expected) - Int64(received)
            let expectedInterval = expected &- expectedPrior, receivedInterval = received &- receivedPrior
            expectedPrior = expected
            receivedPrior = received
            let lostInterval = Int64(expectedInterval) - Int64(receivedInterval)
            let fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : UInt8(min(255, (lostInterval << 8) / Int64(expectedInterval)))
            let cumulative = UInt32(bitPattern: Int32(clamping: max(-0x80_0000, min(0x7F_FFFF, lost)))) & 0xFF_FFFF
            let delay = lastSenderReport.map { UInt32(min(Double(UInt32.max), Double(nowMs - $0.atMs) / 1000 * 65536)) } ?? 0
            blocks += Self.word(remoteSSRC) + [fraction] + Self.word(cumulative).suffix(3) + Self.word(extendedMax)
                + Self.word(UInt32(jitter)) + Self.word(lastSenderReport?.ntp ?? 0) + Self.word(delay)
        }
        let count = UInt8(blocks.isEmpty ? 0 : 1)
        var packet: [UInt8]
        if packetsSent > 0 {
            let ntpSeconds = unixSeconds + 2_208_988_800   // NTP counts from 1900
            let whole = UInt32(truncatingIfNeeded: Int64(ntpSeconds)), fraction = UInt32((ntpSeconds - Double(Int64(ntpSeconds))) * 4_294_967_296)
            let body = Self.word(ssrc) + Self.word(whole) + Self.word(fraction) + Self.word(rtpTimestamp)
                + Self.word(packetsSent) + Self.word(octetsSent) + blocks
            packet = [0x80 | count, 200] + Self.length(body) + body
        } else {
            let body = Self.word(ssrc) + blocks
            packet = [0x80 | count, 201] + Self.length(body) + body
        }
        // SDES with one chunk: our SSRC, CNAME, end, padded to a 32-bit boundary.
        var chunk = Self.word(ssrc) + [1, UInt8(min(cname.utf8.count, 255))] + Array(cname.utf8.prefix(255)) + [0]
        chunk += [UInt8](repeating: 0, count: (4 - chunk.count % 4) % 4)
        packet += [0x81, 202] + Self.length(chunk) + chunk
        return packet
    }

    private static func word(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// The length field: the packet's 32-bit words minus one (the 4-byte header counts).
    private static func length(_ body: [UInt8]) -> [UInt8] {
        let words = body.count / 4
        return [UInt8(words >> 8), UInt8(words & 0xFF)]
    }
}
