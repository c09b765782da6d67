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
        abstract: "Validate, test and publish dialogue flows (see docs/flows.md).",
        subcommands: [FlowValidateCommand.self, FlowTestCommand.self, FlowGraphCommand.self, FlowPublishCommand.self,
                      FlowVersionsCommand.self, FlowRollbackCommand.self])
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
    @Option(help: ArgumentHelp("Also say every caller line with these voices, through a telephone channel, into a call "
                               + "(as hotline call): rms, kal16, espeak:VOICE, flite:VOICE, festival:VOICE.",
                               valueName: "V1,V2,...")) var voices: String?
    @Option(help: "Acoustic model file (with --voices).") var model = "Models/acoustic/acoustic.hnn"
    @Option(help: "Lexicon files (CMU format); later ones override earlier ones.") var lexicon = ["Models/lexicon/cmudict-en-us.dict"]
    @Option(help: "An admin's lexicon, read after the others so its words win; repeatable.") var userLexicon: [String] = []

    func validate() throws {
        if let voices, voices.split(separator: ",").isEmpty { throw ValidationError("--voices needs at least one voice") }
    }

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
        var outcomes: [ConversationTest.Outcome] = []
        for test in suite {
            let outcome = test.run(on: loaded)
            outcomes.append(outcome)
            if outcome.problems.isEmpty {
                print("pass  \(test.name)")
            } else {
                failures += 1
                print("FAIL  \(test.name)")
                for p in outcome.problems { print("      \(p)") }
            }
        }
        print("\(suite.count - failures) of \(suite.count) passed")
        reportIntentAccuracy(loaded)
        var voicesAgree = true
        if let voices {
            voicesAgree = try runByVoice(suite, outcomes, flow: loaded, voices: voices.split(separator: ",").map(String.init))
        }
        if failures > 0 || !voicesAgree { throw ExitCode.failure }
    }

    /// Each test again, its lines said by each voice; true when every spoken turn was read
    /// as the text path read it.
    private func runByVoice(_ suite: [ConversationTest], _ outcomes: [ConversationTest.Outcome], flow: Flow,
                            voices: [String]) throws -> Bool {
        let resources: CallSession.Resources
        let speakers: [TestVoice]
        do {
            resources = try CallSession.Resources(model: model, voice: VoiceDatabase.defaultPath, lexicon: lexicon + userLexicon)
            speakers = try voices.map { try TestVoice($0, lexicon: resources.lexicon) }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
        var allAgree = true
        for voice in speakers {
            var spoken = 0, agreed = 0
            for (test, outcome) in zip(suite, outcomes) {
                if let reason = test.voiceSkipReason {
                    print("voice \(voice.name): skip  \(test.name): \(reason)")
                    continue
                }
                let lines = test.turns.compactMap(\.caller)
                spoken += lines.filter(ConversationTest.isSpeech).count
                let heard: [ConversationTest.VoiceTurn]
                do {
                    heard = try test.runByVoice(on: flow, resources: resources, voice: voice, readings: outcome.readings)
                } catch let error as HotlineError {
                    printError(error)
                    throw ExitCode.failure
                }
                agreed += heard.filter { $0.agrees && ConversationTest.isSpeech($0.said) }.count
                let diverged = heard.last.map { !$0.agrees } ?? false
                let unreached = lines.count - heard.count
                allAgree = allAgree && !diverged && unreached == 0
                print("voice \(voice.name): \(diverged || unreached > 0 ? "FAIL" : "pass")  \(test.name)")
                for turn in heard where !turn.agrees || diverged {
                    let confidence = turn.confidence.map { String(format: " (%.2f)", $0) } ?? ""
                    print("      turn \(turn.turn): said \"\(turn.said)\", heard \"\(turn.heard)\"\(confidence): "
                          + "text path \"\(turn.textReading)\", voice \"\(turn.voiceReading)\"\(turn.agrees ? "" : "  <- differs")")
                }
                if unreached > 0 && !diverged { print("      the call ended or stopped listening with \(unreached) line(s) unsaid") }
            }
            let percent = spoken == 0 ? 100 : 100 * Double(agreed) / Double(spoken)
            print("voice \(voice.name): \(agreed) of \(spoken) spoken turns read as the text path reads them ("
                  + String(format: "%.1f%%", percent) + ")")
        }
        return allAgree
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
