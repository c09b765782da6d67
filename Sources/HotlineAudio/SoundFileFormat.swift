import CSndFile

/// How `SoundFile.write` encodes audio; each codec implies its container.
public enum AudioCodec: String, CaseIterable, Sendable, Codable {
    /// WAV, 16-bit linear PCM.
    case pcm16
    /// WAV, G.711 mu-law (encoded by HotlineDSP's G.711 kernel).
    case ulaw
    /// WAV, G.711 A-law (encoded by HotlineDSP's G.711 kernel).
    case alaw
    /// WAV, 32-bit float (lossless for in-process audio; for measurement).
    case float32
    /// FLAC, 16-bit.
    case flac
    /// Ogg/Opus (sample rate must be 8, 12, 16, 24 or 48 kHz).
    case opus

    /// The codec a file name implies (.wav: pcm16, .flac: flac, .opus/.ogg/.oga: opus);
    /// nil when the extension says nothing.
    public static func forPath(_ path: String) -> AudioCodec? {
        let ext = path.split(separator: "/").last.flatMap { name in
            name.contains(".") ? name.split(separator: ".").last.map { $0.lowercased() } : nil
        }
        switch ext {
        case "wav", "wave": return .pcm16
        case "flac": return .flac
        case "opus", "ogg", "oga": return .opus
        default: return nil
        }
    }

    /// The libsndfile format word.
    var sndfileFormat: Int32 {
        switch self {
        case .pcm16: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .ulaw: return Int32(SF_FORMAT_WAV | SF_FORMAT_ULAW)
        case .alaw: return Int32(SF_FORMAT_WAV | SF_FORMAT_ALAW)
        case .float32: return Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .flac: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .opus: return Int32(SF_FORMAT_OGG | SF_FORMAT_OPUS)
        }
    }

    /// Sample rates the codec accepts, or nil for any.
    public var supportedSampleRates: [Int]? {
        self == .opus ? [8000, 12000, 16000, 24000, 48000] : nil
    }
}

/// Sample encoding of a headerless (raw) file.
public enum RawEncoding: String, CaseIterable, Sendable {
    /// Signed 16-bit linear PCM.
    case pcm16
    /// G.711 mu-law bytes.
    case ulaw
    /// G.711 A-law bytes.
    case alaw
    /// 32-bit IEEE float.
    case float32

    var sndfileSubtype: Int32 {
        switch self {
        case .pcm16: return Int32(SF_FORMAT_PCM_16)
        case .ulaw: return Int32(SF_FORMAT_ULAW)
        case .alaw: return Int32(SF_FORMAT_ALAW)
        case .float32: return Int32(SF_FORMAT_FLOAT)
        }
    }
}

/// What a raw file holds, since it has no header to say so.
public struct RawFormat: Sendable, Equatable {
    /// Samples per second.
    public var sampleRate: Int
    /// Interleaved channels.
    public var channels: Int
    /// Sample encoding.
    public var encoding: RawEncoding
    /// Byte order of multi-byte samples.
    public var bigEndian: Bool

    /// Describes a raw file (little-endian unless `bigEndian`).
    public init(sampleRate: Int, channels: Int = 1, encoding: RawEncoding, bigEndian: Bool = false) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.encoding = encoding
        self.bigEndian = bigEndian
    }

    var sndfileFormat: Int32 {
        Int32(SF_FORMAT_RAW) | encoding.sndfileSubtype | Int32(bigEndian ? SF_ENDIAN_BIG : SF_ENDIAN_LITTLE)
    }
}
