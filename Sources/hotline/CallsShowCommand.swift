import ArgumentParser
import HotlineCore
import HotlineStore
import HotlineTTS

/// `hotline calls show ID`: one call, turn by turn.
struct CallsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one recorded call: each turn with what was heard, confidence, n-best and the reply.")

    @Argument(help: "The call's id (see hotline calls list).") var id: Int64
    @OptionGroup var store: CallStoreOptions
    @Flag(help: "The call and its turns as one JSON object.") var json = false

    struct Shown: Encodable {
        var call: CallRecord
        var turns: [TurnRecord]
    }

    func run() throws {
        do {
            let calls = try store.open()
            guard let call = try calls.call(id) else { throw InvalidArgument("\(store.db): no call \(id)") }
            let turns = try calls.turns(call: id)
            if json {
                print(try jsonLine(Shown(call: call, turns: turns)))
                return
            }
            print("call \(call.id): \(call.startedAt) on \(call.line), flow \(call.flow)" + (call.flowVersion.map { " (version \($0))" } ?? "") + ", \(Double(call.durationMs) / 1000) s, \(call.outcome.isEmpty ? "cut off" : call.outcome)")
            if let parties = call.parties {
                print("from \(parties.caller) to \(parties.called)" + (parties.sipCallID.map { ", SIP Call-ID \($0)" } ?? ""))
            }
            if let recording = call.recording { print("recording: \(recording) (caller left, hotline right)") }
            for turn in turns {
                let expecting = turn.expecting.isEmpty ? "" : ", expecting \(turn.expecting)"
                print("\(Double(turn.atMs) / 1000) s  [\(turn.state)\(expecting)] \(turn.summary)"
                      + (turn.nbest.count > 1 ? "  n-best: \(turn.nbest.joined(separator: " | "))" : ""))
                print("    -> \(turn.interpretation)  (reply in \(turn.replyLatencyMs) ms)")
                for reply in turn.replies { print("    hotline: \(SSML.displayText(reply))") }
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
