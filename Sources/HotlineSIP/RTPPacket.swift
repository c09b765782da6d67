/// One RTP packet (RFC 3550 section 5.1): the fixed header fields Hotline uses and the
/// payload. CSRCs, a header extension and padding are skipped when reading.
public struct RTPPacket: Sendable, Equatable {
    public var payloadType: UInt8
    public var marker: Bool
    public var sequence: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var payload: [UInt8]

    public init(payloadType: UInt8, marker: Bool = false, sequence: UInt16, timestamp: UInt32, ssrc: UInt32, payload: [UInt8]) {
        self.payloadType = payloadType
        self.marker = marker
        self.sequence = sequence
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.payload = payload
    }

    /// Reads a datagram; nil when it is not RTP version 2 or is cut short. RTCP (payload
    /// types 72-76 with the marker bit, RFC 5761) is not RTP: nil too.
    public init?(_ data: [UInt8]) {
        guard data.count >= 12, data[0] >> 6 == 2 else { return nil }
        let csrcCount = Int(data[0] & 0x0F), hasExtension = data[0] & 0x10 != 0, hasPadding = data[0] & 0x20 != 0
        payloadType = data[1] & 0x7F
        marker = data[1] & 0x80 != 0
        guard !(72...76).contains(payloadType) else { return nil }
        sequence = UInt16(data[2]) << 8 | UInt16(data[3])
        timestamp = UInt32(data[4]) << 24 | UInt32(data[5]) << 16 | UInt32(data[6]) << 8 | UInt32(data[7])
        ssrc = UInt32(data[8]) << 24 | UInt32(data[9]) << 16 | UInt32(data[10]) << 8 | UInt32(data[11])
        var start = 12 + 4 * csrcCount
        if hasExtension {
            guard data.count >= start + 4 else { return nil }
            start += 4 + 4 * (Int(data[start + 2]) << 8 | Int(data[start + 3]))
        }
        var end = data.count
        if hasPadding, let padding = data.last { end -= Int(padding) }
        guard start <= end else { return nil }
        payload = Array(data[start..<end])
    }

    /// The packet on the wire.
    public var bytes: [UInt8] {
        var out: [UInt8] = [0x80, (marker ? 0x80 : 0) | payloadType & 0x7F, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        out.reserveCapacity(12 + payload.count)
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: timestamp >> UInt32(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: ssrc >> UInt32(shift))) }
        return out + payload
    }
}
