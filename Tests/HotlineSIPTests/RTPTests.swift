import HotlineSIP
import Testing

/// RTP packets, the jitter buffer, RFC 4733 keys and a call's media stream.
@Suite struct RTPTests {
    @Test func packetsRoundTripAndSkipCSRCsExtensionsAndPadding() throws {
        let packet = RTPPacket(payloadType: 0, marker: true, sequence: 65535, timestamp: 0xDEADBEEF, ssrc: 42, payload: [1, 2, 3])
        #expect(RTPPacket(packet.bytes) == packet)
        // One CSRC, a one-word extension and two bytes of padding around the same payload.
        var wire = packet.bytes
        wire[0] = 0x80 | 0x20 | 0x10 | 0x01
        wire.insert(contentsOf: [0, 0, 0, 7] + [0xBE, 0xDE, 0, 1, 9, 9, 9, 9], at: 12)
        wire += [0, 2]
        #expect(RTPPacket(wire)?.payload == [1, 2, 3])
        #expect(RTPPacket([0x40, 0, 0]) == nil)                       // not version 2, too short
        #expect(RTPPacket([0x80, 0xC8] + [UInt8](repeating: 0, count: 10)) == nil)   // RTCP sender report
    }

    static func frame(_ value: Float, count: Int = 160) -> [Float] { [Float](repeating: value, count: count) }

    @Test func playsReorderedPacketsInOrderOnceAndDropsLateOnes() {
        var buffer = JitterBuffer(delayMs: 40)
        buffer.put(timestamp: 1000, samples: Self.frame(0.1))
        buffer.put(timestamp: 1320, samples: Self.frame(0.3))   // arrives before the one it follows
        buffer.put(timestamp: 1160, samples: Self.frame(0.2))
        buffer.put(timestamp: 1160, samples: Self.frame(0.9))   // a duplicate: the same place
        var played: [Float] = []
        for _ in 0..<10 { played.append(buffer.next()[0]) }
        // 40 ms of delay (4 frames of silence), then 20 ms of each packet.
        #expect(played == [0, 0, 0, 0, 0.1, 0.1, 0.9, 0.9, 0.3, 0.3])
        buffer.put(timestamp: 1000, samples: Self.frame(0.5))   // long past: dropped
        #expect(buffer.late == 1)
    }

    @Test func concealsALostPacketFadingThenFallsSilent() {
        var buffer = JitterBuffer(delayMs: 0)
        buffer.put(timestamp: 0, samples: Self.frame(0.8, count: 80))
        #expect(buffer.next()[0] == 0.8)
        let concealed = (0..<5).map { _ in buffer.next()[0] }
        #expect(concealed[0] == 0.8 * 0.75 && concealed[1] == 0.8 * 0.5 && concealed[2] == 0.8 * 0.25)
        #expect(concealed[3] == 0 && concealed[4] == 0)
    }

    @Test func skipsAheadWhenTheSenderRunsAhead() {
        var buffer = JitterBuffer(delayMs: 40, maxAheadMs: 100)
        for i in 0..<20 { buffer.put(timestamp: UInt32(i * 160), samples: Self.frame(Float(i) / 100)) }
        // 400 ms arrived at once: playout jumps to 40 ms behind the newest.
        #expect(buffer.skippedSamples > 0)
        #expect(buffer.next()[0] == Float(16) / 100)   // the packet 40 ms behind the newest skip point
    }

