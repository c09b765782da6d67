/// The SIP user agent server of a SIP line (RFC 3261 over UDP), as a state machine fed
/// with what arrived (`receive`), the clock (`tick`) and the daemon's decisions
/// (`accept`, `reject`, `hangUp`); it answers with `Action`s for the transport to carry
/// out. It keeps the server transactions (a retransmitted request gets the same
/// answer), the dialogs (INVITE, ACK, re-INVITE, BYE both ways, CANCEL) and the timers:
/// the 200 OK to an INVITE is sent again at T1, 2T1, ... up to T2 until its ACK comes,
/// for at most 64 T1 (timer H: the call is then given up); our BYE the same way (timer F).
public final class SIPUserAgent {
    /// What the transport or the daemon does next.
    public enum Action: Sendable, Equatable {
        /// Send a datagram.
        case send([UInt8], to: SIPEndpoint)
        /// A new call: set up its media, then `accept` (or `reject`) it.
        case incoming(IncomingCall)
        /// The 200 OK went out: the call's session starts (media may flow before the ACK).
        case answered(callID: String)
        /// The caller's ACK arrived: the call is up.
        case connected(callID: String)
        /// A re-INVITE changed the caller's media (hold, unhold, a new address).
        case mediaChanged(callID: String, SDPOffer)
        /// A key sent by SIP INFO (application/dtmf-relay).
        case key(callID: String, Character)
        /// How our REFER went: the transfer target answered (`accepted`), or the peer refused
        /// the REFER or the target failed (`code`: the SIP status, 408 when nothing came).
        case transferred(callID: String, accepted: Bool, code: Int)
        /// The call is over.
        case ended(callID: String, EndReason)
        /// A request dropped or refused, for the log.
        case refused(String)
    }

    /// Why a call ended.
    public enum EndReason: String, Sendable, Equatable {
        case callerHungUp = "caller hung up", cancelled = "cancelled before the answer",
             noAck = "no ACK to the answer", hungUp = "hotline hung up"
    }

    /// A call offered by an INVITE.
    public struct IncomingCall: Sendable, Equatable {
        public var callID: String
        /// The caller's number or user (From), and the number called (Request-URI, else To).
        public var caller: String, called: String
        public var offer: SDPOffer
        public var codec: RTPAudioCodec
        /// The caller's payload type for RFC 4733 telephone-events, if offered.
        public var telephoneEvent: UInt8?
        /// Where the INVITE came from.
        public var source: SIPEndpoint
    }

    private enum Phase: Equatable { case ringing, answering, confirmed, terminating }

    /// Sends `bytes` to `to` again at growing intervals until stopped or `giveUpMs`.
    private struct Retransmission {
        var bytes: [UInt8], to: SIPEndpoint
        var nextMs: Int, intervalMs: Int, giveUpMs: Int
    }

    private struct Dialog {
        var invite: SIPMessage
        var source: SIPEndpoint
        var localTag: String
        var phase = Phase.ringing
        var answerAtMs: Int
        var mediaPort: Int?, rtcpPort: Int?
        var call: IncomingCall
        var localCSeq: UInt32 = 0
        var sdpVersion: UInt64 = 1
        var retransmission: Retransmission?
        /// Our REFER while it waits for its final response, sent again like a BYE.
        var refer: Retransmission?
        /// The REFER was accepted (202): NOTIFYs tell how the transfer goes.
        var referAccepted = false
        /// Where to send our requests: the first route's or the remote target's address.
        var routeSet: [String] = []
        var remoteTarget: String
    }

    public let settings: SIPSettings
    private var dialogs: [String: Dialog] = [:]     // by Call-ID
    /// Responses sent, by transaction (branch + method), for retransmitted requests; expire after 64 T1.
    private var responses: [String: (bytes: [UInt8], to: SIPEndpoint, expiresMs: Int)] = [:]
    private var requestCounts: [String: Int] = [:], countWindowMs = 0
    private let sessionID = UInt64.random(in: 1...UInt64(Int64.max))
    private var tokenGenerator: () -> String
    private var authenticator: DigestAuthenticator?

