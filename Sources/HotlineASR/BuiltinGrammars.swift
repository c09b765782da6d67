import Foundation
import HotlineCore

/// The grammars every flow can use without writing one: `builtin:digits` (with
/// `?min=N&max=M`), `builtin:letters` and `builtin:alphanumeric` (the same bounds),
/// `builtin:yesno`, `builtin:number` (0-999), `builtin:currency`, `builtin:date` and
/// `builtin:time`.
extension GrammarCompiler {
    static let digitWords = Array(NumberWords.ones.prefix(10))

    /// `$number`: 0-999 with the digits as its value, built from parts (not 1,000
    /// sentences) so the search network stays small.
    static let numberRules: String = {
        func list(_ range: ClosedRange<Int>) -> String {
            range.map { "\(NumberWords.cardinal($0)[0]) {\($0)}" }.joined(separator: " | ")
        }
        let tensWords = (2...9).map { NumberWords.tens[$0] }
        return """
            $digit = \(list(1...9)) ;
            $teen = \(list(10...19)) ;
            $tensOnly = \(tensWords.enumerated().map { "\($1) {\($0 + 2)0}" }.joined(separator: " | ")) ;
            $tensDigit = \(tensWords.enumerated().map { "\($1) {\($0 + 2)}" }.joined(separator: " | ")) ;
            $twoDigits = $tensOnly | $tensDigit $digit | $teen ;
            $hundreds = $digit (hundred {00} | hundred {0} [and] $digit | hundred [and] $twoDigits) ;
            $number = zero {0} | $digit | $twoDigits | $hundreds ;

            """
    }()

    /// A grammar from the command line or a flow: `builtin:NAME[?min=N&max=M]`, the
    /// path of a grammar file, or of a phrase list (`.phrases`), or grammar text itself
    /// (`public $s = small | large ;`: no such file, and a rule's closing `;`).
    public static func load(spec: String) throws -> Grammar {
        if spec.hasPrefix("builtin:") { return try grammar(spec: spec) }
        if spec.contains(";"), !FileManager.default.fileExists(atPath: spec) { return try compile(spec, file: "inline grammar") }
        guard let text = try? String(contentsOfFile: spec, encoding: .utf8) else {
            throw GrammarError(file: spec, line: 1, column: 1, message: "cannot read the grammar file")
        }
        return spec.hasSuffix(".phrases") ? try phraseList(text, file: spec) : try compile(text, file: spec)
    }

    /// A grammar from a spec: `builtin:NAME[?min=N&max=M]`, or grammar text itself.
    public static func grammar(spec: String) throws -> Grammar {
        guard spec.hasPrefix("builtin:") else { return try compile(spec) }
        // Built-ins are compiled once per spec: a flow of thousands of yes/no states, or a
        // call listening again, asks for the same few.
        if let known = builtins.lock.withLock({ builtins.compiled[spec] }) { return known }
        let made = try builtin(spec: spec)
        builtins.lock.withLock { builtins.compiled[spec] = made }
        return made
    }

    /// Built-in grammars compiled so far, by spec.
    private final class Builtins: @unchecked Sendable {
        let lock = NSLock()
        var compiled: [String: Grammar] = [:]
    }
    private static let builtins = Builtins()

