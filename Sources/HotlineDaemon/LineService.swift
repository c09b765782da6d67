import HotlineAudio
import HotlineCore
import HotlineDSP

/// A phone line on ALSA: caller audio captured 10 ms at a time into a `CallSession`,
/// its answer played back, both sides kept for the call's recording.
public struct LineService {
    /// Capture (the caller).
    public let capture: ALSADevice
    /// Playback (the hotline).
    public let playback: ALSADevice

    /// A line on two opened devices (8 kHz mono).
    public init(capture: ALSADevice, playback: ALSADevice) {
        self.capture = capture
        self.playback = playback
    }

    /// Runs `session` until the call ends, lasts `maxSeconds`, or `stopping()` turns
    /// true (the daemon is asked to stop); returns both sides.
    public func run(_ session: CallSession, maxSeconds: Int, stopping: () -> Bool = { false }) throws -> (caller: [Float], hotline: [Float]) {
        var frame = [Int16](repeating: 0, count: CallSession.frameSamples)
        var caller: [Float] = [], hotline: [Float] = []
        session.start()
        while !session.isFinished, session.nowMs < maxSeconds * 1000 {
            if stopping() {
                session.end("daemon stopped")
                break
            }
            try capture.read(into: &frame)
            let heard = PCM16.toFloat(frame)
            let said = session.process(heard)
            try playback.write(PCM16.fromFloat(said))
            caller += heard
            hotline += said
        }
        if !session.isFinished { session.end("longest call reached") }
        try playback.drain()
        return (caller, hotline)
    }
}
