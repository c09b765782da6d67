import HotlineCore

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
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// "did you mean 'x'?" for the closest of `candidates` to `word`, if close enough.
func suggestion(for word: String, among candidates: [String]) -> String? {
    let best = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }.min { $0.1 < $1.1 }
    guard let (candidate, distance) = best, distance <= max(2, word.count / 3) else { return nil }
    return "did you mean '\(candidate)'?"
}

/// Levenshtein distance.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where j <= b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
