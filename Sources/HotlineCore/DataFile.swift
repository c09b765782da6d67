import Foundation

/// Finds Hotline's data files (`Models/...`) wherever `hotline` runs from: the default
/// paths are relative, so an admin in another folder, or the installed binaries, still
/// find the models and lexicon.
public enum DataFile {
    /// `path` itself when it is absolute or exists from the working directory; else the
    /// first that exists of `$HOTLINE_DATA/path`, and `DIR/path` or `DIR/share/hotline/path`
    /// for each folder DIR above the running executable (the installed layout
    /// `/usr/bin` + `/usr/share/hotline`, or a build inside the source tree); else `path`
    /// unchanged, so that errors name what was asked for.
    public static func resolve(_ path: String) -> String {
        let files = FileManager.default
        guard !path.hasPrefix("/"), !files.fileExists(atPath: path) else { return path }
        var roots: [URL] = []
        if let data = ProcessInfo.processInfo.environment["HOTLINE_DATA"], !data.isEmpty { roots.append(URL(fileURLWithPath: data)) }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            var folder = executable.deletingLastPathComponent()
            for _ in 0..<6 where folder.path != "/" {
                roots += [folder, folder.appendingPathComponent("share/hotline")]
                folder = folder.deletingLastPathComponent()
            }
        }
        return roots.map { $0.appendingPathComponent(path).path }.first(where: files.fileExists) ?? path
    }
}
