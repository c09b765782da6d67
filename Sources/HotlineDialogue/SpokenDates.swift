import Foundation

/// Dates, times and money amounts in recognised text, normalised for slots.
extension SpokenValues {
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                         "october", "november", "december"]
    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let ordinals: [String: Int] = [
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
        "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
        "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
    ]

    /// A day of the month in `words[i...]`: "third", "twenty first", "21st", "21"; with the words used.
    static func dayOfMonth(_ words: [String], at i: Int) -> (day: Int, used: Int)? {
        guard i < words.count else { return nil }
        let w = words[i]
        if (w == "twenty" || w == "thirty"), i + 1 < words.count, let unit = ordinals[words[i + 1]], unit < 10 {
            return ((w == "twenty" ? 20 : 30) + unit, 2)
        }
        if let d = ordinals[w] { return (d, 1) }
        let digits = w.prefix { $0.isNumber }
        if let d = Int(digits), (1...31).contains(d), ["", "st", "nd", "rd", "th"].contains(String(w.dropFirst(digits.count))) {
            return (d, 1)
        }
        return nil
    }

    /// An ISO date (YYYY-MM-DD) from "today", "tomorrow", "next Tuesday", "Friday",
    /// "the third of May", "May 21st 2026" or "2026-05-03", relative to `today`.
    public static func date(_ text: String, today: Date, calendar: Calendar = Calendar(identifier: .gregorian)) -> String? {
        let w = words(text)
        var cal = calendar
        cal.timeZone = TimeZone(identifier: "UTC")!
        func iso(_ d: Date) -> String {
            let c = cal.dateComponents([.year, .month, .day], from: d)
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
        if let match = text.range(of: #"\b\d{4}-\d{2}-\d{2}\b"#, options: .regularExpression) { return String(text[match]) }
        if w.contains("today") { return iso(today) }
        if w.contains("tomorrow") { return iso(cal.date(byAdding: .day, value: 1, to: today)!) }
        if w.contains("yesterday") { return iso(cal.date(byAdding: .day, value: -1, to: today)!) }
        if let i = w.firstIndex(where: { weekdays.contains($0) }) {
            let target = weekdays.firstIndex(of: w[i])! + 1
            let current = cal.component(.weekday, from: today)
            var ahead = (target - current + 7) % 7
            if ahead == 0 { ahead = 7 }
            if i > 0, w[i - 1] == "next", ahead < 7 { ahead += 7 }
            if i > 0, w[i - 1] == "this", ahead == 7 { ahead = 0 }
            return iso(cal.date(byAdding: .day, value: ahead, to: today)!)
        }
        guard let m = w.firstIndex(where: { months.contains($0) }) else { return nil }
        let month = months.firstIndex(of: w[m])! + 1
        // "the third of May" (day before) or "May third" (day after).
        var day: Int?
        var after = m + 1
        if let d = dayOfMonth(w, at: m + 1) {
            day = d.day
            after = m + 1 + d.used
        } else {
            // The longest day that ends at the month or at its "of" ("twenty ninth of", not "ninth of").
            for start in max(0, m - 3)..<m {
                if let d = dayOfMonth(w, at: start), start + d.used == m || (start + d.used == m - 1 && w[m - 1] == "of") {
                    day = d.day
                    break
                }
            }
        }
        guard let day else { return nil }
        var year = cal.component(.year, from: today)
        let yearSaid = after < w.count ? Int(w[after]).flatMap { (1900...2100).contains($0) ? $0 : nil } : nil
        // Without a year, a day already past this year is next year's ("the fifth of June"
        // said in December): callers name dates ahead of them.
        let startOfToday = cal.startOfDay(for: today)
        if let yearSaid { year = yearSaid } else if let thisYear = cal.date(from: DateComponents(year: year, month: month, day: day)),
                                                     thisYear < startOfToday { year += 1 }
        guard let date = cal.date(from: DateComponents(year: year, month: month, day: day)),
              cal.component(.day, from: date) == day else { return nil }
        return iso(date)
    }

    /// A 24-hour time (HH:MM) from "3:30 pm", "three thirty p m", "noon", "half past two",
    /// "quarter to five", "seven o'clock in the evening", "fifteen forty five".
    public static func time(_ text: String) -> String? {
        // Spelled periods come as "p. m." from the recognizer, "p.m." or "pm" from typing.
        let lower = text.lowercased().replacingOccurrences(of: ". m.", with: " m").replacingOccurrences(of: ".m.", with: "m")
        let w = words(lower)
        if w.contains("noon") || w.contains("midday") { return "12:00" }
        if w.contains("midnight") { return "00:00" }
        let pm = w.contains("pm") || lower.contains("p.m") || lower.contains("p m") || w.contains("evening") || w.contains("afternoon") || w.contains("night")
        let am = w.contains("am") || lower.contains("a.m") || lower.contains("a m") || w.contains("morning")
        var hour: Int?, minute = 0
        if let match = lower.range(of: #"\b(\d{1,2}):(\d{2})\b"#, options: .regularExpression) {
            let parts = lower[match].split(separator: ":")
            hour = Int(parts[0])
            minute = Int(parts[1]) ?? 0
        } else if let i = w.firstIndex(of: "past") ?? w.firstIndex(of: "to"), i > 0, i + 1 < w.count,
                  let h = number(w[(i + 1)...].joined(separator: " ")) {
            let m = w[i - 1] == "half" ? 30 : w[i - 1] == "quarter" ? 15 : number(w[..<i].joined(separator: " ")) ?? 0
            hour = w[i] == "past" ? h : h - 1
            minute = w[i] == "past" ? m : 60 - m
        } else {
            // Runs of number words: "three thirty", "fifteen forty five", "seven (o'clock|pm)".
            // A run counts when a cue follows it (am/pm, o'clock, morning...) or "at"
            // precedes it, or when it has an hour and minutes; a bare "seven" is no time.
            var runs: [(values: [Int], start: Int, end: Int)] = []
            var i = 0
            while i < w.count {
                guard smallNumbers[w[i]] != nil || Int(w[i]) != nil else { i += 1; continue }
                var values: [Int] = []
                let start = i
                while i < w.count, let n = smallNumbers[w[i]] ?? Int(w[i]) {
                    if n >= 20, n % 10 == 0, i + 1 < w.count, let unit = smallNumbers[w[i + 1]], unit < 10, unit > 0 {
                        values.append(n + unit)
                        i += 2
                    } else {
                        values.append(n)
                        i += 1
                    }
                }
                runs.append((values, start, i))
            }
            let cues: Set<String> = ["am", "pm", "a", "p", "o'clock", "oclock", "morning", "afternoon", "evening", "night", "in"]
            let run = runs.first { $0.end < w.count && cues.contains(w[$0.end]) }
                ?? runs.first { $0.start > 0 && w[$0.start - 1] == "at" }
                ?? runs.last { $0.values.count >= 2 }
            guard let run else { return nil }
            hour = run.values[0]
            if run.values.count > 1 { minute = run.values[1] }
        }
        guard var h = hour, (0...23).contains(h), (0...59).contains(minute) else { return nil }
        if pm, h < 12 { h += 12 }
        if am, h == 12 { h = 0 }
        return String(format: "%02d:%02d", h, minute)
    }

    /// An amount with two decimals from "$12.50", "twelve dollars and fifty cents",
    /// "12 point 5", "fifty cents".
    public static func money(_ text: String) -> String? {
        let lower = text.lowercased()
        if let match = lower.range(of: #"\d+(\.\d{1,2})?"#, options: .regularExpression), !lower.contains("point") {
            let value = Double(lower[match]) ?? 0
            if lower.contains("cent"), !lower.contains("dollar"), !lower.contains("$") { return String(format: "%.2f", value / 100) }
            return String(format: "%.2f", value)
        }
        let w = words(lower)
        if let p = w.firstIndex(of: "point") {
            guard let whole = number(w[..<p].joined(separator: " ")) else { return nil }
            let fraction = w[(p + 1)...].compactMap { digitWords[$0] ?? ($0.allSatisfy(\.isNumber) ? $0 : nil) }.joined()
            return String(format: "%.2f", Double("\(whole).\(fraction.isEmpty ? "0" : fraction)") ?? Double(whole))
        }
        let dollarIndex = w.firstIndex { $0.hasPrefix("dollar") || $0.hasPrefix("buck") || $0.hasPrefix("euro") || $0.hasPrefix("pound") }
        let centIndex = w.firstIndex { $0.hasPrefix("cent") || $0.hasPrefix("penn") }
        var amount = 0.0
        if let d = dollarIndex {
            guard let whole = number(w[..<d].joined(separator: " ")) else { return nil }
            amount = Double(whole)
            if let c = centIndex, c > d, let cents = number(w[(d + 1)..<c].joined(separator: " ")) { amount += Double(cents) / 100 }
        } else if let c = centIndex, let cents = number(w[..<c].joined(separator: " ")) {
            amount = Double(cents) / 100
        } else {
            return nil
        }
        return String(format: "%.2f", amount)
    }
}
