// One file (about 420 lines): the token storage, the frame step and the pruning that
// keeps it fast all work on the same private slots and history arena.

/// A recognised word with its place in time (output frames of the acoustic model).
public struct RecognizedWord: Sendable, Equatable, Codable {
    /// The word.
    public var word: String
    /// First frame.
    public var startFrame: Int
    /// One past the last frame.
    public var endFrame: Int
    /// The acoustic log-probability the path gained from the previous word's end to this
    /// word's end (the blank before the word included; language model and word bonus not).
    public var score: Float = 0
}

/// Viterbi token passing over a grammar's CTC network: each phone state loops on itself,
/// phones of a word may be separated by blanks (and must be when a phone repeats), and
/// every word-graph node has a blank state for the silence between words.
///
/// Each state keeps the `width` best tokens with different word histories, so the
/// alternatives that reach the end form an n-best list; tokens more than `beam` below
/// the best are dropped. Word histories live in an arena indexed by integers, so moving
/// tokens costs no reference counting.
final class GrammarDecoder {
    private struct History {
        var arc: Int32
        var start: Int32
        var end: Int32
        var previous: Int32
        /// The token's score and language-model cost at the word's end.
        var score: Float
        var lm: Float
        /// Identifies the word sequence (not the timing): tokens with equal keys are one hypothesis.
        var key: Int
    }

    private struct Token {
        var score: Float
        var history: Int32 = -1
        var start: Int32 = 0
        /// The phone a word-end token has just emitted (0 after a blank): the next word
        /// may not start with the same phone without a blank between (CTC would merge them).
        var lastPhone: Int32 = 0
        var key = 0
        /// The part of `score` that is language-model cost (word arcs' and epsilons').
        var lm: Float = 0
    }

    /// Up to `width` tokens per state, best first, distinct word histories. Its storage is
    /// allocated once and freed by the decoder's deinit: the search loops write through
    /// pointers, with no copy-on-write checks.
    private struct Slots {
        let width: Int
        let states: Int
        let tokens: UnsafeMutablePointer<Token>
        let counts: UnsafeMutablePointer<Int>

        init(states: Int, width: Int) {
            self.width = width
            self.states = states
            tokens = .allocate(capacity: states * width)
            tokens.initialize(repeating: Token(score: -.infinity), count: states * width)
            counts = .allocate(capacity: states)
            counts.initialize(repeating: 0, count: states)
        }

        func free() {
            tokens.deallocate()
            counts.deallocate()
        }

        func clearAll() { counts.update(repeating: 0, count: states) }

        func set(_ s: Int, _ list: Merge) {
            counts[s] = list.count
            (tokens + s * width).update(from: list.tokens, count: list.count)
        }
    }

    /// The best `width` tokens offered, distinct by history key, best first (storage as
    /// for `Slots`).
    private struct Merge {
        let tokens: UnsafeMutablePointer<Token>
        let width: Int
        var count = 0

        init(width: Int) {
            self.width = width
            tokens = .allocate(capacity: width)
            tokens.initialize(repeating: Token(score: -.infinity), count: width)
        }

        func free() { tokens.deallocate() }

        mutating func reset() { count = 0 }

        mutating func offer(_ token: Token) {
            guard token.score > -.infinity else { return }
            var at = -1
            for j in 0..<count where tokens[j].key == token.key { at = j; break }
            if at >= 0 {
                guard token.score > tokens[at].score else { return }
            } else if count < width {
                at = count
                count += 1
            } else {
                guard token.score > tokens[count - 1].score else { return }
                at = count - 1
            }
            tokens[at] = token
            while at > 0, tokens[at].score > tokens[at - 1].score {   // keep best first
                (tokens[at], tokens[at - 1]) = (tokens[at - 1], tokens[at])
                at -= 1
            }
        }

        mutating func offer(_ slots: Slots, _ s: Int) {
            for j in 0..<slots.counts[s] { offer(slots.tokens[s * slots.width + j]) }
        }
    }

    /// A word arc without references (the search loops copy these, not `WordArc`s).
    private struct Arc {
        var from: Int
        var to: Int
        var base: Int          // first state: phones, then the blanks between them
        var phoneStart: Int    // into `arcPhones`
        var phoneCount: Int
        var earnsBonus: Bool
        var cost: Float
    }