    /// An agent for `settings`; `token` makes tags and branches (random by default).
    public init(settings: SIPSettings, token: (() -> String)? = nil) {
        self.settings = settings
        tokenGenerator = token ?? { String(UInt64.random(in: 1...UInt64.max), radix: 16) }
        authenticator = settings.users.isEmpty ? nil : DigestAuthenticator(realm: settings.realm, users: settings.users)
    }

    /// Whether call `callID` is still known (ringing, up or hanging up).
    public func hasCall(_ callID: String) -> Bool { dialogs[callID] != nil }

    /// Whether the hotline is stopping: new calls and OPTIONS get 503 (a proxy's health
    /// check sees the node go, and its dispatcher sends callers to another) while the calls
    /// in progress end.
    public var draining = false

    /// Calls in progress (ringing, up or hanging up).
    public var callCount: Int { dialogs.values.filter { $0.phase != .terminating }.count }

    // MARK: - Input

    /// Handles one datagram from `source` at `nowMs` (a monotonic clock).
    public func receive(_ data: [UInt8], from source: SIPEndpoint, nowMs: Int) -> [Action] {
        if data.allSatisfy({ $0 == 13 || $0 == 10 }) { return [] }   // CRLF keep-alive
        if nowMs - countWindowMs >= 1000 {
            requestCounts.removeAll(keepingCapacity: true)
            countWindowMs = nowMs
        }
        guard settings.allows(source.host) else { return once("\(source): not an allowed peer; dropped") }
        guard data.count <= settings.maxMessageBytes else { return [.refused("\(source): \(data.count)-byte message over the limit; dropped")] }
        requestCounts[source.host, default: 0] += 1
        if requestCounts[source.host]! > settings.requestsPerSecond {
            return requestCounts[source.host]! == settings.requestsPerSecond + 1
                ? [.refused("\(source): over \(settings.requestsPerSecond) messages a second; dropping")] : []
        }
        let message: SIPMessage
        do { message = try SIPMessage.parse(data) } catch {
            return badRequest(data, error: "\(error)", source: source)
        }
        guard let method = message.method else { return responseArrived(message, nowMs: nowMs) }
        if let branch = message.branch, method != "ACK", let sent = responses["\(branch) \(method)"] {
            return [.send(sent.bytes, to: source)]   // a retransmission: the same answer
        }
        switch method {
        case "INVITE": return invite(message, source: source, nowMs: nowMs)
        case "ACK": return ack(message)
        case "BYE": return bye(message, source: source, nowMs: nowMs)
        case "CANCEL": return cancel(message, source: source, nowMs: nowMs)
        case "OPTIONS" where draining:
            return respond(message, 503, "Service Unavailable", source: source, nowMs: nowMs, extra: [("Retry-After", "30")])
        case "OPTIONS":
            return respond(message, 200, "OK", source: source, nowMs: nowMs,
                           extra: [("Allow", Self.allow), ("Accept", "application/sdp"), ("Supported", "")].filter { !$0.1.isEmpty })
        case "INFO": return info(message, source: source, nowMs: nowMs)
        case "NOTIFY": return notify(message, source: source, nowMs: nowMs)
        default:
            return respond(message, 405, "Method Not Allowed", source: source, nowMs: nowMs, extra: [("Allow", Self.allow)])
        }
    }

    /// Media for call `callID` is ready on `mediaPort` (RTCP on `rtcpPort`): the call is
    /// answered (now, or once its ringing time is over).
    public func accept(_ callID: String, mediaPort: Int, rtcpPort: Int? = nil, nowMs: Int) -> [Action] {
        guard dialogs[callID]?.phase == .ringing else { return [] }
        dialogs[callID]!.mediaPort = mediaPort
        dialogs[callID]!.rtcpPort = rtcpPort
        return answerDue(nowMs: nowMs)
    }

    /// Call `callID` cannot be taken (no media port, the daemon is stopping): answered `code`.
    public func reject(_ callID: String, code: Int, reason: String, nowMs: Int) -> [Action] {
        guard let dialog = dialogs[callID], dialog.phase == .ringing else { return [] }
        dialogs[callID] = nil
        return respond(dialog.invite, code, reason, source: dialog.source, nowMs: nowMs, toTag: dialog.localTag)
    }

