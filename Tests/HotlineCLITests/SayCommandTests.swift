import Foundation
import HotlineTestSupport
import Testing

/// `hotline say` with an admin's user lexicon.
@Suite struct SayCommandTests {
    static let dictionary = repositoryRoot.appendingPathComponent("Models/lexicon/cmudict-en-us.dict").path
    static let voice = repositoryRoot.appendingPathComponent("Models/voices/rms/rms.voice").path

    static func say(_ text: String, _ extra: [String], in scratch: Scratch) throws -> Int {
        let out = scratch.file("\(UUID().uuidString).wav")
        let result = try CommandRunner.run("hotline", ["say", text, "-o", out, "--voice", voice, "--lexicon", dictionary] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
    }

    @Test func theDefaultModelsAreFoundFromAnyFolder() throws {
        let scratch = Scratch()
        let said = try CommandRunner.run("hotline", ["say", "Your order 12 ships today.", "-o", "out.wav"], in: scratch.path)
        #expect(said.status == 0, "\(said.stderr)")
        #expect(FileManager.default.fileExists(atPath: scratch.file("out.wav")))
        let sample = repositoryRoot.appendingPathComponent("Audio/samples/caller-order-status.flac").path
        let heard = try CommandRunner.run("hotline", ["recognize", sample, "--grammar", "builtin:yesno"], in: scratch.path)
        #expect(heard.status == 0, "\(heard.stderr)")
        // A model that is nowhere is still an error naming it.
        let missing = try CommandRunner.run("hotline", ["say", "hi", "-o", "x.wav", "--voice", "Models/voices/none.voice"], in: scratch.path)
        #expect(missing.status != 0 && missing.stderr.contains("Models/voices/none.voice"), "\(missing.stderr)")
    }

    @Test func aPromptThatStartsWithSpeakIsSSMLAsInFlows() throws {
        let prompt = "<speak>Code <say-as interpret-as=\"characters\">ab1</say-as></speak>"
        let spoken = try CommandRunner.run("hotline", ["normalize", prompt])
        #expect(spoken.stdout == "code a b one\n", "\(spoken.stdout)\(spoken.stderr)")
    }

    @Test func aUserLexiconOverridesTheDictionary() throws {
        let scratch = Scratch()
        let user = scratch.file("site.dict")
        // A deliberately long reading of "acme", to tell it from the dictionary's.
        try "acme AE K M IY AE K M IY AE K M IY\n".write(toFile: user, atomically: true, encoding: .utf8)
        let plain = try Self.say("acme", [], in: scratch)
        let custom = try Self.say("acme", ["--user-lexicon", user], in: scratch)
        #expect(plain > 0 && custom > plain * 2, "\(custom) vs \(plain) bytes")
    }

    @Test func normalizeShowsThePhonesTheVoiceWillSay() throws {
        let scratch = Scratch()
        let user = scratch.file("site.dict")
        try "acme AE K M IY\n".write(toFile: user, atomically: true, encoding: .utf8)
        let options = ["--voice", Self.voice, "--lexicon", Self.dictionary]
        let spoken = try CommandRunner.run("hotline", ["normalize", "Acme opens at 8 am."])
        #expect(spoken.stdout == "acme opens at eight a m.\n", "\(spoken.stdout)")
        let phones = try CommandRunner.run("hotline", ["normalize", "--phones", "Acme opens at 8 am.", "--user-lexicon", user] + options)
        #expect(phones.status == 0, "\(phones.stderr)")
        #expect(phones.stdout == "pau ae k m iy ow p ah n z ae t ey t ey eh m pau\n", "\(phones.stdout)")
        // Words the lexicon lacks are named, with the guess, or as left out.
        let guessed = try CommandRunner.run("hotline", ["normalize", "--phones", "Welcome to Qwikpay 日本"] + options)
        #expect(guessed.stderr.contains("warning: prompt words not in the lexicon: 'qwikpay' (guessed: K W IH K P EY), '日本' (left out)"),
                "\(guessed.stderr)")
        let missing = try CommandRunner.run("hotline", ["normalize", "--phones", "hi", "--voice", scratch.file("none.voice")])
        #expect(missing.status != 0 && missing.stderr.contains("none.voice"), "\(missing.stderr)")
    }
}

/// Output names that say no audio format are refused before any work is done.
@Suite struct OutputFormatTests {
    /// An output it cannot write, or an empty prompt (which used to give an empty file).
    @Test(arguments: [("hello", "prompt.mp3", "use .wav, .flac or .opus"), ("  ", "prompt.wav", "nothing to say")])
    func sayRefusesBeforeWritingAnything(text: String, name: String, message: String) throws {
        let scratch = Scratch()
        let out = scratch.file(name)
        let result = try CommandRunner.run("hotline", ["say", text, "-o", out])
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func callRefusesARecordingItCannotWrite() throws {
        let scratch = Scratch()
        let result = try CommandRunner.run("hotline", ["call", "Flows/hotline.yaml", "Audio/samples/caller-order-status.flac", "-o", scratch.file("call.mp3")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("use .wav, .flac or .opus"), "\(result.stderr)")
    }
}
