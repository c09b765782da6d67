import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP
import Testing

@Suite struct SoundFileTests {
    static let speechLike: [Float] = (0..<4000).map { i in
        let t = Double(i) / 8000
        return Float(0.4 * sin(2 * .pi * 220 * t) + 0.2 * sin(2 * .pi * 1330 * t + 1) + 0.05 * sin(2 * .pi * 3100 * t))
    }

    @Test func pcm16WavRoundTripIsBitExact() throws {
        let dir = TemporaryFolder()
        let samples = PCM16.toFloat(PCM16.fromFloat(Self.speechLike))   // on the int16 grid
        try SoundFile.write(AudioBuffer(samples: samples, sampleRate: 8000), to: dir.file("a.wav"), codec: .pcm16)
        let back = try SoundFile.read(dir.file("a.wav"))
        #expect(back.sampleRate == 8000)
        #expect(back.samples == samples)
        let info = try SoundFile.info(dir.file("a.wav"))
        #expect(info.container == "WAV" && info.encoding == "PCM_16" && info.frames == 4000 && info.channels == 1)
        #expect(info.durationSeconds == 0.5)
    }

    @Test func flacAndFloatRoundTripsAreLossless() throws {
        let dir = TemporaryFolder()
        let samples = PCM16.toFloat(PCM16.fromFloat(Self.speechLike))
        try SoundFile.write(AudioBuffer(samples: samples, sampleRate: 16000), to: dir.file("a.flac"), codec: .flac)
        #expect(try SoundFile.read(dir.file("a.flac")).samples == samples)
        try SoundFile.write(AudioBuffer(samples: Self.speechLike, sampleRate: 8000), to: dir.file("f.wav"), codec: .float32)
        #expect(try SoundFile.read(dir.file("f.wav")).samples == Self.speechLike)
    }

    @Test(arguments: [(AudioCodec.ulaw, G711Law.muLaw, "ULAW"), (AudioCodec.alaw, G711Law.aLaw, "ALAW")])
    func g711WavHoldsExactlyOurCodes(codec: AudioCodec, law: G711Law, encoding: String) throws {
        let dir = TemporaryFolder()
        let path = dir.file("g.wav")
        try SoundFile.write(AudioBuffer(samples: Self.speechLike, sampleRate: 8000), to: path, codec: codec)
        let info = try SoundFile.info(path)
        #expect(info.encoding == encoding && info.frames == Self.speechLike.count)
        // The bytes after the 'data' chunk are our kernel's codes.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let codes = G711.encode(Self.speechLike, law: law)
        #expect(bytes.count >= codes.count)
        let dataStart = (0..<(bytes.count - 8)).first { bytes[$0..<($0 + 4)].elementsEqual("data".utf8) }! + 8
        #expect(Array(bytes[dataStart..<(dataStart + codes.count)]) == codes)
        // Reading decodes them to the G.711 reconstruction values.
        #expect(try SoundFile.read(path).samples == G711.decodeToFloat(codes, law: law))
    }

    @Test(arguments: [8000, 16000, 48000])
    func oggOpusRoundTripKeepsTheSignal(rate: Int) throws {
        let dir = TemporaryFolder()
        let tone = (0..<rate).map { Float(0.5 * sin(2 * .pi * 440 * Double($0) / Double(rate))) }
        try SoundFile.write(AudioBuffer(samples: tone, sampleRate: rate), to: dir.file("a.opus"), codec: .opus)
        let info = try SoundFile.info(dir.file("a.opus"))
        #expect(info.container == "OGG" && info.encoding == "OPUS")
        let back = try SoundFile.read(dir.file("a.opus"))
        #expect(back.sampleRate == rate)
        #expect(abs(back.samples.count - tone.count) <= rate / 50)
        let rms = (back.samples.map { $0 * $0 }.reduce(0, +) / Float(back.samples.count)).squareRoot()
        #expect(abs(Double(rms) - 0.5 / 2.0.squareRoot()) < 0.05)
    }

