import Foundation

/// `hotline call`'s line: a whole call driven from recorded caller audio.
extension CallSession {
    /// A line that returns what the hotline plays to the caller's side, as a telephone
    /// hybrid does (to try barge-in over echo without a phone).
    public struct LineEcho: Sendable {
        /// How far under what was played the echo comes back, dB (hybrids: 6-20).
        public var lossDb: Double
        /// How late it comes back, ms: at least one frame (10 ms).
        public var delayMs: Int

        public init(lossDb: Double, delayMs: Int) {
            precondition(delayMs >= 10, "an echo comes back at least one frame (10 ms) late")
            self.lossDb = lossDb
            self.delayMs = delayMs
        }
    }

    /// Runs a whole call from recorded caller audio (8 kHz): answers, feeds it 10 ms at a
    /// time, then silence for up to `lingerSeconds`, and hangs up if the flow has not
    /// ended. On an `echo` line the caller's side also carries the echo of what the
    /// hotline played. Returns what the hotline played and the caller's side as heard.
    public func run(caller: [Float], lingerSeconds: Double, echo: LineEcho? = nil) -> (hotline: [Float], caller: [Float]) {
        let frame = Self.frameSamples
        let total = caller.count + Int(lingerSeconds * Double(Self.sampleRate))
        let echoDelay = (echo?.delayMs ?? 0) * Self.sampleRate / 1000
        let echoGain = Float(pow(10, -(echo?.lossDb ?? 0) / 20))
        var hotline: [Float] = [], heard: [Float] = []
        start()
        var i = 0
        while i < total, !isFinished {
            var chunk = [Float](repeating: 0, count: frame)
            if i < caller.count {
                let n = min(frame, caller.count - i)
                chunk.replaceSubrange(0..<n, with: caller[i..<(i + n)])
            }
            if echo != nil {
                for k in 0..<frame where i + k >= echoDelay { chunk[k] += echoGain * hotline[i + k - echoDelay] }
            }
            heard += chunk
            hotline += process(chunk)
            silenceTail(of: &heard, privateCallerSamples)
            i += frame
        }
        if !isFinished { hangUp() }
        return (hotline, heard)
    }
}
