/// A recognised word with its place in time (output frames of the acoustic model).
public struct RecognizedWord: Sendable, Equatable, Codable {
    /// The word.
    public var word: String
    /// First frame.
    public var startFrame: Int
    /// One past the last frame.
    public var endFrame: Int
}

/// Viterbi token passing over a grammar's CTC network: each phone state loops on itself,
/// phones of a word may be separated by blanks (and must be when a phone repeats), and
/// every word-graph node has a blank state for the silence between words.
///
/// Each state keeps the `width` best tokens with different word histories, so the
/// alternatives that reach the end form an n-best list; tokens more than `beam` below
/// the best are dropped.
final class GrammarDecoder {
    private final class History {
        let word: String
        let start: Int
        let end: Int
        let previous: History?
        /// Identifies the word sequence (not the timing): tokens with equal keys are one hypothesis.
        let key: Int
        init(word: String, start: Int, end: Int, previous: History?) {
            self.word = word; self.start = start; self.end = end; self.previous = previous
            var hasher = Hasher()
            hasher.combine(previous?.key ?? 0)
            hasher.combine(word)
            key = hasher.finalize()
        }
    }

    private struct Token {
        var score: Float
        var history: History?
        var start: Int
        /// The phone a word-end token has just emitted (0 after a blank): the next word
        /// may not start with the same phone without a blank between (CTC would merge them).
        var lastPhone = 0
        var key: Int { history?.key ?? 0 }
    }

    /// Up to `width` tokens per state, best first, distinct word histories.
    private struct Slots {
        let width: Int
        var tokens: [Token]
        var counts: [Int]

        init(states: Int, width: Int) {
            self.width = width
            tokens = Array(repeating: Token(score: -.infinity, history: nil, start: 0), count: states * width)
            counts = Array(repeating: 0, count: states)
        }

        func list(_ s: Int) -> ArraySlice<Token> { tokens[(s * width)..<(s * width + counts[s])] }

        mutating func clear(_ s: Int) { counts[s] = 0 }

        mutating func set(_ s: Int, _ list: [Token]) {
            counts[s] = list.count
            for (j, t) in list.enumerated() { tokens[s * width + j] = t }
        }
    }

    let network: SearchNetwork
    /// Log-probability below the best token at which tokens are dropped.
    var beam: Float = 40
    /// Added to a path's score for each word (negative discourages insertions).
    var wordPenalty: Float = 0
    private let width: Int
    private var phoneBase: [Int] = []          // first state of each arc
    private var phones: Slots                  // per arc: k phone states then k-1 blank states
    private var nodeBlank: Slots
    private var entry: Slots
    private var merged: [Token] = []
    /// Output frames decoded.
    private(set) var frames = 0

    init(network: SearchNetwork, width: Int = 4) {
        self.network = network
        self.width = width
        var base = 0
        for arc in network.arcs {
            phoneBase.append(base)
            base += 2 * arc.phones.count - 1
        }
        phones = Slots(states: base, width: width)
        nodeBlank = Slots(states: network.nodeCount, width: width)
        entry = Slots(states: network.nodeCount, width: width)
        reset()
    }

    /// Starts a new utterance.
    func reset() {
        for s in phones.counts.indices { phones.clear(s) }
        for n in 0..<network.nodeCount {
            nodeBlank.clear(n)
            entry.clear(n)
        }
        for n in network.closure[network.start] { entry.set(n, [Token(score: 0, history: nil, start: 0)]) }
        frames = 0
    }

    /// Adds `token` to `merged` keeping the best per word history and at most `width`.
    private func offer(_ token: Token) {
        guard token.score > -.infinity else { return }
        if let same = merged.firstIndex(where: { $0.key == token.key }) {
            if token.score > merged[same].score { merged[same] = token } else { return }
        } else if merged.count < width {
            merged.append(token)
        } else if token.score > merged[merged.count - 1].score {
            merged[merged.count - 1] = token
        } else {
            return
        }
        merged.sort { $0.score > $1.score }
    }