    private static func builtin(spec: String) throws -> Grammar {
        let body = spec.dropFirst("builtin:".count)
        let name = body.prefix { $0 != "?" }
        var parameters: [String: Int] = [:]
        for pair in body.drop(while: { $0 != "?" }).dropFirst().split(separator: "&") {
            let kv = pair.split(separator: "=")
            guard kv.count == 2, let value = Int(kv[1]) else {
                throw GrammarError(file: spec, line: 1, column: 1, message: "bad parameter '\(pair)'", hint: "write min=N&max=M")
            }
            parameters[String(kv[0])] = value
        }
        /// `$symbol<1-max>` whose value must have min...max characters (digit strings, codes).
        func symbolString(_ symbols: [String]) throws -> Grammar {
            let lo = parameters["min"] ?? 1, hi = parameters["max"] ?? 20
            guard lo >= 1, hi >= lo, hi <= 64 else {
                throw GrammarError(file: spec, line: 1, column: 1, message: "\(name) need 1 <= min <= max <= 64")
            }
            var grammar = try compile("$symbol = \(symbols.joined(separator: " | ")) ;\npublic $main = $symbol<1-\(hi)> ;", file: spec)
            grammar.valueLengths = lo...hi
            return grammar
        }
        let digits = digitWords.enumerated().map { "\($1) {\($0)}" } + ["oh {0}"]
        switch name {
        case "digits":
            return try symbolString(digits + ["o {0}"]
                + digitWords.enumerated().map { "double \($1) {\($0)\($0)}" }
                + digitWords.enumerated().map { "triple \($1) {\($0)\($0)\($0)}" })
        case "letters", "alphanumeric":
            // Letters by their names ("b." = B), and for alphanumeric codes digits too.
            let letters = "abcdefghijklmnopqrstuvwxyz".map { "\($0). {\($0.uppercased())}" }
            return try symbolString(name == "alphanumeric" ? letters + digits : letters)
        case "yesno":
            // Tails: what callers add after the word itself ("yes it is", "no i don't").
            return try compile("""
                $yes = yes | yeah | yep | yup | sure | correct | right | that's right | that is right | that is correct
                     | absolutely | definitely | exactly | certainly | of course | okay | ok | affirmative ;
                $no = no | nope | nah | negative | incorrect | wrong | not really | no thanks | that's wrong | not at all ;
                $yesTail = it is | it's on | it does | it did | it was | i am | i do | i did | i have | i can | that's it ;
                $noTail = it isn't | it's not | it is not | it doesn't | it didn't | it wasn't | i'm not | i don't | i didn't
                        | i haven't | i can't ;
                public $main = [uh | um | well | oh] ($yes [$yesTail] {yes} | $no [$noTail] {no} | $noTail {no})
                               [please | thanks | thank you] ;
                """, file: spec)
        case "number":
            return try compile(numberRules + "public $main = $number ;", file: spec)
        case "currency":
            // "twelve dollars and fifty cents" -> 12.50; "five dollars" -> 5; "forty cents" -> 0.40
            func cents(_ prefix: String) -> String {
                (1...99).map { "\(NumberWords.cardinal($0).joined(separator: " ")) {\(prefix)\(String(format: "%02d", $0))}" }
                    .joined(separator: " | ")
            }
            return try compile(numberRules + """
                $cents = \(cents("")) ;
                $centsOnly = \(cents("0.")) ;
                public $main = $number (dollar | dollars) [and {.} $cents (cent | cents)] | $centsOnly (cent | cents) ;
                """, file: spec)
        case "date":
            let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                          "october", "november", "december"].enumerated().map { "\($1) {month=\($0 + 1)}" }
            let days = (1...31).map { "\(NumberWords.ordinal($0).joined(separator: " ")) {day=\($0)}" }
            let years = (1930...2035).map { "\(NumberWords.year($0).joined(separator: " ")) {year=\($0)}" }
            let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map { "\($0) {weekday=\($0)}" }
            return try compile("""
                $month = \(months.joined(separator: " | ")) ;
                $day = \(days.joined(separator: " | ")) ;
                $year = \(years.joined(separator: " | ")) ;
                $weekday = \(weekdays.joined(separator: " | ")) ;
                public $main = [on] ([the] $day of $month | $month [the] $day) [$year]
                             | [on] [next {relative=next} | this] $weekday
                             | today {relative=today} | tomorrow {relative=tomorrow} ;
                """, file: spec)
        case "time":
            let hours = (1...12).map { "\(NumberWords.cardinal($0)[0]) {hour=\($0)}" }
            let minutes = (1...59).map { m in
                (m < 10 ? "oh \(NumberWords.ones[m])" : NumberWords.cardinal(m).joined(separator: " ")) + " {minute=\(m)}"
            }
            // "half past two", "quarter to five", "twenty past six": each written out with
            // its hour and minute, since "to" takes from the hour it names.
            let fractions = [("half", 30), ("quarter", 15), ("a quarter", 15), ("five", 5), ("ten", 10), ("twenty", 20),
                             ("twenty five", 25)]
            let relative = (1...12).flatMap { h -> [String] in
                let hour = NumberWords.cardinal(h)[0]
                return fractions.flatMap { words, m in
                    ["\(words) [minutes] past \(hour) {hour=\(h)} {minute=\(m)}"]
                        + (m == 30 ? [] : ["\(words) [minutes] to \(hour) {hour=\(h == 1 ? 12 : h - 1)} {minute=\(60 - m)}"])
                }
            }
            return try compile("""
                $hour = \(hours.joined(separator: " | ")) ;
                $minute = \(minutes.joined(separator: " | ")) ;
                $relative = \(relative.joined(separator: " | ")) ;
                $period = in the morning {period=am} | in the afternoon {period=pm} | in the evening {period=pm} | at night {period=pm}
                        | a. m. {period=am} | p. m. {period=pm} ;
                public $main = [at | about | around] ($hour [$minute | o'clock {minute=0}] [$period] | $relative [$period]
                             | noon {hour=12} {minute=0} | midnight {hour=0} {minute=0}) ;
                """, file: spec)
        default:
            throw GrammarError(file: spec, line: 1, column: 1, message: "unknown built-in grammar '\(name)'",
                               hint: "use digits, letters, alphanumeric, yesno, number, currency, date or time")
        }
    }
}
