import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore
import HotlineStore

/// `hotline calls audio ID [--turn N] [--channel caller|hotline|both] -o FILE`: a call's
/// recording, or one turn of it, as a file any player opens.
struct CallsAudioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio", abstract: "Write a recorded call, or one of its turns, to a WAV, FLAC or Opus file.",
        discussion: """
            A call's recording is stereo Ogg/Opus, the caller left and the hotline right. --turn N cuts the \
            caller's speech of turn N (as `calls show` numbers them from 1) with half a second either side, or, \
            for a turn without speech (keys, silence), from the end of the turn before to the end of this one. \
            --channel picks the caller, the hotline, or both as stereo.
            """)

    enum Channel: String, ExpressibleByArgument, CaseIterable { case caller, hotline, both }

    @Argument(help: "The call's id (see hotline calls list).") var id: Int64
    @OptionGroup var store: CallStoreOptions
    @Option(help: "Only this turn (1 is the first).") var turn: Int?
    @Option(help: "caller (left), hotline (right) or both (stereo).") var channel = Channel.caller
    @Option(name: .shortAndLong, help: "The output file (.wav, .flac or .opus).") var output: String

    /// Audio kept either side of a turn's speech, ms.
    static let marginMs = 500

    func validate() throws {
        _ = try outputCodec(output)
        if let turn, turn < 1 { throw ValidationError("--turn counts from 1, not \(turn)") }
    }

    func run() throws {
        do {
            let calls = try store.open()
            guard let call = try calls.call(id) else { throw InvalidArgument("\(store.db): no call \(id)") }
            guard let recording = call.recording else { throw InvalidArgument("call \(id) has no recording") }
            let cutOff = recording.hasSuffix(".part") || call.outcome == "daemon crashed"
            let sides = try [0, 1].map { try SoundFile.read(recording, allowTruncated: cutOff, channel: $0) }
            let rate = sides[0].sampleRate
            var range = 0..<sides[0].samples.count
            if let turn {
                let turns = try calls.turns(call: id)
                guard turn <= turns.count else { throw InvalidArgument("call \(id) has \(turns.count) turns, not \(turn)") }
                let (startMs, endMs) = Self.span(of: turn - 1, in: turns)
                range = max(0, startMs * rate / 1000)..<min(range.upperBound, endMs * rate / 1000)
                guard !range.isEmpty else { throw InvalidArgument("turn \(turn) of call \(id) is past the end of its recording") }
            }
            let cut = sides.map { Array($0.samples[range]) }
            let channels: [[Float]]
            switch channel {
            case .caller: channels = [cut[0]]
            case .hotline: channels = [cut[1]]
            case .both: channels = cut
            }
            try SoundFile.write(channels: channels, sampleRate: rate, to: output, codec: outputCodec(output))
            print("\(output): call \(id)" + (turn.map { ", turn \($0)" } ?? "") + ", \(channel.rawValue), "
                  + String(format: "%.2f s", Double(range.count) / Double(rate)))
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }

    /// Where turn `index` lies in the call, ms: its speech with a margin, or the time since
    /// the turn before.
    static func span(of index: Int, in turns: [TurnRecord]) -> (Int, Int) {
        if let speech = turns[index].speechMs, speech.count == 2 {
            return (max(0, speech[0] - marginMs), speech[1] + marginMs)
        }
        return (index > 0 ? turns[index - 1].atMs : 0, turns[index].atMs)
    }
}
