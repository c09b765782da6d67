import CSndFile
import HotlineCore
import HotlineDSP
import Foundation

/// What a sound file holds, as `hotline audio info` reports it.
public struct AudioFileInfo: Sendable, Equatable, Codable {
    /// The file.
    public var path: String
    /// Container, e.g. "WAV", "FLAC", "OGG".
    public var container: String
    /// Sample encoding, e.g. "PCM_16", "ULAW", "OPUS".
    public var encoding: String
    /// Samples per second.
    public var sampleRate: Int
    /// Interleaved channels.
    public var channels: Int
    /// Sample frames (one sample per channel each).
    public var frames: Int
    /// Length in seconds.
    public var durationSeconds: Double
}

/// Sound files through libsndfile: any format it reads in, mono Float32 out;
/// WAV (PCM16, mu-law, A-law, float), FLAC and Ogg/Opus written.
///
/// Damaged input is normal on a phone system: every failure is a `SoundFileError`
/// naming the file, never a crash. A file that ends early (fewer frames than its
/// header promises) is an error too, unless the caller asks for what could be read.
public enum SoundFile {
    /// Frames read per libsndfile call.
    static let chunkFrames = 8192

    /// Describes `path` without decoding its audio.
    public static func info(_ path: String, raw: RawFormat? = nil) throws -> AudioFileInfo {
        let file = try SndFileHandle(reading: path, raw: raw)
        if let cut = file.truncation {
            throw SoundFileError(path: path, reason: "truncated: header declares \(cut.declaredBytes) bytes of audio, file holds \(cut.actualBytes)")
        }
        if file.lengthUnknown {
            throw SoundFileError(path: path, reason: "truncated: the stream ends without its last page, so its length is unknown (--salvage reads what is there)")
        }
        return file.describe()
    }

    /// Reads `path`, mixing all channels to mono (or taking only `channel`, counted from 0:
    /// a call recording's caller is channel 0).
    /// - Parameter allowTruncated: return what a damaged or cut-short file still holds
    ///   instead of throwing.
    public static func read(_ path: String, raw: RawFormat? = nil, allowTruncated: Bool = false, channel: Int? = nil) throws -> AudioBuffer {
        let file = try SndFileHandle(reading: path, raw: raw)
        if let cut = file.truncation, !allowTruncated {
            throw SoundFileError(path: path, reason: "truncated: header declares \(cut.declaredBytes) bytes of audio, file holds \(cut.actualBytes) (--salvage reads what is there)")
        }
        let channels = Int(file.info.channels)
        if let channel, !(0..<channels).contains(channel) {
            throw SoundFileError(path: path, reason: "has \(channels) channel(s); there is no channel \(channel)")
        }
        let expected = Int(file.info.frames)
        var mono: [Float] = []
        mono.reserveCapacity(max(0, min(expected, 1 << 26)))
        var interleaved = [Float](repeating: 0, count: chunkFrames * channels)
        let scale = 1 / Float(channels)
        while true {
            let got = Int(interleaved.withUnsafeMutableBufferPointer {
                sf_readf_float(file.handle, $0.baseAddress, sf_count_t(chunkFrames))
            })
            if got <= 0 { break }
            if channels == 1 {
                mono.append(contentsOf: interleaved[0..<got])
            } else if let channel {
                for f in 0..<got { mono.append(interleaved[f * channels + channel]) }
            } else {
                for f in 0..<got {
                    var sum: Float = 0
                    for c in 0..<channels { sum += interleaved[f * channels + c] }
                    mono.append(sum * scale)
                }
            }
        }
        if sf_error(file.handle) != SF_ERR_NO_ERROR, !allowTruncated {
            throw SoundFileError(path: path, reason: "damaged after \(mono.count) frames: \(file.lastError)")
        }
        if file.lengthUnknown, !allowTruncated {
            throw SoundFileError(path: path, reason: "truncated: the stream ends without its last page after \(mono.count) frames (--salvage reads what is there)")
        }
        if mono.count < expected, !allowTruncated {
            throw SoundFileError(path: path, reason: "truncated: header promises \(expected) frames, only \(mono.count) readable")
        }
        if let bad = mono.firstIndex(where: { !$0.isFinite }) {
            throw SoundFileError(path: path, reason: "sample \(bad) is not a finite number (corrupt float data)")
        }
        return AudioBuffer(samples: mono, sampleRate: Int(file.info.samplerate))
    }

