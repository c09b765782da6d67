import Foundation
import HotlineCore
import HotlineDSP
import Testing
import HotlineTestSupport

/// Quality targets from the foundation issue: passband (0-3.4 kHz at 8 kHz) ripple under
/// 0.1 dB, stopband rejection over 80 dB; streaming output identical to one-shot.
@Suite struct ResamplerTests {
    static let ratios = [(8000, 16000), (16000, 8000), (16000, 48000), (48000, 16000),
                         (8000, 48000), (48000, 8000), (44100, 8000), (22050, 8000), (8000, 8000)]

    static func tones(_ frequencies: [Double], amplitude: Double, rate: Int, seconds: Double) -> [Float] {
        let n = Int(seconds * Double(rate))
        return (0..<n).map { i in
            let t = Double(i) / Double(rate)
            return Float(frequencies.reduce(0) { $0 + amplitude * sin(2 * .pi * $1 * t + $1 * 0.001) })
        }
    }

    static func resample(_ x: [Float], from: Int, to: Int) throws -> [Float] {
        try Resampler.resample(AudioBuffer(samples: x, sampleRate: from), to: to).samples
    }

    @Test(arguments: ratios)
    func streamingInRandomChunksEqualsOneShot(from: Int, to: Int) throws {
        let x = Self.tones([440, 1333, 3000], amplitude: 0.3, rate: from, seconds: 0.25)
        let oneShot = try Self.resample(x, from: from, to: to)
        let r = try Resampler(from: from, to: to)
        #expect(oneShot.count == r.outputCount(forInput: x.count))
        var generator = SystemRandomNumberGenerator()
        var streamed: [Float] = []
        var i = 0
        while i < x.count {
            let n = min(Int.random(in: 0...700, using: &generator), x.count - i)
            streamed += r.process(Array(x[i..<(i + n)]))
            i += n
        }
        streamed += r.flush()
        #expect(streamed == oneShot)
        r.reset()
        #expect(r.process(x) + r.flush() == oneShot)
    }

    @Test(arguments: [(16000, 8000), (44100, 8000), (48000, 8000), (8000, 16000), (8000, 48000)])
    func passbandUpTo3400HzIsFlatWithin0Point1Db(from: Int, to: Int) throws {
        let frequencies = stride(from: 100.0, through: 3400, by: 100).map { $0 }
        let x = Self.tones(frequencies, amplitude: 0.02, rate: from, seconds: 1.5)
        let y = try Self.resample(x, from: from, to: to)
        let window = y[(to / 4)..<(to / 4 + to)]   // one whole second away from the edges
        let gainsDb = frequencies.map { 20 * log10(amplitude(of: $0, in: window, rate: to) / 0.02) }
        let ripple = gainsDb.max()! - gainsDb.min()!
        #expect(ripple < 0.1, "ripple \(ripple) dB, gains \(gainsDb)")
        #expect(abs(gainsDb[0]) < 0.05)
    }

    @Test(arguments: [(16000, 8000, 4000.0), (16000, 8000, 5500), (16000, 8000, 7900),
                      (44100, 8000, 4000), (44100, 8000, 6100), (44100, 8000, 15000), (44100, 8000, 22000),
                      (48000, 16000, 8000), (48000, 16000, 20000)])
    func stopbandIsRejectedBy80Db(from: Int, to: Int, frequency: Double) throws {
        let x = Self.tones([frequency], amplitude: 0.5, rate: from, seconds: 1)
        let y = try Self.resample(x, from: from, to: to)
        let middle = y[(to / 10)..<(y.count - to / 10)]
        let rms = (middle.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(middle.count)).squareRoot()
        let rejectionDb = 20 * log10(0.5 / (rms * 2.0.squareRoot()))
        #expect(rejectionDb > 80, "\(frequency) Hz rejected by only \(rejectionDb) dB")
    }

    @Test(arguments: [(8000, 16000), (8000, 48000), (16000, 48000)])
    func upsamplingImagesAreRejectedBy80Db(from: Int, to: Int) throws {
        let x = Self.tones([1000], amplitude: 0.5, rate: from, seconds: 1.5)
        let y = try Self.resample(x, from: from, to: to)
        let window = Array(y[(to / 4)..<(to / 4 + to)])
        // Remove the fitted 1 kHz tone; what is left is images plus arithmetic noise.
        var c = 0.0, s = 0.0
        for (k, v) in window.enumerated() {
            let p = 2 * .pi * 1000 * Double(k) / Double(to)
            c += Double(v) * cos(p); s += Double(v) * sin(p)
        }
        c *= 2 / Double(window.count); s *= 2 / Double(window.count)
        var residual = 0.0
        for (k, v) in window.enumerated() {
            let p = 2 * .pi * 1000 * Double(k) / Double(to)
            let e = Double(v) - c * cos(p) - s * sin(p)
            residual += e * e
        }
        let residualRms = (residual / Double(window.count)).squareRoot()
        #expect(20 * log10(0.5 / (residualRms * 2.0.squareRoot())) > 80)
    }

    @Test func outputIsTimeAligned() throws {
        // An impulse in the middle stays in the middle: the filter delay is compensated.
        var x = [Float](repeating: 0, count: 1600)
        x[800] = 1
        let y = try Self.resample(x, from: 16000, to: 8000)
        let peak = y.indices.max { abs(y[$0]) < abs(y[$1]) }!
        #expect(peak == 400)
    }

    @Test func sameRateIsACopy() throws {
        let x: [Float] = [0.1, -0.2, 0.3]
        #expect(try Self.resample(x, from: 8000, to: 8000) == x)
    }

    @Test func badRatesAreErrors() {
        #expect(throws: InvalidArgument.self) { try Resampler(from: 0, to: 8000) }
        #expect(throws: InvalidArgument.self) { try Resampler(from: 8000, to: 44101) }
    }
}
