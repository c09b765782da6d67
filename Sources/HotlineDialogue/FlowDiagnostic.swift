import HotlineCore
import Yams

/// Where in a flow file something is: 1-based line and column.
public struct SourceLocation: Sendable, Equatable, Comparable {
    /// The flow file.
    public var file: String
    /// Line, from 1.
    public var line: Int
    /// Column, from 1.
    public var column: Int

    /// A location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// One problem in a flow: `file:line:column: message (hint)`.
public struct FlowDiagnostic: HotlineError, Equatable {
    /// Where.
    public var location: SourceLocation
    /// What is wrong.
    public var message: String
    /// What to do, if known (e.g. "did you mean 'confirm_order'?").
    public var hint: String?

    /// A diagnostic.
    public init(_ location: SourceLocation, _ message: String, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }

    public var description: String {
        "\(location.file):\(location.line):\(location.column): \(message)" + (hint.map { " (\($0))" } ?? "")
    }
}

/// All problems found in a flow; its description lists them one per line.
public struct FlowErrors: HotlineError, Equatable {
    /// The problems, in file order.
    public var diagnostics: [FlowDiagnostic]
    /// The problems found.
    public init(diagnostics: [FlowDiagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
