/// How a SIP line answers: where it listens, whom it answers, what it speaks, its limits
/// and its timers.
public struct SIPSettings: Sendable, Equatable {
    /// Address and port of the SIP socket (UDP).
    public var listen: SIPEndpoint
    /// The address Contact headers and SDP name (where peers send requests and RTP); nil:
    /// the listen address, or the address a request was sent to when listening on all.
    public var advertisedHost: String?
    /// Networks requests are accepted from; anything else is dropped unanswered.
    public var allowedPeers: [IPNetwork] = [IPNetwork("127.0.0.0/8")!, IPNetwork("::1")!]
    /// Codecs in our order of preference (the caller's order wins among them).
    public var codecs: [RTPAudioCodec] = [.pcmu, .pcma]
    /// UDP ports calls' media may use (RTP on an even port, RTCP on the next), for a
    /// firewall that opens only these; nil: ports the system picks.
    public var rtpPorts: ClosedRange<Int>?
    /// Calls at once on this line; one more is answered 486 Busy Here.
    public var maxCalls = 20
    /// Longer datagrams are dropped.
    public var maxMessageBytes = 8192
    /// Requests a second from one peer address; more are dropped.
    public var requestsPerSecond = 100
    /// Ringing before the answer (180 Ringing, then 200 OK), ms.
    public var answerAfterMs = 0
    /// A call whose caller sends no RTP this long (and is not on hold) ends, seconds.
    public var mediaTimeoutSeconds = 20
    /// Users (name -> password) whose INVITEs are taken, by digest authentication in
    /// `realm`; empty: no authentication (the allowed peers are trusted).
    public var users: [String: String] = [:]
    /// The digest realm.
    public var realm = "hotline"
    /// RFC 3261 timers: the round-trip estimate T1 and the longest retransmit interval T2, ms.
    public var t1Ms = 500, t2Ms = 4000

    /// Settings listening on `listen`, the rest at defaults.
    public init(listen: SIPEndpoint) { self.listen = listen }

    /// Whether requests from `host` are answered.
    public func allows(_ host: String) -> Bool { allowedPeers.contains { $0.contains(host) } }
}
