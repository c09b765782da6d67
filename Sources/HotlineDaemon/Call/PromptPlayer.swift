import HotlineTTS

/// Plays a call's prompts, 10 ms at a time: synthesised or recorded prompts in order,
/// a breath between them, each with its own barge-in setting.
final class PromptPlayer {
    /// The pause between prompts (250 ms).
    private static let breath = [Float](repeating: 0, count: CallSession.sampleRate / 4)

    private let cache: PromptCache
    /// Audio being played: `outbound` from `outboundIndex`, then the prompts still being
    /// synthesised, in order.
    private var outbound: [Float] = []
    private var outboundIndex = 0
    private var queued: [(stream: PromptStream, bargeIn: Bool)] = []
    /// Whether the caller may interrupt the prompt playing now (its own setting).
    private(set) var mayBeInterrupted = true

    init(cache: PromptCache) { self.cache = cache }

    /// Audio is playing or queued.
    var isPlaying: Bool { outboundIndex < outbound.count || !queued.isEmpty }

    /// Queues `text` spoken by `synthesizer`, or the recorded prompt at `recording` when it
    /// reads as audio.
    func say(_ text: String, recording: String?, synthesizer: DiphoneSynthesizer, bargeIn: Bool) {
        let stream = recording.flatMap { cache.recording($0, sampleRate: CallSession.sampleRate) }.map { PromptStream(ready: $0) }
            ?? cache.stream(for: text, synthesizer: synthesizer, sampleRate: CallSession.sampleRate)
        queued.append((stream, bargeIn))
    }

    /// Queues ready audio (a tone).
    func play(_ samples: [Float], bargeIn: Bool) { queued.append((PromptStream(ready: samples), bargeIn)) }

    /// Fills `frame` with the next samples; true when the last prompt has just finished.
    func next(into frame: inout [Float]) -> Bool {
        guard isPlaying else { return false }
        var filled = 0
        while filled < frame.count, refill() {
            let n = min(frame.count - filled, outbound.count - outboundIndex)
            frame.replaceSubrange(filled..<(filled + n), with: outbound[outboundIndex..<(outboundIndex + n)])
            outboundIndex += n
            filled += n
        }
        if isPlaying { return false }
        finished()
        return true
    }

    /// Stops what plays and drops what is queued; false when nothing played.
    func stop() -> Bool {
        guard isPlaying else { return false }
        queued.forEach { $0.stream.cancel() }
        queued.removeAll()
        finished()
        return true
    }

    private func finished() {
        outbound = []
        outboundIndex = 0
    }

    /// Makes sure `outbound` has samples left, taking the next chunk of the prompts being
    /// synthesised (waiting for it if need be: synthesis runs far ahead of real time, and
    /// waiting keeps the call's audio the same as synthesising each prompt whole);
    /// false when every prompt has played.
    private func refill() -> Bool {
        while outboundIndex >= outbound.count, let head = queued.first {
            outboundIndex = 0
            if let chunk = head.stream.next() {
                outbound = chunk   // shared with the cache, not copied
                mayBeInterrupted = head.bargeIn
            } else {
                queued.removeFirst()
                outbound = Self.breath
            }
        }
        return outboundIndex < outbound.count
    }
}
