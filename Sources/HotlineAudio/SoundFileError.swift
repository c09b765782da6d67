import HotlineCore

/// A sound file that could not be opened, read or written; names the file.
public struct SoundFileError: HotlineError, Equatable {
    /// The file concerned.
    public let path: String
    /// What went wrong, in words.
    public let reason: String

    /// Describes a failure on `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