    /// The hotline ends call `callID`: BYE once it is answered (480 while it rings).
    public func hangUp(_ callID: String, nowMs: Int) -> [Action] {
        guard var dialog = dialogs[callID] else { return [] }
        switch dialog.phase {
        case .ringing:
            return reject(callID, code: 480, reason: "Temporarily Unavailable", nowMs: nowMs)
        case .terminating:
            return []
        case .answering, .confirmed:
            dialog.localCSeq += 1
            let bye = request("BYE", in: dialog)
            let to = destination(of: dialog)
            dialog.phase = .terminating
            dialog.retransmission = Retransmission(bytes: bye.bytes, to: to, nextMs: nowMs + settings.t1Ms,
                                                   intervalMs: settings.t1Ms, giveUpMs: nowMs + 64 * settings.t1Ms)
            dialogs[callID] = dialog
            return [.send(bye.bytes, to: to)]
        }
    }

    /// Blind transfer of call `callID` to `target` (a sip: or tel: URI) by REFER (RFC 3515);
    /// `.transferred` tells how it went. Nothing is sent unless the call is up.
    public func transfer(_ callID: String, to target: String, nowMs: Int) -> [Action] {
        guard var dialog = dialogs[callID], dialog.phase == .confirmed, dialog.refer == nil else {
            return [.transferred(callID: callID, accepted: false, code: 481)]
        }
        dialog.localCSeq += 1
        var refer = request("REFER", in: dialog)
        let ours = SIPMessage.uri(in: contactHeader(for: dialog.invite))
        refer.headers += [("Refer-To", "<\(target)>"), ("Referred-By", "<\(ours)>"), ("Contact", contactHeader(for: dialog.invite))]
        let to = destination(of: dialog)
        dialog.refer = Retransmission(bytes: refer.bytes, to: to, nextMs: nowMs + settings.t1Ms, intervalMs: settings.t1Ms,
                                      giveUpMs: nowMs + 64 * settings.t1Ms)
        dialog.referAccepted = false
        dialogs[callID] = dialog
        return [.send(refer.bytes, to: to)]
    }

    /// Time passed: retransmissions, answers whose ringing is over, expired transactions.
    public func tick(nowMs: Int) -> [Action] {
        var actions = answerDue(nowMs: nowMs)
        for (callID, dialog) in dialogs {
            guard var retransmission = dialog.retransmission, nowMs >= min(retransmission.nextMs, retransmission.giveUpMs) else { continue }
            if nowMs >= retransmission.giveUpMs {
                dialogs[callID]?.retransmission = nil
                if dialog.phase == .answering {   // timer H: the caller never acknowledged; hang up
                    actions += [.ended(callID: callID, .noAck)] + hangUp(callID, nowMs: nowMs)
                } else if dialog.phase == .terminating {   // timer F: our BYE was never answered
                    dialogs[callID] = nil
                    actions.append(.ended(callID: callID, .hungUp))
                }
                continue
            }
            actions.append(.send(retransmission.bytes, to: retransmission.to))
            retransmission.intervalMs = min(retransmission.intervalMs * 2, settings.t2Ms)
            retransmission.nextMs = nowMs + retransmission.intervalMs
            dialogs[callID]?.retransmission = retransmission
        }
        for (callID, dialog) in dialogs {
            guard var refer = dialog.refer, !dialog.referAccepted, nowMs >= min(refer.nextMs, refer.giveUpMs) else { continue }
            if nowMs >= refer.giveUpMs {
                dialogs[callID]?.refer = nil
                actions.append(.transferred(callID: callID, accepted: false, code: 408))
                continue
            }
            actions.append(.send(refer.bytes, to: refer.to))
            refer.intervalMs = min(refer.intervalMs * 2, settings.t2Ms)
            refer.nextMs = nowMs + refer.intervalMs
            dialogs[callID]?.refer = refer
        }
        responses = responses.filter { $0.value.expiresMs > nowMs }
        return actions
    }

    // MARK: - Requests

