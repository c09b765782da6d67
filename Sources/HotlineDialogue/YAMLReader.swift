import Foundation
import HotlineCore
import Yams

/// Reads a YAML file an admin wrote into typed values, collecting every problem as a
/// `FlowDiagnostic` at its file:line:column instead of stopping at the first: unknown
/// fields (with the field a typo resembles), values of the wrong type or out of range,
/// unknown choices. The flow loader, the daemon configuration and `hotline flow test`
/// files each conform, so every file an admin writes reports errors the same way.
public protocol YAMLReader {
    /// The file read, as diagnostics name it.
    var file: String { get }
    /// The folder relative paths in the file are resolved against.
    var baseDirectory: String { get }
    /// The problems found so far.
    var diagnostics: [FlowDiagnostic] { get set }
    /// Called with each single value read for `field` (the flow reader notes where each
    /// state is named); does nothing unless a reader says otherwise.
    mutating func noteValue(_ text: String, of field: String, at node: Node)
}

extension YAMLReader {
    public mutating func noteValue(_ text: String, of field: String, at node: Node) {}

    /// Where `node` is (line 1, column 1 when unknown).
    public func location(_ node: Node?) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1)
    }

    /// Records a problem at `node`.
    public mutating func error(_ node: Node?, _ message: String, hint: String? = nil) {
        diagnostics.append(FlowDiagnostic(location(node), message, hint: hint))
    }

    /// The document's root node; nil, with a diagnostic, for YAML that does not parse or
    /// an empty document (`empty` says what it lacks).
    public mutating func document(_ yaml: String, empty: String, hint: String? = nil) -> Node? {
        do {
            guard let root = try composeYAML(yaml, file: file) else {
                error(nil, empty, hint: hint)
                return nil
            }
            return root
        } catch {
            diagnostics.append(error)
            return nil
        }
    }

    /// The node as a mapping, checking its keys against `fields` (nil: any key). A misspelt
    /// field is reported, then read as the field it resembles (when that one is not there
    /// too), so one typo ("promt") is one error, not also "no prompt".
    public mutating func mapping(_ node: Node, _ what: String, fields: [String]?) -> Node.Mapping? {
        guard let map = node.mapping else {
            error(node, "\(what) must be a mapping of fields", hint: fields.map { "fields: \($0.joined(separator: ", "))" })
            return nil
        }
        guard let fields else { return map }
        let unknown = unknownFields(of: map, what, fields: fields, file: file)
        diagnostics += unknown.map(\.diagnostic)
        let meant = Dictionary(unknown.map { ($0.key, $0.meant) }, uniquingKeysWith: { a, _ in a })
        return Node.Mapping(map.compactMap { key, value in
            guard let guess = meant[key] else { return (key, value) }
            return guess.flatMap { map[$0] == nil ? (Node($0), value) : nil }
        })
    }

    /// A single value; with `nonEmpty`, not "".
    public mutating func string(_ node: Node?, _ field: String, nonEmpty: Bool = false) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar else {
            error(node, "'\(field)' must be a single value")
            return nil
        }
        if nonEmpty, scalar.string.isEmpty {
            error(node, "'\(field)' must not be empty")
            return nil
        }
        noteValue(scalar.string, of: field, at: node)
        return scalar.string
    }

    /// A single value or a list of them.
    public mutating func strings(_ node: Node?, _ field: String) -> [String] {
        guard let node else { return [] }
        if let scalar = node.scalar { return [scalar.string] }
        guard let list = node.sequence else {
            error(node, "'\(field)' must be a text or a list of texts")
            return []
        }
        return list.compactMap { string($0, field) }
    }

    /// A whole number in `range`.
    public mutating func integer(_ node: Node?, _ field: String, range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, field) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            let bounds = range.upperBound == Int.max ? "of at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            error(node, "'\(field)' must be a whole number \(bounds), not '\(text)'")
            return nil
        }
        return value
    }

    /// A number in `range`.
    public mutating func number(_ node: Node?, _ field: String, range: ClosedRange<Double> = 0...1) -> Double? {
        guard let text = string(node, field) else { return nil }
        guard let value = Double(text), range.contains(value) else {
            error(node, "'\(field)' must be a number from \(range.lowerBound.formatted()) to \(range.upperBound.formatted()), not '\(text)'")
            return nil
        }
        return value
    }

    /// true/yes/on or false/no/off.
    public mutating func bool(_ node: Node?, _ field: String) -> Bool? {
        guard let text = string(node, field) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(node, "'\(field)' must be true or false, not '\(text)'")
            return nil
        }
    }

    /// One of `T`'s cases, by its raw value.
    public mutating func choice<T: RawRepresentable & CaseIterable>(_ node: Node?, _ field: String, _: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, field) else { return nil }
        if let value = T(rawValue: text) { return value }
        let options = T.allCases.map(\.rawValue)
        error(node, "'\(field)' is '\(text)', not one of \(options.joined(separator: ", "))", hint: suggestion(for: text, among: options))
        return nil
    }

    /// A file path, resolved against `baseDirectory` when relative.
    public mutating func path(_ node: Node?, _ field: String) -> String? {
        guard let text = string(node, field, nonEmpty: true) else { return nil }
        return text.hasPrefix("/") ? text : URL(fileURLWithPath: baseDirectory).appendingPathComponent(text).absoluteURL.standardized.path
    }
}

/// Parses YAML into its node tree (which keeps every node's line and column); a syntax
/// error or duplicate key becomes a `FlowDiagnostic` at its place in `file`.
public func composeYAML(_ yaml: String, file: String) throws(FlowDiagnostic) -> Node? {
    do {
        return try Yams.compose(yaml: yaml)
    } catch let YamlError.scanner(_, problem, mark, _), let YamlError.parser(_, problem, mark, _),
            let YamlError.composer(_, problem, mark, _) {
        throw FlowDiagnostic(SourceLocation(file: file, line: mark.line, column: mark.column), "YAML error: \(problem)")
    } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
        throw FlowDiagnostic(SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                             "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))",
                             hint: "each key may appear once in a mapping")
    } catch {
        throw FlowDiagnostic(SourceLocation(file: file, line: 1, column: 1), "YAML error: \(error)")
    }
}

/// A key of a YAML mapping that is not one of the fields allowed there.
struct UnknownField {
    /// The key's node (its line and column).
    var key: Node
    /// The field it resembles, if one is close enough to be a typo of it.
    var meant: String?
    /// "unknown field 'promt' in WHAT (did you mean 'prompt'?)", or naming the fields allowed.
    var diagnostic: FlowDiagnostic
}

/// The keys of `map` (in `file`) that are not among `fields`; `what` names the mapping.
/// Used by `YAMLReader.mapping`.
func unknownFields(of map: Node.Mapping, _ what: String, fields: [String], file: String) -> [UnknownField] {
    map.keys.compactMap { key in
        guard let name = key.scalar?.string, !fields.contains(name) else { return nil }
        let location = SourceLocation(file: file, line: key.mark?.line ?? 1, column: key.mark?.column ?? 1)
        return UnknownField(key: key, meant: closestMatch(to: name, among: fields), diagnostic: FlowDiagnostic(location, "unknown field '\(name)' in \(what)",
            hint: suggestion(for: name, among: fields) ?? "fields here: \(fields.joined(separator: ", "))"))
    }
}
