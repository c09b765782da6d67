/// The candidate closest to `word`, when it is close enough to be a typo of it (at most
/// 2 edits, or a third of the word): for "did you mean ...?" hints.
public func closestMatch(to word: String, among candidates: [String]) -> String? {
    let best = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }.min { $0.1 < $1.1 }
    guard let (candidate, distance) = best, distance <= max(2, word.count / 3) else { return nil }
    return candidate
}

/// "did you mean 'x'?" for a typo of one of `candidates` (`closestMatch`), else nil.
public func suggestion(for word: String, among candidates: [String]) -> String? {
    closestMatch(to: word, among: candidates).map { "did you mean '\($0)'?" }
}

/// Levenshtein distance between two strings.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
