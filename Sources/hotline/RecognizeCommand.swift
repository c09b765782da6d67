import ArgumentParser
import Foundation
import HotlineASR
import HotlineAudio
import HotlineCore
import HotlineDSP
import HotlineNN

/// `hotline recognize FILE... --grammar SPEC`: what was said, as the grammar allows.
struct RecognizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recognize",
        abstract: "Recognize speech in sound files against a grammar, with interpretation and confidence.",
        discussion: """
            SPEC is builtin:digits, builtin:digits?min=4&max=10, builtin:yesno, builtin:number, a \
            grammar file or grammar text itself (docs/grammars.md). With --open instead, any sentence \
            can be heard: a language model of example sentences backed off to general English words \
            (docs/grammars.md, open answers); with both, the grammar's phrases and, at --open-cost, \
            any sentence beside them (as a menu hears in a call). Audio is resampled to 8 kHz and fed in 20 ms chunks, as on \
            a live line. --json prints one object per file and line: \
            {"file","text","interpretation","confidence","rejected","nbest",...}; with no match, \
            "text" is empty and "rejected" is true.
            """)

    @Argument(help: "Sound files.") var files: [String]
    @Option(help: "builtin:NAME[?min=N&max=M], a grammar file, or grammar text ('public $s = small | large ;').") var grammar: String?
    @Option(help: "Hear open answers: a file of example sentences, one per line ('-': none, general English only).") var open: String?
    @Option(help: "Word and word-pair counts of general English, with --open.") var background = "Models/lexicon/background-words.counts"
    @Option(help: "Weight of the language model's log-probabilities, with --open.") var lmWeight = Recognizer.Options().languageModelWeight
    @Option(help: "Log-probability added per phone of each word the language model hears, with --open.") var lmPhoneBonus = Recognizer.Options().languageModelPhoneBonus
    @Option(help: "What a sentence of the language model costs against the grammar's phrases, with --grammar and --open together (as a menu hears).") var openCost = Recognizer.Options().openCost
    @Option(help: "Acoustic model file.") var model = "Models/acoustic/acoustic.hnn"
    @Option(help: "Lexicon files (CMU format); later ones override earlier ones.") var lexicon = ["Models/lexicon/cmudict-en-us.dict"]
    @Option(help: "An admin's lexicon, read after the others so its words win; repeatable.") var userLexicon: [String] = []
    @Option(help: "Reject results below this confidence (0-1).") var threshold = Recognizer.Options().rejectionThreshold
    @Option(help: "Log-probability added per word (negative discourages inserted words; default 0, with --open -0.5).") var wordPenalty: Float?
    @Option(help: "Log-probability added per phone of each grammar word, besides the word penalty.") var phoneBonus = Recognizer.Options().phoneBonus
    @Option(help: "Search beam for entering a word (log-probability below the frame's expected best).") var wordBeam = Recognizer.Options().wordBeam
    @Option(help: "About how many words keep tokens from one frame to the next.") var maxActiveWords = Recognizer.Options().maxActiveWords
    @Flag(help: "Hear the grammar as a call does: with fillers ('i'd like', 'please') and garbage (other words) around it.")
    var asCall = false
    @Option(help: "Log-probability a frame of garbage costs below the likeliest phone (with --as-call).")
    var garbagePenalty = Recognizer.Options().garbagePenalty
    @Flag(help: "One JSON object per file and line.") var json = false
    @Flag(help: "Also print each partial hypothesis as it changes while the audio streams in.") var partials = false

    struct Line: Encodable {
        var file: String
        var result: RecognitionResult
        /// Time from the end of the audio to the final result.
        var finalLatencyMs: Double
        func encode(to encoder: Encoder) throws {
            enum Key: String, CodingKey { case file, finalLatencyMs }
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(file, forKey: .file)
            try c.encode((finalLatencyMs * 100).rounded() / 100, forKey: .finalLatencyMs)
            try result.encode(to: encoder)
        }
    }

    struct Partial: Encodable {
        var file: String
        var partial: String
        var atMs: Int
    }

    func validate() throws {
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be within 0...1") }
        guard grammar != nil || open != nil else { throw ValidationError("give --grammar, --open or both") }
    }

    func run() throws {
        let recognizer: Recognizer
        do {
            var options = Recognizer.Options()
            options.rejectionThreshold = threshold
            if let wordPenalty { (options.wordPenalty, options.languageModelWordPenalty) = (wordPenalty, wordPenalty) }
            options.garbagePenalty = garbagePenalty
            options.phoneBonus = phoneBonus
            options.wordBeam = wordBeam
            options.maxActiveWords = maxActiveWords
            options.languageModelWeight = lmWeight
            options.languageModelPhoneBonus = lmPhoneBonus
            options.openCost = openCost
            let acoustic = try AcousticModel(contentsOf: URL(fileURLWithPath: model)), words = try Lexicon(paths: lexicon + userLexicon)
            let languageModel = try open.map { open in
                let sentences = open == "-" ? [] : try String(contentsOfFile: open, encoding: .utf8).split(separator: "\n").map(String.init)
                return LanguageModel(sentences: sentences, background: try LanguageModel.counts(contentsOf: background))
            }
            if let grammar {
                let compiled = try GrammarCompiler.load(spec: grammar)
                recognizer = try Recognizer(model: acoustic, grammar: asCall ? compiled.withFillers() : compiled, lexicon: words, options: options,
                                            open: languageModel)
            } else {
                recognizer = try Recognizer(model: acoustic, languageModel: languageModel!, lexicon: words, options: options)
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
        if !recognizer.guessedWords.isEmpty { printError("warning: " + GuessedWord.warning(recognizer.guessedWords, of: "grammar")) }
        var failures = 0
        for file in files {
            do {
                let audio = try readAudio(file, sampleRate: recognizer.sampleRate)
                let chunk = recognizer.sampleRate / 50
                var i = 0, shown = ""
                while i < audio.samples.count {
                    recognizer.accept(Array(audio.samples[i..<min(i + chunk, audio.samples.count)]))
                    i += chunk
                    if partials, recognizer.partial != shown {
                        shown = recognizer.partial
                        let at = min(i, audio.samples.count) * 1000 / recognizer.sampleRate
                        print(json ? try jsonLine(Partial(file: file, partial: shown, atMs: at)) : "\(file): partial @\(at) ms: \(shown)")
                    }
                }
                let start = DispatchTime.now()
                let result = recognizer.finish()
                let latency = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
                if json {
                    print(try jsonLine(Line(file: file, result: result, finalLatencyMs: latency)))
                } else if result.rejected {
                    print("\(file): rejected (\(result.reason ?? "")), best '\(result.nbest.first?.text ?? "")' confidence \(result.confidence)")
                } else {
                    let value = result.interpretation.map { i in
                        " value '\(i.value)'" + i.slots.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
                    } ?? ""
                    print("\(file): \(result.text)\(value) confidence \(result.confidence)")
                }
            } catch let error as HotlineError {
                failures += 1
                printError(error)
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}
