import ArgumentParser
import Foundation
import HotlineCore
import HotlineTTS

/// `hotline-bench tts PROMPTS`: synthesis speed in process, excluding start-up and loading.
struct BenchTTSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tts",
        abstract: "Synthesise prompts (one a line; - for stdin) in process: x realtime and time to the first 20 ms of audio.")

    @Argument(help: "File of prompts, one a line, or - for standard input.") var prompts: String
    @Option(help: "Times to synthesise the whole set (the first pass warms caches and is not counted).") var passes = 3
    @Option(help: "Voice file.") var voice = VoiceDatabase.defaultPath
    @Option(help: "Lexicon files (CMU format).") var lexicon = ["Models/lexicon/cmudict-en-us.dict"]

    struct Report: Encodable {
        var prompts: Int
        var loadSeconds: Double
        var audioSeconds: Double
        var synthesisSeconds: Double
        var realtimeFactor: Double
        var firstChunkMsMedian: Double
        var firstChunkMsMax: Double
    }

    func validate() throws {
        guard passes >= 2 else { throw ValidationError("--passes must be at least 2 (the first one only warms up)") }
    }

    func run() throws {
        let text = prompts == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            : try String(contentsOfFile: prompts, encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        let loadStart = DispatchTime.now()
        let synthesizer = DiphoneSynthesizer(voice: try VoiceDatabase(path: voice), lexicon: try Lexicon(paths: lexicon))
        let loadSeconds = secondsSince(loadStart)
        let firstChunk = 320   // 20 ms at 16 kHz
        var samples = 0, seconds = 0.0, firsts: [Double] = []
        for pass in 0..<passes {
            for line in lines {
                var produced = 0, first: Double?
                let start = DispatchTime.now()
                let tokens = TextNormalizer.normalize(line)
                synthesizer.synthesize(tokens) { chunk in
                    produced += chunk.count
                    if first == nil, produced >= firstChunk { first = secondsSince(start) }
                }
                let elapsed = secondsSince(start)
                guard pass > 0 else { continue }
                samples += produced
                seconds += elapsed
                firsts.append(1000 * (first ?? elapsed))
            }
        }
        firsts.sort()
        let audio = Double(samples) / Double(synthesizer.voice.sampleRate)
        print(try jsonLine(Report(prompts: lines.count, loadSeconds: loadSeconds, audioSeconds: audio, synthesisSeconds: seconds,
                                  realtimeFactor: seconds / max(audio, 1e-9), firstChunkMsMedian: firsts[firsts.count / 2],
                                  firstChunkMsMax: firsts.last ?? 0)))
    }
}
