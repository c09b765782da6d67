import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One background thread, at a lower scheduling priority than the lines' audio loops, that
/// runs jobs in the order they come: work a line must not wait for (encoding and writing
/// recordings) goes here.
final class BackgroundWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    /// Starts the thread; `nice` is added to its scheduling niceness (Linux: per thread).
    init(name: String, nice: Int32 = 5) {
        let thread = Thread { [self] in
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
            while true {
                condition.lock()
                while jobs.isEmpty { condition.wait() }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
            }
        }
        thread.name = name
        thread.start()
    }

    /// Queues `job`.
    func submit(_ job: @escaping () -> Void) {
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    /// Runs `job` after everything queued before it and waits for its result.
    func run<T>(_ job: @escaping () -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: T?
        submit {
            result = job()
            done.signal()
        }
        done.wait()
        return result!
    }
}
