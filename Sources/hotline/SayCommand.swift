import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore
import HotlineTTS

/// `hotline say TEXT -o OUT.wav`: speak a prompt with the built-in diphone voice.
struct SayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "say",
        abstract: "Synthesise a prompt to a sound file with Hotline's own diphone voice.",
        discussion: "TEXT '-' reads one prompt per line from standard input; then -o names a folder, one file per line (1.wav, 2.wav ...).")

    @Argument(help: "Prompt text (SSML when it starts with <speak>, as in flows), or - for lines from standard input.") var text: String
    @Flag(help: "The prompt is SSML even without <speak>.") var ssml = false
    @Option(name: .shortAndLong, help: "Output file (.wav/.flac/.opus), or a folder when TEXT is -.") var output: String
    @Option(help: "Output sample rate: 8000 (the line) or 16000.") var rate = 16000
    @OptionGroup var voice: VoiceOptions

    func validate() throws {
        guard rate == 8000 || rate == 16000 else { throw ValidationError("--rate must be 8000 or 16000") }
        if text != "-" {
            guard !text.allSatisfy(\.isWhitespace) else { throw ValidationError("nothing to say: TEXT is empty") }
            _ = try outputCodec(output)
        }
    }

    func run() throws {
        do {
            let synthesizer = try voice.synthesizer()
            var warned: Set<String> = []
            func speak(_ prompt: String) throws -> AudioBuffer {
                let tokens = try ssml ? SSML.parse(prompt) : SSML.prompt(prompt)
                warnAboutGuessedWords(tokens, of: synthesizer, warned: &warned)
                return try synthesizer.say(tokens, sampleRate: rate)
            }
            if text == "-" {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                var n = 0
                while let line = readLine() {
                    n += 1
                    try write(speak(line), to: output + "/\(n).wav")
                }
            } else {
                try write(speak(text), to: output)
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }

    private func write(_ audio: AudioBuffer, to path: String) throws {
        try SoundFile.write(audio, to: path, codec: try outputCodec(path))
    }
}
