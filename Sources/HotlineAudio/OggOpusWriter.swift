import COpus
import Foundation
import HotlineCore

/// Writes an Ogg Opus file (RFC 7845: Ogg pages, RFC 3533, carrying an OpusHead, an
/// OpusTags and 20 ms Opus packets) with Hotline's own libopus encoder, so the encoder's
/// complexity can be chosen: call recordings use a low one, several times cheaper than
/// libsndfile's Opus writer (which keeps libopus's default, the most expensive).
///
/// Each channel is its own Opus stream (RFC 7845 channel mapping family 1, no coupled
/// streams): a stereo call recording holds two unrelated voices, and joint stereo coding
/// at this rate let the hotline's prompt leak into the caller's channel (a 20 ms burst 26
/// dB over the silence after a key), which a replay then heard as the caller speaking.
///
/// Written block by block under `PATH.part` and renamed by `finish()`; a page is flushed
/// about once a second, so a crash leaves the audio up to the last second readable.
public final class OggOpusWriter {
    /// Where the finished file goes.
    public let path: String
    /// Channels per frame (1 or 2).
    public let channels: Int
    private let encoder: ChannelStreamsEncoder
    private let handle: FileHandle
    private let serial = UInt32.random(in: 1...UInt32.max)
    private var sequence: UInt32 = 0
    private var pending: [Float] = []            // interleaved samples not yet encoded
    private var packets: [[UInt8]] = []          // encoded, not yet on a page
    private var samples48k: Int64 = 0            // granule position of the packets so far
    private let preSkip: Int
    private var samplesIn = 0                    // per channel, as given
    private var temporary: String { path + ".part" }

    /// Creates `PATH.part` for `channels` channels at `sampleRate` (8, 12, 16, 24 or 48 kHz).
    public init(path: String, channels: Int, sampleRate: Int, bitrate: Int = 24_000, complexity: Int = 1) throws {
        self.path = path
        self.channels = channels
        encoder = try ChannelStreamsEncoder(sampleRate: sampleRate, channels: channels, bitrate: bitrate, complexity: complexity)
        preSkip = encoder.lookaheadSamples * 48_000 / sampleRate
        guard FileManager.default.createFile(atPath: path + ".part", contents: nil),
              let handle = FileHandle(forWritingAtPath: path + ".part") else {
            throw SoundFileError(path: path, reason: "cannot create (\(String(cString: strerror(errno))))")
        }
        self.handle = handle
        var head = Array("OpusHead".utf8) + [1, UInt8(channels)]
        head += Self.littleEndian(UInt16(preSkip)) + Self.littleEndian(UInt32(sampleRate)) + [0, 0]
        // Family 0 for one channel; family 1 with a stream per channel, none coupled.
        head += channels == 1 ? [0] : [1, UInt8(channels), 0] + (0..<channels).map { UInt8($0) }
        let vendor = Array("Hotline \(HotlineVersion.string)".utf8)
        let tags = Array("OpusTags".utf8) + Self.littleEndian(UInt32(vendor.count)) + vendor + Self.littleEndian(UInt32(0))
        try writePage([head], granule: 0, flags: 0x02)
        try writePage([tags], granule: 0, flags: 0)
    }

    /// Appends one block: a sample array per channel (shorter ones padded with silence).
    public func append(_ block: [[Float]]) throws {
        precondition(block.count == channels, "a block has one array per channel")
        let (interleaved, frames) = interleave(block)
        pending += interleaved
        samplesIn += frames
        try encodePending()
        if packets.count >= 50 { try writePage(packets, granule: samples48k, flags: 0) }
    }

    /// Encodes what is left (padded to a whole packet, plus one packet of silence to push
    /// the encoder's lookahead out), ends the stream and moves the file into place.
    public func finish() throws {
        let frame = encoder.frameSamples * channels
        pending += [Float](repeating: 0, count: (frame - pending.count % frame) % frame + frame)
        try encodePending()
        // The last granule position marks the real end, so players drop the padding.
        let end = Int64(preSkip) + Int64(samplesIn) * 48_000 / Int64(encoder.sampleRate)
        try writePage(packets, granule: min(samples48k, end), flags: 0x04)
        try handle.close()
        try moveIntoPlace(temporary, path)
    }

