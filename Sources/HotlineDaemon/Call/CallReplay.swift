import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP
import HotlineDialogue
import HotlineStore

/// A recorded call's caller channel run again through today's recognizer and a flow, turn
/// by turn beside what was heard then: `hotline replay` and the console's replay page. The
/// flow's webhooks get the answers the backend gave then (a replay calls no backend).
public enum CallReplay {
    /// One turn then and now; they differ when the state, input kind, words or
    /// interpretation differ.
    public struct Compared: Sendable, Encodable {
        public var turn: Int
        public var then: TurnRecord?
        public var now: TurnRecord?
        public var same: Bool
    }

    /// Replays `recording` (its left channel is the caller; `cutOff`: a crash left it
    /// without its last page) through `flow` with `resources`, beside the turns `then`.
    public static func run(recording: String, cutOff: Bool, then: [TurnRecord], flow: Flow,
                           resources: CallSession.Resources) throws -> [Compared] {
        let caller = try Resampler.resample(SoundFile.read(recording, allowTruncated: cutOff, channel: 0), to: CallSession.sampleRate)
        let answers = RecordedAnswers(then.filter { $0.input == .webhook }.map {
            try? JSONDecoder().decode([String: String].self, from: Data($0.heard.utf8))
        })
        let session = try CallSession(flow: flow, resources: resources, webhook: { _, _, _ in answers.next() })
        _ = session.run(caller: caller.samples, lingerSeconds: 1)
        let now = session.turns
        return (0..<max(then.count, now.count)).map { i in
            let a = i < then.count ? then[i] : nil, b = i < now.count ? now[i] : nil
            let key = { (t: TurnRecord) in [t.state, t.input.rawValue, t.heard, t.interpretation] }
            return Compared(turn: i + 1, then: a, now: b, same: a.map(key) == b.map(key))
        }
    }
}

extension Daemon {
    /// Call `call` (with its stored `turns`) replayed through what its line runs today: the
    /// flow in force and the daemon's models.
    public func replay(_ call: CallRecord, turns: [TurnRecord]) throws -> [CallReplay.Compared] {
        guard let recording = call.recording else { throw InvalidArgument("call \(call.id) has no recording to replay") }
        let flow = try runningFlow(line: call.line, number: call.parties?.called) ?? FlowLoader.load(path: call.flow, pathsOutside: true)
        return try CallReplay.run(recording: recording, cutOff: recording.hasSuffix(".part") || call.outcome == "daemon crashed",
                                  then: turns, flow: flow, resources: resources)
    }
}

/// The backend's answers a recorded call got, handed out again in order (nil once used up:
/// the webhook fails, as it would with no backend).
final class RecordedAnswers: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [[String: String]?]

    init(_ answers: [[String: String]?]) { self.answers = answers }

    func next() -> [String: String]? { lock.withLock { answers.isEmpty ? nil : answers.removeFirst() } }
}
