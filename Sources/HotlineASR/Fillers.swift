/// Words callers say around an answer without meaning anything by them: lead-ins ("i'd
/// like", "can i get", "it's") and politeness ("please", "thank you"). Every grammar a
/// call listens with accepts them, so "it's five five five oh one, thanks" is a digit
/// string and not a no-match.
public enum Fillers {
    /// What may come before the answer: up to two of these ("hello, i'd like ...").
    /// One-syllable hesitations ("um", "uh", "oh") are left out: as words of one or two
    /// phones they soak up any sound, and the answer after them is then misheard.
    public static let before = [
        "okay", "hi", "hello", "sorry",
        "i'd like", "i would like", "i'd like to", "i want", "i want to", "i need", "i need to",
        "can i get", "can i have", "could i get", "could i have", "may i have", "let me get", "give me",
        "it's", "it is", "that's", "that is", "i said", "i think", "i'd say",
        // Lead-ins with their article, and asking for someone ("i want a representative").
        "i want a", "i need a", "i'd like a", "can i get a", "can i have a", "could i have a",
        "i want to speak to", "i want to talk to", "i'd like to speak to", "i'd like to talk to", "i need to speak to",
        "can i speak to", "can i talk to", "let me speak to", "put me through to", "connect me to",
    ]
    /// What may follow it: up to two of these ("... please, thank you").
    public static let after = ["please", "thanks", "thank you", "thank you very much", "i think", "that's it", "that's all"]
    /// `words` without up to two `before` phrases at the start and two `after` phrases at
    /// the end ("i'd like a refund please" -> "refund"); all of them when nothing else is left.
    public static func stripped(_ words: [String]) -> [String] {
        var kept = words[...]
        for _ in 0..<2 {
            if let lead = leadIns.first(where: { kept.count > $0.count && kept.starts(with: $0) }) { kept = kept.dropFirst(lead.count) }
        }
        for _ in 0..<2 {
            if let trail = trailers.first(where: { kept.count > $0.count && kept.suffix($0.count).elementsEqual($0) }) { kept = kept.dropLast(trail.count) }
        }
        return Array(kept)
    }

    /// `before` and `after` as word lists, longest first.
    private static let leadIns = before.map { $0.split(separator: " ").map(String.init) }.sorted { $0.count > $1.count }
    private static let trailers = after.map { $0.split(separator: " ").map(String.init) }.sorted { $0.count > $1.count }

    /// What garbage between the parts of an answer costs to enter (log-probability), on top
    /// of its cost per frame, so that it takes whole words rather than a frame or two of a
    /// word that fits badly. (Session 23, 25 orders by four training voices, `bench/orders.py
    /// --between` / plain, whole orders right: no gaps 62 / 90%; entry 1: 70 / 91%; 2: 71 /
    /// 90%, 96% with rejection off; 4: 65 / 90%.)
    public static let gapEntry: Float = 2
    /// The filler rules `withFillers` adds; their words earn no word bonus in the search.
    static let ruleNames: Set<String> = [beforeRule, afterRule]
    // Names with spaces keep them apart from every rule a grammar file can name.
    static let beforeRule = "fillers before", afterRule = "fillers after", answerRule = "answer with gaps"
}

extension Grammar {
    /// This grammar with `Fillers` allowed before and after its root, beyond them garbage
    /// (`Node.garbage`) for other words ("the large one" heard as "large"), and garbage
    /// between the parts of the answer too, at `Fillers.gapEntry` ("a large, let me see,
    /// dark roast latte"; "track, um, my order"). None carries tags, so the interpretation
    /// is the one the grammar alone gives.
    public func withFillers() -> Grammar {
        func choice(_ phrases: [String]) -> Node {
            .choice(phrases.map { .sequence($0.split(separator: " ").map { .word(String($0)) }) })
        }
        var rules = self.rules
        rules[Fillers.beforeRule] = .repeated(choice(Fillers.before), min: 0, max: 2)
        rules[Fillers.afterRule] = .repeated(choice(Fillers.after), min: 0, max: 2)
        rules[Fillers.answerRule] = withGaps(.rule(root), depth: 0)
        let garbage = Node.repeated(.garbage(), min: 0, max: 1)
        rules["main with fillers"] = .sequence([garbage, .rule(Fillers.beforeRule), .rule(Fillers.answerRule), .rule(Fillers.afterRule), garbage])
        return Grammar(rules: rules, root: "main with fillers", valueLengths: valueLengths)
    }

    /// `node` with optional garbage between the items of its sequences, looking through
    /// rules, tags and choices down to the first sequence on each branch (the parts of an
    /// order, the words of a phrase), not into the parts themselves.
    private func withGaps(_ node: Node, depth: Int) -> Node {
        guard depth < 8 else { return node }
        switch node {
        case .rule(let name): return rules[name].map { withGaps($0, depth: depth + 1) } ?? node
        case .tagged(let item, let tag): return .tagged(withGaps(item, depth: depth + 1), tag)
        case .choice(let options): return .choice(options.map { withGaps($0, depth: depth + 1) })
        case .sequence(let items) where items.count > 1:
            let gap = Node.repeated(.garbage(entry: Fillers.gapEntry), min: 0, max: 1)
            return .sequence(Array(items.map { [$0] }.joined(separator: [gap])))
        default: return node
        }
    }
}