    /// Closes and deletes the unfinished file.
    public func discard() {
        try? handle.close()
        _ = unlink(temporary)
    }

    private func encodePending() throws {
        let frame = encoder.frameSamples * channels
        var start = 0
        while pending.count - start >= frame {
            packets.append(try encoder.encode(Array(pending[start..<(start + frame)])))
            samples48k += Int64(encoder.frameSamples * 48_000 / encoder.sampleRate)
            start += frame
        }
        pending.removeFirst(start)
    }

    /// Writes `packets` (each under 255 x 255 bytes) as one Ogg page.
    private func writePage(_ packets: [[UInt8]], granule: Int64, flags: UInt8) throws {
        var lacing: [UInt8] = []
        for packet in packets {
            lacing += [UInt8](repeating: 255, count: packet.count / 255) + [UInt8(packet.count % 255)]
        }
        precondition(lacing.count <= 255, "too many packets for one page")
        var page = Array("OggS".utf8) + [0, flags]
        page += Self.littleEndian(UInt64(bitPattern: granule)) + Self.littleEndian(serial) + Self.littleEndian(sequence)
        page += [0, 0, 0, 0, UInt8(lacing.count)] + lacing
        for packet in packets { page += packet }
        let crc = Self.crc(page)
        page.replaceSubrange(22..<26, with: Self.littleEndian(crc))
        do { try handle.write(contentsOf: Data(page)) } catch {
            throw SoundFileError(path: path, reason: "write failed: \(error.localizedDescription)")
        }
        sequence += 1
        self.packets.removeAll(keepingCapacity: true)
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    private static let crcTable: [UInt32] = (0..<256).map { i in
        var r = UInt32(i) << 24
        for _ in 0..<8 { r = r & 0x8000_0000 != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1 }
        return r
    }

    /// Ogg's page checksum (CRC-32, polynomial 0x04C11DB7, not reflected, from 0).
    public static func crc(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0
        for b in bytes { crc = (crc << 8) ^ crcTable[Int(((crc >> 24) ^ UInt32(b)) & 0xFF)] }
        return crc
    }
}

/// Encodes each channel as its own Opus stream (a multistream encoder with no coupled
/// streams), `frameSamples` per channel, interleaved input.
private final class ChannelStreamsEncoder {
    private let encoder: OpaquePointer
    let sampleRate: Int
    let channels: Int
    /// 20 ms frames.
    let frameSamples: Int

    init(sampleRate: Int, channels: Int, bitrate: Int, complexity: Int) throws {
        try OpusSettings.validate(sampleRate: sampleRate)
        guard (1...8).contains(channels) else { throw InvalidArgument("Ogg Opus recordings have 1-8 channels, not \(channels)") }
        var error: Int32 = 0
        let mapping = (0..<channels).map { UInt8($0) }
        guard let e = opus_multistream_encoder_create(Int32(sampleRate), Int32(channels), Int32(channels), 0, mapping,
                                                      OPUS_APPLICATION_VOIP, &error), error == OPUS_OK else {
            throw OpusError(code: error, operation: "creating the encoder")
        }
        encoder = e
        self.sampleRate = sampleRate
        self.channels = channels
        frameSamples = sampleRate / 50
        do {
            try opusCheck(hotline_opus_ms_set_complexity(e, Int32(complexity)), "setting complexity \(complexity)")
            try opusCheck(hotline_opus_ms_set_bitrate(e, Int32(bitrate)), "setting bitrate \(bitrate)")
            try opusCheck(hotline_opus_ms_set_signal_voice(e), "setting signal type")
        } catch {
            opus_multistream_encoder_destroy(e)
            throw error
        }
    }

    deinit { opus_multistream_encoder_destroy(encoder) }

    /// Samples of delay the encoder adds.
    var lookaheadSamples: Int {
        var value: Int32 = 0
        _ = hotline_opus_ms_get_lookahead(encoder, &value)
        return Int(value)
    }

    /// One packet (a self-delimited packet per stream but the last) for one frame.
    func encode(_ frame: [Float]) throws -> [UInt8] {
        try opusPacket(frame, capacity: 1500 * channels) { opus_multistream_encode_float(encoder, $0, Int32(frameSamples), $1, $2) }
    }
}