    let network: SearchNetwork
    private let arcs: [Arc]
    private let arcPhones: [Int]
    /// Log-probability below the best token at which tokens are dropped.
    var beam: Float = 40
    /// Log-probability below the frame's expected best at which a token does not enter a
    /// word (the previous frame's best plus this frame's likeliest label): with thousands
    /// of words to enter, a narrower beam here is most of the speed.
    var wordBeam: Float = 40
    /// Added to a path's score for each word of the grammar, not garbage nor fillers
    /// (negative discourages insertions; positive makes up for CTC's cheap blanks, which
    /// otherwise let a path skip optional words).
    var wordPenalty: Float = 0
    /// Added, besides `wordPenalty`, per phone of each such word: a bonus in proportion to
    /// how much of the speech the grammar's words explain, whatever words they are cut into.
    var phoneBonus: Float = 0
    /// Taken from the best phone's log-probability for each frame of garbage.
    var garbagePenalty: Float = 1
    private let phones: Slots                  // per arc: k phone states then k-1 blank states
    private let nodeBlank: Slots
    private let entry: Slots
    private let direct: Slots
    private var merge: Merge
    private var histories: [History] = []
    private let wordKeys: [Int]
    /// Output frames decoded.
    private(set) var frames = 0
    /// How many word arcs hold tokens after the last frame.
    var liveWordCount: Int { liveArcs.count }
    /// The best token's score after the last frame.
    private var previousBest: Float = 0
    /// Word arcs leaving each node.
    private let arcsFrom: [[Int]]
    /// The arcs holding tokens after the last frame; every other arc's states are empty,
    /// so a frame visits only these and those a token enters.
    private var liveArcs: [Int] = []
    /// This frame's arcs (storage kept between frames), a mark per arc while it is built,
    /// and each arc's best token of the frame.
    private var frameArcs: [Int] = []
    private var inFrame: [Bool]
    private var arcBest: [Float]
    /// At most about this many words keep tokens from one frame to the next, the best
    /// (the beam alone keeps almost every word a language model names: a CTC token waits
    /// in the blank between two phones at hardly any cost).
    var maxActiveWords = 1000

    init(network: SearchNetwork, width: Int = 4) {
        self.network = network
        var base = 0
        var arcs: [Arc] = [], arcPhones: [Int] = []
        for arc in network.arcs {
            arcs.append(Arc(from: arc.from, to: arc.to, base: base, phoneStart: arcPhones.count, phoneCount: arc.phones.count,
                            earnsBonus: arc.earnsBonus, cost: arc.cost))
            arcPhones += arc.phones
            base += 2 * arc.phones.count - 1
        }
        self.arcs = arcs
        self.arcPhones = arcPhones
        var arcsFrom = [[Int]](repeating: [], count: network.nodeCount)
        for (a, arc) in arcs.enumerated() { arcsFrom[arc.from].append(a) }
        self.arcsFrom = arcsFrom
        inFrame = [Bool](repeating: false, count: arcs.count)
        arcBest = [Float](repeating: -.infinity, count: arcs.count)
        phones = Slots(states: base, width: width)
        nodeBlank = Slots(states: network.nodeCount, width: width)
        entry = Slots(states: network.nodeCount, width: width)
        direct = Slots(states: network.nodeCount, width: width)
        merge = Merge(width: width)
        wordKeys = network.arcs.map { var h = Hasher(); h.combine($0.word); return h.finalize() }
        reset()
    }

    deinit {
        for slots in [phones, nodeBlank, entry, direct] { slots.free() }
        merge.free()
    }

    /// Starts a new utterance.
    func reset() {
        phones.clearAll()
        nodeBlank.clearAll()
        entry.clearAll()
        histories.removeAll(keepingCapacity: true)
        liveArcs.removeAll(keepingCapacity: true)
        for (n, cost) in network.closure[network.start] {
            merge.reset()
            merge.offer(Token(score: cost, lm: cost))
            entry.set(n, merge)
        }
        frames = 0
        previousBest = 0
    }