    private func invite(_ message: SIPMessage, source: SIPEndpoint, nowMs: Int) -> [Action] {
        let callID = message.callID!
        if var dialog = dialogs[callID] {
            guard let toTag = message.toTag, toTag == dialog.localTag else {
                return []   // the same INVITE by another path while we ring: the first one's answer stands
            }
            // A re-INVITE: hold, unhold or new media.
            guard dialog.phase == .confirmed, dialog.retransmission == nil else {
                return respond(message, 491, "Request Pending", source: source, nowMs: nowMs)
            }
            guard let offer = try? SDPOffer.parse(message.body), offer.codec(among: [dialog.call.codec]) != nil else {
                return respond(message, 488, "Not Acceptable Here", source: source, nowMs: nowMs)
            }
            dialog.sdpVersion += 1
            dialog.invite = message
            dialog.call.offer = offer
            dialogs[callID] = dialog
            let ok = answer(dialog, to: message, source: source)
            dialogs[callID]!.retransmission = Retransmission(bytes: ok.bytes, to: source, nextMs: nowMs + settings.t1Ms,
                                                             intervalMs: settings.t1Ms, giveUpMs: nowMs + 64 * settings.t1Ms)
            return [.send(ok.bytes, to: source), .mediaChanged(callID: callID, offer)]
        }
        if message.toTag != nil { return respond(message, 481, "Call/Transaction Does Not Exist", source: source, nowMs: nowMs) }
        if authenticator != nil, !authenticator!.accepts(message, nowMs: nowMs) {
            let challenge = authenticator!.challenge(nowMs: nowMs, token: tokenGenerator() + tokenGenerator())
            return respond(message, 401, "Unauthorized", source: source, nowMs: nowMs, extra: [("WWW-Authenticate", challenge)])
                + (message.header("Authorization") == nil ? [] : [.refused("\(source): INVITE with wrong credentials; challenged again")])
        }
        guard !draining else {
            return respond(message, 503, "Service Unavailable", source: source, nowMs: nowMs, extra: [("Retry-After", "30")])
        }
        guard callCount < settings.maxCalls else { return respond(message, 486, "Busy Here", source: source, nowMs: nowMs) }
        let offer: SDPOffer, codec: RTPAudioCodec, telephoneEvent: UInt8?
        if message.body.isEmpty {
            // A late offer: ours goes in the 200 OK (our first codec and telephone-event), the
            // caller's answer comes in the ACK; no media flows before it.
            offer = SDPOffer(address: "0.0.0.0", port: 0, payloadTypes: [], rtpmaps: [:], direction: "sendrecv", rtcpPort: 0)
            (codec, telephoneEvent) = (settings.codecs[0], Self.ourTelephoneEvent)
        } else if let parsed = try? SDPOffer.parse(message.body), parsed.port > 0, let chosen = parsed.codec(among: settings.codecs) {
            (offer, codec, telephoneEvent) = (parsed, chosen, parsed.telephoneEventType)
        } else {
            return respond(message, 488, "Not Acceptable Here", source: source, nowMs: nowMs,
                           extra: [("Warning", "305 hotline \"offer " + settings.codecs.map(\.rawValue).joined(separator: " or ") + " over RTP/AVP\"")])
        }
        let requestURI = message.requestURI ?? ""
        let caller = SIPMessage.uri(in: message.header("From") ?? "")
        let called = SIPMessage.user(of: requestURI) ?? SIPMessage.user(of: SIPMessage.uri(in: message.header("To") ?? "")) ?? ""
        let call = IncomingCall(callID: callID, caller: SIPMessage.user(of: caller) ?? caller, called: called, offer: offer,
                                codec: codec, telephoneEvent: telephoneEvent, source: source)
        let contact = message.header("Contact").map(SIPMessage.uri(in:)) ?? caller
        let dialog = Dialog(invite: message, source: source, localTag: tokenGenerator(), answerAtMs: nowMs + settings.answerAfterMs,
                            call: call, routeSet: message.headerValues("Record-Route"), remoteTarget: contact)
        dialogs[callID] = dialog
        var actions = respond(message, 100, "Trying", source: source, nowMs: nowMs, cache: false)
        // Cached: the INVITE sent again while it rings gets the 180 again (then the 200 once sent).
        actions += respond(message, 180, "Ringing", source: source, nowMs: nowMs, toTag: dialog.localTag,
                           extra: [("Contact", contactHeader(for: message))])
        return actions + [.incoming(call)]
    }

