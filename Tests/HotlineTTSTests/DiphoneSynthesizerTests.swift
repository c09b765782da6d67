import Foundation
import HotlineCore
import HotlineTTS
import Testing

/// The committed voices and lexicon, through the synthesizer (the default voice unless a
/// test says otherwise).
@Suite struct DiphoneSynthesizerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let synthesizer: DiphoneSynthesizer = {
        let voice = try! VoiceDatabase(path: root.appendingPathComponent(VoiceDatabase.defaultPath).path)
        let lexicon = try! Lexicon(paths: [root.appendingPathComponent("Models/lexicon/cmudict-en-us.dict").path])
        return DiphoneSynthesizer(voice: voice, lexicon: lexicon)
    }()
    static let kal16 = "Models/voices/kal16/kal16.voice"

    @Test(arguments: [VoiceDatabase.defaultPath, kal16])
    func eachVoiceHasEveryPhonePairItNeeds(path: String) throws {
        let voice = try VoiceDatabase(path: Self.root.appendingPathComponent(path).path)
        #expect(voice.sampleRate == 16000 && voice.order == 16)
        let phones = ["aa", "ae", "ah", "ao", "aw", "ay", "b", "ch", "d", "dh", "eh", "er", "ey", "f", "g", "hh", "ih", "iy",
                      "jh", "k", "l", "m", "n", "ng", "ow", "oy", "p", "r", "s", "sh", "t", "th", "uh", "uw", "v", "w", "y", "z", "zh", "pau"]
        // English has no ng after a consonant (or er), and hh, w, y only before vowels; every
        // other pair is there (a missing one falls back to the pause diphones).
        let vowels: Set<String> = ["aa", "ae", "ah", "ao", "aw", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw"]
        let impossible = { (a: String, b: String) in
            (b == "ng" && (!vowels.contains(a) || a == "er")) || (["hh", "w", "y"].contains(a) && (!vowels.contains(b) || b == "er"))
        }
        let missing = phones.flatMap { a in phones.map { (a, $0) } }.filter { !impossible($0.0, $0.1) && voice.unit("\($0.0)-\($0.1)") == nil }
        #expect(missing.isEmpty, "\(missing.count) missing diphones: \(missing.prefix(20))")
    }

    @Test func aPhraseOfTheVoicesCorpusIsSpokenFromItsRecording() {
        // tools/rms-corpus.txt has "thanks for calling": the units come from that reading,
        // one after the other.
        let voice = Self.synthesizer.voice
        let chosen = UnitSelection.select(Self.synthesizer.phones(TextNormalizer.normalize("Thanks for calling.")), voice: voice)
        let units = chosen.compactMap { $0 }
        #expect(units.count == chosen.count && units.allSatisfy { voice.units[$0].running })
        #expect(zip(units, units.dropFirst()).allSatisfy { voice.units[$0].next == $1 })
    }

    @Test func theDurationScaleIsTheVoices() throws {
        #expect(Self.synthesizer.durationScale == 0.85)   // rms: words said alone are slow
        let kal = try VoiceDatabase(path: Self.root.appendingPathComponent(Self.kal16).path)
        #expect(kal.durationScale == 0.75)   // no "duration_scale" in its header
        #expect(DiphoneSynthesizer(voice: kal, lexicon: Self.synthesizer.lexicon, durationScale: 1).durationScale == 1)
    }

    @Test func normalisedNumbersBecomeTheRightPhones() {
        let tokens = TextNormalizer.normalize("Press 2.")
        #expect(Self.synthesizer.phones(tokens) == ["pau", "p", "r", "eh", "s", "t", "uw", "pau"])
        // Unknown compounds are read as their parts; other unknown words are spelled.
        let lexicon = Self.synthesizer.lexicon
        #expect(!lexicon.contains("mailboxhelp"))
        #expect(lexicon.phones("mailboxhelp") == lexicon.phones("mailbox") + lexicon.phones("help"))
        #expect(Self.synthesizer.lexicon.phones("xqz") == Self.synthesizer.lexicon.phones("x") + Self.synthesizer.lexicon.phones("q") + Self.synthesizer.lexicon.phones("z"))
    }

    @Test func theLetterAIsSaidByItsNameAndTheArticleIsNot() {
        let phones = { (text: String) in Self.synthesizer.phones(TextNormalizer.normalize(text)).filter { $0 != "pau" } }
        #expect(phones("at 8 am") == ["ae", "t", "ey", "t", "ey", "eh", "m"])
        #expect(phones("code AB1") == ["k", "ow", "d", "ey", "b", "iy", "w", "ah", "n"])
        #expect(phones("gate A12") == ["g", "ey", "t", "ey", "w", "ah", "n", "t", "uw"])
        #expect(phones("a m") == ["ey", "eh", "m"])
        #expect(phones("book a table") == ["b", "uh", "k", "ah", "t", "ey", "b", "ah", "l"])
    }

    @Test func speechHasAPlausibleLengthAndLevel() throws {
        let audio = try Self.synthesizer.say("Thank you for calling.", sampleRate: 8000)
        #expect(audio.sampleRate == 8000)
        #expect(audio.durationMs > 800 && audio.durationMs < 3500, "\(audio.durationMs) ms")
        #expect(audio.samples.allSatisfy { $0.isFinite && abs($0) <= 1 })
        let rms = (audio.samples.map { $0 * $0 }.reduce(0, +) / Float(audio.samples.count)).squareRoot()
        #expect(rms > 0.01 && rms < 0.5)
    }

    /// Pitch of the loudest 60 ms of the last 400 ms, by autocorrelation (60-300 Hz).
    static func finalPitch(_ audio: AudioBuffer) -> Double {
        let x = Array(audio.samples.suffix(6400))
        var best = (energy: Float(0), start: 0)
        for start in stride(from: 0, to: x.count - 960, by: 160) {
            let e = x[start..<(start + 960)].map { $0 * $0 }.reduce(0, +)
            if e > best.energy { best = (e, start) }
        }
        let w = Array(x[best.start..<(best.start + 960)])
        var bestLag = 0, bestScore = -Float.infinity
        for lag in 53...266 {
            var score: Float = 0
            for n in 0..<(w.count - lag) { score += w[n] * w[n + lag] }
            if score > bestScore { (bestScore, bestLag) = (score, lag) }
        }
        return 16000 / Double(bestLag)
    }

    @Test func questionsRiseAtTheEnd() throws {
        let statement = try Self.synthesizer.say("you are calling about your bill.")
        let question = try Self.synthesizer.say("you are calling about your bill?")
        #expect(Self.finalPitch(question) > Self.finalPitch(statement) * 1.15,
                "question \(Self.finalPitch(question)) Hz, statement \(Self.finalPitch(statement)) Hz")
    }

    @Test func streamingGivesTheSameAudioInEarlyChunks() throws {
        let tokens = TextNormalizer.normalize("Please hold while I connect you to an agent.")
        var chunks: [[Float]] = []
        Self.synthesizer.synthesize(tokens) { chunks.append($0) }
        #expect(chunks.count > 10)
        #expect(chunks[0].count < 16000 / 5)   // the first chunk is well under 200 ms of audio
        #expect(chunks.flatMap { $0 } == Self.synthesizer.synthesize(tokens).samples)
    }

    @Test func ssmlBreaksBecomeSilence() throws {
        let plain = try Self.synthesizer.say("yes no")
        let paused = try Self.synthesizer.say("yes <break time=\"1s\"/> no", ssml: true)
        #expect(paused.durationMs > plain.durationMs)
    }

    @Test func aDamagedVoiceFileIsAClearError() throws {
        let path = NSTemporaryDirectory() + "bad-\(UUID().uuidString).voice"
        try Data("HVOX\u{1}\0\0\0\u{ff}\0\0\0{".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: VoiceDatabase.LoadError.self) { try VoiceDatabase(path: path) }
        #expect(throws: VoiceDatabase.LoadError.self) { try VoiceDatabase(path: "/nonexistent.voice") }
    }
}
