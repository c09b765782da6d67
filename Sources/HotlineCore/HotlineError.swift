/// An error a user can act on: its `description` is one line that says what went
/// wrong and, where possible, what to do about it (the CLI prints exactly that line).
public protocol HotlineError: Error, CustomStringConvertible, Sendable {}

/// Bad input given to a Hotline API: a value out of range, an unsupported combination.
public struct InvalidArgument: HotlineError, Equatable {
    /// The one-line message.
    public let description: String
    /// Wraps `description`.
    public init(_ description: String) { self.description = description }
}
