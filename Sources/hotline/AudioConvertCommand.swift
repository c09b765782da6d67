import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP

/// `hotline audio convert IN OUT`: change container, codec and sample rate.
struct AudioConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a sound file (mixing to mono, or taking one channel), optionally resampling.",
        discussion: """
            The codec follows OUT's extension (.wav: pcm16, .flac, .opus/.ogg) unless --codec is given.             --channel 0 takes a call recording's caller, --channel 1 the hotline (hotline calls audio cuts turns).
            """)

    @Argument(help: "Input sound file (any format libsndfile reads).")
    var input: String

    @Argument(help: "Output file.")
    var output: String

    @Option(help: "Output sample rate in Hz (default: the input's).")
    var rate: Int?

    @Option(help: "Output codec: \(AudioCodec.allCases.map(\.rawValue).joined(separator: ", ")).")
    var codec: AudioCodec?

    @Option(help: "Only this channel, counted from 0, instead of mixing them all.")
    var channel: Int?

    @Flag(help: "Convert what a damaged or truncated input still holds instead of failing.")
    var salvage = false

    @OptionGroup var raw: RawInputOptions

    func validate() throws {
        if let rate, !(1000...384_000).contains(rate) { throw ValidationError("--rate must be 1000...384000 Hz") }
        if codec == nil { _ = try outputCodec(output, orOption: "--codec") }
    }

    func run() throws {
        // Interrupted (Ctrl-C, a stop), the half-written OUT.part goes too.
        let partial = output + ".part"
        let stops = ([SIGINT, SIGTERM, SIGHUP] as [Int32]).map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                unlink(partial)
                Foundation.exit(128 + number)
            }
            source.resume()
            return source
        }
        defer { stops.forEach { $0.cancel() } }
        do {
            var audio = try SoundFile.read(input, raw: raw.format, allowTruncated: salvage, channel: channel)
            if let rate { audio = try resample(audio, to: rate, from: input) }
            try SoundFile.write(audio, to: output, codec: codec ?? outputCodec(output))
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
