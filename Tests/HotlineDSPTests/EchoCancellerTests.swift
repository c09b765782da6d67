import Foundation
import HotlineDSP
import Testing

/// The line echo canceller on speech-like audio: coloured noise in syllables.
@Suite struct EchoCancellerTests {
    /// `seconds` of noise through a resonance, switched on and off four times a second
    /// like syllables, at about -20 dBFS while on. Deterministic for a given `seed`.
    static func speechLike(seconds: Double, seed: UInt64) -> [Float] {
        var state = seed
        var y1: Float = 0, y2: Float = 0
        return (0..<Int(seconds * 8000)).map { n in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let white = Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
            let y = white + 1.3 * y1 - 0.6 * y2
            (y2, y1) = (y1, y)
            return (n / 2000) % 2 == 0 || n % 2000 < 1400 ? 0.05 * y : 0
        }
    }

    /// A hybrid's echo: 30 ms late, 9 dB down, smeared over a few ms.
    static func echo(of played: [Float]) -> [Float] {
        let path: [(delay: Int, gain: Float)] = [(240, 0.3), (241, -0.15), (243, 0.08), (250, -0.04)]
        return played.indices.map { n in path.reduce(0) { $0 + (n >= $1.delay ? $1.gain * played[n - $1.delay] : 0) } }
    }

    static func power(_ x: ArraySlice<Float>) -> Float { x.reduce(0) { $0 + $1 * $1 } / Float(x.count) }

    /// Runs caller frames through the canceller while `played` plays; returns the
    /// residual and, per frame, the residual echo bound.
    static func run(_ canceller: EchoCanceller, caller: [Float], played: [Float]) -> (residual: [Float], bounds: [Float]) {
        var residual: [Float] = [], bounds: [Float] = []
        for start in stride(from: 0, to: caller.count, by: 80) {
            residual += canceller.cancel(Array(caller[start..<(start + 80)]))
            bounds.append(canceller.residualEchoBound)
            canceller.played(Array(played[start..<(start + 80)]))
        }
        return (residual, bounds)
    }

    @Test func theEchoOfAPromptIsCancelledAndStaysUnderTheBound() {
        let played = Self.speechLike(seconds: 4, seed: 1)
        let echo = Self.echo(of: played)
        let (residual, bounds) = Self.run(EchoCanceller(), caller: echo, played: played)
        // After the first second, the echo is 20 dB down or more.
        let erle = 10 * log10(Self.power(echo[8000...]) / Self.power(residual[8000...]))
        #expect(erle > 20, "echo return loss enhancement \(erle) dB")
        // No frame's residual is above the bound: the echo is never taken for the caller.
        for (i, bound) in bounds.enumerated() {
            #expect(Self.power(residual[(i * 80)..<(i * 80 + 80)]) <= bound, "frame \(i)")
        }
    }

    @Test func aCallerOverThePromptComesThroughAboveTheBound() {
        let played = Self.speechLike(seconds: 5, seed: 2)
        // The caller, 15 dB under the prompt (6 dB under its echo), speaks from 3 s on.
        let voice = Self.speechLike(seconds: 2, seed: 3).map { $0 * 0.18 }
        let caller = zip(Self.echo(of: played), [Float](repeating: 0, count: 24000) + voice).map(+)
        let (residual, bounds) = Self.run(EchoCanceller(), caller: caller, played: played)
        // What is left is the caller: within 15 dB.
        let error = zip(residual[24000...], voice).map { $0 - $1 }
        let snr = 10 * log10(Self.power(voice[...]) / Self.power(error[...]))
        #expect(snr > 15, "caller against what is left of the echo: \(snr) dB")
        // Frames where the caller speaks are above the bound.
        let spoken = (300..<500).filter { Self.power(voice[($0 * 80 - 24000)..<($0 * 80 - 23920)]) > 0 }
        let heard = spoken.filter { Self.power(residual[($0 * 80)..<($0 * 80 + 80)]) > bounds[$0] }
        #expect(heard.count >= spoken.count * 9 / 10, "\(heard.count) of \(spoken.count) caller frames heard")
    }

    @Test func beforeTheFilterHasLearnedTheLineTheBoundIsConservative() {
        let canceller = EchoCanceller()
        canceller.played([Float](repeating: 0.1, count: 80))
        _ = canceller.cancel([Float](repeating: 0.05, count: 80))
        // 5 dB under the prompt's power (0.01): above the loudest echo a hybrid returns.
        #expect(abs(canceller.residualEchoBound - 0.0032) < 1e-4)
    }

    @Test func theLoudestHybridOnTheShortestPathIsNeverTakenForTheCaller() {
        // G.168's worst line: echo 6 dB under the prompt, one frame (10 ms) late, from the
        // first frame on, before the filter has learned anything.
        let played = Self.speechLike(seconds: 2, seed: 7)
        let echo = [Float](repeating: 0, count: 80) + played.dropLast(80).map { $0 * 0.5 }
        let (residual, bounds) = Self.run(EchoCanceller(), caller: echo, played: played)
        let loud = (0..<(echo.count / 80)).filter { Self.power(residual[($0 * 80)..<($0 * 80 + 80)]) > bounds[$0] }
        #expect(loud.isEmpty, "frames above the bound: \(loud)")
    }

    @Test func withNothingPlayedTheCallerPassesUntouched() {
        let canceller = EchoCanceller()
        let caller = Self.speechLike(seconds: 0.5, seed: 4)
        let (residual, bounds) = Self.run(canceller, caller: caller, played: [Float](repeating: 0, count: caller.count))
        #expect(residual == caller)
        #expect(bounds.allSatisfy { $0 == 0 })
    }

    @Test func aDamagedCallerFrameDoesNotSpoilTheFilter() {
        let played = Self.speechLike(seconds: 2, seed: 5)
        var caller = Self.echo(of: played)
        caller[8000] = .nan
        caller[8001] = .infinity
        let (residual, bounds) = Self.run(EchoCanceller(), caller: caller, played: played)
        #expect(residual.allSatisfy(\.isFinite) && bounds.allSatisfy(\.isFinite))
        #expect(Self.power(residual[12000...]) < Self.power(caller[12000...]) / 100)
    }
}

