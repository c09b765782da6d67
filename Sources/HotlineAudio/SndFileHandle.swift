import CSndFile
import Foundation

/// One open libsndfile handle; the single place libsndfile return codes become errors.
final class SndFileHandle {
    let handle: OpaquePointer
    var info: SF_INFO
    let path: String
    private var closed = false

    /// Opens `path` for reading; `raw` describes a headerless file.
    init(reading path: String, raw: RawFormat?) throws {
        self.path = path
        var info = SF_INFO()
        if let raw {
            guard raw.sampleRate > 0, raw.channels > 0 else {
                throw SoundFileError(path: path, reason: "raw format needs a positive sample rate and channel count")
            }
            info.samplerate = Int32(raw.sampleRate)
            info.channels = Int32(raw.channels)
            info.format = raw.sndfileFormat
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SoundFileError(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw SoundFileError(path: path, reason: "is a directory, not a sound file") }
        guard let h = sf_open(path, Int32(SFM_READ), &info) else {
            throw SoundFileError(path: path, reason: "not a readable sound file (\(String(cString: sf_strerror(nil))))")
        }
        handle = h
        self.info = info
        guard info.samplerate > 0, info.samplerate <= 768_000, info.channels > 0, info.channels <= 256, info.frames >= 0 else {
            sf_close(h)
            closed = true
            throw SoundFileError(path: path, reason: "corrupt header (sample rate \(info.samplerate), \(info.channels) channels)")
        }
    }

    /// Creates `path` for writing mono audio; errors name `displayPath`.
    init(writing path: String, displayPath: String, format: Int32, sampleRate: Int, channels: Int = 1) throws {
        self.path = displayPath
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = format
        guard sf_format_check(&info) != 0 else {
            throw SoundFileError(path: displayPath, reason: "libsndfile cannot write this codec at \(sampleRate) Hz")
        }
        guard let h = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw SoundFileError(path: displayPath, reason: "cannot create (\(String(cString: sf_strerror(nil))))")
        }
        handle = h
        self.info = info
    }

    deinit {
        if !closed { sf_close(handle) }
    }

    /// When the header declares more audio data than the file holds (a file cut short
    /// in transfer or by a full disk), the declared and the actual byte counts.
    /// libsndfile then reads only what is there; its log records the mismatch.
    var truncation: (declaredBytes: Int, actualBytes: Int)? {
        var log = [CChar](repeating: 0, count: 8192)
        let length = sf_command(handle, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count))
        guard length > 0 else { return nil }
        let text = String(decoding: log.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("data ") || line.hasPrefix("SSND ") {
            // e.g. "data : 4768 (should be 956)"
            let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            if line.contains("should be"), numbers.count >= 2, numbers[0] > numbers[1] {
                return (numbers[0], numbers[1])
            }
        }
        return nil
    }

    /// Whether libsndfile could not tell the length (an Ogg stream cut off before its last
    /// page reports the largest count there is).
    var lengthUnknown: Bool { info.frames == sf_count_t.max }

    /// The handle's last error message.
    var lastError: String { String(cString: sf_strerror(handle)) }

    /// Throws unless libsndfile wrote all `expected` items.
    func checkWritten(_ written: sf_count_t, of expected: Int) throws {
        guard Int(written) == expected else {
            throw SoundFileError(path: path, reason: "write failed after \(written) of \(expected) samples: \(lastError)")
        }
    }

    /// Closes, reporting a failure to flush (a full disk shows up here).
    func close() throws {
        guard !closed else { return }
        closed = true
        let code = sf_close(handle)
        guard code == 0 else {
            throw SoundFileError(path: path, reason: "cannot finish writing: \(String(cString: sf_error_number(code)))")
        }
    }

    /// Container and encoding names plus the shape of the audio.
    func describe() -> AudioFileInfo {
        AudioFileInfo(path: path,
                      container: Self.name(of: info.format & Int32(SF_FORMAT_TYPEMASK)),
                      encoding: Self.name(of: info.format & Int32(SF_FORMAT_SUBMASK)),
                      sampleRate: Int(info.samplerate),
                      channels: Int(info.channels),
                      frames: Int(info.frames),
                      durationSeconds: Double(info.frames) / Double(info.samplerate))
    }

    private static func name(of format: Int32) -> String {
        names[format] ?? String(format: "0x%04x", format)
    }

    /// Short names for libsndfile's format codes.
    static let names: [Int32: String] = {
        let pairs: [(Int, String)] = [
            (SF_FORMAT_WAV, "WAV"), (SF_FORMAT_AIFF, "AIFF"), (SF_FORMAT_AU, "AU"), (SF_FORMAT_RAW, "RAW"),
            (SF_FORMAT_W64, "W64"), (SF_FORMAT_WAVEX, "WAVEX"), (SF_FORMAT_FLAC, "FLAC"), (SF_FORMAT_OGG, "OGG"),
            (SF_FORMAT_CAF, "CAF"), (SF_FORMAT_RF64, "RF64"), (SF_FORMAT_NIST, "NIST"), (SF_FORMAT_VOC, "VOC"),
            (SF_FORMAT_MPEG, "MPEG"),
            (SF_FORMAT_PCM_S8, "PCM_S8"), (SF_FORMAT_PCM_16, "PCM_16"), (SF_FORMAT_PCM_24, "PCM_24"),
            (SF_FORMAT_PCM_32, "PCM_32"), (SF_FORMAT_PCM_U8, "PCM_U8"), (SF_FORMAT_FLOAT, "FLOAT"),
            (SF_FORMAT_DOUBLE, "DOUBLE"), (SF_FORMAT_ULAW, "ULAW"), (SF_FORMAT_ALAW, "ALAW"),
            (SF_FORMAT_IMA_ADPCM, "IMA_ADPCM"), (SF_FORMAT_MS_ADPCM, "MS_ADPCM"), (SF_FORMAT_GSM610, "GSM610"),
            (SF_FORMAT_G721_32, "G721_32"), (SF_FORMAT_VORBIS, "VORBIS"), (SF_FORMAT_OPUS, "OPUS"),
            (SF_FORMAT_MPEG_LAYER_III, "MP3"),
        ]
        return Dictionary(pairs.map { (Int32($0.0), $0.1) }, uniquingKeysWith: { a, _ in a })
    }()
}
