import Foundation
import HotlineTestSupport
import Testing

/// `hotline phones` and `hotline recognize` on the demo line with the committed model.
@Suite struct RecognizeCommandTests {
    static let sample = repositoryRoot.appendingPathComponent("Audio/samples/digits-jackson-16k.flac").path
    static let noise = repositoryRoot.appendingPathComponent("../shared/speech/noise/1024.flac").standardized.path

    struct Line: Decodable {
        struct Interpretation: Decodable { var value: String }
        var file: String
        var text: String
        var interpretation: Interpretation?
        var confidence: Double
        var rejected: Bool
        var reason: String?
        var nbest: [Alternative]
        struct Alternative: Decodable { var text: String }
    }

    @Test func recognizesTheDemoDigitString() throws {
        let result = try CommandRunner.run("hotline", ["recognize", "--json", "--grammar", "builtin:digits?min=7&max=7", Self.sample, Self.noise])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        try #require(lines.count == 2)
        #expect(lines[0].text == "five five five zero one nine nine")
        #expect(lines[0].interpretation?.value == "5550199")
        #expect(!lines[0].rejected && lines[0].confidence >= 0.5)
        #expect(lines[1].rejected && lines[1].text.isEmpty && lines[1].interpretation == nil)
    }

    /// A training recording of "six" that stops as the word ends (298 ms): the model emits
    /// its "K S" at 300 and 330 ms, so without the front end's closing silence it heard "three".
    @Test func aRecordingCutRightAfterTheWordIsHeardWhole() throws {
        let clip = repositoryRoot.appendingPathComponent("../shared/speech/fsdd/6_nicolas_20.wav").standardized.path
        let result = try CommandRunner.run("hotline", ["recognize", "--json", "--grammar", "builtin:digits?min=1&max=1", clip])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try JSONDecoder().decode(Line.self, from: Data(result.stdout.utf8))
        #expect(line.text == "six" && !line.rejected)
    }

    @Test func printsPhonesWithTimes() throws {
        let result = try CommandRunner.run("hotline", ["phones", Self.sample])
        #expect(result.status == 0, "\(result.stderr)")
        let pairs = result.stdout.split(separator: ":")[1].split(separator: " ").map { $0.split(separator: "@") }
        let arpabet = Set("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH".split(separator: " "))
        // Seven digits of two to four phones each.
        #expect(pairs.count >= 12)
        #expect(pairs.allSatisfy { $0.count == 2 && arpabet.contains($0[0]) })
        let times = pairs.compactMap { Int($0.last ?? "") }
        #expect(times == times.sorted() && (times.last ?? 0) < 4400)
    }

    @Test func theGrammarMayBeWrittenOnTheCommandLine() throws {
        let three = repositoryRoot.appendingPathComponent("../shared/speech/fsdd/3_jackson_0.wav").standardized.path
        let result = try CommandRunner.run("hotline", ["recognize", "--json", "--grammar", "public $d = three {3} | seven {7} ;", three])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try JSONDecoder().decode(Line.self, from: Data(result.stdout.utf8))
        #expect(line.interpretation?.value == "3")
        let broken = try CommandRunner.run("hotline", ["recognize", "--grammar", "public $d = three | ;", three])
        #expect(broken.status != 0 && broken.stderr.contains("inline grammar"))
    }

    /// With --grammar and --open together (as a menu hears): a phrase of the grammar when
    /// one fits, with its meaning; anything else as free text instead of a forced phrase.
    @Test func aGrammarWithALanguageModelBesideItHearsOtherSentencesAsFreeText() throws {
        let three = repositoryRoot.appendingPathComponent("../shared/speech/fsdd/3_jackson_0.wav").standardized.path
        let result = try CommandRunner.run("hotline", ["recognize", "--json", "--grammar", "public $d = three {3} | seven {7} ;", "--open", "-",
                                                       three, Self.sample])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        try #require(lines.count == 2)
        #expect(lines[0].text == "three" && lines[0].interpretation?.value == "3")
        #expect(lines[1].text == "five five five zero one nine nine" && lines[1].interpretation?.value == "" && !lines[1].rejected)
    }

    @Test func badGrammarModelOrAudioGiveOneLineErrors() throws {
        let grammar = try CommandRunner.run("hotline", ["recognize", "--grammar", "builtin:colours", Self.sample])
        #expect(grammar.status != 0 && grammar.stderr.contains("unknown built-in grammar"))
        let model = try CommandRunner.run("hotline", ["recognize", "--grammar", "builtin:yesno", "--model", "/no/model.hnn", Self.sample])
        #expect(model.status != 0 && model.stderr.contains("/no/model.hnn"))
        let audio = try CommandRunner.run("hotline", ["recognize", "--grammar", "builtin:yesno", "/no/such.wav"])
        #expect(audio.status != 0 && audio.stderr.contains("/no/such.wav"))
        // A rate the resampler cannot take is that file's error, named, in every command that reads one.
        let scratch = Scratch()
        let odd = scratch.file("odd.wav")
        _ = try CommandRunner.run("hotline", ["say", "yes", "-o", odd, "--rate", "16000"])
        var header = try Data(contentsOf: URL(fileURLWithPath: odd))
        withUnsafeBytes(of: UInt32(44101).littleEndian) { header.replaceSubrange(24..<28, with: $0) }   // the WAV's sample rate
        try header.write(to: URL(fileURLWithPath: odd))
        for command in [["recognize", "--grammar", "builtin:yesno"], ["phones"], ["detect"], ["audio", "convert", "--rate", "8000"]] {
            let arguments = command + [odd] + (command.first == "audio" ? [scratch.file("out.wav")] : [])
            let result = try CommandRunner.run("hotline", arguments)
            #expect(result.status != 0 && result.stderr.contains("\(odd): resampling 44101"), "\(command): \(result.stderr)")
        }
    }
}
