import ArgumentParser
import Foundation
import HotlineTTS

/// `hotline normalize TEXT`: how the synthesizer will read a prompt.
struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Print a prompt in its spoken form (numbers, dates, money, codes spelled out; pauses as , and .).",
        discussion: "TEXT '-' reads one prompt per line from standard input.")

    @Argument(help: "Prompt text, or - for lines from standard input.") var text: String
    @Flag(help: "The prompt is SSML (speak, say-as, break, prosody, emphasis).") var ssml = false

    func run() throws {
        let prompts = text == "-" ? Array(AnyIterator { readLine() }) : [text]
        var failed = false
        for prompt in prompts {
            do {
                print(try (ssml ? SSML.parse(prompt) : TextNormalizer.normalize(prompt)).spokenText)
            } catch let error as SSML.ParseError {
                failed = true
                printError(error)
            }
        }
        if failed { throw ExitCode.failure }
    }
}