    @Test func reportsEachKeyOnceThoughItsPacketsRepeat() {
        var receiver = TelephoneEventReceiver()
        var events: [TelephoneEventReceiver.Event] = []
        for (i, payload) in TelephoneEventReceiver.payloads(for: "5", durationMs: 100).enumerated() {
            events += receiver.receive(payload, timestamp: 800, nowMs: i * 20)
        }
        for payload in TelephoneEventReceiver.payloads(for: "#", durationMs: 60).suffix(3) {   // its first packets lost
            events += receiver.receive(payload, timestamp: 2400, nowMs: 500)
        }
        // The same press again, timestamp and all (a sender replaying a capture), a second later: a new press.
        for payload in TelephoneEventReceiver.payloads(for: "#", durationMs: 60) {
            events += receiver.receive(payload, timestamp: 2400, nowMs: 1500)
        }
        #expect(events == [.began("5"), .ended("5", durationSamples: 800), .began("#"), .ended("#", durationSamples: 480),
                           .began("#"), .ended("#", durationSamples: 480)])
    }

    @Test func keysSentAsTelephoneEventsAreReadBackOnce() {
        let peer = SIPEndpoint(host: "127.0.0.1", port: 6000)
        var hotline = RTPStream(codec: .pcmu, telephoneEvent: 101, remote: peer)
        var caller = RTPStream(codec: .pcmu, telephoneEvent: 101, remote: peer)
        let queued = hotline.sendKeys("1#")
        #expect(queued && hotline.pendingKeysMs == 2 * (7 * 20 + 100))   // 7 packets a key, 100 ms apart
        var events: [RTPPacket] = []
        for frame in 0..<60 {   // 600 ms of silence to carry them
            if let bytes = hotline.send(Self.frame(0, count: 80)), let packet = RTPPacket(bytes) {
                caller.receive(bytes, from: peer, nowMs: frame * 10)
                if packet.payloadType == 101 { events.append(packet) }
            }
        }
        #expect(caller.takeKeys() == [.began("1"), .ended("1", durationSamples: 800), .began("#"), .ended("#", durationSamples: 800)])
        // Each key: 4 packets while it sounds, then its end packet three times, all at the timestamp it began.
        #expect(events.count == 14 && events.filter(\.marker).count == 2)
        #expect(Set(events.prefix(7).map(\.timestamp)).count == 1 && events[0].timestamp != events[7].timestamp)
        var plain = RTPStream(codec: .pcmu, telephoneEvent: nil, remote: peer)
        let signalled = plain.sendKeys("1")
        #expect(!signalled)   // no telephone-event negotiated: the line keys tones instead
    }

    @Test func rtcpReportsLossJitterAndOurSending() throws {
        var statistics = RTCPStatistics()
        // Ten packets 20 ms apart, sequence numbers wrapping, two of them lost.
        for i in 0..<10 where i != 3 && i != 7 {
            statistics.received(RTPPacket(payloadType: 0, sequence: UInt16(truncatingIfNeeded: 65530 + i), timestamp: UInt32(i * 160),
                                          ssrc: 99, payload: []), nowMs: 1000 + i * 20)
        }
        // The caller's sender report (NTP time 0x11223344_55667788) came at 1.2 s.
        statistics.receivedReport([0x80, 200, 0, 6, 0, 0, 0, 99, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88] + [UInt8](repeating: 0, count: 12),
                                  nowMs: 1200)
        #expect(statistics.reportsReceived == 1)
        let receiverReport = statistics.report(ssrc: 7, rtpTimestamp: 0, nowMs: 1700, unixSeconds: 0, cname: "h")
        #expect(receiverReport[0] == 0x81 && receiverReport[1] == 201)             // RR, one block: we have sent nothing
        let length = 4 * (Int(receiverReport[2]) << 8 | Int(receiverReport[3]) + 1)
        let block = Array(receiverReport[8..<32])
        #expect(Array(block[0..<4]) == [0, 0, 0, 99])                             // about the caller's stream
        #expect(Int(block[4]) == 2 * 256 / 10 && Array(block[5..<8]) == [0, 0, 2])      // fraction lost 2/10, 2 lost in all
        #expect(Array(block[8..<12]) == [0, 1, 0, 3])                             // highest sequence 3 after one wrap
        #expect(Array(block[16..<20]) == [0x33, 0x44, 0x55, 0x66])                // the middle of its NTP time
        #expect(Array(block[20..<24]) == [0, 0, 0x80, 0])                         // 0.5 s since it, in 1/65536 s
        #expect(receiverReport[length] == 0x81 && receiverReport[length + 1] == 202)   // then SDES (CNAME)
        statistics.sent(payloadBytes: 160)
        let senderReport = statistics.report(ssrc: 7, rtpTimestamp: 160, nowMs: 6700, unixSeconds: 1_800_000_000.5, cname: "h")
        #expect(senderReport[1] == 200 && Array(senderReport[24..<28]) == [0, 0, 0, 160])   // SR: 1 packet, 160 bytes
        #expect(senderReport[0] == 0x81 && senderReport[28] == 0)                          // fraction lost since the last report: none
    }

    @Test func streamDecodesLatchesAndPacketizes() {
        let sdpAddress = SIPEndpoint(host: "127.0.0.1", port: 6000), natted = SIPEndpoint(host: "127.0.0.1", port: 6100)
        var stream = RTPStream(codec: .pcmu, telephoneEvent: 101, remote: sdpAddress)
        // The hotline's 10 ms frames go out as one 20 ms packet per two frames.
        #expect(stream.send(Self.frame(0.25, count: 80)) == nil)
        let sent = stream.send(Self.frame(0.25, count: 80)).flatMap(RTPPacket.init)
        #expect(sent?.payload.count == 160 && sent?.payloadType == 0 && sent?.marker == true)
        // The caller's packets come from another port than the SDP said: replies follow them.
        let audio = RTPPacket(payloadType: 0, sequence: 1, timestamp: 0, ssrc: 7, payload: [UInt8](repeating: 0x9F, count: 160))
        stream.receive(audio.bytes, from: natted, nowMs: 0)
        #expect(stream.remote == natted)
        stream.receive(RTPPacket(payloadType: 0, sequence: 2, timestamp: 160, ssrc: 7, payload: [UInt8](repeating: 0, count: 160)).bytes,
                       from: SIPEndpoint(host: "10.9.9.9", port: 1), nowMs: 20)   // someone else: ignored
        let key = RTPPacket(payloadType: 101, sequence: 3, timestamp: 320, ssrc: 7, payload: [5, 0x8A, 0, 160])
        stream.receive(key.bytes, from: natted, nowMs: 40)
        #expect(stream.takeKeys() == [.began("5"), .ended("5", durationSamples: 160)])
        let heard = (0..<8).map { _ in stream.nextFrame() }
        #expect(heard[..<4].allSatisfy { $0.allSatisfy { $0 == 0 } })
        #expect(heard[4][0] > 0.01 && heard[5][0] > 0.01 && heard[6][0] < heard[5][0])   // the packet, then fading concealment
        #expect(stream.statistics.received == 1)
    }
}