    /// Advances one output frame of log-posteriors (index 0 the blank).
    func advance(_ logp: UnsafeBufferPointer<Float>) {
        // The search state is used through locals for the frame (the histories move in and
        // back after): the inner loops then touch no class property, so they pay no
        // exclusivity checks or reference counting.
        let phones = phones, nodeBlank = nodeBlank, entry = entry, direct = direct
        var merge = merge, histories: [History] = [], live: [Int] = [], visit: [Int] = [], inFrame: [Bool] = [], arcBest: [Float] = []
        swap(&histories, &self.histories)
        swap(&live, &liveArcs)
        swap(&visit, &frameArcs)
        swap(&inFrame, &self.inFrame)
        swap(&arcBest, &self.arcBest)
        defer {
            self.merge = merge
            swap(&histories, &self.histories)
            swap(&live, &liveArcs)
            swap(&visit, &frameArcs)
            swap(&inFrame, &self.inFrame)
            swap(&arcBest, &self.arcBest)
        }
        let wordPenalty = wordPenalty, phoneBonus = phoneBonus
        let t = Int32(frames)
        var best: Float = -.infinity
        // Garbage is whichever phone is likeliest, less the penalty.
        let garbageLabel = network.garbageLabel
        var garbageScore = -Float.infinity
        for k in 1..<logp.count { garbageScore = max(garbageScore, logp[k]) }
        garbageScore -= garbagePenalty
        let entryFloor = previousBest + max(garbageScore + garbagePenalty, logp[0]) - wordBeam
        func score(_ label: Int) -> Float { label == garbageLabel ? garbageScore : logp[label] }
        var stateBest: Float = -.infinity   // of the states since it was last reset
        func emit(_ label: Int) {
            let add = score(label)
            for j in 0..<merge.count {
                merge.tokens[j].score += add
                merge.tokens[j].lastPhone = Int32(label)
            }
            if merge.count > 0 { stateBest = max(stateBest, merge.tokens[0].score) }
        }
        func gain(_ arc: Arc) -> Float { arc.cost + (arc.earnsBonus ? wordPenalty + phoneBonus * Float(arc.phoneCount) : 0) }
        /// Whether the best token at `arc`'s start node enters it within the word beam.
        func enters(_ arc: Arc) -> Bool {
            entry.counts[arc.from] > 0 && entry.tokens[arc.from * entry.width].score + gain(arc) + score(arcPhones[arc.phoneStart]) >= entryFloor
        }
        // Nodes and arcs holding no token, and none that would enter, stay empty and are
        // skipped: most of a language model's thousands of words at any frame.
        for n in 0..<network.nodeCount where nodeBlank.counts[n] > 0 || entry.counts[n] > 0 {
            merge.reset()
            merge.offer(nodeBlank, n)
            merge.offer(entry, n)
            emit(0)
            nodeBlank.set(n, merge)
        }
        best = stateBest
        visit.removeAll(keepingCapacity: true)
        visit += live
        for a in live { inFrame[a] = true }
        for n in 0..<network.nodeCount where entry.counts[n] > 0 {
            for a in arcsFrom[n] where !inFrame[a] && enters(arcs[a]) {
                inFrame[a] = true
                visit.append(a)
            }
        }
        for a in visit {
            let arc = arcs[a], base = arc.base, k = arc.phoneCount, p = arc.phoneStart
            let entering = enters(arc), gain = gain(arc)
            stateBest = -.infinity
            // Later states first, so every state reads its predecessors' tokens of the
            // previous frame (blank i follows phone i; phone i follows blank i-1 and phone i-1).
            for i in stride(from: k - 1, through: 0, by: -1) {
                if i < k - 1 {
                    merge.reset()
                    merge.offer(phones, base + k + i)
                    merge.offer(phones, base + i)
                    emit(0)
                    phones.set(base + k + i, merge)
                }
                merge.reset()
                merge.offer(phones, base + i)
                if i == 0 {
                    let first = Int32(arcPhones[p])
                    for j in 0..<(entering ? entry.counts[arc.from] : 0) {
                        var e = entry.tokens[arc.from * entry.width + j]
                        guard e.lastPhone != first else { continue }
                        e.score += gain
                        e.lm += arc.cost
                        e.start = t
                        merge.offer(e)
                    }
                } else {
                    merge.offer(phones, base + k + i - 1)
                    if arcPhones[p + i - 1] != arcPhones[p + i] { merge.offer(phones, base + i - 1) }
                }
                emit(arcPhones[p + i])
                phones.set(base + i, merge)
            }
            arcBest[a] = stateBest
            best = max(best, stateBest)
        }
        previousBest = best
        let floor = max(best - beam, visit.count > maxActiveWords ? histogramFloor(arcBest, visit, best: best) : -.infinity)
        func prune(_ slots: Slots, _ s: Int) {
            var c = slots.counts[s]
            while c > 0, slots.tokens[s * slots.width + c - 1].score < floor { c -= 1 }
            slots.counts[s] = c
        }
        live.removeAll(keepingCapacity: true)
        for a in visit {
            inFrame[a] = false
            let arc = arcs[a]
            var holds = false
            for s in arc.base..<(arc.base + 2 * arc.phoneCount - 1) {
                prune(phones, s)
                holds = holds || phones.counts[s] > 0
            }
            if holds { live.append(a) }
        }
        for n in 0..<network.nodeCount where nodeBlank.counts[n] > 0 { prune(nodeBlank, n) }
        // Word ends reach their end node; then epsilon arcs carry tokens onward.
        for n in 0..<network.nodeCount {
            direct.counts[n] = 0
            if nodeBlank.counts[n] > 0 {
                merge.reset()
                merge.offer(nodeBlank, n)
                direct.set(n, merge)
            }
        }
        for a in live {
            let arc = arcs[a], k = arc.phoneCount, last = arc.base + k - 1
            guard phones.counts[last] > 0 else { continue }
            merge.reset()
            merge.offer(direct, arc.to)
            for j in 0..<phones.counts[last] {
                let token = phones.tokens[last * phones.width + j]
                var hasher = Hasher()
                hasher.combine(token.history >= 0 ? histories[Int(token.history)].key : 0)
                hasher.combine(wordKeys[a])
                let key = hasher.finalize()
                let before = merge.count > 0 ? merge.tokens[merge.count - 1].score : -.infinity
                guard merge.count < merge.width || token.score > before else { continue }
                histories.append(History(arc: Int32(a), start: token.start, end: t + 1, previous: token.history,
                                         score: token.score, lm: token.lm, key: key))
                merge.offer(Token(score: token.score, history: Int32(histories.count - 1), start: t + 1,
                                  lastPhone: Int32(arcPhones[arc.phoneStart + k - 1]), key: key, lm: token.lm))
            }
            direct.set(arc.to, merge)
        }
        entry.clearAll()
        for n in 0..<network.nodeCount where direct.counts[n] > 0 {
            for (m, cost) in network.closure[n] {
                merge.reset()
                merge.offer(entry, m)
                for j in 0..<direct.counts[n] {
                    var token = direct.tokens[n * direct.width + j]
                    token.score += cost
                    token.lm += cost
                    merge.offer(token)
                }
                entry.set(m, merge)
            }
        }
        frames += 1
    }

