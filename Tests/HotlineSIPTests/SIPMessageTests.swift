import Foundation
import HotlineSIP
import Testing

/// Reading and writing SIP messages, SDP offers and answers.
@Suite struct SIPMessageTests {
    @Test func readsAnInviteWithCompactFoldedHeadersAndABody() throws {
        let text = "INVITE sip:5000@127.0.0.1:5080 SIP/2.0\r\n"
            + "v: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1;rport\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-0, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-00\r\n"
            + "f: \"Alice\" <sip:5551234@127.0.0.1:5061>;tag=abc\r\n"
            + "t: <sip:5000@127.0.0.1:5080>\r\n"
            + "i: call-1@host\r\n"
            + "CSeq: 1 INVITE\r\n"
            + "Subject: a long\r\n  folded subject\r\n"
            + "l: 4\r\n\r\nv=0\r\nextra"
        let message = try SIPMessage.parse(Array(text.utf8))
        #expect(message.method == "INVITE" && message.requestURI == "sip:5000@127.0.0.1:5080")
        #expect(message.headerValues("Via").count == 3 && message.branch == "z9hG4bK-1")
        #expect(message.fromTag == "abc" && message.toTag == nil && message.callID == "call-1@host")
        #expect(message.cseq?.number == 1 && message.cseq?.method == "INVITE")
        #expect(message.header("subject") == "a long folded subject")
        #expect(message.body == Array("v=0\r".utf8))
        #expect(SIPMessage.user(of: SIPMessage.uri(in: message.header("From")!)) == "5551234")
        // Written back and read again: the same message.
        #expect(try SIPMessage.parse(message.bytes) == message)
    }

    @Test(arguments: [
        ("", "no blank line after the headers"),
        ("INVITE sip:a@b SIP/2.0\r\nVia: x\r\n\r\n", "missing From"),
        ("INVITE sip:a@b SIP/2.0\r\nVia: x\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 BYE\r\n\r\n", "CSeq method BYE is not INVITE"),
        ("INVITE sip:a@b SIP/2.0\r\nVia: x\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 50\r\n\r\nv=0", "the body is shorter than its Content-Length 50"),
        ("HELLO\r\n\r\n", "bad request line: HELLO"),
        ("SIP/2.0 99 Odd\r\n\r\n", "bad status line: SIP/2.0 99 Odd"),
        ("INVITE sip:a@b SIP/2.0\r\nno colon here\r\n\r\n", "header line without ':': no colon here"),
    ])
    func refusesBrokenMessagesSayingWhy(text: String, why: String) {
        #expect(throws: SIPParseError(why)) { try SIPMessage.parse(Array(text.utf8)) }
    }

    static let offer = """
        v=0
        o=user1 53655765 2353687637 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 6000 RTP/AVP 8 0 101
        a=rtpmap:8 PCMA/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=sendrecv
        """

    @Test func takesTheCallersFirstCodecWeSpeakAndItsTelephoneEvents() throws {
        let offer = try SDPOffer.parse(Array(Self.offer.utf8))
        #expect(offer.address == "127.0.0.1" && offer.port == 6000 && !offer.isHold)
        #expect(offer.codec(among: [.pcmu, .pcma]) == .pcma)
        #expect(offer.codec(among: [.pcmu]) == .pcmu)
        #expect(offer.telephoneEventType == 101)
        let held = try SDPOffer.parse(Array(Self.offer.replacingOccurrences(of: "sendrecv", with: "sendonly").utf8))
        #expect(held.isHold)
        let answer = String(decoding: sdpAnswer(address: "127.0.0.1", port: 7000, codec: .pcma, telephoneEvent: 101,
                                                direction: "sendrecv", sessionID: 1, version: 1), as: UTF8.self)
        #expect(answer.contains("m=audio 7000 RTP/AVP 8 101\r\n") && answer.contains("a=rtpmap:101 telephone-event/8000"))
        #expect(answer.contains("c=IN IP4 127.0.0.1") && answer.contains("a=ptime:20"))
    }

    @Test func refusesAnOfferWithoutAudioOrAddress() {
        #expect(throws: SIPParseError("the SDP has no audio stream over RTP/AVP")) {
            try SDPOffer.parse(Array("v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 5000 RTP/AVP 96\r\n".utf8))
        }
        #expect(throws: SIPParseError("the SDP has no connection address (c=)")) {
            try SDPOffer.parse(Array("v=0\r\nm=audio 5000 RTP/AVP 0\r\n".utf8))
        }
    }

    /// RFC 2617 section 3.5's example (method GET): the response a client computes for it passes.
    @Test func digestCredentialsPassOnlyForAnIssuedNonceAndTheRightPassword() {
        var authenticator = DigestAuthenticator(realm: "testrealm@host.com", users: ["Mufasa": "Circle Of Life"])
        let header = "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
            + "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\""
        let request = SIPMessage(.request(method: "GET", uri: "/dir/index.html"), headers: [("Authorization", header)])
        let unissued = authenticator.accepts(request, nowMs: 0)
        #expect(!unissued)   // a nonce we never issued
        let challenge = authenticator.challenge(nowMs: 0, token: "dcd98b7102dd2f0e8b11d0f600bfb0c093")
        #expect(challenge.contains("realm=\"testrealm@host.com\"") && challenge.contains("qop=\"auth\""))
        let answered = authenticator.accepts(request, nowMs: 1000)
        #expect(answered)
        let wrong = SIPMessage(.request(method: "GET", uri: "/dir/index.html"),
                               headers: [("Authorization", header.replacingOccurrences(of: "6629fae4", with: "6629fae5"))])
        let wrongResponse = authenticator.accepts(wrong, nowMs: 1000), expired = authenticator.accepts(request, nowMs: 400_000)
        #expect(!wrongResponse && !expired)   // a wrong response; the nonce expired
    }

    @Test func allowsPeersByNetwork() throws {
        let networks = ["10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8"].compactMap(IPNetwork.init)
        #expect(networks.count == 4 && IPNetwork("10.0.0.0/33") == nil && IPNetwork("example.com") == nil)
        #expect(networks[0].contains("10.200.3.4") && !networks[0].contains("11.0.0.1"))
        #expect(networks[1].contains("192.168.1.7") && !networks[1].contains("192.168.1.8"))
        #expect(networks[2].contains("::1") && networks[3].contains("fd12:3456::1") && !networks[3].contains("fe80::1"))
        #expect(networks[0].contains("::ffff:10.1.2.3"))
        #expect(SIPEndpoint("[::1]:5080") == SIPEndpoint(host: "::1", port: 5080))
        #expect(SIPEndpoint.of(uri: "sip:bob@10.0.0.2:5062;transport=udp") == SIPEndpoint(host: "10.0.0.2", port: 5062))
        #expect(SIPEndpoint.of(uri: "sip:bob@pbx.example.com") == nil)
    }
}
