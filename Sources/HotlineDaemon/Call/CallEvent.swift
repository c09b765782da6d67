import HotlineStore

/// How a call ended, as the call store, the log and `hotline call` name it.
public enum CallOutcome: Sendable, Equatable, CustomStringConvertible {
    /// The flow hung up ("hangup").
    case hangup
    /// The flow transferred the call ("transfer:TARGET").
    case transfer(String)
    /// The caller hung up (or the exchange's tone said so).
    case callerHungUp
    /// Nobody spoke, keyed or was prompted for `CallSession.silenceLimitMs`.
    case callerSilent
    /// The daemon was stopping.
    case daemonStopped
    /// The line's devices failed mid-call.
    case lineLost
    /// The call reached the configured longest call.
    case longestCallReached

    public var description: String {
        switch self {
        case .hangup: return "hangup"
        case .transfer(let target): return "transfer:\(target)"
        case .callerHungUp: return "caller hung up"
        case .callerSilent: return "caller silent"
        case .daemonStopped: return "daemon stopped"
        case .lineLost: return "line lost"
        case .longestCallReached: return "longest call reached"
        }
    }
}

/// Something that happened in one frame of a call (`CallSession.events`), in order: what
/// the daemon's line reacts to, instead of comparing counts before and after.
public enum CallEvent: Sendable, Equatable {
    /// The caller interrupted a prompt: when their speech or key began, and when the prompt
    /// stopped (call time, ms).
    case bargeIn(heardAtMs: Int, stoppedAtMs: Int)
    /// A turn completed (the same record `onTurn` gets).
    case turn(TurnRecord)
    /// The last prompt queued has played to its end (not stopped by a barge-in).
    case promptFinished
    /// The caller's message (a flow's `record`) was kept: its reference (file or call
    /// time) and where in the call it lies (ms).
    case messageSaved(reference: String, startMs: Int, endMs: Int)
    /// The flow or the line decided how the call ends (it ends once the last prompt has played).
    case ended(CallOutcome)
}
