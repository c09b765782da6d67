import HotlineDSP

/// The caller's side of a line, 10 ms at a time, as the call session needs to hear it:
/// the exchange's tones (a hang-up), key presses, the prompt's echo taken out, and
/// whether what is left is speech.
final class CallerSignal {
    /// What one frame of the caller's side held.
    struct Frame {
        /// The exchange's dial, busy or reorder tone: the caller hung up. Nothing else
        /// below is set then.
        var hungUp = false
        /// Keys pressed and released in this frame, in order.
        var keys: [DTMFEvent] = []
        /// A key's tone is sounding.
        var hearsTone = false
        /// Where the key's tone sounding now began (samples since the call started).
        var toneStartSample: Int?
        /// The caller's side with the prompt's echo taken out.
        var heard: [Float] = []
        /// The voice activity detector hears voice in `heard`.
        var voiced = false
        /// `heard` is no louder than the echo the canceller may have left.
        var isEcho = false
        /// Speech: voiced, neither a key's tone nor the prompt's echo.
        var isSpeech: Bool { voiced && !hearsTone && !isEcho }
    }

    private let progress: CallProgressDetector
    private let dtmf = DTMFDetector()
    private let vad: VoiceActivityDetector
    /// Takes the prompt's echo from the line out of the caller's side.
    private let echoCanceller = EchoCanceller(frameSamples: CallSession.frameSamples)

    init(tones: CallProgressPlan) throws {
        progress = CallProgressDetector(plan: tones)
        vad = try VoiceActivityDetector()
    }

    /// Hears one frame of the caller's side. `signalled`: the line's own key signals
    /// (RFC 4733) this frame, or nil when keys are only heard as tones.
    func hear(_ caller: [Float], signalled: [DTMFEvent]? = nil) -> Frame {
        var frame = Frame()
        if progress.process(caller).contains(where: { $0.tone != .ringback }) {
            frame.hungUp = true
            return frame
        }
        let tones = dtmf.process(caller)
        frame.keys = signalled ?? tones   // a signalled key's tone, if the caller's phone also sent it, counts once
        frame.hearsTone = dtmf.hearsTone
        frame.toneStartSample = dtmf.toneStartSample
        // A key's tone sounds like speech to the VAD; it is not, from the first window that
        // holds it (a recording's codec can smear its onset ahead of it). Nor is the
        // prompt's own echo from the line: the caller's side, with the echo estimate taken
        // out, must be louder than the echo that can be left.
        frame.heard = echoCanceller.cancel(caller)
        frame.voiced = vad.process(frame.heard).contains { $0.isSpeech }
        frame.isEcho = Self.power(frame.heard) < echoCanceller.residualEchoBound
        return frame
    }

    /// What the hotline played in the frame just heard (the echo canceller's reference).
    func played(_ frame: [Float]) { echoCanceller.played(frame) }

    /// Mean square of a frame.
    private static func power(_ frame: [Float]) -> Float {
        frame.reduce(0) { $0 + $1 * $1 } / Float(frame.count)
    }
}
