import Foundation

/// Takes a message the caller leaves (a flow's `record`): after the prompt and the tone,
/// the caller's side until 2 s of silence after speech, or the longest message.
struct MessageTaker {
    /// The tone before a message is recorded ("after the tone"): 1 kHz for 400 ms, faded
    /// in and out over 10 ms, at -13 dBFS.
    static let tone: [Float] = (0..<(CallSession.sampleRate * 2 / 5)).map { n in
        let fade = Float(min(n, CallSession.sampleRate * 2 / 5 - 1 - n, 80)) / 80
        return 0.3 * fade * Float(sin(2 * Double.pi * 1000 * Double(n) / Double(CallSession.sampleRate)))
    }
    /// Silence after speech that ends a message (ms).
    static let endSilenceMs = 2000

    /// A message being recorded.
    struct Message {
        var maxMs: Int
        /// Call time the message starts (once the prompt and the tone have played).
        var startMs: Int
        var heardSpeech = false
        var silentMs = 0
        /// The caller's side, 8 kHz, the prompt's echo taken out.
        var samples: [Float] = []
    }

    private var message: Message?

    /// A message is being recorded.
    var isRecording: Bool { message != nil }

    /// Starts a message of at most `maxMs` (it starts once the prompts before it have played).
    mutating func start(maxMs: Int, nowMs: Int) { message = Message(maxMs: maxMs, startMs: nowMs) }

    /// Adds the frame heard at `nowMs`; returns the message when it ends with this frame.
    mutating func add(_ heard: [Float], speech: Bool, nowMs: Int, promptPlaying: Bool) -> Message? {
        guard var m = message.take() else { return nil }
        if promptPlaying {   // the message starts once the prompt before it and the tone have played
            m.startMs = nowMs + 10
            message = m
            return nil
        }
        m.heardSpeech = m.heardSpeech || speech
        m.silentMs = speech ? 0 : m.silentMs + 10
        m.samples += heard
        if nowMs - m.startMs >= m.maxMs || (m.heardSpeech && m.silentMs >= Self.endSilenceMs) { return m }
        message = m
        return nil
    }

    /// The message being recorded, ending it (the caller hung up while leaving it).
    mutating func take() -> Message? { message.take() }
}
