import Foundation
import HotlineDSP
import Testing

@Suite struct CallProgressDetectorTests {
    /// A cadenced tone: `cycles` of on/off, components at `dbm0` each, plus white noise.
    static func tone(_ frequencies: [Double], onMs: Double, offMs: Double, cycles: Int, dbm0: Double = -20,
                     noiseDbm0: Double? = -45, leadMs: Double = 300) -> [Float] {
        var rng = SeededGenerator(seed: 3)
        let a = LineLevel.sineAmplitude(dbm0: dbm0)
        var out = [Float](repeating: 0, count: Int(leadMs * 8))
        var n = 0
        for _ in 0..<cycles {
            for _ in 0..<Int(onMs * 8) {
                out.append(Float(frequencies.reduce(0) { $0 + a * sin(2 * .pi * $1 * Double(n) / 8000) }))
                n += 1
            }
            out += [Float](repeating: 0, count: Int(offMs * 8))
        }
        if let noiseDbm0 {
            let rms = Float(LineLevel.sineAmplitude(dbm0: noiseDbm0) / 2.0.squareRoot())
            out = out.map { $0 + rms * gaussian(&rng) }
        }
        return out
    }

    static func detect(_ samples: [Float], plan: CallProgressPlan) -> [CallProgressEvent] {
        let detector = CallProgressDetector(plan: plan)
        var events: [CallProgressEvent] = []
        var i = 0
        while i < samples.count {
            events += detector.process(Array(samples[i..<min(i + 80, samples.count)]))
            i += 80
        }
        return events
    }

    @Test func northAmericanTonesAreNamedOnceEach() {
        let cases: [(CallProgressTone, [Float])] = [
            (.dial, Self.tone([350, 440], onMs: 3000, offMs: 0, cycles: 1)),
            (.busy, Self.tone([480, 620], onMs: 500, offMs: 500, cycles: 4)),
            (.reorder, Self.tone([480, 620], onMs: 250, offMs: 250, cycles: 6)),
            (.ringback, Self.tone([440, 480], onMs: 2000, offMs: 4000, cycles: 2)),
        ]
        for (expected, samples) in cases {
            let events = Self.detect(samples, plan: .northAmerica)
            #expect(events.map(\.tone) == [expected], "\(expected): \(events)")
        }
    }

    @Test func etsiTonesAreNamedOnceEach() {
        let cases: [(CallProgressTone, [Float])] = [
            (.dial, Self.tone([425], onMs: 2500, offMs: 0, cycles: 1)),
            (.busy, Self.tone([425], onMs: 500, offMs: 500, cycles: 4)),
            (.reorder, Self.tone([425], onMs: 250, offMs: 250, cycles: 6)),
            (.ringback, Self.tone([425], onMs: 1000, offMs: 4000, cycles: 2)),
        ]
        for (expected, samples) in cases {
            #expect(Self.detect(samples, plan: .etsi).map(\.tone) == [expected], "\(expected)")
        }
    }

    @Test func busyIsConfirmedAfterTwoCyclesAndTimed() throws {
        let samples = Self.tone([480, 620], onMs: 500, offMs: 500, cycles: 4, leadMs: 1000)
        let event = try #require(Self.detect(samples, plan: .northAmerica).first)
        #expect(abs(event.startSample - 8000) <= 160)          // first burst at 1 s
        #expect(abs(event.confirmedSample - 3 * 8000) <= 400)   // two cycles later, at 3 s
    }

    @Test func wrongCadencesAndFrequenciesAreNotNamed() {
        // 480+620 at 800/800 ms fits neither busy nor reorder; 1 kHz is in no plan.
        #expect(Self.detect(Self.tone([480, 620], onMs: 800, offMs: 800, cycles: 4), plan: .northAmerica).isEmpty)
        #expect(Self.detect(Self.tone([1000], onMs: 3000, offMs: 0, cycles: 1), plan: .etsi).isEmpty)
        // One component of a pair alone is not the pair.
        #expect(Self.detect(Self.tone([480], onMs: 500, offMs: 500, cycles: 4), plan: .northAmerica).isEmpty)
        // DTMF is not dial tone.
        let digits = (try? DTMFGenerator().sequence("123456789", toneMs: 200, gapMs: 100)) ?? []
        #expect(Self.detect(digits, plan: .northAmerica).isEmpty)
    }

    @Test func quietTonesInNoiseAreStillNamed() {
        let samples = Self.tone([480, 620], onMs: 500, offMs: 500, cycles: 4, dbm0: -30, noiseDbm0: -45)
        #expect(Self.detect(samples, plan: .northAmerica).map(\.tone) == [.busy])
    }
}
