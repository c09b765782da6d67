import Foundation
import HotlineASR
import HotlineAudio
import HotlineCore
import HotlineDaemon
import HotlineDialogue
import HotlineTTS
import HotlineTestSupport
import Testing

/// Random and mutated input through every reader, in process: sound files, flows (then a
/// random caller through the engine), grammars (then their search network), daemon
/// configurations and prompts. Each must give a value or its own typed error, never crash
/// or hang. Seeded, so a failure repeats; `HOTLINE_FUZZ_SEED` tries other seeds.
@Suite struct FuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let seed = UInt64(ProcessInfo.processInfo.environment["HOTLINE_FUZZ_SEED"] ?? "") ?? 20261207

    /// Structure-breaking pieces a mutation may insert into text.
    static let textPieces = [
        ":", "- ", "{", "}", "[", "]", "\n", "\n  ", "\t", "\"", "'", "&a ", "*a", "<<: *a", "!!binary ", "~", "#", "|",
        "99999999999999999999", "-1", "0", "<4000000000>", "<0-99999>", "$r", "$r = $r a ;", "{", "}", "(", ")", "/0.5/",
        "<speak>", "</speak>", "<say-as interpret-as=\"digits\">", "<break time=\"99999s\"/>", "&amp;", "&#0;", "\u{0}",
        "\u{FEFF}", "é", "🙂", "goto: nowhere", "type: digits", "min_length: 0", "sensitive: true", "url: http://a@b",
    ]

    /// Runs `attempt` for cases 0..<`cases`: how many gave a value and how many were
    /// refused with `Refusal`, the reader's own error (any other error fails the test).
    static func tally<Refusal: Error>(_ cases: Int, refusing _: Refusal.Type,
                                      _ attempt: (Int) throws -> Void) throws -> (accepted: Int, refused: Int) {
        var accepted = 0, refused = 0
        for i in 0..<cases {
            do {
                try attempt(i)
                accepted += 1
            } catch is Refusal {
                refused += 1
            }
        }
        return (accepted, refused)
    }

    @Test func mutatedSoundFilesAreReadOrRefused() throws {
        var random = SeededRandom(Self.seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-audio-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let speech = try SoundFile.read(Self.root.appendingPathComponent("Audio/samples/digits-jackson-16k.flac").path)
        var seeds: [(String, Data)] = []
        for (name, codec) in [("a.wav", AudioCodec.pcm16), ("a.flac", .flac), ("a.opus", .opus), ("u.wav", .ulaw)] {
            let path = folder + "/" + name
            try SoundFile.write(AudioBuffer(samples: Array(speech.samples.prefix(8000)), sampleRate: 8000), to: path, codec: codec)
            seeds.append((name, try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        let (read, refused) = try Self.tally(400, refusing: SoundFileError.self) { i in
            let (name, original) = seeds[i % seeds.count]
            let path = folder + "/m\(i)-" + name
            try random.mutate(original).write(to: URL(fileURLWithPath: path))
            _ = try SoundFile.info(path)
            _ = try SoundFile.read(path, allowTruncated: i % 2 == 0)
        }
        #expect(read > 0 && refused > 0, "\(read) read, \(refused) refused")
    }

    @Test func mutatedFlowsLoadOrGiveDiagnosticsAndLoadedOnesSurviveARandomCaller() throws {
        var random = SeededRandom(Self.seed &+ 1)
        let flowFolder = Self.root.appendingPathComponent("Flows").path
        let original = try String(contentsOfFile: flowFolder + "/hotline.yaml", encoding: .utf8)
        let words = original.split { !$0.isLetter }.map(String.init)
        let (loaded, rejected) = try Self.tally(500, refusing: FlowErrors.self) { _ in
            let flow = try FlowLoader.load(yaml: random.mutate(text: original, pieces: Self.textPieces), file: "fuzz.yaml",
                                           baseDirectory: flowFolder)
            var engine = DialogueEngine(flow: flow)
            var actions = engine.handle(.start)
            for _ in 0..<40 where !engine.isFinished {
                let event: DialogueEvent = switch random.below(7) {
                case 0: .noInput
                case 1: .noMatch
                case 2: .dtmf(String((0..<(1 + random.below(12))).map { _ in "0123456789*#".randomElement(using: &random)! }))
                case 3: .webhookResult(random.below(2) == 0 ? nil : ["status": "ok", "number": "42"])
                case 4: .recorded(reference: "m.wav")
                default: .recognized(text: (0..<(1 + random.below(6))).map { _ in words.randomElement(using: &random)! }.joined(separator: " "),
                                     confidence: Double(random.below(101)) / 100)
                }
                actions = engine.handle(event)
                #expect(actions.count < 200)
            }
        }
        #expect(loaded > 0 && rejected > 0, "\(loaded) loaded, \(rejected) rejected")
    }

    @Test func mutatedGrammarsCompileOrGiveErrorsAndCompiledOnesBuildANetwork() throws {
        var random = SeededRandom(Self.seed &+ 2)
        let original = """
            #ABNF 1.0;
            root $order;
            public $order = [i'd like | can i have] [a | an] $size $drink [please] {out.size = rules.size; out.drink = rules.drink};
            $size = small {small} | medium {medium} | large {large};
            $drink = latte | (flat white) | espresso <1-2> | tea;
            $digits = (oh | one | two | three)<2-4>;
            """
        let (compiled, rejected) = try Self.tally(500, refusing: GrammarError.self) { _ in
            let grammar = try GrammarCompiler.compile(random.mutate(text: original, pieces: Self.textPieces), file: "fuzz.gram")
            _ = grammar.parse("can i have a large latte please")
            _ = try? Recognizer(model: CallSessionTests.acoustic, grammar: grammar, lexicon: CallSessionTests.lexicon)
        }
        #expect(compiled > 0 && rejected > 0, "\(compiled) compiled, \(rejected) rejected")
    }

    @Test func mutatedConfigurationsParseOrGiveDiagnostics() throws {
        var random = SeededRandom(Self.seed &+ 3)
        let original = try String(contentsOf: Self.root.appendingPathComponent("Systemd/hotlined.yaml"), encoding: .utf8)
        let (parsed, rejected) = try Self.tally(500, refusing: FlowErrors.self) { _ in
            _ = try DaemonConfiguration.parse(yaml: random.mutate(text: original, pieces: Self.textPieces), file: "fuzz.yaml")
        }
        #expect(rejected > 0, "\(parsed) parsed, \(rejected) rejected")
    }

    @Test func randomPromptsAreSpokenOrRefused() throws {
        var random = SeededRandom(Self.seed &+ 4)
        let original = #"<speak>Your order <say-as interpret-as="digits">4021</say-as> ships on 12/24 at 3:30 pm, $12.50, call (555) 123-4567 ext. 204.</speak>"#
        let (spoken, refused) = try Self.tally(500, refusing: SSML.ParseError.self) { i in
            let text = random.mutate(text: original, pieces: Self.textPieces)
            _ = try SSML.prompt(i % 2 == 1 ? SSML.displayText(text) : text)
        }
        #expect(spoken > 0, "\(spoken) spoken, \(refused) refused")
    }
}
