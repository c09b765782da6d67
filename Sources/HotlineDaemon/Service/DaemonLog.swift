import Foundation
import HotlineCore
import Logging

/// The daemon's output: events (turns, call summaries) as JSON lines on standard output,
/// one per turn and per call; messages through swift-log (`logger`, which the service
/// group logs to as well) as `hotlined: LEVEL: text` lines on standard error, with the
/// syslog priority prefix journald reads (`<3>` for errors) when started by systemd.
/// Safe to use from every line's thread.
public final class DaemonLog: @unchecked Sendable {
    /// Where a line of the log goes.
    public enum Stream: Sendable { case events, messages }

    /// Messages above this level are dropped.
    public let level: DaemonConfiguration.LogLevel
    /// The messages' logger.
    public private(set) var logger: Logger
    private let write: @Sendable (Stream, String) -> Void

    /// A log at `level`, writing to standard output and error, or to `write` (one call per
    /// line, without its newline).
    public init(level: DaemonConfiguration.LogLevel = .info, write: (@Sendable (Stream, String) -> Void)? = nil) {
        let lock = NSLock()
        let out = write ?? { stream, line in
            (stream == .events ? FileHandle.standardOutput : FileHandle.standardError).write(Data((line + "\n").utf8))
        }
        let locked: @Sendable (Stream, String) -> Void = { stream, line in lock.withLock { out(stream, line) } }
        let journal = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        self.level = level
        self.write = locked
        logger = Logger(label: "hotlined") { _ in MessageHandler(journal: journal) { locked(.messages, $0) } }
        logger.logLevel = Self.loggerLevel(level)
    }

    /// Writes `value` as one JSON line (at info level and above).
    public func event<T: Encodable>(_ value: T) {
        guard level >= .info, let line = try? jsonLine(value) else { return }
        write(.events, line)
    }

    /// Logs a message of `severity` if the level lets it through.
    public func message(_ severity: DaemonConfiguration.LogLevel, _ text: String) {
        logger.log(level: Self.loggerLevel(severity), "\(text)")
    }

    private static func loggerLevel(_ level: DaemonConfiguration.LogLevel) -> Logger.Level {
        switch level {
        case .error: .error
        case .warning: .warning
        case .info: .info
        case .debug: .debug
        }
    }

    /// Writes swift-log messages as `hotlined: LEVEL: text [key=value ...]` lines.
    struct MessageHandler: LogHandler {
        var logLevel: Logger.Level = .info
        var metadata: Logger.Metadata = [:]
        /// Whether journald reads the lines: each then starts with its syslog priority.
        let journal: Bool
        let write: @Sendable (String) -> Void

        init(journal: Bool, write: @escaping @Sendable (String) -> Void) {
            self.journal = journal
            self.write = write
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let details = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let (name, priority) = Self.names[event.level]!
            write((journal ? "<\(priority)>" : "") + "hotlined: \(name): \(event.message)\(details)")
        }

        /// How a level is named in the line, and its syslog priority.
        private static let names: [Logger.Level: (String, Int)] = [
            .trace: ("debug", 7), .debug: ("debug", 7), .info: ("info", 6), .notice: ("info", 5),
            .warning: ("warning", 4), .error: ("error", 3), .critical: ("error", 2),
        ]
    }
}