    private func ack(_ message: SIPMessage) -> [Action] {
        guard let callID = message.callID, var dialog = dialogs[callID], message.toTag == dialog.localTag,
              dialog.phase == .answering || dialog.phase == .confirmed, dialog.retransmission != nil else { return [] }
        let first = dialog.phase == .answering
        dialog.retransmission = nil
        dialog.phase = .confirmed
        // The answer to a late offer (ours in the 200 OK) rides on the ACK.
        let answer = message.body.isEmpty ? nil : try? SDPOffer.parse(message.body)
        if let answer { dialog.call.offer = answer }
        dialogs[callID] = dialog
        return (first ? [.connected(callID: callID)] : []) + (answer.map { [.mediaChanged(callID: callID, $0)] } ?? [])
    }

    private func bye(_ message: SIPMessage, source: SIPEndpoint, nowMs: Int) -> [Action] {
        guard let callID = message.callID, let dialog = dialogs[callID], message.toTag == dialog.localTag else {
            return respond(message, 481, "Call/Transaction Does Not Exist", source: source, nowMs: nowMs)
        }
        dialogs[callID] = nil
        let ended: [Action] = dialog.phase == .terminating ? [] : [.ended(callID: callID, .callerHungUp)]
        return respond(message, 200, "OK", source: source, nowMs: nowMs) + ended
    }

    private func cancel(_ message: SIPMessage, source: SIPEndpoint, nowMs: Int) -> [Action] {
        guard let callID = message.callID, let dialog = dialogs[callID], dialog.invite.branch == message.branch else {
            return respond(message, 481, "Call/Transaction Does Not Exist", source: source, nowMs: nowMs)
        }
        var actions = respond(message, 200, "OK", source: source, nowMs: nowMs)
        guard dialog.phase == .ringing else { return actions }   // answered already: the CANCEL has no effect
        dialogs[callID] = nil
        actions += respond(dialog.invite, 487, "Request Terminated", source: dialog.source, nowMs: nowMs, toTag: dialog.localTag)
        return actions + [.ended(callID: callID, .cancelled)]
    }

    private func info(_ message: SIPMessage, source: SIPEndpoint, nowMs: Int) -> [Action] {
        guard let callID = message.callID, dialogs[callID] != nil else {
            return respond(message, 481, "Call/Transaction Does Not Exist", source: source, nowMs: nowMs)
        }
        var actions = respond(message, 200, "OK", source: source, nowMs: nowMs)
        if message.header("Content-Type")?.lowercased().hasPrefix("application/dtmf-relay") == true,
           let text = String(validating: message.body, as: UTF8.self),
           let line = text.split(whereSeparator: \.isNewline).first(where: { $0.lowercased().hasPrefix("signal") }),
           let key = line.split(separator: "=").last?.trimmed().uppercased().first, "0123456789*#ABCD".contains(key) {
            actions.append(.key(callID: callID, key))
        }
        return actions
    }

    private func responseArrived(_ message: SIPMessage, nowMs: Int) -> [Action] {
        guard let code = message.statusCode, code >= 200, let callID = message.callID, let dialog = dialogs[callID] else { return [] }
        switch message.cseq?.method {
        case "BYE" where dialog.phase == .terminating:
            dialogs[callID] = nil
            return [.ended(callID: callID, .hungUp)]
        case "REFER" where dialog.refer != nil && !dialog.referAccepted:
            if (200..<300).contains(code) {
                dialogs[callID]?.referAccepted = true   // the NOTIFYs tell the rest
                return []
            }
            dialogs[callID]?.refer = nil
            return [.transferred(callID: callID, accepted: false, code: code)]
        default:
            return []
        }
    }

    /// A NOTIFY of our REFER's progress (RFC 3515): its message/sipfrag body holds the
    /// transfer target's status line; a final one ends the transfer.
    private func notify(_ message: SIPMessage, source: SIPEndpoint, nowMs: Int) -> [Action] {
        guard let callID = message.callID, let dialog = dialogs[callID], dialog.refer != nil else {
            return respond(message, 481, "Subscription Does Not Exist", source: source, nowMs: nowMs)
        }
        var actions = respond(message, 200, "OK", source: source, nowMs: nowMs)
        let statusLine = String(decoding: message.body, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0] == "SIP/2.0", let code = Int(parts[1]), code >= 200 else { return actions }
        dialogs[callID]?.refer = nil
        actions.append(.transferred(callID: callID, accepted: code < 300, code: code))
        return actions
    }

