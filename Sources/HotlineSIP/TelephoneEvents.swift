/// DTMF keys from RFC 4733 telephone-event packets. One key press is one event, sent
/// as several packets sharing its RTP timestamp (its duration growing, the last ones
/// with the end bit, usually three times): the key is reported once, on its first
/// packet, and its release once, on its first end packet.
public struct TelephoneEventReceiver: Sendable {
    /// What one packet told.
    public enum Event: Sendable, Equatable {
        case began(Character)
        case ended(Character, durationSamples: Int)
    }

    private var current: (timestamp: UInt32, key: Character, ended: Bool, endedAtMs: Int)?
    /// A packet of an event that ended this long ago is a new press reusing its timestamp
    /// (a sender replaying a capture), not a late one of the old press, ms.
    static let newPressAfterMs = 100

    public init() {}

    /// The keys RFC 4733 codes 0-15 stand for.
    static let keys: [Character] = Array("0123456789*#ABCD")

    /// Reads one telephone-event payload that arrived at `nowMs`; what began or ended with it.
    public mutating func receive(_ payload: [UInt8], timestamp: UInt32, nowMs: Int) -> [Event] {
        guard payload.count >= 4, Int(payload[0]) < Self.keys.count else { return [] }
        let key = Self.keys[Int(payload[0])], ended = payload[1] & 0x80 != 0
        let duration = Int(payload[2]) << 8 | Int(payload[3])
        var events: [Event] = []
        let replayed = current.map { $0.timestamp == timestamp && $0.ended && !ended && nowMs - $0.endedAtMs > Self.newPressAfterMs } ?? false
        if current?.timestamp != timestamp || replayed {
            // A new event; one whose end packets were all lost ends here.
            if let previous = current, !previous.ended { events.append(.ended(previous.key, durationSamples: 0)) }
            current = (timestamp, key, false, 0)
            events.append(.began(key))
        }
        if ended, current?.ended == false {
            current?.ended = true
            current?.endedAtMs = nowMs
            events.append(.ended(key, durationSamples: duration))
        }
        return events
    }

    /// The payloads of one key press as a sender sends them: a packet every 20 ms while
    /// it lasts, then the end packet three times (RFC 4733 section 2.5.1.4).
    public static func payloads(for key: Character, durationMs: Int) -> [[UInt8]] {
        guard let code = keys.firstIndex(of: key) else { return [] }
        let volume: UInt8 = 10
        var out: [[UInt8]] = []
        for ms in stride(from: 20, to: durationMs, by: 20) {
            let samples = ms * 8
            out.append([UInt8(code), volume, UInt8(samples >> 8), UInt8(samples & 0xFF)])
        }
        let total = min(durationMs * 8, 0xFFFF)
        for _ in 0..<3 { out.append([UInt8(code), 0x80 | volume, UInt8(total >> 8), UInt8(total & 0xFF)]) }
        return out
    }
}
