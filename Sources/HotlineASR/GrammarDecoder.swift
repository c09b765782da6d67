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
/// every word-graph node has a blank state for the silence between words. One token
/// per state, pruned to a beam below the best.
final class GrammarDecoder {
    private final class History {
        let word: String
        let start: Int
        let end: Int
        let previous: History?
        init(word: String, start: Int, end: Int, previous: History?) {
            self.word = word; self.start = start; self.end = end; self.previous = previous
        }
    }

    private struct Token {
        var score: Float = -.infinity
        var history: History?
        var start = 0
    }

    let network: SearchNetwork
    /// Log-probability below the best token at which tokens are dropped.
    var beam: Float = 40
    /// Added to a path's score for each word (negative discourages insertions).
    var wordPenalty: Float = 0
    private var phoneBase: [Int] = []          // first state of each arc
    private var phones: [Token] = []           // per arc: k phone states then k-1 blank states
    private var nodeBlank: [Token] = []
    private var entry: [Token] = []
    /// Output frames decoded.
    private(set) var frames = 0

    init(network: SearchNetwork) {
        self.network = network
        var base = 0
        for arc in network.arcs {
            phoneBase.append(base)
            base += 2 * arc.phones.count - 1
        }
        phones = Array(repeating: Token(), count: base)
        reset()
    }

    /// Starts a new utterance.
    func reset() {
        for i in phones.indices { phones[i] = Token() }
        nodeBlank = Array(repeating: Token(), count: network.nodeCount)
        entry = Array(repeating: Token(), count: network.nodeCount)
        for n in network.closure[network.start] { entry[n] = Token(score: 0, history: nil, start: 0) }
        frames = 0
    }

    /// Advances one output frame of log-posteriors (index 0 the blank).
    func advance(_ logp: UnsafeBufferPointer<Float>) {
        let t = frames
        let blank = logp[0]
        var best: Float = -.infinity
        for n in 0..<network.nodeCount {
            var b = nodeBlank[n]
            if entry[n].score > b.score { b = entry[n] }
            b.score += blank
            nodeBlank[n] = b
            best = max(best, b.score)
        }
        for (a, arc) in network.arcs.enumerated() {
            let base = phoneBase[a], k = arc.phones.count
            // Later states first, so every state reads its predecessors' tokens of the
            // previous frame (blank i follows phone i; phone i follows blank i-1 and phone i-1).
            for i in stride(from: k - 1, through: 0, by: -1) {
                if i < k - 1 {   // blank between phone i and i + 1
                    var bl = phones[base + k + i]
                    if phones[base + i].score > bl.score { bl = phones[base + i] }
                    bl.score += blank
                    phones[base + k + i] = bl
                }
                var p = phones[base + i]
                if i == 0 {
                    let e = entry[arc.from]
                    if e.score + wordPenalty > p.score { p = Token(score: e.score + wordPenalty, history: e.history, start: t) }
                } else {
                    let previousBlank = phones[base + k + i - 1]
                    if previousBlank.score > p.score { p = previousBlank }
                    if arc.phones[i - 1] != arc.phones[i], phones[base + i - 1].score > p.score { p = phones[base + i - 1] }
                }
                p.score += logp[arc.phones[i]]
                phones[base + i] = p
                best = max(best, p.score)
            }
        }
        let floor = best - beam
        for i in phones.indices where phones[i].score < floor { phones[i].score = -.infinity }
        // Word ends reach their end node; then epsilon arcs carry tokens onward.
        var direct = nodeBlank
        for n in direct.indices where direct[n].score < floor { direct[n].score = -.infinity; nodeBlank[n].score = -.infinity }
        for (a, arc) in network.arcs.enumerated() {
            let last = phones[phoneBase[a] + arc.phones.count - 1]
            if last.score > direct[arc.to].score {
                direct[arc.to] = Token(score: last.score, history: History(word: arc.word, start: last.start, end: t + 1, previous: last.history), start: t + 1)
            }
        }
        for n in entry.indices { entry[n] = Token() }
        for n in 0..<network.nodeCount where direct[n].score > -.infinity {
            for m in network.closure[n] where direct[n].score > entry[m].score { entry[m] = direct[n] }
        }
        frames += 1
    }

    /// The best complete path so far (ending in a final node): words and score; nil if none.
    func best(final: Bool = true) -> (words: [RecognizedWord], score: Float)? {
        var token = Token()
        if final {
            for f in network.finals where entry[f].score > token.score { token = entry[f] }
        } else {
            for e in entry where e.score > token.score { token = e }
        }
        guard token.score > -.infinity else { return nil }
        var words: [RecognizedWord] = []
        var h = token.history
        while let current = h {
            words.append(RecognizedWord(word: current.word, startFrame: current.start, endFrame: current.end))
            h = current.previous
        }
        return (words.reversed(), token.score)
    }
}