    /// Advances one output frame of log-posteriors (index 0 the blank).
    func advance(_ logp: UnsafeBufferPointer<Float>) {
        let t = frames
        let blank = logp[0]
        var best: Float = -.infinity
        func emit(_ label: Int) {
            for j in merged.indices { merged[j].score += logp[label]; merged[j].lastPhone = label }
            if let top = merged.first { best = max(best, top.score) }
        }
        for n in 0..<network.nodeCount {
            merged.removeAll(keepingCapacity: true)
            for token in nodeBlank.list(n) { offer(token) }
            for token in entry.list(n) { offer(token) }
            emit(0)
            nodeBlank.set(n, merged)
        }
        for (a, arc) in network.arcs.enumerated() {
            let base = phoneBase[a], k = arc.phones.count
            // Later states first, so every state reads its predecessors' tokens of the
            // previous frame (blank i follows phone i; phone i follows blank i-1 and phone i-1).
            for i in stride(from: k - 1, through: 0, by: -1) {
                if i < k - 1 {
                    merged.removeAll(keepingCapacity: true)
                    for token in phones.list(base + k + i) { offer(token) }
                    for token in phones.list(base + i) { offer(token) }
                    emit(0)
                    phones.set(base + k + i, merged)
                }
                merged.removeAll(keepingCapacity: true)
                for token in phones.list(base + i) { offer(token) }
                if i == 0 {
                    for e in entry.list(arc.from) where e.lastPhone != arc.phones[0] {
                        offer(Token(score: e.score + wordPenalty, history: e.history, start: t))
                    }
                } else {
                    for token in phones.list(base + k + i - 1) { offer(token) }
                    if arc.phones[i - 1] != arc.phones[i] {
                        for token in phones.list(base + i - 1) { offer(token) }
                    }
                }
                emit(arc.phones[i])
                phones.set(base + i, merged)
            }
        }
        let floor = best - beam
        func prune(_ slots: inout Slots, _ s: Int) {
            var c = slots.counts[s]
            while c > 0, slots.tokens[s * width + c - 1].score < floor { c -= 1 }
            slots.counts[s] = c
        }
        for s in phones.counts.indices { prune(&phones, s) }
        for n in 0..<network.nodeCount { prune(&nodeBlank, n) }
        // Word ends reach their end node; then epsilon arcs carry tokens onward.
        var direct = nodeBlank
        for (a, arc) in network.arcs.enumerated() {
            let k = arc.phones.count, last = phoneBase[a] + k - 1
            guard phones.counts[last] > 0 else { continue }
            merged = Array(direct.list(arc.to))
            for token in phones.list(last) {
                offer(Token(score: token.score, history: History(word: arc.word, start: token.start, end: t + 1, previous: token.history),
                            start: t + 1, lastPhone: arc.phones[k - 1]))
            }
            direct.set(arc.to, merged)
        }
        for n in 0..<network.nodeCount { entry.clear(n) }
        for n in 0..<network.nodeCount where direct.counts[n] > 0 {
            for m in network.closure[n] {
                merged = Array(entry.list(m))
                for token in direct.list(n) { offer(token) }
                entry.set(m, merged)
            }
        }
        merged.removeAll(keepingCapacity: true)
        frames += 1
    }

    /// Complete paths (ending in a final node), best first: words and score. With
    /// `final` false, the best paths ending anywhere (a partial hypothesis).
    func results(final: Bool = true) -> [(words: [RecognizedWord], score: Float)] {
        merged.removeAll(keepingCapacity: true)
        if final {
            for f in network.finals { for token in entry.list(f) { offer(token) } }
        } else {
            for n in 0..<network.nodeCount { for token in entry.list(n) { offer(token) } }
        }
        let out = merged.map { token -> (words: [RecognizedWord], score: Float) in
            var words: [RecognizedWord] = []
            var h = token.history
            while let current = h {
                words.append(RecognizedWord(word: current.word, startFrame: current.start, endFrame: current.end))
                h = current.previous
            }
            return (words.reversed(), token.score)
        }
        merged.removeAll(keepingCapacity: true)
        return out
    }
}
