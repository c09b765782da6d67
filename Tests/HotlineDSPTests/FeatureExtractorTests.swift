import Foundation
import HotlineDSP
import Testing

@Suite struct FeatureExtractorTests {
    static func speechLike(seconds: Double, rate: Int = 8000) -> [Float] {
        var generator = SeededGenerator(seed: 7)
        return (0..<Int(seconds * Double(rate))).map { i in
            let t = Double(i) / Double(rate)
            let voiced = 0.3 * sin(2 * .pi * 140 * t) * (1 + sin(2 * .pi * 3 * t))
            return Float(voiced + 0.01 * Double.random(in: -1...1, using: &generator))
        }
    }

    static let kinds: [FeatureExtractor.Kind] = {
        var centred = FbankOptions(bins: 40)
        centred.frame.snipEdges = false
        centred.useEnergy = true
        var hamming = MfccOptions(ceps: 13, bins: 23)
        hamming.frame.windowType = .hamming
        hamming.frame.snipEdges = false
        var dithered = FbankOptions(bins: 23)
        dithered.frame.dither = 1
        return [.fbank(FbankOptions(bins: 23)), .mfcc(MfccOptions()), .fbank(centred), .mfcc(hamming), .fbank(dithered)]
    }()

    @Test(arguments: kinds)
    func streamingInAnyChunksEqualsOneShot(kind: FeatureExtractor.Kind) throws {
        let audio = Self.speechLike(seconds: 1.37)
        let oneShot = try FeatureExtractor.compute(audio, kind: kind)
        for chunkSizes in [[80], [1], [37, 501, 3], [200, 1000]] {
            let extractor = try FeatureExtractor(kind: kind)
            var i = 0, c = 0
            var collected: [Float] = []
            while i < audio.count {
                let n = min(chunkSizes[c % chunkSizes.count], audio.count - i)
                extractor.accept(Array(audio[i..<(i + n)]))
                i += n
                c += 1
                // Read and discard as a live caller would.
                let ready = extractor.framesReady
                for f in (collected.count / extractor.dimension)..<ready { collected += extractor.frame(f) }
                extractor.discardFrames(upTo: ready)
            }
            extractor.finish()
            for f in (collected.count / extractor.dimension)..<extractor.framesReady { collected += extractor.frame(f) }
            #expect(collected == oneShot.values, "chunks \(chunkSizes)")
        }
    }

    @Test func frameCountsFollowKaldi() throws {
        var options = FrameOptions()
        #expect(options.frameCount(sampleCount: 199, finished: true) == 0)
        #expect(options.frameCount(sampleCount: 200, finished: true) == 1)
        #expect(options.frameCount(sampleCount: 8000, finished: true) == 98)
        options.snipEdges = false
        #expect(options.frameCount(sampleCount: 8000, finished: true) == 100)
        #expect(options.frameCount(sampleCount: 8000, finished: false) == 99)   // frame 99 would read past the end
        #expect(options.frameCount(sampleCount: 30, finished: true) == 0)
        #expect(options.frameCount(sampleCount: 50, finished: true) == 1)
    }

    @Test func silenceGivesTheLogFloorEverywhere() throws {
        let features = try FeatureExtractor.compute([Float](repeating: 0, count: 800), kind: .fbank(FbankOptions()))
        #expect(features.frameCount == 8)
        #expect(features.values.allSatisfy { abs($0 - log(Float.ulpOfOne)) < 1e-5 })
        let mfcc = try FeatureExtractor.compute([Float](repeating: 0, count: 800), kind: .mfcc(MfccOptions()))
        #expect(mfcc.values.allSatisfy { $0.isFinite })
    }

