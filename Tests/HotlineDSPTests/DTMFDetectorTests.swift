import Foundation
import HotlineDSP
import Testing

/// ITU-T Q.24 reception points, with generated tones.
@Suite struct DTMFDetectorTests {
    static func digits(in samples: [Float], chunk: Int = 80) -> [DTMFDigit] {
        let detector = DTMFDetector()
        var events: [DTMFEvent] = []
        var i = 0
        while i < samples.count {
            events += detector.process(Array(samples[i..<min(i + chunk, samples.count)]))
            i += chunk
        }
        events += detector.finish()
        return events.compactMap { if case .ended(let d) = $0 { return d } else { return nil } }
    }

    static func padded(_ tone: [Float], ms: Double = 100) -> [Float] {
        let pad = [Float](repeating: 0, count: Int(ms * 8))
        return pad + tone + pad
    }

    static func keys(_ samples: [Float]) -> String { String(digits(in: samples).map(\.key)) }

    @Test(arguments: [-0.015, 0, 0.015])
    func everyKeyWithinOnePointFivePercentIsHeardOnce(error: Double) throws {
        for key in DTMF.allKeys {
            for (low, high) in [(error, error), (error, -error), (0, error), (error, 0)] {
                var generator = DTMFGenerator()
                generator.lowFrequencyError = low
                generator.highFrequencyError = high
                let heard = Self.keys(Self.padded(try generator.tone(key, durationMs: 60)))
                #expect(heard == String(key), "\(key) at \(low), \(high): heard '\(heard)'")
            }
        }
    }

    @Test(arguments: [-0.035, 0.035, -0.05, 0.05])
    func tonesOffByMoreThanThreePointFivePercentAreRejected(error: Double) throws {
        for key in DTMF.allKeys {
            for (low, high) in [(error, 0.0), (0.0, error), (error, error)] {
                var generator = DTMFGenerator()
                generator.lowFrequencyError = low
                generator.highFrequencyError = high
                let heard = Self.keys(Self.padded(try generator.tone(key, durationMs: 100)))
                #expect(heard.isEmpty, "\(key) at \(low), \(high): heard '\(heard)'")
            }
        }
    }

    @Test func fortyMillisecondsIsAcceptedAndTwentyThreeRejected() throws {
        let generator = DTMFGenerator()
        for key in DTMF.allKeys {
            // Try every alignment of the tone against the 10 ms analysis grid.
            for offset in stride(from: 0, to: 80, by: 16) {
                let lead = [Float](repeating: 0, count: 400 + offset)
                let long = lead + (try generator.tone(key, durationMs: 40)) + lead
                let short = lead + (try generator.tone(key, durationMs: 23)) + lead
                #expect(Self.keys(long) == String(key), "40 ms \(key) offset \(offset)")
                #expect(Self.keys(short).isEmpty, "23 ms \(key) offset \(offset)")
            }
        }
    }

    @Test func dropOutsOfTenMillisecondsAreBridgedAndPausesSeparate() throws {
        let generator = DTMFGenerator()
        for offset in stride(from: 0, to: 80, by: 20) {
            let tone = try generator.tone("5", durationMs: 100)
            let lead = [Float](repeating: 0, count: 400 + offset)
            let dropOut = [Float](repeating: 0, count: 80)
            #expect(Self.keys(lead + tone + dropOut + tone + lead) == "5", "10 ms gap, offset \(offset)")
            let pause = [Float](repeating: 0, count: 8 * 40)
            #expect(Self.keys(lead + tone + pause + tone + lead) == "55", "40 ms pause, offset \(offset)")
        }
    }

    @Test(arguments: [-8.0, 4.0])
    func twistWithinQ24IsAccepted(twistDb: Double) throws {
        var generator = DTMFGenerator()
        generator.twistDb = twistDb
        generator.lowFrequencyError = 0.015
        generator.highFrequencyError = -0.015
        for key in DTMF.allKeys {
            #expect(Self.keys(Self.padded(try generator.tone(key, durationMs: 60))) == String(key), "\(key) twist \(twistDb)")
        }
    }

    @Test func quietTonesInWhiteNoiseAreHeard() throws {
        // -25 dBm0 per tone, white noise 15 dB below the two tones together.
        var generator = DTMFGenerator()
        generator.lowLevelDbm0 = -25
        let toneAmplitude = LineLevel.sineAmplitude(dbm0: -25)
        let noiseRms = Float((toneAmplitude * toneAmplitude) / pow(10, 1.5)).squareRoot()   // signal power A^2/2 * 2
        var rng = SeededGenerator(seed: 42)
        for key in DTMF.allKeys {
            let clean = Self.padded(try generator.tone(key, durationMs: 60))
            let noisy = clean.map { $0 + noiseRms * gaussian(&rng) }
            #expect(Self.keys(noisy) == String(key), "\(key) at -25 dBm0, 15 dB SNR")
        }
        // Noise alone at that level is silence to the detector.
        let noise = (0..<8000).map { _ in noiseRms * gaussian(&rng) }
        #expect(Self.keys(noise).isEmpty)
    }

    @Test func aDialledSequenceComesOutInOrderWithTimes() throws {
        let sequence = try DTMFGenerator().sequence("0123456789*#ABCD", toneMs: 50, gapMs: 50)
        let digits = Self.digits(in: sequence, chunk: 37)
        #expect(String(digits.map(\.key)) == "0123456789*#ABCD")
        for (i, digit) in digits.enumerated() {
            // Tone i occupies samples [800 i, 800 i + 400); windows reach 20 ms around it.
            #expect(abs(digit.startSample - 800 * i) <= 160 && abs(digit.endSample - (800 * i + 400)) <= 160)
        }
    }

    @Test func goertzelSIMDMatchesScalar() {
        let bank = GoertzelBank(frequencies: (0..<21).map { 300 + 150 * Double($0) }, sampleRate: 8000)
        var rng = SeededGenerator(seed: 1)
        let x = (0..<160).map { _ in Float.random(in: -1...1, using: &rng) }
        var a = [Float](repeating: 0, count: 21), b = a
        bank.powersScalar(x, count: 160, into: &a)
        bank.powers(x, count: 160, into: &b)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-3 * max(1, $0) })
    }
}

/// Standard normal sample (Box-Muller).
func gaussian(_ rng: inout SeededGenerator) -> Float {
    let u1 = max(Double.random(in: 0..<1, using: &rng), 1e-12), u2 = Double.random(in: 0..<1, using: &rng)
    return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
}