    // MARK: - Messages

    private func answerDue(nowMs: Int) -> [Action] {
        var actions: [Action] = []
        for (callID, dialog) in dialogs where dialog.phase == .ringing && dialog.mediaPort != nil && nowMs >= dialog.answerAtMs {
            let ok = answer(dialog, to: dialog.invite, source: dialog.source)
            dialogs[callID]!.phase = .answering
            dialogs[callID]!.retransmission = Retransmission(bytes: ok.bytes, to: dialog.source, nextMs: nowMs + settings.t1Ms,
                                                             intervalMs: settings.t1Ms, giveUpMs: nowMs + 64 * settings.t1Ms)
            if let branch = dialog.invite.branch {
                responses["\(branch) INVITE"] = (ok.bytes, dialog.source, nowMs + 64 * settings.t1Ms)
            }
            actions += [.send(ok.bytes, to: dialog.source), .answered(callID: callID)]
        }
        return actions
    }

    /// A 200 OK with our SDP answer to `offer`'s INVITE.
    private func answer(_ dialog: Dialog, to invite: SIPMessage, source: SIPEndpoint) -> SIPMessage {
        let direction: String
        switch dialog.call.offer.direction {
        case "sendonly": direction = "recvonly"
        case "recvonly": direction = "sendonly"
        case "inactive": direction = "inactive"
        default: direction = "sendrecv"
        }
        let host = advertisedHost(for: invite)
        let body = sdpAnswer(address: host, port: dialog.mediaPort ?? 0, rtcpPort: dialog.rtcpPort, codec: dialog.call.codec,
                             telephoneEvent: dialog.call.telephoneEvent, direction: direction,
                             sessionID: sessionID, version: dialog.sdpVersion)
        var ok = response(to: invite, 200, "OK", source: source, toTag: dialog.localTag)
        for route in invite.headers where route.name.lowercased() == "record-route" { ok.headers.append(route) }
        ok.headers += [("Contact", contactHeader(for: invite)), ("Allow", Self.allow), ("Content-Type", "application/sdp")]
        ok.body = body
        return ok
    }

    private func respond(_ request: SIPMessage, _ code: Int, _ reason: String, source: SIPEndpoint, nowMs: Int,
                         toTag: String? = nil, cache: Bool = true, extra: [(String, String)] = []) -> [Action] {
        var message = response(to: request, code, reason, source: source, toTag: toTag ?? (code > 100 ? tokenGenerator() : nil))
        message.headers += extra.map { (name: $0.0, value: $0.1) }
        let bytes = message.bytes
        if cache, let branch = request.branch, let method = request.method {
            responses["\(branch) \(method)"] = (bytes, source, nowMs + 64 * settings.t1Ms)
        }
        return [.send(bytes, to: source)]
    }

    /// A response with the request's Via (the top one told where it really came from,
    /// RFC 3581), From, To (tagged), Call-ID and CSeq.
    private func response(to request: SIPMessage, _ code: Int, _ reason: String, source: SIPEndpoint, toTag: String?) -> SIPMessage {
        var message = SIPMessage(.response(code: code, reason: reason))
        var firstVia = true
        for header in request.headers where header.name.lowercased() == "via" {
            var value = header.value
            if firstVia {
                value = Self.stampVia(value, source: source)
                firstVia = false
            }
            message.headers.append(("Via", value))
        }
        var to = request.header("To") ?? ""
        if let toTag, SIPMessage.parameter("tag", in: to) == nil { to += ";tag=\(toTag)" }
        message.headers += [("From", request.header("From") ?? ""), ("To", to), ("Call-ID", request.callID ?? ""),
                            ("CSeq", request.header("CSeq") ?? ""), ("Server", "Hotline")]
        return message
    }

