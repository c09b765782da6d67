import Foundation
import HotlineDaemon

/// A phone line in memory: the caller's side is the audio it was given (then silence),
/// and what the hotline plays is kept. Reads never block, so a whole call runs as fast
/// as the call path computes. Fails like a device when told to.
public final class MemoryLine: LineIO, @unchecked Sendable {   // used by one line's thread at a time
    private let caller: [Float]
    private var position = 0
    /// Frames read after which `read` throws, as a device unplugged mid-call does.
    private let failAfterFrames: Int?
    /// Called with the number of each frame read (from 0), before it is returned.
    public var onRead: ((Int) -> Void)?
    /// Everything the hotline played, in order.
    public private(set) var played: [Float] = []
    /// How many times the hotline discarded queued audio (barge-ins).
    public private(set) var droppedPlayback = 0

    /// A line whose caller says `caller` (8 kHz) and then nothing.
    public init(caller: [Float] = [], failAfterFrames: Int? = nil) {
        self.caller = caller
        self.failAfterFrames = failAfterFrames
    }

    /// What a failing read throws.
    public struct Unplugged: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "the memory line was unplugged" }
    }

    public func read() throws -> [Float] {
        if let failAfterFrames, position / 80 >= failAfterFrames { throw Unplugged() }
        onRead?(position / 80)
        var frame = [Float](repeating: 0, count: 80)
        if position < caller.count {
            let n = min(80, caller.count - position)
            frame.replaceSubrange(0..<n, with: caller[position..<(position + n)])
        }
        position += 80
        return frame
    }

    public func write(_ frame: [Float]) throws { played += frame }
    public func drain() throws {}
    public func dropQueuedPlayback() throws { droppedPlayback += 1 }
    public let bufferMs = 40
    public let lastLagMs = 0.0
    public let lateFrames = 0
    public let xruns = 0
}
