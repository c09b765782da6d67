/// Keeping secrets out of what QA and operators see: the values of a flow's `sensitive`
/// slots, and anything that reads as a payment card number (13-19 digits passing the
/// Luhn check, typed, keyed or spoken: "4111 1111 1111 1111", "four one one one ..."),
/// are masked to their last four digits wherever a call is logged or stored.
public enum Redaction {
    /// What a masked value shows: "****1111" for a value of 12 characters or more (a card
    /// number: its last four, as PCI DSS allows), "****" for a shorter one (a PIN).
    public static func masked(_ value: String) -> String {
        value.count >= 12 ? "****" + value.suffix(4) : "****"
    }

    /// What a caller's answer to a sensitive slot shows as ("****1111" when it holds a
    /// card-length digit string, else "****"; "" stays "").
    public static func maskedAnswer(_ heard: String) -> String {
        heard.isEmpty ? "" : masked(SpokenValues.digits(heard) ?? "")
    }

    /// How a prompt reads a sensitive value back: "ending in 1 1 1 1", or "on file" for
    /// one too short to show any of.
    public static func readBack(_ value: String) -> String {
        value.count >= 12 ? "ending in " + value.suffix(4).map(String.init).joined(separator: " ") : "on file"
    }

    /// `url` with any user name and password in it hidden ("https://***@host/path"), for
    /// error messages and logs.
    public static func hidingCredentials(in url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let authorityEnd = url[scheme.upperBound...].firstIndex { "/?#".contains($0) } ?? url.endIndex
        guard let at = url[scheme.upperBound..<authorityEnd].lastIndex(of: "@") else { return url }
        return url[..<scheme.upperBound] + "***" + url[at...]
    }

    /// Whether `value` is a card number: 13-19 digits passing the Luhn check.
    public static func isCardNumber(_ value: String) -> Bool {
        (13...19).contains(value.count) && value.allSatisfy(\.isASCII) && passesLuhn(value)
    }

    /// Whether `digits` (digits only) passes the Luhn check that card numbers carry.
    public static func passesLuhn(_ digits: String) -> Bool {
        var sum = 0
        for (i, c) in digits.reversed().enumerated() {
            guard let d = c.wholeNumberValue else { return false }
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d
        }
        return !digits.isEmpty && sum % 10 == 0
    }

    /// `text` with every card-like number masked ("my card is ****1111"). Digits may come
    /// as figures, digit words or both, grouped by spaces, dashes or dots; a run holding a
    /// Luhn-valid stretch of 13-19 digits has that stretch replaced.
    public static func maskingCardNumbers(in text: String) -> String {
        let tokens = digitTokens(in: text)
        guard tokens.reduce(0, { $0 + $1.digits.count }) >= 13 else { return text }
        var replacements: [(Range<String.Index>, String)] = []
        var first = 0
        while first < tokens.count {
            // Longest card-like stretch starting at this token, if any.
            var digits = "", found: (last: Int, digits: String)?
            for last in first..<tokens.count {
                if last > first, !tokens[last].joinsPrevious { break }
                digits += tokens[last].digits
                if digits.count > 19 { break }
                if digits.count >= 13, passesLuhn(digits) { found = (last, digits) }
            }
            if let found {
                replacements.append((tokens[first].range.lowerBound..<tokens[found.last].range.upperBound, masked(found.digits)))
                first = found.last + 1
            } else {
                first += 1
            }
        }
        var out = text
        for (range, replacement) in replacements.reversed() { out.replaceSubrange(range, with: replacement) }
        return out
    }

    /// A run of figures or a digit word, and whether only spaces, dashes or dots separate it
    /// from the token before.
    private struct DigitToken {
        var range: Range<String.Index>
        var digits: String
        var joinsPrevious: Bool
    }

    private static func digitTokens(in text: String) -> [DigitToken] {
        var tokens: [DigitToken] = []
        var i = text.startIndex, joinable = false
        while i < text.endIndex {
            let c = text[i]
            if c.isASCII, c.isNumber || c.isLetter {
                var end = text.index(after: i)
                let numeric = c.isNumber
                while end < text.endIndex, text[end].isASCII, numeric ? text[end].isNumber : text[end].isLetter { end = text.index(after: end) }
                let word = String(text[i..<end])
                let digits = numeric ? word : SpokenValues.digitWords[word.lowercased()] ?? ""
                if digits.isEmpty {
                    joinable = false
                } else {
                    tokens.append(DigitToken(range: i..<end, digits: digits, joinsPrevious: joinable))
                    joinable = true
                }
                i = end
            } else {
                if !(c == " " || c == "-" || c == ".") { joinable = false }
                i = text.index(after: i)
            }
        }
        return tokens
    }
}
