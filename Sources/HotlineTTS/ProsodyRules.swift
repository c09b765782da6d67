import HotlineCore

/// Rule-based prosody: for each phone, how long (relative to the recorded diphone halves)
/// and at what pitch, from the words, their prosody and the pauses between them.
///
/// Durations: the accented vowel of a content word 15% longer, vowels of function words
/// 15% shorter, the last syllable before a pause (or the end) 30% longer; consonants
/// keep their recorded length so stops stay crisp. These apply to carrier-word diphones;
/// units cut from running speech keep their recorded timing, scaled by the speaking rate
/// alone (`Target.rate`). Pauses last as long as the text asks (punctuation, `<break>`).
/// F0: a line falling from 120 to 95 Hz over the utterance, an 18% accent on the accented
/// vowel of each content word (30% with `<emphasis>`), a rise of up to 35% over the end
/// of a question. Running speech keeps its recorded pitch except where the rules ask for
/// their own (`Target.recordedPitch`).
public enum ProsodyRules {
    /// One phone with its prosody.
    public struct Target: Sendable, Equatable {
        /// ARPAbet phone, or "pau".
        public var phone: String
        /// Whether its pitch marks follow the F0 contour.
        public var voiced: Bool
        /// Duration factor relative to the recording (before the synthesizer's overall scale).
        public var duration: Double
        /// The part of `duration` that is the speaking rate (`<prosody rate>`) alone: units
        /// cut from running speech keep their recorded timing, stretched by this only.
        public var rate: Double = 1
        /// F0 target in Hz.
        public var f0: Double
        /// Whether running speech may keep its recorded pitch here: false where the rules ask
        /// for a pitch of their own (a question's final rise, `<prosody pitch>`, `<emphasis>`).
        public var recordedPitch = true
        /// Silence length for "pau", in ms.
        public var pauseMs: Int
    }

    static let vowels: Set<String> = ["aa", "ae", "ah", "ao", "aw", "ax", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw"]
    static let voicedPhones = vowels.union(["m", "n", "ng", "l", "r", "w", "y", "b", "d", "g", "v", "dh", "z", "zh", "jh"])
    /// Words that carry no accent.
    static let functionWords: Set<String> = [
        "a", "an", "the", "to", "of", "in", "on", "at", "for", "and", "or", "but", "is", "are", "was", "were", "be", "been",
        "am", "you", "your", "i", "we", "it", "its", "my", "our", "me", "us", "he", "she", "they", "them", "their", "this",
        "that", "with", "from", "by", "as", "will", "can", "has", "have", "had", "do", "does", "did", "would", "should",
        "could", "if", "so", "than", "then", "there", "here", "what", "which", "who", "when", "where", "how", "up", "into",
    ]

    /// The vowel of `phones` that carries the word's accent: the first full vowel (not ah,
    /// ih or er, which the unstressed CMU dictionary mostly uses for reduced syllables),
    /// else the first vowel.
    static func accentIndex(_ phones: [String]) -> Int? {
        phones.firstIndex { vowels.contains($0) && !["ah", "ih", "er"].contains($0) } ?? phones.firstIndex(where: vowels.contains)
    }

    /// Whether the "a" at `index` of `words` is the letter, said by its name (EY), rather
    /// than the article (AH): it is when a neighbouring word is a single letter too, as in
    /// letters written apart ("a m", "p l c a"; the normaliser's own spellings say "a."
    /// already).
    static func isLetterA(_ words: [String], at index: Int) -> Bool {
        guard words[index] == "a" else { return false }
        return [index - 1, index + 1].contains {
            words.indices.contains($0) && (words[$0] == "a." || words[$0].count == 1 && words[$0].first!.isLetter)
        }
    }

    /// Targets for `tokens`, starting and ending with a pause; phones the voice lacks
    /// (`phones`) become "ax".
    public static func targets(_ tokens: [SpokenToken], lexicon: Lexicon, phones available: Set<String>) -> [Target] {
        let accentGain = 0.18, vowelGain = 0.15, finalGain = 0.3, fnGain = 0.15
        var out = [Target(phone: "pau", voiced: false, duration: 1, f0: 120, pauseMs: 60)]
        var pitch: [Double] = [1]   // SSML pitch per target
        func pause(_ ms: Int) {
            if out.last!.phone == "pau" { out[out.count - 1].pauseMs = max(out.last!.pauseMs, ms); return }
            out.append(Target(phone: "pau", voiced: false, duration: 1, f0: 120, pauseMs: ms))
            pitch.append(1)
        }
        var accents: [(index: Int, emphasis: Bool)] = []
        let words = tokens.compactMap { token -> String? in if case .word(let w, _) = token { w } else { nil } }
        var wordIndex = 0
        for token in tokens {
            switch token {
            case .word(let written, let prosody):
                let word = isLetterA(words, at: wordIndex) ? "a." : written
                wordIndex += 1
                let phones = lexicon.phones(word).map { available.contains($0) ? $0 : "ax" }
                let content = !functionWords.contains(word)
                let accent = content ? accentIndex(phones) : nil
                for (i, p) in phones.enumerated() {
                    let rate = 1 / max(prosody.rate, 0.25)
                    var duration = rate
                    if vowels.contains(p) { duration *= i == accent ? (prosody.emphasis ? 1.3 : 1 + vowelGain) : (content ? 1 : 1 - fnGain) }
                    if i == accent { accents.append((out.count, prosody.emphasis)) }
                    out.append(Target(phone: p, voiced: voicedPhones.contains(p), duration: duration, rate: rate, f0: 0, pauseMs: 0))
                    pitch.append(prosody.pitch)
                }
            case .pause(let ms):
                pause(ms)
            case .questionEnd:
                break
            }
        }
        pause(200)
        // Phrase-final lengthening: the last vowel before each pause and what follows it.
        for i in out.indices where out[i].phone == "pau" && i > 0 {
            var j = i - 1
            while j > 0, out[j].phone != "pau" {
                out[j].duration *= 1 + finalGain
                if vowels.contains(out[j].phone) { break }
                j -= 1
            }
        }
        // F0: declination, accents, question rise.
        let question = tokens.contains(.questionEnd)
        let n = out.count
        for i in out.indices {
            let progress = Double(i) / Double(max(n - 1, 1))
            var f0 = 120 - 25 * progress
            let rising = question && i >= n - 5
            if rising { f0 *= 1 + 0.35 * Double(i - (n - 5)) / 3 }
            out[i].f0 = f0 * pitch[i]
            out[i].recordedPitch = !rising && pitch[i] == 1
        }
        for (i, emphasis) in accents {
            out[i].f0 *= emphasis ? 1.3 : 1 + accentGain
            if i + 1 < n { out[i + 1].f0 *= emphasis ? 1.15 : 1 + accentGain / 2 }
            if emphasis { out[i].recordedPitch = false }
        }
        return out
    }
}
