import Foundation

/// Regular expressions compiled once per pattern. The normaliser tests every token
/// against a few dozen patterns; compiling each one anew (as `String.range(of:options:
/// .regularExpression)` does) was most of the time it took.
enum RegexCache {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var compiled: [String: NSRegularExpression] = [:]

    /// `pattern` compiled (a pattern that does not compile matches nothing).
    static func regex(_ pattern: String, caseInsensitive: Bool) -> NSRegularExpression? {
        let key = (caseInsensitive ? "i:" : "c:") + pattern
        return lock.withLock {
            if let cached = compiled[key] { return cached }
            let made = try? NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
            compiled[key] = made
            return made
        }
    }
}

extension String {
    /// The first match of the regular expression `pattern`, if any.
    func firstMatch(_ pattern: String, caseInsensitive: Bool = false) -> Range<String.Index>? {
        guard let regex = RegexCache.regex(pattern, caseInsensitive: caseInsensitive),
              let match = regex.firstMatch(in: self, range: NSRange(startIndex..., in: self)) else { return nil }
        return Range(match.range, in: self)
    }

    /// This string with every match of `pattern` replaced by `template` ("$1" for a group).
    func replacingMatches(of pattern: String, with template: String) -> String {
        guard let regex = RegexCache.regex(pattern, caseInsensitive: false) else { return self }
        return regex.stringByReplacingMatches(in: self, range: NSRange(startIndex..., in: self), withTemplate: template)
    }
}
