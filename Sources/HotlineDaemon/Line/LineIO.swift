/// A phone line's audio as a line service uses it, 10 ms frames of 8 kHz samples each
/// way: the seam between the call path and what carries the call (`ALSALine` for sound
/// cards and line adapters; an in-memory line in tests).
public protocol LineIO: AnyObject {
    /// The caller's next 10 ms (blocks until they arrive).
    func read() throws -> [Float]
    /// Queues 10 ms of hotline audio for the caller.
    func write(_ frame: [Float]) throws
    /// Lets queued hotline audio finish playing.
    func drain() throws
    /// Discards hotline audio still queued (a prompt the caller interrupted).
    func dropQueuedPlayback() throws
    /// Playback buffering; a frame answered later than this would underrun (ms).
    var bufferMs: Int { get }
    /// Time from the last frame's audio being available to its answer being queued, ms.
    var lastLagMs: Double { get }
    /// Frames answered later than `bufferMs` allows so far.
    var lateFrames: Int { get }
    /// Overruns and underruns the device reported and recovered so far.
    var xruns: Int { get }
}

/// Opens the audio of one configured line; called again to reopen it after a failure.
public typealias LineOpener = @Sendable (DaemonConfiguration.Line) throws -> LineIO
