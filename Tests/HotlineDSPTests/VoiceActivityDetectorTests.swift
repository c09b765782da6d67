import Foundation
import HotlineDSP
import Testing

/// The VAD on real speech from a speaker the model never saw (FSDD "nicolas" is held out
/// by tools/vadmix.py) and on real noise it never saw.
@Suite struct VoiceActivityDetectorTests {
    static let speech = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/speech").standardized

    /// Reads a 16-bit mono WAV (FSDD) without HotlineAudio (not a dependency of this target).
    static func wav(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: speech.appendingPathComponent(name))
        let start = try #require(data.range(of: Data("data".utf8))).upperBound + 4
        return data[start...].withUnsafeBytes { raw in
            raw.bindMemory(to: Int16.self).map { Float(Int16(littleEndian: $0)) / 32768 }
        }
    }

    static func frames(_ samples: [Float], chunk: Int = 80) throws -> [VADFrame] {
        let vad = try VoiceActivityDetector()
        var frames: [VADFrame] = []
        var i = 0
        while i < samples.count {
            frames += vad.process(Array(samples[i..<min(i + chunk, samples.count)]))
            i += chunk
        }
        return frames
    }

    static func noise(seconds: Double, rms: Float, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<Int(seconds * 8000)).map { _ in rms * gaussian(&rng) }
    }

    @Test func digitsInNoiseAreFoundWhereTheyAre() throws {
        // Three held-out digits at 1.0 s, 2.5 s and 4.0 s in white noise 15 dB below them.
        let clips = try ["3_nicolas_2.wav", "7_nicolas_4.wav", "0_nicolas_1.wav"].map { try Self.wav("fsdd/\($0)") }
        var signal = [Float](repeating: 0, count: 5 * 8000)
        var spans: [Range<Int>] = []
        for (clip, at) in zip(clips, [8000, 20000, 32000]) {
            let peak = clip.map(abs).max()!
            for (i, v) in clip.enumerated() { signal[at + i] = v / peak * 0.3 }
            spans.append(at..<(at + clip.count))
        }
        let speechPower = spans.flatMap { signal[$0] }.map { $0 * $0 }.reduce(0, +) / Float(spans.map(\.count).reduce(0, +))
        let noise = Self.noise(seconds: 5, rms: (speechPower / pow(10, 1.5)).squareRoot(), seed: 5)
        let frames = try Self.frames(zip(signal, noise).map { $0 + $1 })
        var tracker = SpeechSegmentTracker()
        let segments = tracker.add(frames) + tracker.finish()
        #expect(segments.count >= 3 && segments.count <= 5, "\(segments)")
        for span in spans {
            #expect(segments.contains { $0.startSample < span.upperBound && $0.endSample > span.lowerBound }, "missed \(span)")
        }
        // Noise-only stretches are (almost) never speech.
        let quiet = frames.filter { f in !spans.contains { $0.contains(f.startSample + 64) } }
        #expect(Double(quiet.filter(\.isSpeech).count) / Double(quiet.count) < 0.05)
    }

    @Test func cleanSpeechBetweenDigitalSilenceIsFound() throws {
        // No background noise at all (as on a VoIP leg with silence suppression).
        let clips = try ["1_nicolas_0.wav", "8_nicolas_3.wav"].map { try Self.wav("fsdd/\($0)") }
        let gap = [Float](repeating: 0, count: 4000)
        let signal = gap + clips[0] + gap + clips[1] + gap
        var tracker = SpeechSegmentTracker()
        let segments = tracker.add(try Self.frames(signal)) + tracker.finish()
        #expect(segments.count == 2, "\(segments)")
        #expect(segments.first.map { abs($0.startSample - 4000) < 800 } == true)
    }

    @Test func silenceAndSteadyNoiseAreNotSpeech() throws {
        #expect(try Self.frames([Float](repeating: 0, count: 16000)).allSatisfy { !$0.isSpeech })
        let noise = Self.noise(seconds: 4, rms: 0.05, seed: 9)
        let frames = try Self.frames(noise)
        #expect(frames.count == 1 + (noise.count - 128) / 80)
        #expect(frames.dropFirst(50).filter(\.isSpeech).count <= 5)
    }

    @Test func chunkSizeDoesNotChangeTheVerdicts() throws {
        let clip = try Self.wav("fsdd/5_nicolas_3.wav")
        let signal = Self.noise(seconds: 0.5, rms: 0.005, seed: 1) + clip + Self.noise(seconds: 0.5, rms: 0.005, seed: 2)
        let reference = try Self.frames(signal, chunk: 80)
        #expect(try Self.frames(signal, chunk: 1) == reference)
        #expect(try Self.frames(signal, chunk: 333) == reference)
    }

    @Test func nonFiniteSamplesDoNotPoisonTheDetector() throws {
        var signal = Self.noise(seconds: 2, rms: 0.01, seed: 4)
        signal[4000] = .nan
        signal[4001] = .infinity
        let vad = try VoiceActivityDetector()
        let frames = vad.process(signal)
        #expect(vad.nonFiniteSampleCount == 2)
        #expect(frames.allSatisfy { $0.probability.isFinite })
        var cleaned = signal
        cleaned[4000] = 0
        cleaned[4001] = 0
        #expect(try Self.frames(cleaned, chunk: signal.count) == frames)
    }
}
