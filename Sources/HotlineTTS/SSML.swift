import HotlineCore

/// The SSML subset IVR prompts need, parsed into spoken tokens:
/// `<speak>`, `<say-as interpret-as="digits|characters|cardinal|ordinal|date|time|currency|telephone">`,
/// `<break time="500ms|1s"/>` (at most 10 s) or `<break strength="weak|medium|strong"/>`,
/// `<prosody rate="slow|fast|x-slow|x-fast|N%" pitch="low|high|x-low|x-high|+N%|-N%">`, `<emphasis>`,
/// `<p>` and `<s>` (a pause after each paragraph or sentence) and `<sub alias="...">` (the
/// alias is said instead of the text).
public enum SSML {
    /// A prompt that is not valid SSML of this subset; names the offset and the problem.
    public struct ParseError: HotlineError, Equatable {
        /// Character offset in the prompt.
        public var offset: Int
        /// What is wrong.
        public var message: String
        public var description: String { "SSML at character \(offset): \(message)" }
    }

    /// Whether a flow's prompt is SSML: it starts with `<speak`.
    public static func isSSML(_ prompt: String) -> Bool {
        prompt.drop { $0.isWhitespace }.hasPrefix("<speak")
    }

    /// A flow's prompt as people read it: an SSML one without its markup ("Your code is
    /// AB12."), a plain one as it is. For transcripts and conversation tests.
    public static func displayText(_ prompt: String) -> String {
        guard isSSML(prompt) else { return prompt }
        let text = decodeEntities(prompt.replacingMatches(of: "<[^>]*>", with: " "))
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ").replacingMatches(of: #" ([.,;:!?])"#, with: "$1")
    }

    /// Spoken tokens of a flow's prompt: SSML when it starts with `<speak`, else plain text.
    public static func prompt(_ text: String) throws -> [SpokenToken] {
        try isSSML(text) ? parse(text) : TextNormalizer.normalize(text)
    }

    /// Spoken tokens of an SSML prompt (with or without the `<speak>` wrapper).
    public static func parse(_ text: String) throws -> [SpokenToken] {
        var out: [SpokenToken] = []
        // `silent`: inside <sub>, whose alias was said instead.
        var stack: [(name: String, prosody: Prosody, interpretation: TextNormalizer.Interpretation?, silent: Bool)] =
            [("", Prosody(), nil, false)]
        let chars = Array(text)
        var i = 0, textStart = 0
        func flush(_ end: Int) {
            guard end > textStart, !stack.last!.silent else { return }
            let chunk = decodeEntities(String(chars[textStart..<end]))
            out += TextNormalizer.normalize(chunk, prosody: stack.last!.prosody, as: stack.last!.interpretation)
        }
        while i < chars.count {
            guard chars[i] == "<" else { i += 1; continue }
            flush(i)
            guard let close = chars[i...].firstIndex(of: ">") else { throw ParseError(offset: i, message: "a tag is not closed with '>'") }
            let body = String(chars[(i + 1)..<close]).trimmingCharacters(in: .whitespaces)
            let tagOffset = i
            i = close + 1
            textStart = i
            if body.hasPrefix("?") || body.hasPrefix("!") { continue }   // <?xml ...?>, comments
            if body.hasPrefix("/") {
                let name = String(body.dropFirst()).trimmingCharacters(in: .whitespaces)
                guard stack.count > 1, stack.last!.name == name else {
                    throw ParseError(offset: tagOffset, message: "</\(name)> closes nothing open" + (stack.count > 1 ? " (open: <\(stack.last!.name)>)" : ""))
                }
                stack.removeLast()
                if let pause = ["s": 400, "p": 700][name] {
                    if case .pause(let ms)? = out.last { out[out.count - 1] = .pause(max(ms, pause)) } else { out.append(.pause(pause)) }
                }
                continue
            }
            let selfClosing = body.hasSuffix("/")
            let content = selfClosing ? String(body.dropLast()) : body
            let name = String(content.prefix { !$0.isWhitespace })
            let attributes = try parseAttributes(String(content.dropFirst(name.count)), offset: tagOffset)
            var top = stack.last!
            switch name {
            case "speak", "p", "s":
                break
            case "sub":
                guard let alias = attributes["alias"] else { throw ParseError(offset: tagOffset, message: "sub needs alias=\"what to say\"") }
                out += TextNormalizer.normalize(decodeEntities(alias), prosody: top.prosody, as: top.interpretation)
                top.silent = true
            case "break":
                out.append(.pause(try breakMs(attributes, offset: tagOffset)))
                continue
            case "say-as":
                guard let kind = attributes["interpret-as"], let interpretation = TextNormalizer.Interpretation(rawValue: kind) else {
                    throw ParseError(offset: tagOffset, message: "say-as needs interpret-as=\"\(TextNormalizer.Interpretation.allCases.map(\.rawValue).joined(separator: "|"))\"")
                }
                top.interpretation = interpretation
            case "prosody":
                if let rate = attributes["rate"] {
                    top.prosody.rate *= try scale(rate, named: ["x-slow": 0.6, "slow": 0.8, "medium": 1, "fast": 1.25, "x-fast": 1.5],
                                                  within: rateRange, of: "rate", offset: tagOffset)
                }
                if let pitch = attributes["pitch"] {
                    top.prosody.pitch *= try scale(pitch, named: ["x-low": 0.8, "low": 0.9, "medium": 1, "high": 1.1, "x-high": 1.2],
                                                   within: pitchRange, of: "pitch", offset: tagOffset)
                }
            case "emphasis":
                top.prosody.emphasis = true
            default:
                throw ParseError(offset: tagOffset, message: "unsupported tag <\(name)>; use speak, p, s, say-as, sub, break, prosody or emphasis")
            }
            if !selfClosing { stack.append((name, top.prosody, top.interpretation, top.silent)) }
        }
        flush(chars.count)
        if stack.count > 1 { throw ParseError(offset: chars.count, message: "<\(stack.last!.name)> is never closed") }
        return out
    }

