/// The caller's audio from RTP, played out 10 ms at a time at a steady pace whatever the
/// network did: packets are placed by timestamp, so reordered ones land where they
/// belong and duplicates once; playout starts `delaySamples` behind the first packet;
/// a late packet is dropped; a gap is concealed by repeating the last 10 ms, fading, for
/// up to `concealFrames` frames, then silence; when the sender's clock runs ahead or a
/// burst arrives, playout skips forward to keep the delay bounded.
public struct JitterBuffer: Sendable {
    /// Samples per frame played out (10 ms at 8 kHz).
    public static let frameSamples = 80
    /// How far behind the newest audio playout runs, samples.
    public let delaySamples: Int
    /// Most audio held ahead of playout before it skips forward, samples.
    public let maxAheadSamples: Int
    /// Frames a loss is concealed for before silence.
    public let concealFrames = 3

    private var pending: [Int64: [Float]] = [:]       // by unwrapped timestamp
    private var playout: Int64?                          // the next frame's timestamp
    private var newest: Int64 = 0
    private var lastTimestamp: UInt32?
    private var unwrapped: Int64 = 0
    private var last = [Float](repeating: 0, count: frameSamples)
    private var concealed = 0

    /// Counts for the call's statistics.
    public private(set) var received = 0, late = 0, concealedFrames = 0, skippedSamples = 0

    /// A buffer playing `delayMs` behind the newest audio (40 ms: two 20 ms packets).
    public init(delayMs: Int = 40, maxAheadMs: Int = 200) {
        delaySamples = delayMs * 8
        maxAheadSamples = maxAheadMs * 8
    }

    /// Takes a packet's decoded samples at its RTP timestamp.
    public mutating func put(timestamp: UInt32, samples: [Float]) {
        guard !samples.isEmpty else { return }
        let position = unwrap(timestamp)
        received += 1
        if let playout, position + Int64(samples.count) <= playout {
            late += 1
            return
        }
        // Stored in 10 ms pieces so playout can take them one at a time.
        var offset = 0
        while offset < samples.count {
            let n = min(Self.frameSamples, samples.count - offset)
            let piece = Array(samples[offset..<(offset + n)])
            pending[position + Int64(offset)] = n == Self.frameSamples ? piece : piece + [Float](repeating: 0, count: Self.frameSamples - n)
            offset += n
        }
        newest = max(newest, position + Int64(samples.count))
        if playout == nil { playout = position - Int64(delaySamples) }
        if let start = playout, newest - start > Int64(maxAheadSamples + delaySamples) {
            let skipTo = newest - Int64(delaySamples)
            skippedSamples += Int(skipTo - start)
            playout = skipTo
            pending = pending.filter { $0.key + Int64(Self.frameSamples) > skipTo }
        }
    }

    /// The next 10 ms of caller audio (silence before the first packet).
    public mutating func next() -> [Float] {
        guard let position = playout else { return [Float](repeating: 0, count: Self.frameSamples) }
        playout = position + Int64(Self.frameSamples)
        if let frame = pending.removeValue(forKey: position) {
            last = frame
            concealed = 0
            return frame
        }
        // Audio that started mid-frame (a sender whose packets are not 10 ms aligned): the
        // frame is cut from whatever pieces cover it.
        if let frame = assemble(at: position) {
            last = frame
            concealed = 0
            return frame
        }
        guard position >= 0, newest > 0, concealed < concealFrames else { return [Float](repeating: 0, count: Self.frameSamples) }
        concealed += 1
        concealedFrames += 1
        let gain = Float(concealFrames - concealed + 1) / Float(concealFrames + 1)
        return last.map { $0 * gain }
    }

    private mutating func assemble(at position: Int64) -> [Float]? {
        let end = position + Int64(Self.frameSamples)
        let covering = pending.keys.filter { $0 < end && $0 + Int64(Self.frameSamples) > position }
        guard !covering.isEmpty else { return nil }
        var frame = [Float](repeating: 0, count: Self.frameSamples)
        for key in covering {
            let piece = pending[key]!
            for i in 0..<Self.frameSamples {
                let at = key + Int64(i) - position
                if at >= 0, at < Int64(Self.frameSamples) { frame[Int(at)] = piece[i] }
            }
            if key + Int64(Self.frameSamples) <= end { pending[key] = nil }
        }
        pending = pending.filter { $0.key + Int64(Self.frameSamples) > end }
        return frame
    }

    /// A 32-bit RTP timestamp as a position that does not wrap.
    private mutating func unwrap(_ timestamp: UInt32) -> Int64 {
        if let lastTimestamp {
            unwrapped += Int64(Int32(bitPattern: timestamp &- lastTimestamp))
        }
        lastTimestamp = timestamp
        return unwrapped
    }
}
