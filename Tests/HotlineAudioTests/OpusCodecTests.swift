import Foundation
import HotlineAudio
import HotlineCore
import Testing
import HotlineTestSupport

@Suite struct OpusCodecTests {
    /// Encodes a voiced, speech-like signal frame by frame, decodes it, and returns
    /// the input, the output and the encoder's lookahead.
    static func roundTrip(rate: Int, dropping lost: Set<Int> = []) throws -> (input: [Float], output: [Float], delay: Int) {
        let encoder = try OpusVoiceEncoder(sampleRate: rate, frameMs: 20, bitrate: 24000)
        let decoder = try OpusVoiceDecoder(sampleRate: rate)
        let n = encoder.frameSamples
        let input = (0..<(rate * 2)).map { i -> Float in
            let t = Double(i) / Double(rate)
            return Float(0.3 * sin(2 * .pi * 180 * t) + 0.15 * sin(2 * .pi * 540 * t) + 0.08 * sin(2 * .pi * 1260 * t))
        }
        var output: [Float] = []
        for (index, start) in stride(from: 0, to: input.count, by: n).enumerated() {
            let packet = try encoder.encode(Array(input[start..<(start + n)]))
            #expect(!packet.isEmpty && packet.count < 200)
            output += try decoder.decode(lost.contains(index) ? nil : packet, frameSamples: n)
        }
        return (input, output, encoder.lookaheadSamples)
    }

    static func snrDb(_ reference: ArraySlice<Float>, _ test: ArraySlice<Float>) -> Double {
        var signal = 0.0, noise = 0.0
        for (r, t) in zip(reference, test) {
            signal += Double(r * r)
            noise += Double((r - t) * (r - t))
        }
        return 10 * log10(signal / max(noise, 1e-20))
    }

    /// Opus (SILK in VoIP mode) keeps the spectrum, not the exact waveform, so the test
    /// checks each partial's level and that little energy appears anywhere else.
    @Test(arguments: [8000, 16000, 48000])
    func voipRoundTripKeepsTheSpectrum(rate: Int) throws {
        let (_, output, delay) = try Self.roundTrip(rate: rate)
        #expect(output.count == 2 * rate)
        #expect(delay > 0 && delay < rate / 50)
        let window = output[(rate / 2)..<(rate * 3 / 2)]
        var tonal = 0.0
        for (frequency, amplitude) in [(180.0, 0.3), (540, 0.15), (1260, 0.08)] {
            let measured = HotlineTestSupport.amplitude(of: frequency, in: window, rate: rate)
            #expect(abs(20 * log10(measured / amplitude)) < 2, "\(frequency) Hz at \(measured) instead of \(amplitude)")
            tonal += measured * measured / 2
        }
        let total = window.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(window.count)
        #expect(10 * log10(tonal / max(total - tonal, 1e-12)) > 10)
    }

    @Test func lostPacketIsConcealedNotSilent() throws {
        let rate = 16000
        let (_, clean, _) = try Self.roundTrip(rate: rate)
        let (_, concealed, _) = try Self.roundTrip(rate: rate, dropping: [50])
        #expect(concealed.count == clean.count)
        let frame = 50 * 320..<51 * 320
        let energy = concealed[frame].map { $0 * $0 }.reduce(0, +) / 320
        #expect(energy > 0.01)   // the signal's energy is about 0.06; silence would be 0
        // Concealment differs from the real packet, and decoding recovers afterwards.
        #expect(Array(concealed[frame]) != Array(clean[frame]))
        let later = (60 * 320)..<(80 * 320)
        #expect(Self.snrDb(clean[later], concealed[later]) > 20)
    }

    @Test func badSettingsAreErrors() {
        #expect(throws: InvalidArgument.self) { try OpusVoiceEncoder(sampleRate: 44100) }
        #expect(throws: InvalidArgument.self) { try OpusVoiceEncoder(sampleRate: 8000, frameMs: 30) }
        #expect(throws: InvalidArgument.self) { try OpusVoiceDecoder(sampleRate: 22050) }
        #expect(throws: InvalidArgument.self) { try OpusVoiceEncoder(sampleRate: 8000).encode([0, 0, 0]) }
        #expect(throws: OpusError.self) { try OpusVoiceDecoder(sampleRate: 8000).decode([0xFF, 0xFF, 0xFF], frameSamples: 160) }
    }
}
