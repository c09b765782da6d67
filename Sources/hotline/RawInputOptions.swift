import ArgumentParser
import HotlineAudio

/// Options that describe a headerless input file.
struct RawInputOptions: ParsableArguments {
    @Option(name: .customLong("raw-encoding"), help: "Read the input as headerless samples of this encoding (pcm16, ulaw, alaw, float32).")
    var encoding: RawEncoding?

    @Option(name: .customLong("raw-rate"), help: "Sample rate of a raw input in Hz.")
    var sampleRate: Int = 8000

    @Option(name: .customLong("raw-channels"), help: "Interleaved channels of a raw input.")
    var channels: Int = 1

    @Flag(name: .customLong("raw-big-endian"), help: "Multi-byte raw samples are big-endian.")
    var bigEndian = false

    /// The raw format, when `--raw-encoding` was given.
    var format: RawFormat? {
        encoding.map { RawFormat(sampleRate: sampleRate, channels: channels, encoding: $0, bigEndian: bigEndian) }
    }

    func validate() throws {
        guard sampleRate > 0, sampleRate <= 768_000 else { throw ValidationError("--raw-rate must be 1...768000 Hz") }
        guard channels > 0, channels <= 256 else { throw ValidationError("--raw-channels must be 1...256") }
    }
}

extension RawEncoding: ExpressibleByArgument {}
extension AudioCodec: ExpressibleByArgument {}
