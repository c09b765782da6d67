import Foundation

/// A fresh temporary folder, removed when dropped.
public final class Scratch {
    /// The folder.
    public let path: String

    /// Makes the folder.
    public init() {
        path = NSTemporaryDirectory() + "hotline-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }
}

/// The repository's root, for the committed models, flows and sample audio.
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
