import HotlineCore

/// A grammar or a language model compiled for decoding: a word graph (nodes joined by word
/// and epsilon arcs, each with a cost: a log-probability, 0 in grammars; tags play no part
/// in the search, they are read off the words afterwards by `Grammar.parse`) with every
/// word arc spelled out as the CTC states of its phones.
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
        /// Log-probability added on entering the word (a language model's with its word
        /// penalty; 0 in grammars).
        var cost: Float = 0
    }

    /// Words the lexicon lacks, with the pronunciation guessed; those with none are left
    /// out (a path through one cannot be heard).
    private(set) var guessedWords: [GuessedWord] = []
    private(set) var nodeCount = 1
    let start = 0
    private(set) var finals: [Int] = []
    private(set) var arcs: [WordArc] = []
    private var epsilons: [(from: Int, to: Int, cost: Float)] = []
    /// For each node, the nodes reachable through epsilon arcs (itself first, at 0) with the
    /// best cost of getting there.
    private(set) var closure: [[(node: Int, cost: Float)]] = []

    /// The label of the garbage phone (one past the model's outputs): any phone, at a cost.
    let garbageLabel: Int

    /// Loops are unrolled up to this many optional copies; longer repeats become cycles.
    static let unrollLimit = 12

    /// How a language model's log-probabilities become word-arc costs: `weight` times
    /// ln P, plus `wordPenalty` per word (its bonus in place of the grammar's per phone).
    struct LanguageModelScale {
        var weight: Float
        var wordPenalty: Float
        var phoneBonus: Float = 0
    }

    /// Builds the network of `grammar` with pronunciations from `lexicon` mapped onto
    /// the acoustic model's `phones` (index 0 the blank). With `open`, any sentence of
    /// that language model can be heard too, at `cost` below the grammar's phrases (a
    /// menu that also hears paraphrases, for the intent classifier to read).
    init(grammar: Grammar, lexicon: Lexicon, phones: [String],
         open: (model: LanguageModel, scale: LanguageModelScale, cost: Float)? = nil) throws {
        garbageLabel = phones.count
        let pronunciations: [String: [Int]]
        (pronunciations, guessedWords) = Self.pronounce(grammar.vocabulary, lexicon: lexicon, phones: phones)
        let end = try build(.rule(grammar.root), from: start, grammar: grammar, pronunciations: pronunciations, depth: 0, bonus: true)
        finals = [end]
        if let open {
            let entry = newNode()
            epsilons.append((start, entry, -open.cost))
            finals.append(addLanguageModel(open.model, from: entry, lexicon: lexicon, phones: phones, scale: open.scale))
        }
        try close(what: "no phrase of the grammar")
    }

    /// The network of `model` alone (open answers).
    init(languageModel model: LanguageModel, lexicon: Lexicon, phones: [String], scale: LanguageModelScale) throws {
        garbageLabel = phones.count
        finals = [addLanguageModel(model, from: start, lexicon: lexicon, phones: phones, scale: scale)]
        try close(what: "no word of the language model")
    }

    /// Adds `model` after node `first`: a node per history (`first` the sentence start,
    /// then each word), a word arc from each history to each successor seen after it at
    /// ln P(v|w), and from every history an epsilon (ln α(w)) to the back-off node, whose
    /// arcs reach every word at ln P(v); returns the back-off node (a sentence may end
    /// after any word). Its words earn no grammar bonus: `scale` sets their cost.
    private mutating func addLanguageModel(_ model: LanguageModel, from first: Int, lexicon: Lexicon, phones: [String],
                                           scale: LanguageModelScale) -> Int {
        let words = model.vocabulary
        // A general vocabulary's guessed words are no admin's concern: not reported.
        let pronunciations = Self.pronounce(Set(words), lexicon: lexicon, phones: phones).pronunciations
        func cost(_ logp: Float, _ phones: [Int]) -> Float { scale.weight * logp + scale.wordPenalty + scale.phoneBonus * Float(phones.count) }
        let backoffNode = newNode()
        var history: [String: Int] = [LanguageModel.sentenceStart: first]
        for word in words where pronunciations[word] != nil { history[word] = newNode() }
        for (word, node) in history.sorted(by: { $0.value < $1.value }) {
            if let next = model.bigrams[word] {
                for (v, p) in next.sorted(by: { $0.key < $1.key }) {
                    guard let to = history[v], let phones = pronunciations[v] else { continue }
                    arcs.append(WordArc(from: node, to: to, word: v, phones: phones, earnsBonus: false, cost: cost(p, phones)))
                }
            }
            epsilons.append((node, backoffNode, scale.weight * (model.backoff[word] ?? 0)))
        }
        for word in words {
            guard let to = history[word], let phones = pronunciations[word] else { continue }
            arcs.append(WordArc(from: backoffNode, to: to, word: word, phones: phones, earnsBonus: false, cost: cost(model.unigram[word]!, phones)))
        }
        return backoffNode
    }

    /// Spells `words` in the model's phone indices, and lists those the lexicon lacks with
    /// their guessed pronunciation (none: left out).
    private static func pronounce(_ words: Set<String>, lexicon: Lexicon, phones: [String])
        -> (pronunciations: [String: [Int]], guessed: [GuessedWord]) {
        var phoneIndex: [String: Int] = [:]
        for (i, p) in phones.enumerated() where i > 0 { phoneIndex[p.lowercased()] = i }
        var pronunciations: [String: [Int]] = [:], guessed: [GuessedWord] = []
        for word in words.sorted() {
            let (p, source) = lexicon.pronunciation(word)
            let indices = p.compactMap { phoneIndex[$0] }
            let heard = !indices.isEmpty && indices.count == p.count
            if heard { pronunciations[word] = indices }
            if source != .dictionary || !heard {
                guessed.append(heard ? GuessedWord(word: word, source: source, phones: p) : GuessedWord(word: word, source: .unknown, phones: []))
            }
        }
        return (pronunciations, guessed)
    }

    /// Computes the epsilon closures; throws when no final node can be reached (`what`
    /// can be heard).
    private mutating func close(what: String) throws {
        var successors = [[(node: Int, cost: Float)]](repeating: [], count: nodeCount)
        for e in epsilons { successors[e.from].append((e.to, e.cost)) }
        closure = (0..<nodeCount).map { Self.reachable(from: $0, successors) }
        for arc in arcs { successors[arc.from].append((arc.to, 0)) }
        let reached = Set(Self.reachable(from: start, successors).map(\.node))
        guard finals.contains(where: reached.contains) else {
            let missing = guessedWords.filter(\.phones.isEmpty).map { "'\($0.word)'" }.joined(separator: ", ")
            throw InvalidArgument("\(what) can be heard: \(missing) have no pronunciation; add them to a user lexicon")
        }
    }

    /// The nodes reachable from `node` along `successors`, itself first, each with the best
    /// total cost (costs are log-probabilities, at most 0, so the best path has no cycle).
    private static func reachable(from node: Int, _ successors: [[(node: Int, cost: Float)]]) -> [(node: Int, cost: Float)] {
        var best: [Int: Float] = [node: 0], order = [node], stack = [node]
        while let m = stack.popLast() {
            for (s, c) in successors[m] {
                let total = best[m]! + c
                if let known = best[s] {
                    guard total > known else { continue }
                } else {
                    order.append(s)
                }
                best[s] = total
                stack.append(s)
            }
        }
        return order.map { ($0, best[$0]!) }
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
        case .garbage(let entry):
            let to = newNode()
            arcs.append(WordArc(from: from, to: to, word: Grammar.garbage, phones: [garbageLabel], earnsBonus: false, cost: -entry))
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
            for option in options { epsilons.append((try sub(option, from), to, 0)) }
            return to
        case .repeated(let item, let lo, let hi):
            var current = from
            for _ in 0..<lo { current = try sub(item, current) }
            guard hi > lo else { return current }
            if hi - lo <= Self.unrollLimit {
                let to = newNode()
                epsilons.append((current, to, 0))
                for _ in lo..<hi {
                    current = try sub(item, current)
                    epsilons.append((current, to, 0))
                }
                return to
            }
            let loop = newNode()
            epsilons.append((current, loop, 0))
            epsilons.append((try sub(item, loop), loop, 0))
            return loop
        case .tagged(let item, _):
            return try sub(item, from)
        }
    }
}
