import Foundation
import HotlineCore

// One file (about 470 lines): the token rules below share the number reader and the
// abbreviation tables, and read as one list of what the voice says for what is written.

/// Turns IVR prompt text into words as they are said (US English): numbers, digit
/// strings, phone numbers, money, dates, times, percentages, abbreviations and codes.
///
/// Rules, token by token: "$12.50" -> "twelve dollars and fifty cents"; "15%" ->
/// "fifteen percent"; "3:30 pm" -> "three thirty p m"; "12/03/2026" and "2026-12-03" ->
/// "december third, twenty twenty six"; "555-123-4567" -> digit groups with pauses;
/// "(555) 123-4567" and "1-800-555-0199" likewise; "ext. 204" -> "extension two zero
/// four"; "-5" -> "minus five"; "#12" -> "number twelve"; "*" and "#" alone -> "star",
/// "pound"; "10-15" -> "ten to fifteen"; "9am" -> "nine a m"; "a@b.com" -> "a at b dot
/// com"; "1990s" -> "nineteen nineties"; "100th" -> "one hundredth"; "3 Dec 2026" ->
/// "december third twenty twenty six"; "+1 212 555 0100" in digit groups; "70°F" ->
/// "seventy degrees fahrenheit"; "12.50 dollars" and "USD 12.50" as "$12.50"; "4-digit" ->
/// "four digit"; "2x" -> "two times";
/// "21st" -> "twenty first"; "12,345" -> "twelve thousand three hundred forty five";
/// numbers of five or more digits, or with a leading zero, digit by digit (order and
/// account numbers); "AB1234" -> "a b one two three four"; capitals with no vowel
/// spelled, with a number after them digit by digit ("RX 4820" -> "r x four eight two
/// zero"); "ending in 2290" digit by digit; years 1100-2099 the way years are read;
/// "Dr." -> "doctor". Sentence punctuation becomes pauses.
public enum TextNormalizer {
    /// How a span should be read (SSML `say-as`), when the text itself is ambiguous.
    public enum Interpretation: String, Sendable, CaseIterable {
        case digits, characters, cardinal, ordinal, date, time, currency, telephone
    }