    @Test func audioShorterThanAFrameGivesNoFrames() throws {
        let features = try FeatureExtractor.compute([0.1, 0.2, 0.3], kind: .fbank(FbankOptions()))
        #expect(features.frameCount == 0 && features.values.isEmpty)
        #expect(try FeatureExtractor.compute([], kind: .mfcc(MfccOptions())).frameCount == 0)
        var centred = FbankOptions()
        centred.frame.snipEdges = false
        // Mirrored edges make a frame from 50 samples, even though the frame is 200 long.
        let short = try FeatureExtractor.compute((0..<50).map { Float($0) / 100 }, kind: .fbank(centred))
        #expect(short.frameCount == 1 && short.values.allSatisfy { $0.isFinite })
    }

    @Test func nonFiniteSamplesAreZeroedAndCounted() throws {
        var audio = Self.speechLike(seconds: 0.5)
        audio[100] = .nan
        audio[2000] = .infinity
        audio[3000] = -.infinity
        let extractor = try FeatureExtractor(fbank: FbankOptions())
        extractor.accept(audio)
        extractor.finish()
        #expect(extractor.nonFiniteSampleCount == 3)
        let features = extractor.readAll()
        #expect(features.frameCount == 48 && features.values.allSatisfy { $0.isFinite })
        var cleaned = audio
        for i in [100, 2000, 3000] { cleaned[i] = 0 }
        let reference = try FeatureExtractor.compute(cleaned, kind: .fbank(FbankOptions()))
        #expect(features == reference)
    }

    @Test func fullScaleInputStaysFinite() throws {
        let square = (0..<1600).map { Float($0 / 20 % 2 == 0 ? 1 : -1) }
        let features = try FeatureExtractor.compute(square, kind: .mfcc(MfccOptions(ceps: 13, bins: 40)))
        #expect(features.values.allSatisfy { $0.isFinite })
    }

    @Test func impossibleSettingsAreErrors() {
        #expect(throws: (any Error).self) { try FeatureExtractor(mfcc: MfccOptions(ceps: 30, bins: 23)) }
        #expect(throws: (any Error).self) { try FeatureExtractor(fbank: FbankOptions(bins: 200)) }   // empty filters
        var tooShort = FbankOptions()
        tooShort.frame.frameLengthMs = 0.1
        #expect(throws: (any Error).self) { try FeatureExtractor(fbank: tooShort) }
    }

    @Test func utteranceAndSlidingCMVN() throws {
        let features = try FeatureExtractor.compute(Self.speechLike(seconds: 3), kind: .fbank(FbankOptions()))
        var normalised = features
        CMVN.normalizeUtterance(&normalised, variance: true)
        for j in 0..<features.dimension {
            let column = (0..<features.frameCount).map { Double(normalised.values[$0 * features.dimension + j]) }
            let mean = column.reduce(0, +) / Double(column.count)
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3)
        }
        // A window longer than the utterance, centred, is the utterance mean.
        var options = SlidingCMVN.Options()
        options.center = true
        options.windowFrames = 10_000
        var utterance = features
        CMVN.normalizeUtterance(&utterance, variance: false)
        let sliding = SlidingCMVN.apply(features, options: options)
        #expect(zip(sliding.values, utterance.values).allSatisfy { abs($0 - $1) < 1e-3 })
        // Causal: frame t's statistics never include later frames once t >= minWindowFrames.
        var causal = SlidingCMVN.Options()
        causal.windowFrames = 50
        causal.minWindowFrames = 20
        let full = SlidingCMVN.apply(features, options: causal)
        let prefix = FeatureMatrix(values: Array(features.values[0..<(150 * features.dimension)]), dimension: features.dimension)
        let partial = SlidingCMVN.apply(prefix, options: causal)
        #expect(Array(full.values[(20 * features.dimension)..<(150 * features.dimension)])
            == Array(partial.values[(20 * features.dimension)...]))
    }
}

/// A small deterministic generator (SplitMix64) so tests are repeatable.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension FeatureExtractor.Kind: CustomTestStringConvertible {
    public var testDescription: String {
        switch self {
        case .fbank(let o): return "fbank\(o.mel.binCount) snip=\(o.frame.snipEdges) dither=\(o.frame.dither)"
        case .mfcc(let o): return "mfcc\(o.cepstralCount) \(o.frame.windowType)"
        }
    }
}
