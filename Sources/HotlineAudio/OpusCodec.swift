import COpus
import HotlineCore

/// A libopus failure, with libopus's own message.
public struct OpusError: HotlineError, Equatable {
    /// libopus's negative error code.
    public let code: Int32
    /// What Hotline was doing.
    public let operation: String
    public var description: String { "opus \(operation): \(String(cString: opus_strerror(code)))" }
}

/// The one checked helper for libopus calls: negative results become `OpusError`.
@discardableResult
func opusCheck(_ result: Int32, _ operation: String) throws -> Int32 {
    guard result >= 0 else { throw OpusError(code: result, operation: operation) }
    return result
}

/// Sample rates and frame sizes Opus accepts.
public enum OpusSettings {
    /// Rates an Opus encoder or decoder runs at.
    public static let sampleRates = [8000, 12000, 16000, 24000, 48000]
    /// Legal frame durations in tenths of a millisecond (2.5 ms ... 60 ms).
    static let frameDurationsTenthsMs = [25, 50, 100, 200, 400, 600]

    static func validate(sampleRate: Int) throws {
        guard sampleRates.contains(sampleRate) else {
            throw InvalidArgument("Opus runs at 8, 12, 16, 24 or 48 kHz, not \(sampleRate) Hz")
        }
    }
}

/// Mono Opus encoder in VoIP mode (speech-tuned), one packet per frame.
public final class OpusVoiceEncoder {
    private let encoder: OpaquePointer
    /// Samples per second.
    public let sampleRate: Int
    /// Samples per channel in every frame passed to `encode`.
    public let frameSamples: Int
    /// Channels (1, or 2 interleaved).
    public let channels: Int

    /// Makes an encoder at `sampleRate` Hz with `frameMs` frames (2.5-60 ms) and
    /// `bitrate` bits per second; `expectedLossPercent` tunes in-band FEC; `complexity`
    /// (0-10) trades CPU for quality at the same bitrate.
    public init(sampleRate: Int, frameMs: Double = 20, bitrate: Int = 16000, expectedLossPercent: Int = 0,
                channels: Int = 1, complexity: Int = 10) throws {
        try OpusSettings.validate(sampleRate: sampleRate)
        let tenths = Int((frameMs * 10).rounded())
        guard OpusSettings.frameDurationsTenthsMs.contains(tenths) else {
            throw InvalidArgument("Opus frames are 2.5, 5, 10, 20, 40 or 60 ms, not \(frameMs) ms")
        }
        var error: Int32 = 0
        guard channels == 1 || channels == 2 else { throw InvalidArgument("Opus voice frames have 1 or 2 channels, not \(channels)") }
        guard let e = opus_encoder_create(Int32(sampleRate), Int32(channels), OPUS_APPLICATION_VOIP, &error), error == OPUS_OK else {
            throw OpusError(code: error, operation: "creating the encoder")
        }
        encoder = e
        self.sampleRate = sampleRate
        self.channels = channels
        frameSamples = sampleRate * tenths / 10_000
        do {
            try opusCheck(hotline_opus_set_complexity(e, Int32(complexity)), "setting complexity \(complexity)")
            try opusCheck(hotline_opus_set_bitrate(e, Int32(bitrate)), "setting bitrate \(bitrate)")
            try opusCheck(hotline_opus_set_signal_voice(e), "setting signal type")
            try opusCheck(hotline_opus_set_inband_fec(e, expectedLossPercent > 0 ? 1 : 0), "setting FEC")
            try opusCheck(hotline_opus_set_packet_loss_perc(e, Int32(expectedLossPercent)), "setting expected loss")
        } catch {
            opus_encoder_destroy(e)
            throw error
        }
    }

    deinit { opus_encoder_destroy(encoder) }

    /// Samples of delay the encoder adds (decoded output lags input by this much).
    public var lookaheadSamples: Int {
        var value: Int32 = 0
        _ = hotline_opus_get_lookahead(encoder, &value)
        return Int(value)
    }

    /// Encodes exactly `frameSamples` samples (per channel, interleaved) into one packet.
    public func encode(_ frame: [Float]) throws -> [UInt8] {
        guard frame.count == frameSamples * channels else {
            throw InvalidArgument("Opus frame must hold \(frameSamples * channels) samples, got \(frame.count)")
        }
        return try opusPacket(frame, capacity: 1500) { opus_encode_float(encoder, $0, Int32(frameSamples), $1, $2) }
    }
}

/// One encoded packet: `encode` gets the frame's samples, the output buffer and its size,
/// and returns libopus's result (the packet's length, or an error code).
func opusPacket(_ frame: [Float], capacity: Int,
                _ encode: (UnsafePointer<Float>, UnsafeMutablePointer<UInt8>, Int32) -> Int32) throws -> [UInt8] {
    var packet = [UInt8](repeating: 0, count: capacity)
    let bytes = try frame.withUnsafeBufferPointer { pcm in
        try packet.withUnsafeMutableBufferPointer { out in
            try opusCheck(encode(pcm.baseAddress!, out.baseAddress!, Int32(out.count)), "encoding a frame")
        }
    }
    packet.removeSubrange(Int(bytes)...)
    return packet
}

/// Mono Opus decoder with packet loss concealment.
public final class OpusVoiceDecoder {
    private let decoder: OpaquePointer
    /// Samples per second of the decoded audio.
    public let sampleRate: Int

    /// Makes a decoder producing `sampleRate` Hz audio.
    public init(sampleRate: Int) throws {
        try OpusSettings.validate(sampleRate: sampleRate)
        var error: Int32 = 0
        guard let d = opus_decoder_create(Int32(sampleRate), 1, &error), error == OPUS_OK else {
            throw OpusError(code: error, operation: "creating the decoder")
        }
        decoder = d
        self.sampleRate = sampleRate
    }

    deinit { opus_decoder_destroy(decoder) }

    /// Decodes one packet; `nil` means the packet was lost, and `frameSamples` of
    /// concealment audio (extrapolated from the previous packets) are returned instead.
    public func decode(_ packet: [UInt8]?, frameSamples: Int) throws -> [Float] {
        // 120 ms is the largest frame a packet can carry.
        let capacity = packet == nil ? frameSamples : sampleRate * 120 / 1000
        var pcm = [Float](repeating: 0, count: capacity)
        let samples = try pcm.withUnsafeMutableBufferPointer { out -> Int32 in
            if let packet {
                return try packet.withUnsafeBufferPointer { p in
                    try opusCheck(opus_decode_float(decoder, p.baseAddress, Int32(p.count), out.baseAddress!, Int32(capacity), 0),
                                  "decoding a packet")
                }
            }
            return try opusCheck(opus_decode_float(decoder, nil, 0, out.baseAddress!, Int32(frameSamples), 0),
                                 "concealing a lost packet")
        }
        pcm.removeSubrange(Int(samples)...)
        return pcm
    }
}