    /// A request of ours within `dialog` (BYE): From is our side, To the caller's.
    private func request(_ method: String, in dialog: Dialog) -> SIPMessage {
        let host = advertisedHost(for: dialog.invite)
        let via = "SIP/2.0/UDP \(SIPEndpoint(host: host, port: settings.listen.port));branch=z9hG4bK\(tokenGenerator());rport"
        var message = SIPMessage(.request(method: method, uri: dialog.remoteTarget))
        message.headers.append(("Via", via))
        message.headers.append(("Max-Forwards", "70"))
        for route in dialog.routeSet { message.headers.append(("Route", route)) }
        var from = dialog.invite.header("To") ?? ""
        if SIPMessage.parameter("tag", in: from) == nil { from += ";tag=\(dialog.localTag)" }
        message.headers += [("From", from), ("To", dialog.invite.header("From") ?? ""), ("Call-ID", dialog.call.callID),
                            ("CSeq", "\(dialog.localCSeq) \(method)"), ("User-Agent", "Hotline")]
        return message
    }

    /// Where our in-dialog requests go: the first route, else the remote target, else
    /// back where the INVITE came from.
    private func destination(of dialog: Dialog) -> SIPEndpoint {
        let next = dialog.routeSet.first.map(SIPMessage.uri(in:)) ?? dialog.remoteTarget
        return SIPEndpoint.of(uri: next) ?? dialog.source
    }

    private func contactHeader(for request: SIPMessage) -> String {
        "<sip:hotline@\(SIPEndpoint(host: advertisedHost(for: request), port: settings.listen.port))>"
    }

    /// The address peers reach us at: the configured one, the listen address, or (when
    /// listening on every address) the host the request was sent to.
    private func advertisedHost(for request: SIPMessage) -> String {
        if let host = settings.advertisedHost { return host }
        if settings.listen.host != "0.0.0.0" && settings.listen.host != "::" { return settings.listen.host }
        return request.requestURI.flatMap(SIPEndpoint.of(uri:))?.host ?? "127.0.0.1"
    }

    /// The top Via with received= and rport= filled in from where it really came from.
    static func stampVia(_ via: String, source: SIPEndpoint) -> String {
        var parts = via.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        var asksPort = false
        parts = parts.map { part in
            if part.trimmed() == "rport" { asksPort = true; return "rport=\(source.port)" }
            return part
        }
        let sentBy = parts.first?.split(separator: " ").last.map(String.init) ?? ""
        if asksPort || !sentBy.hasPrefix(source.host) { parts.append("received=\(source.host)") }
        return parts.joined(separator: ";")
    }

    /// The payload type we give telephone-event in our own offer.
    static let ourTelephoneEvent: UInt8 = 101

    private static let allow = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY"

    /// A 400 for a request too broken to parse, when its headers still say where it came from.
    private func badRequest(_ data: [UInt8], error: String, source: SIPEndpoint) -> [Action] {
        guard let text = String(validating: data.prefix(4096), as: UTF8.self), let firstLine = text.split(whereSeparator: \.isNewline).first,
              !firstLine.hasPrefix("SIP/2.0"), !firstLine.hasPrefix("ACK ") else {
            return [.refused("\(source): unreadable message (\(error)); dropped")]
        }
        var headers: [(name: String, value: String)] = []
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmed().lowercased(), value = line[line.index(after: colon)...].trimmed()
            let canonical = ["via": "Via", "v": "Via", "from": "From", "f": "From", "to": "To", "t": "To",
                             "call-id": "Call-ID", "i": "Call-ID", "cseq": "CSeq"][name]
            if let canonical { headers.append((canonical, value)) }
        }
        guard ["Via", "From", "To", "Call-ID", "CSeq"].allSatisfy({ name in headers.contains { $0.name == name } }) else {
            return [.refused("\(source): unreadable message (\(error)); dropped")]
        }
        var message = SIPMessage(.response(code: 400, reason: "Bad Request"))
        message.headers = headers.map { $0.name == "Via" && headers.first?.value == $0.value ? ("Via", Self.stampVia($0.value, source: source)) : $0 }
        message.headers.append(("Warning", "399 hotline \"\(error.filter { $0 != "\"" }.prefix(120))\""))
        return [.send(message.bytes, to: source), .refused("\(source): \(error); answered 400")]
    }

    private var refusedRecently: [String: Int] = [:]
    /// A refusal for the log, once per text per second window.
    private func once(_ text: String) -> [Action] {
        guard refusedRecently[text] != countWindowMs else { return [] }
        refusedRecently[text] = countWindowMs
        if refusedRecently.count > 1000 { refusedRecently.removeAll() }
        return [.refused(text)]
    }
}
