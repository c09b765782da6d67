import HotlineCore

/// A compiled recognition grammar: rules of words with tags that attach meaning.
///
/// Notation (docs/grammars.md), in the spirit of JSGF/SRGS:
///
///     # comment
///     $digit = zero {0} | oh {0} | one {1} ;
///     public $main = [i want] (billing {intent=billing} | sales {intent=sales}) [please] ;
///
/// Alternatives `|`, grouping `( )`, optional `[ ]`, repeats `<m-n>`, `<m->`, `*`, `+`
/// after an item, rule references `$name`, and tags after an item: `{text}` appends
/// text to the value, `{key=value}` sets a slot. The root is the `public` rule.
public struct Grammar: Sendable {
    /// One node of a rule's expansion.
    indirect enum Node: Sendable {
        case word(String)
        case rule(String)
        case sequence([Node])
        case choice([Node])
        case repeated(Node, min: Int, max: Int)
        case tagged(Node, Tag)
        /// Any speech, at a cost per frame (`Recognizer.Options.garbagePenalty`) and `entry`
        /// (log-probability) to enter: words a caller says around or between the parts of
        /// the answer that no rule names. It matches no text.
        case garbage(entry: Float = 0)
    }

    /// What a tag does.
    enum Tag: Sendable, Equatable {
        case append(String)
        case slot(String, String)
    }

    /// How a stretch of garbage (`Node.garbage`) shows among recognised words.
    public static let garbage = "<garbage>"

    /// Rules by name.
    let rules: [String: Node]
    /// The root rule's name.
    public let root: String
    /// When set, parses whose value has another length are rejected (digit strings).
    var valueLengths: ClosedRange<Int>?

    /// The meaning of one parse: the appended value and the slots.
    public struct Interpretation: Sendable, Equatable, Codable {
        /// Text appended by `{text}` tags (digits of a number, a code ...).
        public var value: String
        /// Slots set by `{key=value}` tags.
        public var slots: [String: String]
    }

    /// Whether `text` is in the grammar, and what it means: the first parse in the
    /// grammar's own order; nil when the words do not fit.
    public func parse(_ text: String) -> Interpretation? {
        let words = Self.words(text)
        var result: Interpretation?
        match(.rule(root), words, 0, [], depth: 0) { end, tags in
            guard end == words.count else { return false }
            var interpretation = Interpretation(value: "", slots: [:])
            for tag in tags {
                switch tag {
                case .append(let text): interpretation.value += text
                case .slot(let key, let value): interpretation.slots[key] = value
                }
            }
            if let lengths = valueLengths, !lengths.contains(interpretation.value.count) { return false }
            result = interpretation
            return true
        }
        return result
    }

    /// Lower-case words of `text`; a single letter followed by "." stays "b." (a letter
    /// said by its name), other dots are punctuation.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'" || $0 == ".") }.flatMap { token -> [String] in
            if token.count == 2, token.first!.isLetter, token.last == "." { return [String(token)] }
            return token.split(separator: ".").map(String.init)
        }
    }

    /// Backtracking match of `node` at `position`; calls `next` with each way it can end
    /// (position, tags so far) until `next` returns true.
    @discardableResult
    private func match(_ node: Node, _ words: [String], _ position: Int, _ tags: [Tag], depth: Int,
                       _ next: (Int, [Tag]) -> Bool) -> Bool {
        guard depth < 200 else { return false }
        switch node {
        case .word(let w):
            return position < words.count && words[position] == w && next(position + 1, tags)
        case .rule(let name):
            guard let body = rules[name] else { return false }
            return match(body, words, position, tags, depth: depth + 1, next)
        case .sequence(let items):
            func step(_ i: Int, _ p: Int, _ t: [Tag]) -> Bool {
                i == items.count ? next(p, t) : match(items[i], words, p, t, depth: depth + 1) { step(i + 1, $0, $1) }
            }
            return step(0, position, tags)
        case .choice(let options):
            return options.contains { match($0, words, position, tags, depth: depth + 1, next) }
        case .repeated(let item, let lo, let hi):
            func step(_ count: Int, _ p: Int, _ t: [Tag]) -> Bool {
                // Prefer more repetitions (greedy), but never loop without consuming words.
                if count < hi, match(item, words, p, t, depth: depth + 1, { q, u in q > p && step(count + 1, q, u) }) { return true }
                return count >= lo && next(p, t)
            }
            return step(0, position, tags)
        case .tagged(let item, let tag):
            return match(item, words, position, tags, depth: depth + 1) { next($0, $1 + [tag]) }
        case .garbage:
            return next(position, tags)
        }
    }

    /// All words the grammar can hear (for the lexicon and the decoder).
    public var vocabulary: Set<String> {
        var words = Set<String>()
        func walk(_ node: Node) {
            switch node {
            case .word(let w): words.insert(w)
            case .rule, .garbage: break
            case .sequence(let items), .choice(let items): items.forEach(walk)
            case .repeated(let item, _, _), .tagged(let item, _): walk(item)
            }
        }
        rules.values.forEach(walk)
        return words
    }
}
