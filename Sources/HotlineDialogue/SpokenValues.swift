/// Entity normalisation of recognised text: digit strings, numbers, yes/no.
public enum SpokenValues {
    static let digitWords: [String: String] = [
        "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
        "six": "6", "seven": "7", "eight": "8", "nine": "9",
    ]
    /// Each digit's name: "4" -> "four" ("0" -> "zero").
    static let digitName: [String: String] = Dictionary(uniqueKeysWithValues: digitWords.filter { $0.key.count > 2 }.map { ($0.value, $0.key) })
    static let smallNumbers: [String: Int] = [
        "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
        "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    ]

    /// Lowercased words of `text`, punctuation removed ("it's" stays one word).
    public static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }.map(String.init)
    }

    /// The digit string spoken or typed in `text` ("one two oh", "double five", "12 34"),
    /// ignoring other words; nil when there is no digit at all.
    public static func digits(_ text: String) -> String? {
        var out = "", repeatNext = 1
        for word in words(text) {
            if word == "double" { repeatNext = 2; continue }
            if word == "triple" { repeatNext = 3; continue }
            if let d = digitWords[word] {
                out += String(repeating: d, count: repeatNext)
            } else if word.allSatisfy(\.isNumber) {
                out += repeatNext > 1 && word.count == 1 ? String(repeating: word, count: repeatNext) : word
            }
            repeatNext = 1
        }
        return out.isEmpty ? nil : out
    }

    /// The natural number in `text` ("twenty one", "one hundred and five", "2 thousand", "42").
    public static func number(_ text: String) -> Int? {
        var total = 0, current = 0, seen = false
        for word in words(text) {
            if let n = Int(word) {
                current += n
                seen = true
            } else if let n = smallNumbers[word] {
                current += n
                seen = true
            } else if word == "hundred" {
                current = max(current, 1) * 100
                seen = true
            } else if word == "thousand" || word == "million" {
                total += max(current, 1) * (word == "thousand" ? 1000 : 1_000_000)
                current = 0
                seen = true
            } else if word == "a" || word == "and" {
                continue
            } else if seen {
                break
            }
        }
        return seen ? total + current : nil
    }

    static let yesWords: Set<String> = ["yes", "yeah", "yep", "yup", "sure", "correct", "right", "affirmative", "ok", "okay",
                                        "absolutely", "definitely", "exactly", "true", "indeed", "certainly"]
    static let noWords: Set<String> = ["no", "nope", "nah", "negative", "incorrect", "wrong", "false", "not", "don't", "isn't"]

    /// "yes" or "no" for the common variants; a negation wins ("that's not right" is no).
    public static func yesNo(_ text: String) -> String? {
        let w = words(text)
        if w.contains(where: noWords.contains) { return "no" }
        if w.contains(where: yesWords.contains) || text.lowercased().contains("of course") { return "yes" }
        return nil
    }
}

extension SpokenValues {
    /// The NATO spelling alphabet.
    static let phonetic: [String: Character] = [
        "alpha": "A", "alfa": "A", "bravo": "B", "charlie": "C", "delta": "D", "echo": "E", "foxtrot": "F", "golf": "G",
        "hotel": "H", "india": "I", "juliet": "J", "juliett": "J", "kilo": "K", "lima": "L", "mike": "M",
        "november": "N", "oscar": "O", "papa": "P", "quebec": "Q", "romeo": "R", "sierra": "S", "tango": "T",
        "uniform": "U", "victor": "V", "whiskey": "W", "xray": "X", "x-ray": "X", "yankee": "Y", "zulu": "Z",
    ]
    /// Letter names as recognisers spell them.
    static let letterNames: [String: Character] = [
        "a": "A", "b": "B", "bee": "B", "c": "C", "see": "C", "sea": "C", "d": "D", "dee": "D", "e": "E", "f": "F",
        "eff": "F", "g": "G", "gee": "G", "h": "H", "aitch": "H", "i": "I", "j": "J", "jay": "J", "k": "K", "kay": "K",
        "l": "L", "el": "L", "m": "M", "em": "M", "n": "N", "en": "N", "p": "P", "pee": "P", "q": "Q", "cue": "Q",
        "r": "R", "ar": "R", "s": "S", "ess": "S", "t": "T", "tee": "T", "u": "U", "you": "U", "v": "V", "vee": "V",
        "w": "W", "x": "X", "ex": "X", "y": "Y", "why": "Y", "z": "Z", "zed": "Z", "zee": "Z",
    ]

    /// A code of letters and digits, spelled ("A B one two three", "alpha bravo 1 2 3",
    /// "AB123"), uppercased; "oh" counts as zero. Words that are neither are skipped.
    public static func alphanumeric(_ text: String) -> String? {
        var out = "", repeatNext = 1
        for word in words(text) {
            if word == "double" { repeatNext = 2; continue }
            if word == "triple" { repeatNext = 3; continue }
            var piece = ""
            if let d = digitWords[word], word != "o" {
                piece = d
            } else if let c = phonetic[word] ?? letterNames[word] {
                piece = String(c)
            } else if word.allSatisfy({ $0.isLetter || $0.isNumber }), word.contains(where: \.isNumber) {
                piece = word.uppercased()   // "ab123" typed or recognised as one token
            }
            out += String(repeating: piece, count: piece.count == 1 ? repeatNext : 1)
            repeatNext = 1
        }
        return out.isEmpty ? nil : out
    }
}
