import Foundation
import HotlineAudio
import Testing

@Suite struct OggOpusWriterTests {
    /// A new empty folder under the temporary directory (the caller removes it).
    static func scratchFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "ogg-opus-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aStereoRecordingReadsBackWithBothChannelsAndItsLength() throws {
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/call.opus"
        // 2.5 s: a 440 Hz tone on the left, 1 kHz on the right, written in uneven blocks.
        let n = 20_000
        let left = (0..<n).map { 0.3 * sin(2 * Float.pi * 440 * Float($0) / 8000) }
        let right = (0..<n).map { 0.3 * sin(2 * Float.pi * 1000 * Float($0) / 8000) }
        let writer = try OggOpusWriter(path: path, channels: 2, sampleRate: 8000)
        var i = 0
        for size in [8000, 333, 4567, 7100] {
            try writer.append([Array(left[i..<(i + size)]), Array(right[i..<(i + size)])])
            i += size
        }
        #expect(FileManager.default.fileExists(atPath: path + ".part") && !FileManager.default.fileExists(atPath: path))
        try writer.finish()
        let info = try SoundFile.info(path)
        #expect(info.channels == 2 && info.sampleRate == 8000)
        #expect(abs(info.frames - n) <= 80, "\(info.frames) frames")   // within 10 ms
        // Each channel kept its own tone: compare energy at 440 Hz and 1 kHz.
        func level(_ x: [Float], _ hz: Float) -> Float {
            var re: Float = 0, im: Float = 0
            for (k, v) in x.enumerated() { re += v * cos(2 * .pi * hz * Float(k) / 8000); im += v * sin(2 * .pi * hz * Float(k) / 8000) }
            return (re * re + im * im).squareRoot() / Float(x.count)
        }
        let l = try SoundFile.read(path, channel: 0).samples, r = try SoundFile.read(path, channel: 1).samples
        #expect(level(l, 440) > 10 * level(l, 1000) && level(r, 1000) > 10 * level(r, 440))
    }

    @Test func aSilentChannelStaysSilentBesideALoudOne() throws {
        // A call: the caller silent, the hotline loud (a chirp standing in for a prompt).
        // Jointly coded stereo let the loud channel into the silent one.
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/call.opus"
        let n = 16_000
        let loud = (0..<n).map { k -> Float in 0.5 * sin(2 * Float.pi * (200 + 0.1 * Float(k)) * Float(k) / 8000) }
        let writer = try OggOpusWriter(path: path, channels: 2, sampleRate: 8000)
        try writer.append([[Float](repeating: 0, count: n), loud])
        try writer.finish()
        let caller = try SoundFile.read(path, channel: 0).samples
        let peak = caller.map(abs).max() ?? 1
        #expect(peak < 1e-3, "the silent channel peaks at \(20 * log10(peak)) dBFS")
    }

    @Test func theOggChecksumIsTheStandardOne() {
        // CRC-32 with polynomial 0x04C11DB7, not reflected, init 0: "123456789" -> 0x89A1897F.
        #expect(OggOpusWriter.crc(Array("123456789".utf8)) == 0x89A1_897F)
    }
}
