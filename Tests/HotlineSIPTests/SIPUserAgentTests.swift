import Foundation
import HotlineSIP
import Testing

/// The user agent server's transactions, dialogs and timers, fed messages as a caller
/// (sipp's uac scenario) sends them.
@Suite struct SIPUserAgentTests {
    static let caller = SIPEndpoint(host: "127.0.0.1", port: 5061)

    static func invite(callID: String = "call-1", branch: String = "z9hG4bK-1", sdp: String = SIPMessageTests.offer) -> [UInt8] {
        let body = sdp.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        return Array(("INVITE sip:5000@127.0.0.1:5080 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=\(branch);rport\r\n"
            + "From: sipp <sip:5551234@127.0.0.1:5061>;tag=caller-tag\r\n"
            + "To: <sip:5000@127.0.0.1:5080>\r\n"
            + "Call-ID: \(callID)\r\nCSeq: 1 INVITE\r\n"
            + "Contact: <sip:sipp@127.0.0.1:5061>\r\nMax-Forwards: 70\r\n"
            + "Content-Type: application/sdp\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body).utf8)
    }

    static func request(_ method: String, callID: String = "call-1", toTag: String?, cseq: Int = 2, branch: String = "z9hG4bK-2") -> [UInt8] {
        let to = "To: <sip:5000@127.0.0.1:5080>" + (toTag.map { ";tag=\($0)" } ?? "")
        let lines = ["\(method) sip:hotline@127.0.0.1:5080 SIP/2.0", "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=\(branch)",
                     "From: sipp <sip:5551234@127.0.0.1:5061>;tag=caller-tag", to, "Call-ID: \(callID)", "CSeq: \(cseq) \(method)",
                     "Content-Length: 0", "", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    static func sent(_ actions: [SIPUserAgent.Action]) -> [SIPMessage] {
        actions.compactMap { if case .send(let bytes, _) = $0 { try? SIPMessage.parse(bytes) } else { nil } }
    }

    static func agent(_ change: (inout SIPSettings) -> Void = { _ in }) -> SIPUserAgent {
        var settings = SIPSettings(listen: SIPEndpoint(host: "127.0.0.1", port: 5080))
        change(&settings)
        return SIPUserAgent(settings: settings)
    }

    /// INVITE, accept and the 200 OK's local tag.
    static func answered(_ agent: SIPUserAgent, callID: String = "call-1") throws -> String {
        _ = agent.receive(invite(callID: callID), from: caller, nowMs: 0)
        let ok = sent(agent.accept(callID, mediaPort: 7000, nowMs: 0))
        return try #require(ok.first?.toTag)
    }

    @Test func answersAnInviteWithTryingRingingThenOKCarryingOurSDP() throws {
        let agent = Self.agent()
        let actions = agent.receive(Self.invite(), from: Self.caller, nowMs: 0)
        #expect(Self.sent(actions).map(\.statusCode) == [100, 180])
        guard case .incoming(let call) = actions.last else { Issue.record("no incoming call"); return }
        #expect(call.caller == "5551234" && call.called == "5000" && call.codec == .pcma && call.telephoneEvent == 101)
        let accepted = agent.accept("call-1", mediaPort: 7000, nowMs: 5)
        #expect(accepted.last == .answered(callID: "call-1"))
        let ok = try #require(Self.sent(accepted).first)
        #expect(ok.statusCode == 200 && ok.toTag != nil && ok.toTag == Self.sent(actions)[1].toTag)
        #expect(ok.header("Via") == "SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1;rport=5061;received=127.0.0.1")   // RFC 3581
        #expect(ok.header("Contact") == "<sip:hotline@127.0.0.1:5080>")
        #expect(String(decoding: ok.body, as: UTF8.self).contains("m=audio 7000 RTP/AVP 8 101"))
    }

    @Test func sendsTheOKAgainAtGrowingIntervalsUntilTheACK() throws {
        let agent = Self.agent()
        let tag = try Self.answered(agent)
        var resent: [Int] = []
        for ms in stride(from: 0, through: 4000, by: 20) where !Self.sent(agent.tick(nowMs: ms)).isEmpty { resent.append(ms) }
        #expect(resent == [500, 1500, 3500])   // T1, then 2 T1, 4 T1 later
        #expect(agent.receive(Self.request("ACK", toTag: tag, cseq: 1), from: Self.caller, nowMs: 4000) == [.connected(callID: "call-1")])
        #expect(agent.tick(nowMs: 8000).isEmpty)
    }

    @Test func givesUpACallWhoseOKIsNeverAcknowledged() throws {
        let agent = Self.agent()
        _ = try Self.answered(agent)
        var actions: [SIPUserAgent.Action] = []
        for ms in stride(from: 0, through: 32_000, by: 100) { actions += agent.tick(nowMs: ms) }
        #expect(actions.contains(.ended(callID: "call-1", .noAck)))
        #expect(Self.sent(actions).last?.method == "BYE")
    }

    @Test func callerHangsUpWithBye() throws {
        let agent = Self.agent()
        let tag = try Self.answered(agent)
        _ = agent.receive(Self.request("ACK", toTag: tag, cseq: 1), from: Self.caller, nowMs: 100)
        let actions = agent.receive(Self.request("BYE", toTag: tag), from: Self.caller, nowMs: 200)
        #expect(Self.sent(actions).map(\.statusCode) == [200])
        #expect(actions.last == .ended(callID: "call-1", .callerHungUp))
        // The BYE again (our 200 was lost): the same 200, no second ending.
        let again = agent.receive(Self.request("BYE", toTag: tag), from: Self.caller, nowMs: 300)
        #expect(Self.sent(again).map(\.statusCode) == [200] && again.count == 1)
        #expect(Self.sent(agent.receive(Self.request("BYE", toTag: "nope", branch: "z9hG4bK-9"), from: Self.caller, nowMs: 400)).map(\.statusCode) == [481])
    }

    @Test func hotlineHangsUpWithByeSentAgainUntilAnswered() throws {
        let agent = Self.agent()
        let tag = try Self.answered(agent)
        _ = agent.receive(Self.request("ACK", toTag: tag, cseq: 1), from: Self.caller, nowMs: 100)
        let bye = try #require(Self.sent(agent.hangUp("call-1", nowMs: 1000)).first)
        #expect(bye.method == "BYE" && bye.requestURI == "sip:sipp@127.0.0.1:5061" && bye.fromTag == tag && bye.toTag == "caller-tag")
        #expect(Self.sent(agent.tick(nowMs: 1500)).first?.method == "BYE")
        var ok = SIPMessage(.response(code: 200, reason: "OK"), headers: bye.headers)
        ok.setHeader("User-Agent", nil)
        #expect(agent.receive(ok.bytes, from: Self.caller, nowMs: 1600) == [.ended(callID: "call-1", .hungUp)])
        #expect(agent.callCount == 0)
    }

    @Test func transfersByReferAndHearsHowItWentFromNotify() throws {
        let agent = Self.agent()
        let tag = try Self.answered(agent)
        _ = agent.receive(Self.request("ACK", toTag: tag, cseq: 1), from: Self.caller, nowMs: 100)
        let refer = try #require(Self.sent(agent.transfer("call-1", to: "sip:204@127.0.0.1:5061", nowMs: 1000)).first)
        #expect(refer.method == "REFER" && refer.header("Refer-To") == "<sip:204@127.0.0.1:5061>" && refer.toTag == "caller-tag")
        #expect(Self.sent(agent.tick(nowMs: 1500)).first?.method == "REFER")   // sent again until answered
        var accepted = SIPMessage(.response(code: 202, reason: "Accepted"), headers: refer.headers)
        accepted.setHeader("Refer-To", nil)
        #expect(agent.receive(accepted.bytes, from: Self.caller, nowMs: 1600).isEmpty)
        #expect(agent.tick(nowMs: 3000).isEmpty)
        var notify = try SIPMessage.parse(Self.request("NOTIFY", toTag: tag, cseq: 3, branch: "z9hG4bK-n"))
        notify.body = Array("SIP/2.0 200 OK\r\n".utf8)
        let actions = agent.receive(notify.bytes, from: Self.caller, nowMs: 4000)
        #expect(Self.sent(actions).map(\.statusCode) == [200])
        #expect(actions.last == .transferred(callID: "call-1", accepted: true, code: 200))
        // A second transfer, refused outright.
        let again = try #require(Self.sent(agent.transfer("call-1", to: "tel:+15550100", nowMs: 5000)).first)
        let declined = SIPMessage(.response(code: 603, reason: "Declined"), headers: again.headers.filter { $0.name != "Refer-To" })
        #expect(agent.receive(declined.bytes, from: Self.caller, nowMs: 5100) == [.transferred(callID: "call-1", accepted: false, code: 603)])
    }

    @Test func worksBehindAProxyThatRecordsTheRoute() throws {
        let agent = Self.agent { $0.allowedPeers = [IPNetwork("10.0.0.0/8")!] }
        let proxy = SIPEndpoint(host: "10.0.0.5", port: 5060)
        var invite = try SIPMessage.parse(Self.invite())
        invite.headers.insert(("Via", "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-proxy"), at: 0)
        invite.headers.append(("Record-Route", "<sip:10.0.0.5:5060;lr>"))
        _ = agent.receive(invite.bytes, from: proxy, nowMs: 0)
        let accepted = agent.accept("call-1", mediaPort: 7000, nowMs: 0)
        let ok = try #require(Self.sent(accepted).first)
        guard case .send(_, let to) = accepted.first else { Issue.record("nothing sent"); return }
        #expect(to == proxy && ok.headerValues("Via").count == 2 && ok.header("Record-Route") == "<sip:10.0.0.5:5060;lr>")
        _ = agent.receive(Self.request("ACK", toTag: ok.toTag, cseq: 1), from: proxy, nowMs: 10)
        let hangUp = agent.hangUp("call-1", nowMs: 100)
        let bye = try #require(Self.sent(hangUp).first)
        guard case .send(_, let byeTo) = hangUp.first else { Issue.record("no BYE"); return }
        // Through the proxy (the route set), to the caller's Contact as the Request-URI.
        #expect(byeTo == proxy && bye.header("Route") == "<sip:10.0.0.5:5060;lr>" && bye.requestURI == "sip:sipp@127.0.0.1:5061")
    }

    @Test func aLateOfferIsMadeInTheOKAndAnsweredInTheACK() throws {
        let agent = Self.agent { $0.codecs = [.pcma, .pcmu] }
        var invite = try SIPMessage.parse(Self.invite())
        invite.body = []
        let incoming = agent.receive(invite.bytes, from: Self.caller, nowMs: 0)
        guard case .incoming(let call) = incoming.last else { Issue.record("no call"); return }
        #expect(call.codec == .pcma && call.telephoneEvent == 101 && call.offer.isHold)   // no media until the answer
        let ok = try #require(Self.sent(agent.accept("call-1", mediaPort: 7000, nowMs: 0)).first)
        #expect(String(decoding: ok.body, as: UTF8.self).contains("m=audio 7000 RTP/AVP 8 101"))
        var ack = try SIPMessage.parse(Self.request("ACK", toTag: ok.toTag, cseq: 1))
        ack.body = Array(SIPMessageTests.offer.utf8)
        let actions = agent.receive(ack.bytes, from: Self.caller, nowMs: 100)
        #expect(actions.first == .connected(callID: "call-1"))
        guard case .mediaChanged(_, let answer) = actions.last else { Issue.record("no answer"); return }
        #expect(answer.port == 6000 && !answer.isHold)
    }

    @Test func cancelBeforeTheAnswerEndsTheCallWith487() {
        let agent = Self.agent { $0.answerAfterMs = 2000 }
        _ = agent.receive(Self.invite(), from: Self.caller, nowMs: 0)
        #expect(agent.accept("call-1", mediaPort: 7000, nowMs: 10).isEmpty)   // still ringing
        #expect(Self.sent(agent.receive(Self.invite(), from: Self.caller, nowMs: 400)).map(\.statusCode) == [180])   // the INVITE again
        let actions = agent.receive(Self.request("CANCEL", toTag: nil, cseq: 1, branch: "z9hG4bK-1"), from: Self.caller, nowMs: 500)
        #expect(Self.sent(actions).map(\.statusCode) == [200, 487])
        #expect(Self.sent(actions).map { $0.cseq?.method } == ["CANCEL", "INVITE"])
        #expect(actions.last == .ended(callID: "call-1", .cancelled))
        #expect(agent.tick(nowMs: 3000).isEmpty)   // nothing answers a cancelled call
    }

    @Test func refusesCallsBeyondTheLimitAndOffersWithoutOurCodecs() throws {
        let agent = Self.agent { $0.maxCalls = 1 }
        _ = try Self.answered(agent)
        #expect(Self.sent(agent.receive(Self.invite(callID: "call-2", branch: "z9hG4bK-b"), from: Self.caller, nowMs: 0)).map(\.statusCode) == [486])
        let g729 = SIPMessageTests.offer.replacingOccurrences(of: "RTP/AVP 8 0 101", with: "RTP/AVP 18")
            .replacingOccurrences(of: "a=rtpmap:8 PCMA/8000\n", with: "").replacingOccurrences(of: "a=rtpmap:0 PCMU/8000\n", with: "")
        let other = Self.agent()
        let refused = Self.sent(other.receive(Self.invite(sdp: g729), from: Self.caller, nowMs: 0))
        #expect(refused.map(\.statusCode) == [488] && refused[0].header("Warning")?.contains("PCMU or PCMA") == true)
    }

    @Test func answersOptionsAndRefusesOtherMethods() {
        let agent = Self.agent()
        let options = Self.sent(agent.receive(Self.request("OPTIONS", callID: "ka", toTag: nil), from: Self.caller, nowMs: 0))
        #expect(options.map(\.statusCode) == [200] && options[0].header("Allow")?.contains("INVITE") == true)
        #expect(Self.sent(agent.receive(Self.request("SUBSCRIBE", callID: "s", toTag: nil, branch: "z9hG4bK-s"), from: Self.caller, nowMs: 0))
            .map(\.statusCode) == [405])
    }

    @Test func aStoppingHotlineRefusesNewCallsAndHealthChecksButKeepsItsCalls() {
        let agent = Self.agent()
        let up = Self.sent(agent.receive(Self.invite(), from: Self.caller, nowMs: 0))
        #expect(up.map(\.statusCode).contains(100) && agent.callCount == 1)
        agent.draining = true
        let options = Self.sent(agent.receive(Self.request("OPTIONS", callID: "ka", toTag: nil), from: Self.caller, nowMs: 10))
        #expect(options.map(\.statusCode) == [503] && options[0].header("Retry-After") == "30")
        let second = Self.sent(agent.receive(Self.invite(callID: "call-2", branch: "z9hG4bK-2"), from: Self.caller, nowMs: 20))
        #expect(second.map(\.statusCode) == [503])
        #expect(agent.callCount == 1 && agent.hasCall("call-1"))
    }

    @Test func answersBrokenRequests400AndDropsStrangers() {
        let agent = Self.agent()
        let broken = Array("INVITE sip:5000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-x\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: one INVITE\r\n\r\n".utf8)
        let actions = agent.receive(broken, from: Self.caller, nowMs: 0)
        guard case .send(let reply, _) = actions.first else { Issue.record("no reply"); return }
        #expect(String(decoding: reply, as: UTF8.self).hasPrefix("SIP/2.0 400 Bad Request\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-x"))
        #expect(agent.receive(Array("garbage".utf8), from: Self.caller, nowMs: 0).allSatisfy { if case .refused = $0 { true } else { false } })
        let stranger = agent.receive(Self.invite(), from: SIPEndpoint(host: "203.0.113.9", port: 5060), nowMs: 0)
        #expect(Self.sent(stranger).isEmpty && agent.callCount == 0)
        #expect(Self.sent(agent.receive([UInt8](repeating: 65, count: 9000), from: Self.caller, nowMs: 0)).isEmpty)
    }

    @Test func reInviteToHoldChangesTheMediaAndIsAnsweredRecvonly() throws {
        let agent = Self.agent()
        let tag = try Self.answered(agent)
        _ = agent.receive(Self.request("ACK", toTag: tag, cseq: 1), from: Self.caller, nowMs: 100)
        var reinvite = try SIPMessage.parse(Self.invite(branch: "z9hG4bK-re"))
        reinvite.setHeader("To", "<sip:5000@127.0.0.1:5080>;tag=\(tag)")
        reinvite.setHeader("CSeq", "2 INVITE")
        reinvite.body = Array((SIPMessageTests.offer.replacingOccurrences(of: "sendrecv", with: "sendonly") + "\n").utf8)
        let actions = agent.receive(reinvite.bytes, from: Self.caller, nowMs: 1000)
        let ok = try #require(Self.sent(actions).first)
        #expect(ok.statusCode == 200 && String(decoding: ok.body, as: UTF8.self).contains("a=recvonly"))
        guard case .mediaChanged(_, let offer) = actions.last else { Issue.record("no media change"); return }
        #expect(offer.isHold)
        #expect(agent.receive(Self.request("ACK", toTag: tag, cseq: 2, branch: "z9hG4bK-ack2"), from: Self.caller, nowMs: 1100).isEmpty)
        #expect(agent.tick(nowMs: 5000).isEmpty)
    }
}
