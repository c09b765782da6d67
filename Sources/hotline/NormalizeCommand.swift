import ArgumentParser
import Foundation
import HotlineCore
import HotlineTTS

/// `hotline normalize TEXT`: how the synthesizer will read a prompt.
struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Print a prompt in its spoken form (numbers, dates, money, codes spelled out; pauses as , and .).",
        discussion: "TEXT '-' reads one prompt per line from standard input.")

    @Argument(help: "Prompt text, or - for lines from standard input.") var text: String
    @Flag(help: "The prompt is SSML (speak, p, s, say-as, sub, break, prosody, emphasis) even without <speak>; one that starts with <speak> always is.") var ssml = false
    @Flag(help: "Print the phones the voice will say instead (ARPAbet, pau for a pause), to check a pronunciation.") var phones = false
    @OptionGroup var voice: VoiceOptions

    func run() throws {
        let prompts = text == "-" ? Array(AnyIterator { readLine() }) : [text]
        let synthesizer: DiphoneSynthesizer?
        do {
            synthesizer = phones ? try voice.synthesizer() : nil
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
        var failed = false, warned: Set<String> = []
        for prompt in prompts {
            do {
                let tokens = try ssml ? SSML.parse(prompt) : SSML.prompt(prompt)
                if let synthesizer { warnAboutGuessedWords(tokens, of: synthesizer, warned: &warned) }
                print(synthesizer.map { $0.phones(tokens).joined(separator: " ") } ?? tokens.spokenText)
            } catch let error as SSML.ParseError {
                failed = true
                printError(error)
            }
        }
        if failed { throw ExitCode.failure }
    }
}
