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

/// A key of a YAML mapping that is not one of the fields allowed there.
public struct UnknownField {
    /// The key's node (its line and column).
    public var key: Node
    /// The field it resembles, if one is close enough to be a typo of it.
    public var meant: String?
    /// "unknown field 'promt' in WHAT (did you mean 'prompt'?)", or naming the fields allowed.
    public var diagnostic: FlowDiagnostic
}

/// The keys of `map` (in `file`) that are not among `fields`; `what` names the mapping.
/// Shared by the flow loader and `hotline flow test`'s test files.
public func unknownFields(of map: Node.Mapping, _ what: String, fields: [String], file: String) -> [UnknownField] {
    map.keys.compactMap { key in
        guard let name = key.scalar?.string, !fields.contains(name) else { return nil }
        let location = SourceLocation(file: file, line: key.mark?.line ?? 1, column: key.mark?.column ?? 1)
        return UnknownField(key: key, meant: closestMatch(to: name, among: fields), diagnostic: FlowDiagnostic(location, "unknown field '\(name)' in \(what)",
            hint: suggestion(for: name, among: fields) ?? "fields here: \(fields.joined(separator: ", "))"))
    }
}