    /// Writes mono `audio` to `path` with `codec`. The file is written under a temporary
    /// name and renamed into place, so a failure (a full disk) never leaves half a file.
    public static func write(_ audio: AudioBuffer, to path: String, codec: AudioCodec) throws {
        try write(channels: [audio.samples], sampleRate: audio.sampleRate, to: path, codec: codec)
    }

    /// Writes several channels (a call: caller left, hotline right) to `path`; shorter
    /// channels are padded with silence. Written under a temporary name and renamed.
    public static func write(channels: [[Float]], sampleRate: Int, to path: String, codec: AudioCodec) throws {
        precondition(!channels.isEmpty, "no channels to write")
        let writer = try SoundFileWriter(path: path, channels: channels.count, sampleRate: sampleRate, codec: codec)
        do {
            try writer.append(channels)
            try writer.finish()
        } catch {
            writer.discard()
            throw error
        }
    }
}

/// Writes a sound file block by block (a call's recording while the call goes on) under
/// `PATH.part`, renamed to `PATH` by `finish()`: a failure (a full disk) never leaves a
/// file that looks whole, and a crash leaves the `.part` file with the audio so far.
public final class SoundFileWriter {
    /// Where the finished file goes.
    public let path: String
    /// Channels per frame.
    public let channels: Int
    private let codec: AudioCodec
    private let file: SndFileHandle
    private var temporary: String { path + ".part" }

    /// Creates `PATH.part` for `channels` channels of `codec` at `sampleRate`.
    public init(path: String, channels: Int, sampleRate: Int, codec: AudioCodec) throws {
        if let rates = codec.supportedSampleRates, !rates.contains(sampleRate) {
            throw SoundFileError(path: path, reason: "\(codec.rawValue) cannot store \(sampleRate) Hz; use one of \(rates.map(String.init).joined(separator: ", ")) (--rate)")
        }
        self.path = path
        self.channels = channels
        self.codec = codec
        file = try SndFileHandle(writing: path + ".part", displayPath: path, format: codec.sndfileFormat,
                                 sampleRate: sampleRate, channels: channels)
    }

    /// Appends one block: a sample array per channel (shorter ones padded with silence).
    public func append(_ block: [[Float]]) throws {
        precondition(block.count == channels, "a block has one array per channel")
        let (interleaved, frames) = interleave(block)
        switch codec {
        case .pcm16, .flac:
            let pcm = PCM16.fromFloat(interleaved)
            try pcm.withUnsafeBufferPointer { p in
                try file.checkWritten(sf_writef_short(file.handle, p.baseAddress, sf_count_t(frames)), of: frames)
            }
        case .ulaw, .alaw:
            let codes = G711.encode(interleaved, law: codec == .ulaw ? .muLaw : .aLaw)
            try codes.withUnsafeBufferPointer { p in
                try file.checkWritten(sf_write_raw(file.handle, p.baseAddress, sf_count_t(p.count)), of: p.count)
            }
        case .float32, .opus:
            try interleaved.withUnsafeBufferPointer { p in
                try file.checkWritten(sf_writef_float(file.handle, p.baseAddress, sf_count_t(frames)), of: frames)
            }
        }
    }

    /// Closes the file and moves it into place.
    public func finish() throws {
        try file.close()
        try moveIntoPlace(temporary, path)
    }

    /// Closes and deletes the unfinished file.
    public func discard() {
        try? file.close()
        _ = unlink(temporary)
    }
}

/// A block of channels as one interleaved array (shorter channels padded with silence),
/// and its length in frames.
func interleave(_ block: [[Float]]) -> (samples: [Float], frames: Int) {
    let frames = block.map(\.count).max() ?? 0
    var interleaved = [Float](repeating: 0, count: frames * block.count)
    for (c, channel) in block.enumerated() {
        for (i, x) in channel.enumerated() { interleaved[i * block.count + c] = x }
    }
    return (interleaved, frames)
}

/// Renames a finished `temporary` file to `path`; on failure deletes it and throws.
func moveIntoPlace(_ temporary: String, _ path: String) throws {
    if rename(temporary, path) != 0 {
        let reason = String(cString: strerror(errno))
        _ = unlink(temporary)
        throw SoundFileError(path: path, reason: "cannot move the written file into place: \(reason)")
    }
}
