import HotlineDSP

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
    /// Why the call is over from the line's side (a SIP BYE: `.callerHungUp`; media that
    /// stopped: `.lineLost`), or nil while it is on.
    var callerLeft: CallOutcome? { get }
    /// Whether the line carries keys as signals (RFC 4733, SIP INFO) rather than tones:
    /// then keys come only from `takeKeys`, and tones in the audio are not counted twice.
    /// Read after `takeKeys`: a line may learn it from the first key signalled.
    var signalsKeys: Bool { get }
    /// Keys signalled since the last call, `sample` being the call's sample count now.
    func takeKeys(atSample sample: Int) -> [DTMFEvent]
    /// Hands the caller to a flow's transfer `target` where the line itself can (SIP:
    /// REFER); nil when it went through or the line has no such means, else why it failed.
    func transfer(to target: String) -> String?
    /// Sends `keys` as signals (SIP: RFC 4733) rather than tones; how long they take to go
    /// out (ms, while the line keeps running), or nil when the line has no such means.
    func sendKeys(_ keys: String) -> Int?
}

extension LineIO {
    /// The line has no way to say the caller left other than its audio (the exchange's tones).
    public var callerLeft: CallOutcome? { nil }
    /// The line carries keys only as tones in its audio.
    public var signalsKeys: Bool { false }
    public func takeKeys(atSample sample: Int) -> [DTMFEvent] { [] }
    public func transfer(to target: String) -> String? { nil }
    public func sendKeys(_ keys: String) -> Int? { nil }
}

/// Opens the audio of one configured line; called again to reopen it after a failure.
public typealias LineOpener = @Sendable (DaemonConfiguration.Line) throws -> LineIO
