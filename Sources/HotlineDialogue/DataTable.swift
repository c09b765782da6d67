import Foundation

/// A small CSV table shipped with a flow, for demos without a backend: the first row
/// names the columns, the first column is the key.
public struct DataTable: Sendable, Equatable {
    /// Column names.
    public var columns: [String]
    /// Rows by key.
    public var rows: [String: [String: String]]

    /// Parses CSV text (comma-separated, double quotes around fields with commas).
    public init(csv: String) throws {
        var lines = csv.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !lines.isEmpty else { throw DataTableError(message: "empty table: the first line must name the columns") }
        columns = Self.fields(lines.removeFirst())
        rows = [:]
        for (i, line) in lines.enumerated() {
            let values = Self.fields(line)
            guard values.count == columns.count else {
                throw DataTableError(message: "row \(i + 2) has \(values.count) fields, the header \(columns.count)")
            }
            rows[values[0]] = Dictionary(uniqueKeysWithValues: zip(columns, values))
        }
    }

    private static func fields(_ line: String) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        for c in line {
            if c == "\"" { quoted.toggle() } else if c == ",", !quoted {
                fields.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else { current.append(c) }
        }
        fields.append(current.trimmingCharacters(in: .whitespaces))
        return fields
    }
}

/// A table that cannot be read.
public struct DataTableError: Error, Sendable, Equatable {
    public var message: String
}
