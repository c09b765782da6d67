import Foundation
import HotlineCore

/// The daemon's output: events (turns, call summaries) as JSON lines on standard output,
/// messages as `hotlined: LEVEL: text` lines on standard error (both end up in the journal
/// under systemd). Safe to use from every line's thread.
public final class DaemonLog: @unchecked Sendable {
    /// Where a line of the log goes.
    public enum Stream: Sendable { case events, messages }

    private let lock = NSLock()
    /// Messages above this level are dropped.
    public let level: DaemonConfiguration.LogLevel
    private let write: @Sendable (Stream, String) -> Void

    /// A log at `level`, writing to standard output and error, or to `write` (one call per
    /// line, without its newline).
    public init(level: DaemonConfiguration.LogLevel = .info, write: (@Sendable (Stream, String) -> Void)? = nil) {
        self.level = level
        self.write = write ?? { stream, line in
            (stream == .events ? FileHandle.standardOutput : FileHandle.standardError).write(Data((line + "\n").utf8))
        }
    }

    /// Writes `value` as one JSON line (at info level and above).
    public func event<T: Encodable>(_ value: T) {
        guard level >= .info, let line = try? jsonLine(value) else { return }
        lock.withLock { write(.events, line) }
    }

    /// Writes a message of `severity` if the level lets it through.
    public func message(_ severity: DaemonConfiguration.LogLevel, _ text: String) {
        guard severity <= level else { return }
        lock.withLock { write(.messages, "hotlined: \(severity.rawValue): \(text)") }
    }
}
