import ArgumentParser
import Foundation
import HotlineCore
import HotlineDaemon
import HotlineDialogue
import HotlineTTS

/// `hotline flow`: check and test dialogue flows.
struct FlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Validate and test dialogue flows (see docs/flows.md).",
        subcommands: [FlowValidateCommand.self, FlowTestCommand.self, FlowGraphCommand.self])
}

/// Loads a flow, or prints its problems (one per line) and fails the command.
func loadFlowOrExit(_ path: String) throws -> Flow {
    do {
        return try FlowLoader.load(path: path)
    } catch let errors as FlowErrors {
        FileHandle.standardError.write(Data((errors.description + "\n").utf8))
        throw ExitCode.failure
    }
}

/// `hotline flow validate FLOW...`: every problem with file:line:column and a hint.
struct FlowValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check flows: YAML, fields, states, prompts, dead ends. Exit status 1 on any error.",
        discussion: """
            Prompt and listen words the lexicon lacks are named as warnings, with the pronunciation guessed for them; \
            a listen word with no pronunciation at all is an error (phrases with it can never be heard), and so is an \
            SSML prompt (one that starts with <speak>) that does not parse.
            """)

    @Argument(help: "Flow files (YAML).") var flows: [String]
    @Option(help: "Lexicon files (CMU format); later ones override earlier ones.") var lexicon = ["Models/lexicon/cmudict-en-us.dict"]
    @Option(help: "An admin's lexicon (as the daemon has), read after the others so its words win; repeatable.") var userLexicon: [String] = []

    func run() throws {
        var failed = false
        let words: Lexicon?
        do {
            words = try Lexicon(paths: lexicon + userLexicon)
        } catch let error as HotlineError {
            printError("warning: words not checked against the lexicon: \(error)")
            words = nil
        }
        for path in flows {
            do {
                let flow = try FlowLoader.load(path: path)
                let found = FlowSpeechCheck.check(flow, lexicon: words)
                if found.errors.isEmpty { print("\(path): ok (\(flow.states.count) states)") } else { failed = true }
                for error in found.errors { printError("\(path): error: \(error)") }
                for warning in found.warnings { printError("\(path): warning: \(warning)") }
            } catch let errors as FlowErrors {
                failed = true
                FileHandle.standardError.write(Data((errors.description + "\n").utf8))
            }
        }
        if failed { throw ExitCode.failure }
    }
}

/// `hotline flow test FLOW CASES.yaml`: scripted conversations against a flow.
struct FlowTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run conversation tests (caller turns, expected prompts, end state) against a flow.")

    @Argument(help: "The flow.") var flow: String
    @Argument(help: "Test cases (YAML, see docs/flows.md).") var cases: String

    func run() throws {
        let loaded = try loadFlowOrExit(flow)
        let suite: [ConversationTest]
        do {
            suite = try ConversationTest.load(path: cases)
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
        var failures = 0
        for test in suite {
            let problems = test.run(on: loaded)
            if problems.isEmpty {
                print("pass  \(test.name)")
            } else {
                failures += 1
                print("FAIL  \(test.name)")
                for p in problems { print("      \(p)") }
            }
        }
        print("\(suite.count - failures) of \(suite.count) passed")
        reportIntentAccuracy(loaded)
        if failures > 0 { throw ExitCode.failure }
    }

    /// Per menu: how many example phrases are recognised by a classifier trained on the
    /// others (leave-one-out), a guide to whether the examples cover the intents.
    private func reportIntentAccuracy(_ flow: Flow) {
        for name in flow.states.keys.sorted() {
            guard case .menu(let options)? = flow.states[name]?.input else { continue }
            let examples = options.filter { $0.phrases.count > 1 }.map { (intent: $0.goto, sentences: $0.phrases) }
            guard examples.count > 1 else { continue }
            let scores = IntentClassifier.leaveOneOutAccuracy(examples)
            let correct = scores.map(\.correct).reduce(0, +), total = scores.map(\.total).reduce(0, +)
            let detail = scores.map { "\($0.intent) \($0.correct)/\($0.total)" }.joined(separator: ", ")
            print("intents in \(name): \(correct)/\(total) held-out example phrases recognised (\(detail))")
        }
    }
}
