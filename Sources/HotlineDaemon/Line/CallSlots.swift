import Foundation

/// Counts calls in progress over all lines, up to the configured most, and the calls
/// answered and turned away since the start.
final class CallSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var inUse = 0, answered = 0, turnedAway = 0
    /// The most calls at once.
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Takes a slot if one is free.
    func acquire() -> Bool {
        lock.withLock {
            guard inUse < capacity else { turnedAway += 1; return false }
            inUse += 1
            answered += 1
            return true
        }
    }

    /// Gives a slot back.
    func release() { lock.withLock { inUse -= 1 } }

    /// "calls in progress: 2; answered: 15; turned away (all busy): 0", for `systemctl status`.
    var status: String {
        lock.withLock { "calls in progress: \(inUse); answered: \(answered); turned away (all busy): \(turnedAway)" }
    }
}
