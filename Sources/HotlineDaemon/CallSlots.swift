import Foundation

/// Counts calls in progress over all lines, up to the configured most.
final class CallSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var inUse = 0
    /// The most calls at once.
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Takes a slot if one is free.
    func acquire() -> Bool {
        lock.withLock {
            guard inUse < capacity else { return false }
            inUse += 1
            return true
        }
    }

    /// Gives a slot back.
    func release() { lock.withLock { inUse -= 1 } }
}
