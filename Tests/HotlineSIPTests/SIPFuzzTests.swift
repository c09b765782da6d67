import Foundation
import HotlineSIP
import HotlineTestSupport
import Testing

/// Broken SIP and RTP from the network: thousands of mutated messages never crash the
/// agent or the media stream, and a valid call is answered afterwards.
@Suite struct SIPFuzzTests {
    @Test func mutatedMessagesLeaveTheAgentAnswering() throws {
        let agent = SIPUserAgentTests.agent()
        var random = SeededRandom(2026)
        let seeds = [SIPUserAgentTests.invite(), SIPUserAgentTests.request("BYE", toTag: "x"),
                     SIPUserAgentTests.request("CANCEL", toTag: nil), SIPUserAgentTests.request("OPTIONS", toTag: nil)]
        for i in 0..<5000 {
            var datagram = Array(random.mutate(Data(seeds[random.below(seeds.count)])))
            if i % 10 == 0 { datagram = (0..<random.below(2000)).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
            _ = agent.receive(datagram, from: SIPUserAgentTests.caller, nowMs: i)
            _ = agent.tick(nowMs: i)
            _ = try? SDPOffer.parse(datagram)
        }
        // Whatever calls the junk opened are given up by their timers; a real INVITE is answered.
        _ = agent.tick(nowMs: 100_000)
        let answer = agent.receive(SIPUserAgentTests.invite(callID: "after-the-junk", branch: "z9hG4bK-new"),
                                   from: SIPUserAgentTests.caller, nowMs: 100_001)
        #expect(SIPUserAgentTests.sent(answer).map(\.statusCode) == [100, 180])
    }

    @Test func mutatedMediaIsDecodedOrIgnored() {
        var stream = RTPStream(codec: .pcmu, telephoneEvent: 101, remote: nil)
        var statistics = RTCPStatistics()
        var random = SeededRandom(7)
        let packet = RTPPacket(payloadType: 0, sequence: 1, timestamp: 160, ssrc: 5, payload: [UInt8](repeating: 0x7F, count: 160)).bytes
        let event = RTPPacket(payloadType: 101, sequence: 2, timestamp: 320, ssrc: 5, payload: [1, 0x8A, 0, 160]).bytes
        for i in 0..<5000 {
            let datagram = Array(random.mutate(Data(i % 2 == 0 ? packet : event)))
            stream.receive(datagram, from: SIPEndpoint(host: "127.0.0.1", port: 7000), nowMs: i * 20)
            statistics.receivedReport(datagram, nowMs: i)
            #expect(stream.nextFrame().count == 80)
        }
        _ = stream.takeKeys()
    }
}