    /// The score that about `maxActiveWords` of `arcs` reach (their best tokens, `scores`
    /// at the arcs' indices), from a histogram of the beam below `best`.
    private func histogramFloor(_ scores: [Float], _ arcs: [Int], best: Float) -> Float {
        let bins = 64, width = beam / Float(bins)
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: bins) { counts in   // on the stack: no allocation per frame
            counts.initialize(repeating: 0)
            for a in arcs {
                let bin = (best - scores[a]) / width
                if bin >= 0 && bin < Float(bins) { counts[Int(bin)] += 1 }
            }
            var kept = 0
            for bin in 0..<bins {
                kept += counts[bin]
                if kept > maxActiveWords { return best - Float(bin) * width }
            }
            return -.infinity
        }
    }

    /// Complete paths (ending in a final node), best first: words, score, and the parts of
    /// the score that are word bonus and language-model cost. With `final` false, the best
    /// paths ending anywhere (a partial hypothesis).
    func results(final: Bool = true) -> [(words: [RecognizedWord], score: Float, bonus: Float, lm: Float)] {
        merge.reset()
        if final {
            for f in network.finals { merge.offer(entry, f) }
        } else {
            for n in 0..<network.nodeCount { merge.offer(entry, n) }
        }
        return (0..<merge.count).map { j in
            let token = merge.tokens[j]
            // Each word's acoustic score: what the path held at its end, less the language
            // model and the bonuses up to it, less the same at the previous word's end.
            var words: [RecognizedWord] = [], ends: [(heard: Float, bonus: Float)] = []
            var h = token.history
            while h >= 0 {
                let entry = histories[Int(h)], arc = network.arcs[Int(entry.arc)]
                words.append(RecognizedWord(word: arc.word, startFrame: Int(entry.start), endFrame: Int(entry.end)))
                ends.append((entry.score - entry.lm, arc.earnsBonus ? wordPenalty + phoneBonus * Float(arc.phones.count) : 0))
                h = entry.previous
            }
            words.reverse()
            ends.reverse()
            var bonus: Float = 0, acoustic: Float = 0
            for i in words.indices {
                bonus += ends[i].bonus
                words[i].score = ends[i].heard - bonus - acoustic
                acoustic = ends[i].heard - bonus
            }
            return (words, token.score, bonus, token.lm)
        }
    }
}
