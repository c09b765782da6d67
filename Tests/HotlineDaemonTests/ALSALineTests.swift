import Foundation
import HotlineAudio
@testable import HotlineDaemon
import HotlineTestSupport
import Testing

/// The ALSA line on alsa-lib's file plugin: devices at another rate are resampled to and
/// from the 8 kHz call.
@Suite struct ALSALineTests {
    @Test func aLineAt16kHzGivesAndTakes8kHzFrames() throws {
        let scratch = Scratch()
        let second = (0..<16_000).map { Int16(8000 * sin(2 * Double.pi * 440 * Double($0) / 16_000)) }
        try second.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: scratch.file("in.raw"))) }
        let line = try ALSALine(capture: "in", playback: "out", sampleRate: 16_000, configuration: """
            pcm.in { type file; slave.pcm { type null }; file "/dev/null"; infile "\(scratch.file("in.raw"))"; format "raw" }
            pcm.out { type file; slave.pcm { type null }; file "\(scratch.file("out.raw"))"; format "raw" }
            """, realtime: false)
        var heard: [Float] = []
        for _ in 0..<90 {   // 0.9 s of the 1 s written
            let frame = try line.read()
            #expect(frame.count == 80)
            heard += frame
            try line.write(frame)
        }
        try line.drain()
        // The 440 Hz tone survives the 16 -> 8 kHz resampling at its level (0.24 of full scale).
        #expect(abs(amplitude(of: 440, in: heard[800...], rate: 8000) - 0.244) < 0.02)
        // What was played went out at 16 kHz: two device samples per line sample.
        let played = try Data(contentsOf: URL(fileURLWithPath: scratch.file("out.raw"))).count / 2
        #expect(abs(played - 90 * 160) <= 160, "\(played) samples")
    }
}
