import Foundation

/// The daemon's stop request: set once from a signal handler, read by every line; waits
/// (backoff between device retries) end early when it is set.
public final class StopFlag: @unchecked Sendable {
    private let condition = NSCondition()
    private var flag = false

    /// A flag not yet set.
    public init() {}

    /// Whether a stop was asked for.
    public var isSet: Bool { condition.withLock { flag } }

    /// Asks the daemon to stop.
    public func set() {
        condition.withLock {
            flag = true
            condition.broadcast()
        }
    }

    /// Sleeps `seconds` or until the flag is set; returns whether it is set.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        return condition.withLock {
            while !flag, condition.wait(until: deadline) {}
            return flag
        }
    }
}
