import HotlineCore
import Testing

@Suite struct AudioBufferTests {
    @Test func durationAndCountFollowTheSampleRate() {
        let buffer = AudioBuffer(samples: [Float](repeating: 0.5, count: 12_000), sampleRate: 8000)
        #expect(buffer.frameCount == 12_000)
        #expect(buffer.durationMs == 1500)
    }

    @Test func silenceHasTheRequestedLength() {
        let silence = AudioBuffer.silence(durationMs: 20, sampleRate: 16000)
        #expect(silence.frameCount == 320)
        #expect(silence.samples.allSatisfy { $0 == 0 })
    }

    @Test func millisecondConversionsRoundTrip() {
        #expect(sampleCount(forMs: 25, sampleRate: 8000) == 200)
        #expect(sampleCount(forMs: 0.0625, sampleRate: 8000) == 1)   // half a sample rounds up
        #expect(milliseconds(forSamples: 80, sampleRate: 8000) == 10)
    }

    @Test func invalidArgumentPrintsItsMessage() {
        #expect(String(describing: InvalidArgument("rate must be positive")) == "rate must be positive")
    }
}
