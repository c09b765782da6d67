import Foundation
import HotlineCore

/// The daemon's output: events (turns, call summaries) as JSON lines on standard output,
/// messages as `hotlined: LEVEL: text` lines on standard error (both end up in the journal
/// under systemd). Safe to use from every line's thread.
public final class DaemonLog: @unchecked Sendable {
    private let lock = NSLock()
    /// Messages above this level are dropped.
    public let level: DaemonConfiguration.LogLevel

    /// A log at `level`.
    public init(level: DaemonConfiguration.LogLevel = .info) {
        self.level = level
    }

    /// Writes `value` as one JSON line (at info level and above).
    public func event<T: Encodable>(_ value: T) {
        guard level >= .info, let line = try? jsonLine(value) else { return }
        lock.withLock { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }

    /// Writes a message of `severity` if the level lets it through.
    public func message(_ severity: DaemonConfiguration.LogLevel, _ text: String) {
        guard severity <= level else { return }
        lock.withLock { FileHandle.standardError.write(Data("hotlined: \(severity.rawValue): \(text)\n".utf8)) }
    }
}
