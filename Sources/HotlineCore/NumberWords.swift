/// English number words (US conventions), shared by the synthesizer's normaliser and
/// the recognizer's built-in grammars.
public enum NumberWords {
    public static let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                       "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    public static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    public static let scales: [(Int, String)] = [(1_000_000_000_000, "trillion"), (1_000_000_000, "billion"),
                                          (1_000_000, "million"), (1000, "thousand")]

    /// "one hundred twenty three" for 123; "minus five" for -5.
    public static func cardinal(_ n: Int) -> [String] {
        if n < 0 { return ["minus"] + cardinal(-n) }
        if n < 20 { return [ones[n]] }
        if n < 100 { return [tens[n / 10]] + (n % 10 == 0 ? [] : [ones[n % 10]]) }
        if n < 1000 { return [ones[n / 100], "hundred"] + (n % 100 == 0 ? [] : cardinal(n % 100)) }
        for (scale, name) in scales where n >= scale {
            return cardinal(n / scale) + [name] + (n % scale == 0 ? [] : cardinal(n % scale))
        }
        return []
    }

    public static let ordinalOnes = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                              "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                              "seventeenth", "eighteenth", "nineteenth"]
    public static let ordinalTens = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth",
                              "eightieth", "ninetieth"]

    /// "twenty first" for 21.
    public static func ordinal(_ n: Int) -> [String] {
        if n < 20 { return [ordinalOnes[max(n, 0)]] }
        if n < 100 { return n % 10 == 0 ? [ordinalTens[n / 10]] : [tens[n / 10], ordinalOnes[n % 10]] }
        var words = cardinal(n)
        let last = words.removeLast()
        return words + [ones.firstIndex(of: last).map { ordinalOnes[$0] } ?? tens.firstIndex(of: last).map { ordinalTens[$0] } ?? last + "th"]
    }

    /// Digit by digit: "one two oh" style is avoided; zero is "zero".
    public static func digits(_ text: Substring) -> [String] {
        text.compactMap { $0.wholeNumberValue.map { ones[$0] } }
    }

    /// Years the way they are said: 1999 "nineteen ninety nine", 2005 "two thousand five",
    /// 2026 "twenty twenty six", 1900 "nineteen hundred".
    public static func year(_ y: Int) -> [String] {
        if y >= 2000 && y < 2010 { return cardinal(y) }
        if y < 1000 || y >= 10000 { return cardinal(y) }
        let high = y / 100, low = y % 100
        if low == 0 { return cardinal(high) + ["hundred"] }
        return cardinal(high) + (low < 10 ? ["oh", ones[low]] : cardinal(low))
    }
}