    static func parseAttributes(_ text: String, offset: Int) throws -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(text)
        while let eq = rest.firstIndex(of: "=") {
            let key = rest[..<eq].trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: eq)...].drop { $0.isWhitespace }
            guard let quote = rest.first, quote == "\"" || quote == "'",
                  let end = rest.dropFirst().firstIndex(of: quote) else {
                throw ParseError(offset: offset, message: "attribute \(key) needs a quoted value")
            }
            result[key] = String(rest[rest.index(after: rest.startIndex)..<end])
            rest = rest[rest.index(after: end)...]
        }
        return result
    }

    /// The longest pause a `<break>` may ask for (as in the common cloud engines): a longer
    /// one is taken for a typo ("3600s"), not a wish to keep a caller in silence.
    static let longestBreakMs = 10_000
    /// The speaking-rate and pitch factors `<prosody>` accepts (0.5 is "-50%", 2 is "200%" or "+100%").
    static let rateRange = 0.25...4.0, pitchRange = 0.5...2.0

    static func breakMs(_ attributes: [String: String], offset: Int) throws -> Int {
        if let time = attributes["time"] {
            let ms: Double
            if time.hasSuffix("ms"), let v = Double(time.dropLast(2)) { ms = v
            } else if time.hasSuffix("s"), let v = Double(time.dropLast()) { ms = v * 1000
            } else { throw ParseError(offset: offset, message: "break time '\(time)' is not like 500ms or 1s") }
            guard (0...Double(longestBreakMs)).contains(ms) else {
                throw ParseError(offset: offset, message: "break time '\(time)' is outside 0 to \(longestBreakMs / 1000) s")
            }
            return Int(ms)
        }
        switch attributes["strength"] ?? "medium" {
        case "none": return 0
        case "x-weak", "weak": return 150
        case "medium": return 300
        case "strong": return 600
        case "x-strong": return 1000
        case let other: throw ParseError(offset: offset, message: "break strength '\(other)' is unknown")
        }
    }

    /// A named value or a percentage ("+N%"/"-N%" relative, "N%" absolute) as a factor in `range`.
    static func scale(_ value: String, named: [String: Double], within range: ClosedRange<Double>, of attribute: String, offset: Int) throws -> Double {
        if let v = named[value] { return v }
        guard value.hasSuffix("%"), let p = Double(value.dropLast()) else {
            throw ParseError(offset: offset, message: "\(attribute) '\(value)' is not a known value or a percentage")
        }
        let factor = value.hasPrefix("+") || value.hasPrefix("-") ? 1 + p / 100 : p / 100
        guard range.contains(factor) else {
            throw ParseError(offset: offset, message: "\(attribute) '\(value)' is outside \(Int(range.lowerBound * 100))% to \(Int(range.upperBound * 100))% of normal")
        }
        return factor
    }

    static func decodeEntities(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
