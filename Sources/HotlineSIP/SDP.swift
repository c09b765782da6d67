import HotlineDSP

/// The audio codecs Hotline speaks on RTP: G.711 at 8 kHz, 20 ms packets.
public enum RTPAudioCodec: String, Sendable, CaseIterable, Equatable {
    case pcmu = "PCMU", pcma = "PCMA"

    /// The static RTP payload type (RFC 3551).
    public var payloadType: UInt8 { self == .pcmu ? 0 : 8 }
    /// The G.711 law it uses.
    public var law: G711Law { self == .pcmu ? .muLaw : .aLaw }
}

/// What an SDP offer asks for (RFC 4566 / RFC 3264), as far as one audio stream goes.
public struct SDPOffer: Sendable, Equatable {
    /// Where the caller wants RTP sent (c= of the audio stream, or the session's).
    public var address: String
    /// The audio stream's RTP port; 0: the stream is refused or removed.
    public var port: Int
    /// Payload types offered, in the caller's order of preference.
    public var payloadTypes: [UInt8]
    /// rtpmap entries by payload type: "PCMU/8000", "telephone-event/8000".
    public var rtpmaps: [UInt8: String]
    /// a=sendrecv / sendonly / recvonly / inactive, or a c= of 0.0.0.0 (old-style hold).
    public var direction: String
    /// Where the caller takes RTCP: its a=rtcp: port (RFC 3605), else the RTP port + 1.
    public var rtcpPort: Int

    /// The caller holds the call (sendonly, inactive or a 0.0.0.0 address).
    public var isHold: Bool { direction == "sendonly" || direction == "inactive" || address == "0.0.0.0" }

    /// Reads an offer's session and first audio stream; throws when there is none.
    public static func parse(_ body: [UInt8]) throws -> SDPOffer {
        guard let text = String(validating: body, as: UTF8.self) else { throw SIPParseError("the SDP is not UTF-8") }
        var sessionAddress: String?, mediaAddress: String?, direction = "sendrecv"
        var port: Int?, payloadTypes: [UInt8] = [], rtpmaps: [UInt8: String] = [:], rtcpPort: Int?
        var inAudio = false, seenAudio = false
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmed()
            guard line.count >= 2, line.dropFirst().first == "=" else { continue }
            let value = String(line.dropFirst(2))
            switch line.first {
            case "m":
                inAudio = false
                let parts = value.split(separator: " ")
                if parts.count >= 4, parts[0] == "audio", !seenAudio, parts[2].hasPrefix("RTP/AVP") {
                    inAudio = true
                    seenAudio = true
                    port = Int(parts[1])
                    payloadTypes = parts.dropFirst(3).compactMap { UInt8($0) }
                }
            case "c":
                let parts = value.split(separator: " ")
                guard parts.count >= 3, parts[1] == "IP4" || parts[1] == "IP6" else { continue }
                let address = String(parts[2].split(separator: "/").first ?? parts[2])
                if inAudio { mediaAddress = address } else if !seenAudio { sessionAddress = address }
            case "a" where inAudio || !seenAudio:
                if value.hasPrefix("rtpmap:") {
                    let parts = value.dropFirst("rtpmap:".count).split(separator: " ", maxSplits: 1)
                    if parts.count == 2, let type = UInt8(parts[0]) { rtpmaps[type] = String(parts[1]) }
                } else if value.hasPrefix("rtcp:"), let number = Int(value.dropFirst(5).prefix { $0.isNumber }) {
                    rtcpPort = number
                } else if ["sendrecv", "sendonly", "recvonly", "inactive"].contains(value) {
                    direction = value
                }
            default: break
            }
        }
        guard let port, (0...65535).contains(port) else { throw SIPParseError("the SDP has no audio stream over RTP/AVP") }
        guard let address = mediaAddress ?? sessionAddress else { throw SIPParseError("the SDP has no connection address (c=)") }
        return SDPOffer(address: address, port: port, payloadTypes: payloadTypes, rtpmaps: rtpmaps, direction: direction,
                        rtcpPort: rtcpPort ?? port + 1)
    }

    /// The offered codec we take first, among `supported`: the caller's order wins.
    public func codec(among supported: [RTPAudioCodec]) -> RTPAudioCodec? {
        for type in payloadTypes {
            let name = rtpmaps[type]?.split(separator: "/").first.map { $0.uppercased() }
            if let codec = supported.first(where: { name == $0.rawValue || (name == nil && type == $0.payloadType) }) {
                return codec
            }
        }
        return nil
    }

    /// The payload type the caller gave telephone-event (RFC 4733) at 8 kHz, if any.
    public var telephoneEventType: UInt8? {
        payloadTypes.first { rtpmaps[$0]?.lowercased().hasPrefix("telephone-event/8000") == true }
    }
}

/// Our SDP answer: one audio stream at `address`:`port` with `codec`, telephone-event
/// when the caller offered it, 20 ms packets, RTCP at `rtcpPort` when given.
public func sdpAnswer(address: String, port: Int, rtcpPort: Int? = nil, codec: RTPAudioCodec, telephoneEvent: UInt8?, direction: String,
                      sessionID: UInt64, version: UInt64) -> [UInt8] {
    let family = address.contains(":") ? "IP6" : "IP4"
    var types = "\(codec.payloadType)"
    var lines = ["v=0", "o=hotline \(sessionID) \(version) IN \(family) \(address)", "s=Hotline", "c=IN \(family) \(address)", "t=0 0"]
    if let telephoneEvent { types += " \(telephoneEvent)" }
    lines.append("m=audio \(port) RTP/AVP \(types)")
    lines.append("a=rtpmap:\(codec.payloadType) \(codec.rawValue)/8000")
    if let telephoneEvent {
        lines.append("a=rtpmap:\(telephoneEvent) telephone-event/8000")
        lines.append("a=fmtp:\(telephoneEvent) 0-16")
    }
    lines.append("a=ptime:20")
    if let rtcpPort { lines.append("a=rtcp:\(rtcpPort)") }
    lines.append("a=\(direction)")
    return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
}
