import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore
import HotlineStore

extension RecordingCut.Channel: ExpressibleByArgument {}

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

    @Argument(help: "The call's id (see hotline calls list).") var id: Int64
    @OptionGroup var store: CallStoreOptions
    @Option(help: "Only this turn (1 is the first).") var turn: Int?
    @Option(help: "caller (left), hotline (right) or both (stereo).") var channel = RecordingCut.Channel.caller
    @Option(name: .shortAndLong, help: "The output file (.wav, .flac or .opus).") var output: String

    func validate() throws {
        _ = try outputCodec(output)
        if let turn, turn < 1 { throw ValidationError("--turn counts from 1, not \(turn)") }
    }

    func run() throws {
        do {
            let calls = try store.open()
            guard let call = try calls.call(id) else { throw InvalidArgument("\(store.db): no call \(id)") }
            let (channels, rate) = try RecordingCut.cut(call, turns: try calls.turns(call: id), turn: turn.map { $0 - 1 }, channel: channel)
            try SoundFile.write(channels: channels, sampleRate: rate, to: output, codec: outputCodec(output))
            print("\(output): call \(id)" + (turn.map { ", turn \($0)" } ?? "") + ", \(channel.rawValue), "
                  + String(format: "%.2f s", Double(channels[0].count) / Double(rate)))
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
