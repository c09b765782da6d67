/// Chooses which recorded unit speaks each diphone of an utterance, when the voice has
/// more than one (diphones cut from running speech besides the carrier-word set).
///
/// A Viterbi search over the candidates of each diphone minimises the sum of
/// - a target cost: for each of the diphone's two neighbouring phones, 0 where the
///   recording has the same phone as the utterance, `classMismatch` where it has another
///   phone of the same broad class (vowel, stop, fricative, nasal, liquid or glide), 1
///   otherwise (carrier-word diphones count as 2), and
/// - a join cost: 0 where a unit is followed by the unit that follows it in the same
///   recording (the join is the recording itself), `joinCost` elsewhere,
/// so stretches of running speech that say the same phones are taken whole.
public enum UnitSelection {
    /// Cost of joining two units that were not recorded one after the other.
    static let joinCost = 1.5
    /// Target cost of a neighbour that differs from the utterance's but is of the same class.
    static let classMismatch = 0.5
    /// Candidates looked at per diphone (the best-matching by target cost).
    static let maxCandidates = 48

    /// One unit index per diphone `phones[i]-phones[i+1]` (nil where the voice has none
    /// and no stand-in: "pau-b", then "a-pau").
    public static func select(_ phones: [String], voice: VoiceDatabase) -> [Int?] {
        guard phones.count > 1 else { return [] }
        // Per diphone, its candidates with their target costs, computed once.
        let slots: [[(unit: Int, cost: Double)]] = (0..<(phones.count - 1)).map { i in
            let a = phones[i], b = phones[i + 1]
            guard let all = voice.candidates["\(a)-\(b)"] ?? voice.candidates["pau-\(b)"].map({ [$0[0]] })
                    ?? voice.candidates["\(a)-pau"].map({ [$0[0]] }) else { return [] }
            let scored = all.map { (unit: $0, cost: targetCost(voice.units[$0], phones, i)) }
            guard scored.count > maxCandidates else { return scored }
            return Array(scored.sorted { ($0.cost, $0.unit) < ($1.cost, $1.unit) }.prefix(maxCandidates))
        }
        // Viterbi over the slots that have candidates; an empty slot breaks the chain.
        var result = [Int?](repeating: nil, count: slots.count)
        var start = 0
        while start < slots.count {
            guard !slots[start].isEmpty else { start += 1; continue }
            var end = start
            while end + 1 < slots.count, !slots[end + 1].isEmpty { end += 1 }
            var cost = slots[start].map(\.cost)
            var back: [[Int]] = []
            for i in stride(from: start + 1, through: end, by: 1) {
                let following = slots[i - 1].map { voice.units[$0.unit].next }
                var next = [Double](), from = [Int]()
                for candidate in slots[i] {
                    var best = Double.infinity, arg = 0
                    for (k, n) in following.enumerated() {
                        let c = cost[k] + (n == candidate.unit ? 0 : joinCost)
                        if c < best { best = c; arg = k }
                    }
                    next.append(best + candidate.cost)
                    from.append(arg)
                }
                cost = next
                back.append(from)
            }
            var k = cost.indices.min { cost[$0] < cost[$1] }!
            for i in stride(from: end, through: start, by: -1) {
                result[i] = slots[i][k].unit
                if i > start { k = back[i - start - 1][k] }
            }
            start = end + 1
        }
        return result
    }

    /// How far the neighbours of `unit` in its recording are from those of diphone `i` of
    /// `phones` (outside: "pau"): 0-2.
    static func targetCost(_ unit: VoiceDatabase.Unit, _ phones: [String], _ i: Int) -> Double {
        guard let left = unit.left, let right = unit.right else { return 2 }
        let before = i > 0 ? phones[i - 1] : "pau", after = i + 2 < phones.count ? phones[i + 2] : "pau"
        return mismatch(left, before) + mismatch(right, after)
    }

    /// 0 for the same phone, `classMismatch` for another of its class, else 1.
    static func mismatch(_ recorded: String, _ wanted: String) -> Double {
        if recorded == wanted { return 0 }
        guard let a = phoneClass[recorded], let b = phoneClass[wanted], a == b else { return 1 }
        return classMismatch
    }

    /// Broad phone classes (ARPAbet): neighbours in one class shape a diphone alike.
    static let phoneClass: [String: Int] = {
        let classes = [["aa", "ae", "ah", "ao", "aw", "ax", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw"],
                       ["p", "b", "t", "d", "k", "g", "ch", "jh"], ["f", "v", "th", "dh", "s", "z", "sh", "zh", "hh"],
                       ["m", "n", "ng"], ["l", "r", "w", "y"]]
        return Dictionary(uniqueKeysWithValues: classes.enumerated().flatMap { c, phones in phones.map { ($0, c) } })
    }()
}
