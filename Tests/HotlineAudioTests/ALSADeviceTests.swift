import HotlineAudio
import Testing

/// ALSA's "null" PCM (defined in alsa-lib's own configuration) accepts and produces
/// audio without hardware, so the open/configure/transfer path runs in CI.
@Suite struct ALSADeviceTests {
    @Test func playbackAndCaptureOnTheNullDevice() throws {
        let playback = try ALSADevice(name: "null", direction: .playback, sampleRate: 8000, latencyMs: 40)
        try playback.write([Int16](repeating: 1000, count: 800))
        try playback.drain()
        let capture = try ALSADevice(name: "null", direction: .capture, sampleRate: 8000, latencyMs: 40)
        var frames = [Int16](repeating: 7, count: 160)
        try capture.read(into: &frames)
        #expect(capture.xrunCount == 0)
    }

    @Test func queuedPlaybackCanBeDroppedAndPlaybackGoesOn() throws {
        let playback = try ALSADevice(name: "null", direction: .playback, sampleRate: 8000, latencyMs: 40)
        try playback.write([Int16](repeating: 1000, count: 320))
        try playback.dropQueued()   // a barge-in
        try playback.write([Int16](repeating: 500, count: 80))
        try playback.drain()
        #expect(playback.xrunCount == 0)
    }

    @Test func unknownDeviceIsAnErrorNamingIt() {
        #expect {
            try ALSADevice(name: "hotline_no_such_pcm", direction: .capture)
        } throws: { error in
            "\(error)".contains("hotline_no_such_pcm") && error is ALSAError
        }
    }
}
