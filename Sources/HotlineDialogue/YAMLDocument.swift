import Yams

/// Parses YAML into its node tree (which keeps every node's line and column); a syntax
/// error or duplicate key becomes a `FlowDiagnostic` at its place in `file`. Shared by the
/// flow loader and the daemon's configuration reader.
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
