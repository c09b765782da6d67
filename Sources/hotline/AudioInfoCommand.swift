import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore

/// `hotline audio info FILE...`: format, rate, channels, frames and duration.
struct AudioInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe sound files: format, sample rate, channels, frames, duration.")

    @Argument(help: "Sound files to describe.")
    var files: [String]

    @Flag(help: "Print one JSON object per file and line.")
    var json = false

    @OptionGroup var raw: RawInputOptions

    func run() throws {
        var failures = 0
        for path in files {
            do {
                let info = try SoundFile.info(path, raw: raw.format)
                print(json ? try jsonLine(info) : describe(info))
            } catch {
                failures += 1
                printError(error)
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    private func describe(_ info: AudioFileInfo) -> String {
        "\(info.path): \(info.container) \(info.encoding), \(info.sampleRate) Hz, \(info.channels) ch, "
            + "\(info.frames) frames, " + String(format: "%.3f s", info.durationSeconds)
    }
}