    /// Spoken tokens for plain `text`.
    public static func normalize(_ text: String, prosody: Prosody = Prosody(), as interpretation: Interpretation? = nil) -> [SpokenToken] {
        var out: [SpokenToken] = []
        // A dash between words is a pause; one between numbers ("9–5") is a range.
        let dashed = text.replacingMatches(of: #"(\d)\s*[–—]\s*(\d)"#, with: "$1-$2")
            .replacingMatches(of: #"\s*[–—]+\s*"#, with: ", ")
        // A telephone number may be written with spaces: read the whole span as one.
        let raw = interpretation == .telephone ? [text.trimmingCharacters(in: .whitespaces)]
            : dashed.split(whereSeparator: \.isWhitespace).map(String.init)
        var i = 0
        while i < raw.count {
            var token = raw[i]
            // Trailing sentence punctuation becomes a pause ("Dr." and "a.m." keep their dot).
            var trailing = endPunctuation(token, before: i + 1 < raw.count ? raw[i + 1] : nil)
            if trailing != nil { token.removeLast() }
            token = token.trimming { "\"'()[]{}".contains($0) }
            var words: [String]
            if let interpretation, ![.date, .time, .currency].contains(interpretation) {
                words = read(token, as: interpretation)
            } else if trailing == nil || (trailing == "." && monthIndex(token) != nil), let span = span(raw, at: i, token) {
                // A reading that takes in the tokens after this one ("Dec. 3" too).
                words = span.words
                i += span.count - 1
                trailing = endPunctuation(raw[i])
            } else {
                words = read(token, as: interpretation)
            }
            out += words.map { $0 == pauseMarker ? .pause(150) : .word($0, prosody) }
            switch trailing {
            case ","?, ";"?, ":"?: out.append(.pause(200))
            case "."?, "!"?: out.append(.pause(400))
            case "?"?:
                out.append(.questionEnd)
                out.append(.pause(400))
            default: break
            }
            i += 1
        }
        return out
    }

    /// The sentence punctuation a token ends with, if any ("Dr." and "a.m." keep their dot).
    static func endPunctuation(_ token: String, before next: String? = nil) -> Character? {
        guard let last = token.last, ",;:!?.".contains(last), last != "." || !isAbbreviation(token, before: next) else { return nil }
        return last
    }

    /// Readings that span several tokens, from `raw[i]` (`token`: it, without quotes or
    /// brackets): the words and how many tokens they take.
    static func span(_ raw: [String], at i: Int, _ token: String) -> (words: [String], count: Int)? {
        guard i + 1 < raw.count else { return nil }
        let next = raw[i + 1].lowercased().trimming(\.isPunctuation)
        func year(at k: Int) -> Int? {
            guard k < raw.count, let y = Int(raw[k].trimming(\.isPunctuation)), (1100...2099).contains(y) else { return nil }
            return y
        }
        // "(555) 123-4567": the area code and the number are one telephone number.
        if raw[i].first == "(", raw[i].firstMatch(#"^\(\d{3}\)$"#) != nil,
           raw[i + 1].firstMatch(#"^\d{3}[-.]\d{4}[,.;:!?]?$"#) != nil {
            return (telephone(token + "-" + next), 2)
        }
        // "+1 212 555 0100": a country code and digit groups.
        if raw[i].first == "+", raw[i].firstMatch(#"^\+\d{1,3}$"#) != nil {
            let groups = raw[(i + 1)...].prefix { $0.firstMatch(#"^\(?\d{2,4}\)?[,.;:!?]?$"#) != nil }
            if groups.count >= 2 { return (telephone(([raw[i]] + groups).joined(separator: " ")), 1 + groups.count) }
        }
        // "3 Dec 2026", "3 December" (but "option 3 may be" is no date): day before month.
        if let day = dayNumber(token), !token.contains(where: \.isLetter), let month = monthIndex(next), next.count >= 3,
           next != "may" || year(at: i + 2) != nil {
            let withYear = endPunctuation(raw[i + 1]) == nil ? year(at: i + 2) : nil
            return ([months[month]] + NumberWords.ordinal(day) + (withYear.map(NumberWords.year) ?? []), withYear == nil ? 2 : 3)
        }
        // "December 3rd", "Dec. 3, 2026".
        if let month = monthIndex(token), let day = dayNumber(next) {
            let withYear = endPunctuation(raw[i + 1]) == "," ? year(at: i + 2) : nil
            return ([months[month]] + NumberWords.ordinal(day) + (withYear.map(NumberWords.year) ?? []), withYear == nil ? 2 : 3)
        }
        // "12.50 dollars" is an amount, as "$12.50" is; so is "USD 12.50".
        if let symbol = ["dollars": "$", "dollar": "$", "euros": "€", "euro": "€"][next],
           token.firstMatch(#"^\d[\d,]*\.\d{2}$"#) != nil, let amount = money(symbol + token) {
            return (amount, 2)
        }
        if let symbol = ["usd": "$", "eur": "€", "gbp": "£"][token.lowercased()], let amount = money(symbol + next) {
            return (amount, 2)
        }
        // "KJT 4820", "RX 408812": a code of capitals, spelled, and its number digit by digit.
        // So is "UA 428", "BA 117": two capitals before a number, unless they are a word ("OR 2").
        let pair = token.count == 2 && token.allSatisfy { $0.isASCII && $0.isUppercase } && !twoLetterWords.contains(token)
        if isLetterCode(token) || pair, !next.isEmpty, next.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return (spell(token) + NumberWords.digits(Substring(next)), 2)
        }
        // "ext. 204", "extension 4021", "dial 911", "call 311": numbers that are keyed are
        // read digit by digit ("call 24 hours a day" is a count).
        let verb = token.lowercased()
        if ["ext", "ext.", "extension", "dial"].contains(verb) || (verb == "call" && next.count >= 3),
           raw[i + 1].firstMatch(#"^[0-9]+[,.;:!?]?$"#) != nil {
            return ([verb.hasPrefix("ext") ? "extension" : verb] + NumberWords.digits(Substring(next)), 2)
        }
        // "1/2 of", "3/4 of": a fraction of something (else "5/1" is a date).
        if next == "of", let fraction = fraction(token) { return (fraction + ["of"], 2) }
        // "2.5 kg", "10 mph", "1 min": a unit after a number is said in full.
        if let unit = units[next], token.firstMatch(#"^\d[\d,]*(\.\d+)?$"#) != nil {
            return (read(token, as: nil) + [token == "1" ? unit.one : unit.many], 2)
        }
        // "3:30 pm", "9:00 am", "8 am" ("nine a m", "eight a m").
        if ["am", "pm", "a.m", "p.m"].contains(next), let words = clockHour(token + next) {
            return (words, 2)
        }
        // "ending in 2290": the last digits of an account or card, digit by digit.
        if ["ending", "ends"].contains(token.lowercased()), next == "in", i + 2 < raw.count,
           raw[i + 2].firstMatch(#"^[0-9]+[,.;:!?]?$"#) != nil {
            return ([token.lowercased(), "in"] + NumberWords.digits(Substring(raw[i + 2].filter(\.isNumber))), 3)
        }
        return nil
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                         "october", "november", "december"]
    static let monthAbbreviations = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static let abbreviations: [String: [String]] = [
        "mr.": ["mister"], "mrs.": ["missus"], "ms.": ["miz"], "dr.": ["doctor"], "st.": ["street"], "ave.": ["avenue"],
        "blvd.": ["boulevard"], "rd.": ["road"], "e.g.": ["for", "example"], "i.e.": ["that", "is"], "etc.": ["et", "cetera"],
        "vs.": ["versus"], "approx.": ["approximately"], "dept.": ["department"], "no.": ["number"], "a.m.": ["a.", "m"],
        "p.m.": ["p", "m"], "mon": ["monday"], "tue": ["tuesday"], "wed": ["wednesday"], "thu": ["thursday"],
        "fri": ["friday"], "sat": ["saturday"], "sun": ["sunday"], "&": ["and"], "@": ["at"], "+": ["plus"], "=": ["equals"],
        "%": ["percent"], "#": ["pound"], "*": ["star"], "24/7": ["twenty", "four", "seven"],
        "apt": ["apartment"], "apt.": ["apartment"], "mins": ["minutes"], "hrs": ["hours"],
        "secs": ["seconds"], "p.o.": ["p", "o"], "ext.": ["extension"],
    ]
    /// Unit abbreviations said in full after a number, singular after 1.
    static let units: [String: (one: String, many: String)] = [
        "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "km": ("kilometer", "kilometers"),
        "cm": ("centimeter", "centimeters"), "mm": ("millimeter", "millimeters"), "mi": ("mile", "miles"),
        "ft": ("foot", "feet"), "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
        "mph": ("mile per hour", "miles per hour"), "kmh": ("kilometer per hour", "kilometers per hour"),
        "sec": ("second", "seconds"), "secs": ("second", "seconds"), "min": ("minute", "minutes"), "mins": ("minute", "minutes"),
        "hr": ("hour", "hours"), "hrs": ("hour", "hours"), "kb": ("kilobyte", "kilobytes"), "mb": ("megabyte", "megabytes"),
        "gb": ("gigabyte", "gigabytes"), "tb": ("terabyte", "terabytes"),
    ]
    /// Two-letter words that may stand in capitals before a number ("PRESS 1 OR 2").
    static let twoLetterWords: Set<String> = ["AM", "AN", "AS", "AT", "BE", "BY", "DO", "GO", "HE", "IF", "IN", "IS", "IT", "ME",
                                              "MY", "NO", "OF", "OH", "OK", "ON", "OR", "PM", "SO", "TO", "UP", "US", "WE"]
    /// Acronyms spelled letter by letter.
    static let spelled: Set<String> = ["ATM", "ID", "FAQ", "SMS", "USA", "UK", "TV", "PC", "CD", "DVD", "USB", "URL", "IVR",
                                       "SIP", "ETA", "PDF", "VIP", "HR", "IT", "CEO", "OK", "ET", "CT", "MT", "PT", "EST",
                                       "CST", "MST", "PST", "EDT", "CDT", "MDT", "PDT", "GMT", "UTC"]

    /// "KJT", "RX", "DMV": two or more capitals with no vowel cannot be read as a word.
    static func isLetterCode(_ token: String) -> Bool {
        token.count >= 2 && token.allSatisfy { $0.isASCII && $0.isUppercase } && !token.contains { "AEIOUY".contains($0) }
    }

    /// Abbreviations only before a number ("No. 5"); elsewhere the dot ends a sentence ("yes or no.").
    static let numberAbbreviations: Set<String> = ["no.", "ext."]

    static func isAbbreviation(_ token: String, before next: String? = nil) -> Bool {
        let lower = token.lowercased()
        guard abbreviations[lower] != nil else { return false }
        return !numberAbbreviations.contains(lower) || next?.first?.isNumber == true
    }

    static func monthIndex(_ token: String) -> Int? {
        let t = token.lowercased().trimming { $0 == "." }
        return months.firstIndex(of: t) ?? monthAbbreviations.firstIndex(of: t)
    }

    static func dayNumber(_ token: String) -> Int? {
        let digits = token.prefix { $0.isNumber }
        guard let d = Int(digits), (1...31).contains(d), ["", "st", "nd", "rd", "th"].contains(String(token.dropFirst(digits.count))) else { return nil }
        return d
    }

    /// One token under an explicit or guessed interpretation.
    static func read(_ token: String, as interpretation: Interpretation?) -> [String] {
        guard !token.isEmpty else { return [] }
        switch interpretation {
        case .digits?: return NumberWords.digits(Substring(token))
        case .characters?: return spell(token)
        case .cardinal?: return Int(token.filter { $0.isNumber || $0 == "-" }).map(NumberWords.cardinal) ?? spell(token)
        case .ordinal?: return Int(token.filter(\.isNumber)).map(NumberWords.ordinal) ?? spell(token)
        case .date?: return date(token) ?? spell(token)
        case .time?: return time(token)
        case .currency?: return money(token) ?? money("$" + token) ?? read(token, as: nil)   // dollars unless it says otherwise
        case .telephone?: return telephone(token)
        case nil: break
        }
        let lower = token.lowercased()
        if let words = abbreviations[lower] { return words }
        // A plain word (letters and apostrophes) needs none of the readings below: each
        // wants a digit or a symbol.
        if token.allSatisfy({ $0.isLetter || $0 == "'" }) {
            if spelled.contains(token) || isLetterCode(token) { return spell(token) }
            return lower.contains(where: \.isLetter) ? [lower] : []
        }
        if let sign = token.first, "-−".contains(sign), let second = token.dropFirst().first, second.isNumber || "$€£".contains(second),
           token.firstMatch(#"^[-−]\d{1,3}[-.]\d{3}"#) == nil {
            // "-5", "-$12.40": the sign is said, never dropped.
            return ["minus"] + read(String(token.dropFirst()), as: nil)
        }
        if token.first == "#", token.count > 1, token.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
            return ["number"] + read(String(token.dropFirst()), as: nil)
        }
        if token.firstMatch(#"^x\d{2,6}$"#) != nil {
            return ["extension"] + NumberWords.digits(token.dropFirst())   // "555-0123 x204"
        }
        if token.firstMatch(#"^\d{1,3}x$"#) != nil, let n = Int(token.dropLast()) {
            return NumberWords.cardinal(n) + ["times"]   // "2x faster"
        }
        if token.firstMatch(#"^\d{1,4}-[A-Za-z]{3,}$"#) != nil {
            // "4-digit", "24-hour": a number and the word it counts.
            let parts = token.split(separator: "-")
            return read(String(parts[0]), as: nil) + [parts[1].lowercased()]
        }
        if token.first == "*", token.count > 1, token.dropFirst().allSatisfy(\.isNumber) {
            // "*9": keys, as the keypad names them.
            return ["star"] + NumberWords.digits(token.dropFirst())
        }
        if let words = money(token) { return words }
        if let words = clockHour(token) { return words }
        if token.firstMatch(#"^\d{1,2}:\d{2}$"#) != nil { return time(token) }
        if let degree = token.firstIndex(of: "°"), let value = Int(token[..<degree]) {
            // "70°F", "-5°C", "90°".
            let scale = ["f": ["fahrenheit"], "c": ["celsius"]][token[token.index(after: degree)...].lowercased()] ?? []
            return NumberWords.cardinal(value) + [abs(value) == 1 ? "degree" : "degrees"] + scale
        }
        if token.contains("@") || token.lowercased().firstMatch(#"^(https?://|www\.)"#) != nil {
            return webAddress(token)
        }
        if token.firstMatch(#"^(1[1-9]|20)?\d0'?s$"#) != nil, let words = decade(token) { return words }
        if token.hasSuffix("%"), let value = Double(token.dropLast()) { return decimal(value, String(token.dropLast())) + ["percent"] }
        if let words = date(token) { return words }
        if token.firstMatch(#"^(1[-.])?\+?\(?\d{3}\)?[-.]\d{3}[-.]\d{4}$|^\d{3}[-.]\d{4}$|^\+\d[\d -]{7,}$"#) != nil {
            return telephone(token)
        }
        if let words = range(token) { return words }
        if token.firstMatch(#"^\d{1,6}(st|nd|rd|th)$"#, caseInsensitive: true) != nil,
           let n = Int(token.prefix { $0.isNumber }) {
            return NumberWords.ordinal(n)
        }
        if token.firstMatch(#"^\d{1,3}(,\d{3})+\.\d+$"#) != nil {
            let plain = token.replacingOccurrences(of: ",", with: "")
            return decimal(Double(plain) ?? 0, plain)
        }
        if token.firstMatch(#"^\d{1,3}(,\d{3})+$"#) != nil {
            let digits = token.replacingOccurrences(of: ",", with: "")
            return Int(digits).map(NumberWords.cardinal) ?? NumberWords.digits(Substring(digits))
        }
        if token.firstMatch(#"^-?\d+\.\d+$"#) != nil, let value = Double(token) {
            return decimal(value, token)
        }
        if token.allSatisfy({ $0.isASCII && $0.isNumber }) {
            if token.count >= 5 || (token.count > 1 && token.hasPrefix("0")) { return NumberWords.digits(Substring(token)) }
            let n = Int(token) ?? 0
            return (1100...2099).contains(n) ? NumberWords.year(n) : NumberWords.cardinal(n)
        }
        if token.contains(where: \.isNumber), token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) { return spell(token) }
        if spelled.contains(token) || isLetterCode(token) { return spell(token) }
        let word = lower.filter { $0.isLetter || $0 == "'" || $0 == "-" }
        // Whatever else a token holds, its digits are said.
        if token.contains(where: \.isNumber) { return spell(token) }
        return word.contains(where: \.isLetter) ? word.split(separator: "-").map(String.init) : []
    }

    /// "10-15" -> "ten to fifteen", "9am-5pm", "Mon-Fri", "$5-$10": both ends of a range,
    /// each a number of up to four digits, a clock hour, an amount or a weekday, joined by "to".
    static func range(_ token: String) -> [String]? {
        let ends = token.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "–" }).map(String.init)
        guard ends.count == 2 else { return nil }
        func end(_ s: String) -> [String]? {
            if !s.isEmpty, s.count <= 4, s.allSatisfy({ $0.isASCII && $0.isNumber }) { return read(s, as: nil) }
            if let words = money(s) ?? clockHour(s) { return words }
            if s.hasSuffix("%"), Double(s.dropLast()) != nil { return read(s, as: nil) }
            let day = abbreviations[s.lowercased()]
            return day?.first?.hasSuffix("day") == true ? day : nil
        }
        guard let from = end(ends[0]), let to = end(ends[1]) else { return nil }
        // Two plain numbers make a range only when they could ("10-15", "2020-2025"), not
        // a code ("58-2291", "44-12").
        if let a = Int(ends[0]), let b = Int(ends[1]), a >= b || abs(ends[0].count - ends[1].count) > 1 { return nil }
        return from + ["to"] + to
    }

    /// "9am", "12pm", "7p.m." -> "nine a m", "twelve p m".
    static func clockHour(_ token: String) -> [String]? {
        let lower = token.lowercased()
        guard let match = lower.firstMatch(#"^(1[0-2]|0?[1-9])(:[0-5]\d)?(am|pm|a\.m\.?|p\.m\.?)$"#) else { return nil }
        let clock = String(lower[match].prefix { $0.isNumber || $0 == ":" })
        let words = clock.contains(":") ? time(clock, beforePeriod: true) : NumberWords.cardinal(Int(clock) ?? 0)
        return words + (lower.contains("a") ? ["a.", "m"] : ["p", "m"])
    }

    /// "support@acme.com" -> "support at acme dot com"; "www.acme.com/help" -> "w w w dot
    /// acme dot com slash help" ("https://" is not said).
    static func webAddress(_ token: String) -> [String] {
        var words: [String] = []
        var part = ""
        let address = token.lowercased().replacingMatches(of: #"^https?://"#, with: "")
        func flush() {
            guard !part.isEmpty else { return }
            words += part == "www" ? ["w", "w", "w"] : read(part, as: nil)
            part = ""
        }
        for c in address {
            switch c {
            case "@": flush(); words.append("at")
            case "/": flush(); words.append("slash")
            case ".": flush(); words.append("dot")
            case "-": flush(); words.append("dash")
            case "_": flush(); words.append("underscore")
            default: part.append(c)
            }
        }
        flush()
        return words
    }

    /// "1990s" -> "nineteen nineties", "80s" -> "eighties".
    static func decade(_ token: String) -> [String]? {
        let digits = token.filter(\.isNumber)
        guard let n = Int(digits) else { return nil }
        let tens = ["", "tens", "twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"]
        let plural = n % 100 == 0 ? ["hundreds"] : [tens[(n % 100) / 10]]
        guard digits.count == 4 else { return n == 0 ? nil : plural }
        if n % 100 == 0 { return n % 1000 == 0 ? NumberWords.cardinal(n / 1000) + ["thousands"] : NumberWords.cardinal(n / 100) + plural }
        return NumberWords.cardinal(n / 100) + plural
    }

    /// Letters as letter names, digits as digit words: "AB-12" -> "a. b one two" (shown
    /// as "a b one two").
    static func spell(_ token: String) -> [String] {
        token.compactMap { c -> String? in
            if let d = c.wholeNumberValue { return NumberWords.ones[d] }
            return c.isLetter ? letterName(String(c).lowercased()) : nil
        }
    }

    /// "1/2" -> "one half", "3/4" -> "three quarters", "2/3" -> "two thirds" (denominators 2-10).
    static func fraction(_ token: String) -> [String]? {
        let parts = token.split(separator: "/").compactMap { Int($0) }
        guard token.firstMatch(#"^\d{1,2}/\d{1,2}$"#) != nil, parts.count == 2,
              (2...10).contains(parts[1]) else { return nil }
        let (top, bottom) = (parts[0], parts[1])
        let name = bottom == 2 ? "half" : bottom == 4 ? "quarter" : NumberWords.ordinal(bottom).joined(separator: " ")
        let plural = bottom == 2 ? "halves" : name + "s"
        return NumberWords.cardinal(top) + [top == 1 ? name : plural]
    }

    /// The word for a spelled letter: itself, except "a." for A (the dictionary's name for
    /// the letter, EY; "a" alone is the article).
    static func letterName(_ letter: String) -> String { letter == "a" ? "a." : letter }

    static func decimal(_ value: Double, _ text: String) -> [String] {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard let integer = Int(parts.first ?? "0") else { return spell(text) }
        let whole = NumberWords.cardinal(integer)
        guard parts.count == 2 else { return whole }
        return whole + ["point"] + NumberWords.digits(parts[1])
    }

    /// "$12.50", "€5", "£3.05", "12.50$": dollars (euros, pounds) and cents; "$1.5M",
    /// "$20K", "$2B": thousands, millions and billions of them.
    static func money(_ token: String) -> [String]? {
        if let scale = ["K": "thousand", "M": "million", "B": "billion"][token.last.map(String.init) ?? ""],
           token.firstMatch(#"^[$€£]\d+(\.\d+)?[KMB]$"#) != nil,
           let unit = money(String(token.prefix(1)) + "2")?.last {
            let number = String(token.dropFirst().dropLast())
            return decimal(Double(number) ?? 0, number) + [scale, unit]
        }
        let symbols: [Character: (String, String, String, String)] = ["$": ("dollar", "dollars", "cent", "cents"),
                                                                      "€": ("euro", "euros", "cent", "cents"),
                                                                      "£": ("pound", "pounds", "penny", "pence")]
        guard let symbol = token.first(where: { symbols[$0] != nil }), let names = symbols[symbol] else { return nil }
        let amount = token.filter { $0.isNumber || $0 == "." }
        guard token.filter({ $0.isNumber || $0 == "." || $0 == "," || $0 == symbol }).count == token.count,
              !amount.isEmpty, amount.filter({ $0 == "." }).count <= 1 else { return nil }
        let parts = amount.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = Int(parts[0].isEmpty ? "0" : parts[0]) else { return nil }
        let cents = parts.count > 1 ? Int((String(parts[1]) + "00").prefix(2)) ?? 0 : 0
        var words: [String] = []
        if whole > 0 || cents == 0 { words += NumberWords.cardinal(whole) + [whole == 1 ? names.0 : names.1] }
        if cents > 0 {
            if !words.isEmpty { words.append("and") }
            words += NumberWords.cardinal(cents) + [cents == 1 ? names.2 : names.3]
        }
        return words
    }

    /// "2026-12-03", "12/03/2026", "12/3" (US month/day order).
    static func date(_ token: String) -> [String]? {
        var year: Int?, month: Int, day: Int
        if token.firstMatch(#"^\d{4}-\d{1,2}-\d{1,2}$"#) != nil {
            let p = token.split(separator: "-").compactMap { Int($0) }
            (year, month, day) = (p[0], p[1], p[2])
        } else if token.firstMatch(#"^\d{1,2}/\d{1,2}(/\d{2}|/\d{4})?$"#) != nil {
            let p = token.split(separator: "/").compactMap { Int($0) }
            (month, day) = (p[0], p[1])
            if p.count == 3 { year = p[2] < 100 ? 2000 + p[2] : p[2] }
        } else {
            return nil
        }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var words = [months[month - 1]] + NumberWords.ordinal(day)
        if let year { words += NumberWords.year(year) }
        return words
    }

    /// "3:30" -> "three thirty", "9:05" -> "nine oh five", "15:00" -> "fifteen hundred", "3:00" -> "three o'clock"
    /// ("three" where "am" or "pm" follows: `beforePeriod`).
    static func time(_ token: String, beforePeriod: Bool = false) -> [String] {
        let p = token.split(separator: ":").compactMap { Int($0) }
        guard p.count == 2 else { return spell(token) }
        let (h, m) = (p[0], p[1])
        if m == 0 { return h > 12 ? NumberWords.cardinal(h) + ["hundred"] : NumberWords.cardinal(h) + (beforePeriod ? [] : ["o'clock"]) }
        return NumberWords.cardinal(h) + (m < 10 ? ["oh", NumberWords.ones[m]] : NumberWords.cardinal(m))
    }

    /// A phone number in digit groups, separated by `pauseMarker` (a short pause).
    static func telephone(_ token: String) -> [String] {
        let groups = token.split { !$0.isNumber && $0 != "+" }
        var words: [String] = []
        for (k, group) in groups.enumerated() {
            if k > 0 { words.append(pauseMarker) }
            words += NumberWords.digits(group)
        }
        return words
    }

    /// Stands for a short pause inside a token's words (phone-number groups).
    static let pauseMarker = "<pause>"
}

extension String {
    /// The string without the leading and trailing characters `drop` matches (Foundation's
    /// `trimmingCharacters(in:)` costs a bridge to NSString per token).
    func trimming(_ drop: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[first...last])
    }
}
