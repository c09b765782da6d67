import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP
import HotlineDaemon
import HotlineStore

/// `hotline replay ID`: a recorded call's caller channel through today's system.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run a recorded call's caller audio through today's recognizer and flow; show, turn by turn, what was heard then and now.",
        discussion: "The caller is the left channel of the call's recording. Turns are compared in order; a turn differs when its state, input kind, words or interpretation differ.")

    @Argument(help: "The call's id (hotline calls list).") var id: Int64
    @Option(help: "The daemon's call store (its --database).") var db = "hotline.sqlite"
    @Option(help: "The flow to run (default: the one the call ran).") var flow: String?
    @Option(help: "Acoustic model file.") var model = "Models/acoustic/acoustic.hnn"
    @Option(help: "Voice file.") var voice = "Models/voices/kal16/kal16.voice"
    @Option(help: "Lexicon file (CMU format).") var lexicon = "Models/lexicon/cmudict-en-us.dict"
    @Flag(help: "One JSON object per turn ({turn, then, now, same}), then a summary.") var json = false

    struct Compared: Encodable {
        var turn: Int
        var then: TurnRecord?
        var now: TurnRecord?
        var same: Bool
    }

    struct Summary: Encodable {
        var call: Int64
        var turnsThen: Int
        var turnsNow: Int
        var differences: Int
    }

    func run() throws {
        do {
            let store = try CallStore(path: db)
            guard let call = try store.call(id) else { throw InvalidArgument("\(db): no call \(id)") }
            guard let recording = call.recording else { throw InvalidArgument("call \(id) has no recording to replay") }
            var caller = try SoundFile.read(recording, channel: 0)
            if caller.sampleRate != CallSession.sampleRate { caller = try Resampler.resample(caller, to: CallSession.sampleRate) }
            let session = try CallSession(flow: try loadFlowOrExit(flow ?? call.flow),
                                          resources: .init(model: model, voice: voice, lexicon: [lexicon]))
            _ = session.run(caller: caller.samples, lingerSeconds: 1)
            let then = try store.turns(call: id), now = session.turns
            var differences = 0
            for i in 0..<max(then.count, now.count) {
                let a = i < then.count ? then[i] : nil, b = i < now.count ? now[i] : nil
                let same = a.map { [$0.state, $0.input, $0.heard, $0.interpretation] } == b.map { [$0.state, $0.input, $0.heard, $0.interpretation] }
                if !same { differences += 1 }
                if json {
                    print(try jsonLine(Compared(turn: i + 1, then: a, now: b, same: same)))
                } else {
                    print("turn \(i + 1)\(same ? "" : "  DIFFERS")")
                    print("  then: " + (a.map(describe) ?? "-"))
                    print("  now:  " + (b.map(describe) ?? "-"))
                }
            }
            let summary = Summary(call: id, turnsThen: then.count, turnsNow: now.count, differences: differences)
            print(json ? try jsonLine(summary) : "call \(id): \(then.count) turns then, \(now.count) now, \(differences) differ")
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }

    private func describe(_ s: TurnRecord) -> String {
        "[\(s.state)] \(s.input) \"\(s.heard)\"" + (s.confidence.map { " (\($0))" } ?? "") + " -> \(s.interpretation)"
    }
}
