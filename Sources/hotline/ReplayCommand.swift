import ArgumentParser
import Foundation
import HotlineCore
import HotlineDaemon
import HotlineStore
import HotlineTTS

/// `hotline replay ID|FILE`: a recorded call's caller channel through today's system.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run a recorded call's caller audio through today's recognizer and flow; show, turn by turn, what was heard then and now.",
        discussion: """
            The caller is the left channel of the call's recording. Turns are compared in order; a turn differs when \
            its state, input kind, words or interpretation differ. Given a recording file instead of an id, the call \
            is found in the store by its recording; a recording the store does not know (or no store) is replayed \
            with --flow and shows only what is heard now.
            """)

    @Argument(help: "The call's id (hotline calls list) or its recording file.") var call: String
    @OptionGroup var store: CallStoreOptions
    @Option(help: "The flow to run (default: the one the call ran).") var flow: String?
    @Option(help: "Acoustic model file.") var model = "Models/acoustic/acoustic.hnn"
    @Option(help: "Voice file.") var voice = VoiceDatabase.defaultPath
    @Option(help: "Lexicon file (CMU format).") var lexicon = "Models/lexicon/cmudict-en-us.dict"
    @Option(help: "An admin's lexicon (as the daemon had), read after the others so its words win; repeatable.") var userLexicon: [String] = []
    @Flag(help: "One JSON object per turn ({turn, then, now, same}), then a summary.") var json = false

    struct Summary: Encodable {
        var call: Int64?
        var turnsThen: Int
        var turnsNow: Int
        var differences: Int
    }

    func run() throws {
        do {
            let (record, recording, then) = try findCall()
            guard let flowPath = flow ?? record?.flow else {
                throw InvalidArgument("\(call): not a call in \(store.db); say which flow to replay it with (--flow)")
            }
            // A call cut off by a crash left a recording without its last page: replay what it holds.
            let cutOff = recording.hasSuffix(".part") || record?.outcome == "daemon crashed"
            let compared = try CallReplay.run(recording: recording, cutOff: cutOff, then: then, flow: try loadFlowOrExit(flowPath),
                                              resources: .init(model: model, voice: voice, lexicon: [lexicon] + userLexicon))
            let now = compared.compactMap(\.now)
            var differences = 0
            for turn in compared {
                if !turn.same, record != nil { differences += 1 }
                if json {
                    print(try jsonLine(turn))
                } else {
                    print("turn \(turn.turn)\(turn.same || record == nil ? "" : "  DIFFERS")")
                    print("  then: " + (turn.then.map(describe) ?? "-"))
                    print("  now:  " + (turn.now.map(describe) ?? "-"))
                }
            }
            let summary = Summary(call: record?.id, turnsThen: then.count, turnsNow: now.count, differences: differences)
            print(json ? try jsonLine(summary) : "\(record.map { "call \($0.id)" } ?? recording): \(then.count) turns then, \(now.count) now, \(differences) differ")
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }

    /// The call (if the store has it), its recording and its stored turns.
    private func findCall() throws -> (CallRecord?, String, [TurnRecord]) {
        if let id = Int64(call) {
            let calls = try store.open()
            guard let record = try calls.call(id) else { throw InvalidArgument("\(store.db): no call \(id)") }
            guard let recording = record.recording else { throw InvalidArgument("call \(id) has no recording to replay") }
            return (record, recording, try calls.turns(call: id))
        }
        guard FileManager.default.fileExists(atPath: call) else { throw InvalidArgument("\(call): no such call id or recording file") }
        guard let calls = try? store.open() else { return (nil, call, []) }
        let path = URL(fileURLWithPath: call).standardized.path
        let record = try calls.calls().map(\.call).first { $0.recording.map { URL(fileURLWithPath: $0).standardized.path } == path }
        return (record, call, try record.map { try calls.turns(call: $0.id) } ?? [])
    }

    private func describe(_ s: TurnRecord) -> String {
        "[\(s.state)] \(s.input.rawValue) \"\(s.heard)\"" + (s.confidence.map { " (\($0))" } ?? "") + " -> \(s.interpretation)"
    }
}
