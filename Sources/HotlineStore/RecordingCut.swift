import HotlineAudio
import HotlineCore

/// A stored call's recording, or one turn of it, as QA listens to it: the caller (left),
/// the hotline (right) or both, cut around the turn.
public enum RecordingCut {
    /// Which side of the stereo recording.
    public enum Channel: String, Sendable, CaseIterable { case caller, hotline, both }

    /// Audio kept either side of a turn's speech, ms.
    public static let marginMs = 500

    /// The channels of `call`'s recording (one, or two for `.both`) and their rate; only
    /// turn `turn` (0-based) of `turns` when given: its speech with `marginMs` either side,
    /// or, for a turn without speech, from the end of the turn before to its own end.
    public static func cut(_ call: CallRecord, turns: [TurnRecord], turn: Int?, channel: Channel) throws -> (channels: [[Float]], sampleRate: Int) {
        guard let recording = call.recording else { throw InvalidArgument("call \(call.id) has no recording") }
        let cutOff = recording.hasSuffix(".part") || call.outcome == "daemon crashed"
        let sides = try [0, 1].map { try SoundFile.read(recording, allowTruncated: cutOff, channel: $0) }
        let rate = sides[0].sampleRate
        var range = 0..<sides[0].samples.count
        if let turn {
            guard turns.indices.contains(turn) else { throw InvalidArgument("call \(call.id) has \(turns.count) turns, not \(turn + 1)") }
            let (startMs, endMs) = span(of: turn, in: turns)
            range = max(0, startMs * rate / 1000)..<min(range.upperBound, endMs * rate / 1000)
            guard !range.isEmpty else { throw InvalidArgument("turn \(turn + 1) of call \(call.id) is past the end of its recording") }
        }
        let cut = sides.map { Array($0.samples[range]) }
        switch channel {
        case .caller: return ([cut[0]], rate)
        case .hotline: return ([cut[1]], rate)
        case .both: return (cut, rate)
        }
    }

    /// Where turn `index` lies in the call, ms.
    static func span(of index: Int, in turns: [TurnRecord]) -> (Int, Int) {
        if let speech = turns[index].speechMs, speech.count == 2 {
            return (max(0, speech[0] - marginMs), speech[1] + marginMs)
        }
        return (index > 0 ? turns[index - 1].atMs : 0, turns[index].atMs)
    }
}
