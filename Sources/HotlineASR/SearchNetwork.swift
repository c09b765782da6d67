import HotlineCore

/// A grammar compiled for decoding: its word graph (nodes joined by word and epsilon
/// arcs; tags play no part in the search, they are read off the words afterwards by
/// `Grammar.parse`) with every word arc spelled out as the CTC states of its phones.
struct SearchNetwork {
    struct WordArc {
        var from: Int
        var to: Int
        var word: String
        /// Model output index of each phone.
        var phones: [Int]
        /// Whether the search's word bonus applies: the grammar's own words, not garbage
        /// nor the fillers a call adds around them.
        var earnsBonus: Bool
    }

    /// Words the lexicon lacks, with the pronunciation guessed; those with none are left
    /// out (a path through one cannot be heard).
    private(set) var guessedWords: [GuessedWord] = []
    private(set) var nodeCount = 1
    let start = 0
    private(set) var finals: [Int] = []
    private(set) var arcs: [WordArc] = []
    private var epsilons: [(Int, Int)] = []
    /// For each node, the nodes reachable through epsilon arcs (itself included).
    private(set) var closure: [[Int]] = []

    /// The label of the garbage phone (one past the model's outputs): any phone, at a cost.
    let garbageLabel: Int

    /// Loops are unrolled up to this many optional copies; longer repeats become cycles.
    static let unrollLimit = 12

    /// Builds the network of `grammar` with pronunciations from `lexicon` mapped onto
    /// the acoustic model's `phones` (index 0 the blank).
    init(grammar: Grammar, lexicon: Lexicon, phones: [String]) throws {
        garbageLabel = phones.count
        var phoneIndex: [String: Int] = [:]
        for (i, p) in phones.enumerated() where i > 0 { phoneIndex[p.lowercased()] = i }
        var pronunciations: [String: [Int]] = [:]
        for word in grammar.vocabulary.sorted() {
            let (p, source) = lexicon.pronunciation(word)
            let indices = p.compactMap { phoneIndex[$0] }
            let heard = !indices.isEmpty && indices.count == p.count
            if heard { pronunciations[word] = indices }
            if source != .dictionary || !heard {
                guessedWords.append(heard ? GuessedWord(word: word, source: source, phones: p) : GuessedWord(word: word, source: .unknown, phones: []))
            }
        }
        let end = try build(.rule(grammar.root), from: start, grammar: grammar, pronunciations: pronunciations, depth: 0, bonus: true)
        finals = [end]
        var successors = [[Int]](repeating: [], count: nodeCount)
        for (a, b) in epsilons { successors[a].append(b) }
        closure = (0..<nodeCount).map { Self.reachable(from: $0, successors) }
        for arc in arcs { successors[arc.from].append(arc.to) }
        guard Self.reachable(from: start, successors).contains(end) else {
            let missing = guessedWords.filter(\.phones.isEmpty).map { "'\($0.word)'" }.joined(separator: ", ")
            throw InvalidArgument("no phrase of the grammar can be heard: \(missing) have no pronunciation; add them to a user lexicon")
        }
    }

    /// The nodes reachable from `node` along `successors`, itself first.
    private static func reachable(from node: Int, _ successors: [[Int]]) -> [Int] {
        var seen: Set<Int> = [node], stack = [node], order = [node]
        while let m = stack.popLast() {
            for s in successors[m] where seen.insert(s).inserted { stack.append(s); order.append(s) }
        }
        return order
    }

    private mutating func newNode() -> Int {
        nodeCount += 1
        return nodeCount - 1
    }

    private mutating func build(_ node: Grammar.Node, from: Int, grammar: Grammar,
                                pronunciations: [String: [Int]], depth: Int, bonus: Bool) throws -> Int {
        guard depth < 100 else { throw InvalidArgument("grammar rules nest too deeply (a rule refers to itself?)") }
        func sub(_ n: Grammar.Node, _ f: Int, bonus: Bool = bonus) throws -> Int {
            try build(n, from: f, grammar: grammar, pronunciations: pronunciations, depth: depth + 1, bonus: bonus)
        }
        switch node {
        case .word(let w):
            let to = newNode()
            if let phones = pronunciations[w] { arcs.append(WordArc(from: from, to: to, word: w, phones: phones, earnsBonus: bonus)) }
            return to
        case .garbage:
            let to = newNode()
            arcs.append(WordArc(from: from, to: to, word: Grammar.garbage, phones: [garbageLabel], earnsBonus: false))
            return to
        case .rule(let name):
            guard let body = grammar.rules[name] else { throw InvalidArgument("undefined rule $\(name)") }
            return try sub(body, from, bonus: bonus && !Fillers.ruleNames.contains(name))
        case .sequence(let items):
            var current = from
            for item in items { current = try sub(item, current) }
            return current
        case .choice(let options):
            let to = newNode()
            for option in options { epsilons.append((try sub(option, from), to)) }
            return to
        case .repeated(let item, let lo, let hi):
            var current = from
            for _ in 0..<lo { current = try sub(item, current) }
            guard hi > lo else { return current }
            if hi - lo <= Self.unrollLimit {
                let to = newNode()
                epsilons.append((current, to))
                for _ in lo..<hi {
                    current = try sub(item, current)
                    epsilons.append((current, to))
                }
                return to
            }
            let loop = newNode()
            epsilons.append((current, loop))
            epsilons.append((try sub(item, loop), loop))
            return loop
        case .tagged(let item, _):
            return try sub(item, from)
        }
    }
}