    @Test func opusRefusesRatesItCannotCarry() throws {
        let dir = TemporaryFolder()
        #expect {
            try SoundFile.write(AudioBuffer(samples: [0, 0], sampleRate: 44100), to: dir.file("a.opus"), codec: .opus)
        } throws: { error in
            "\(error)".contains("a.opus") && "\(error)".contains("--rate")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("a.opus")))
    }

    @Test func stereoIsMixedToMono() throws {
        let dir = TemporaryFolder()
        let frames: [Int16] = [16384, 0, -16384, 16384, 8192, 8192]   // L,R pairs
        try wavBytes(format: 1, channels: 2, sampleRate: 8000, bitsPerSample: 16, payload: littleEndianBytes(frames))
            .write(to: URL(fileURLWithPath: dir.file("s.wav")))
        #expect(try SoundFile.info(dir.file("s.wav")).channels == 2)
        #expect(try SoundFile.read(dir.file("s.wav")).samples == [0.25, 0, 0.25])
    }

    @Test func rawFilesNeedAndUseAnExplicitFormat() throws {
        let dir = TemporaryFolder()
        let codes = G711.encode(Self.speechLike, law: .muLaw)
        try Data(codes).write(to: URL(fileURLWithPath: dir.file("line.ul")))
        #expect(throws: SoundFileError.self) { try SoundFile.read(dir.file("line.ul")) }
        let audio = try SoundFile.read(dir.file("line.ul"), raw: RawFormat(sampleRate: 8000, encoding: .ulaw))
        #expect(audio.samples == G711.decodeToFloat(codes, law: .muLaw))
        try littleEndianBytes(PCM16.fromFloat(Self.speechLike)).write(to: URL(fileURLWithPath: dir.file("line.s16")))
        let pcm = try SoundFile.read(dir.file("line.s16"), raw: RawFormat(sampleRate: 16000, encoding: .pcm16))
        #expect(pcm.sampleRate == 16000 && pcm.samples == PCM16.toFloat(PCM16.fromFloat(Self.speechLike)))
    }

    @Test func formatsOnlySoxWritesAreReadToo() throws {
        // Ogg/Vorbis and AU come from an independent writer (sox, installed by `make deps`).
        let dir = TemporaryFolder()
        try SoundFile.write(AudioBuffer(samples: Self.speechLike, sampleRate: 8000), to: dir.file("a.wav"), codec: .pcm16)
        for (name, encoding) in [("a.ogg", "VORBIS"), ("a.au", "PCM_16")] {
            let converted = try run("sox", [dir.file("a.wav"), dir.file(name)])
            #expect(converted.status == 0, "sox is needed for this test (make deps installs it)")
            let info = try SoundFile.info(dir.file(name))
            #expect(info.encoding == encoding && info.sampleRate == 8000)
            #expect(abs(try SoundFile.read(dir.file(name)).samples.count - 4000) < 100)
        }
    }

    // MARK: Damaged input: a clear error naming the file, never a crash.

    func expectError(_ path: String, mentioning words: String..., read: () throws -> Void) {
        #expect {
            try read()
        } throws: { error in
            let text = "\(error)"
            return error is SoundFileError && text.hasPrefix(path) && words.allSatisfy { text.contains($0) }
        }
    }

    @Test func missingEmptyDirectoryAndGarbageFilesAreErrors() throws {
        let dir = TemporaryFolder()
        expectError(dir.file("none.wav"), mentioning: "no such file") { _ = try SoundFile.read(dir.file("none.wav")) }
        expectError(dir.path, mentioning: "directory") { _ = try SoundFile.info(dir.path) }
        FileManager.default.createFile(atPath: dir.file("empty.wav"), contents: Data())
        expectError(dir.file("empty.wav"), mentioning: "not a readable sound file") { _ = try SoundFile.read(dir.file("empty.wav")) }
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try noise.write(to: URL(fileURLWithPath: dir.file("noise.flac")))
        expectError(dir.file("noise.flac"), mentioning: "not a readable sound file") { _ = try SoundFile.info(dir.file("noise.flac")) }
    }

    @Test func truncatedWavIsAnErrorUnlessSalvaged() throws {
        let dir = TemporaryFolder()
        let full = littleEndianBytes(PCM16.fromFloat(Self.speechLike))
        try wavBytes(format: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16, payload: full.prefix(1000),
                     declaredDataBytes: UInt32(full.count))
            .write(to: URL(fileURLWithPath: dir.file("cut.wav")))
        expectError(dir.file("cut.wav"), mentioning: "truncated") { _ = try SoundFile.read(dir.file("cut.wav")) }
        expectError(dir.file("cut.wav"), mentioning: "truncated") { _ = try SoundFile.info(dir.file("cut.wav")) }
        let salvaged = try SoundFile.read(dir.file("cut.wav"), allowTruncated: true)
        #expect(salvaged.samples.count == 500)
    }

    @Test func truncatedFlacIsAnError() throws {
        let dir = TemporaryFolder()
        try SoundFile.write(AudioBuffer(samples: Self.speechLike + Self.speechLike, sampleRate: 8000),
                            to: dir.file("a.flac"), codec: .flac)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("a.flac")))
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: dir.file("cut.flac")))
        expectError(dir.file("cut.flac")) { _ = try SoundFile.read(dir.file("cut.flac")) }
    }

    @Test func opusCutBeforeItsLastPageIsTruncatedNotEndless() throws {
        // libsndfile reports such a stream's length as the largest count there is.
        let dir = TemporaryFolder()
        let speech = [Float]((0..<8).flatMap { _ in Self.speechLike })
        try SoundFile.write(AudioBuffer(samples: speech, sampleRate: 8000), to: dir.file("a.opus"), codec: .opus)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("a.opus")))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: dir.file("cut.opus")))
        expectError(dir.file("cut.opus"), mentioning: "truncated: the stream ends without its last page") { _ = try SoundFile.info(dir.file("cut.opus")) }
        expectError(dir.file("cut.opus"), mentioning: "truncated") { _ = try SoundFile.read(dir.file("cut.opus")) }
        let salvaged = try SoundFile.read(dir.file("cut.opus"), allowTruncated: true)
        #expect(salvaged.samples.count > 0 && salvaged.samples.count < speech.count)
    }

    @Test func nonFiniteFloatSamplesAreAnError() throws {
        let dir = TemporaryFolder()
        try wavBytes(format: 3, channels: 1, sampleRate: 8000, bitsPerSample: 32, payload: floatBytes([0.1, .nan, 0.2]))
            .write(to: URL(fileURLWithPath: dir.file("nan.wav")))
        expectError(dir.file("nan.wav"), mentioning: "not a finite number") { _ = try SoundFile.read(dir.file("nan.wav")) }
    }

    @Test func headerWithImpossibleRateIsAnError() throws {
        let dir = TemporaryFolder()
        try wavBytes(format: 1, channels: 1, sampleRate: 0, bitsPerSample: 16, payload: littleEndianBytes([Int16](repeating: 1, count: 8)))
            .write(to: URL(fileURLWithPath: dir.file("zero.wav")))
        expectError(dir.file("zero.wav")) { _ = try SoundFile.read(dir.file("zero.wav")) }
    }

    @Test func writingWhereNoFolderExistsFailsCleanly() {
        let path = "/nonexistent-hotline-folder/out.wav"
        expectError(path, mentioning: "cannot create") {
            try SoundFile.write(AudioBuffer(samples: [0], sampleRate: 8000), to: path, codec: .pcm16)
        }
    }

    @Test func codecFollowsTheExtension() {
        #expect(AudioCodec.forPath("x/y.WAV") == .pcm16)
        #expect(AudioCodec.forPath("a.flac") == .flac)
        #expect(AudioCodec.forPath("a.opus") == .opus)
        #expect(AudioCodec.forPath("a.ogg") == .opus)
        #expect(AudioCodec.forPath("a.mp3") == nil)
        #expect(AudioCodec.forPath("dir.d/noext") == nil)
    }
}
