import Foundation

/// Encodes `value` as one line of JSON with sorted keys (stable for scripts and tests).
func jsonLine<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Prints `error` as one line on stderr, prefixed with the tool's name.
func printError(_ error: Any) {
    FileHandle.standardError.write(Data("hotline: \(error)\n".utf8))
}
