import ArgumentParser
import Foundation
import HotlineASR
import HotlineCore

/// `hotline grammar SPEC [TEXT...]`: check a grammar and try sentences against it.
struct GrammarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grammar",
        abstract: "Compile a grammar (builtin:digits?min=4&max=10, builtin:yesno, builtin:number, or a grammar file) and parse sentences with it.",
        discussion: "Prints, per sentence, whether it is in the grammar and its interpretation. The notation is in docs/grammars.md.")

    @Argument(help: "builtin:NAME[?min=N&max=M] or a grammar file.") var spec: String
    @Argument(help: "Sentences to parse.") var sentences: [String] = []
    @Flag(help: "One JSON object per sentence and line.") var json = false

    struct Result: Encodable {
        var text: String
        var match: Bool
        var interpretation: Grammar.Interpretation?
    }

    func run() throws {
        let grammar: Grammar
        do {
            grammar = try GrammarCompiler.load(spec: spec)
        } catch let error as GrammarError {
            printError(error)
            throw ExitCode.failure
        }
        if sentences.isEmpty {
            print("\(spec): ok (root $\(grammar.root), \(grammar.vocabulary.count) words)")
            return
        }
        var failures = 0
        for text in sentences {
            let interpretation = grammar.parse(text)
            if interpretation == nil { failures += 1 }
            if json {
                print(try jsonLine(Result(text: text, match: interpretation != nil, interpretation: interpretation)))
            } else if let i = interpretation {
                let slots = i.slots.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                print("\(text): value '\(i.value)'" + (slots.isEmpty ? "" : " \(slots)"))
            } else {
                print("\(text): no match")
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}
