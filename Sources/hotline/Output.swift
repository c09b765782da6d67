import Foundation

/// Prints `error` as one line on stderr, prefixed with the tool's name.
func printError(_ error: Any) {
    FileHandle.standardError.write(Data("hotline: \(error)\n".utf8))
}
