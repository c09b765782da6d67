import Foundation

/// Phrase lists for open prompts ("How can I help you?"): one example sentence per line,
/// optionally `=> intent`, so the recognizer returns the caller's words as free text for
/// the NLU (and the intent directly when the phrase names one).
///
///     # orders.phrases
///     where is my order => order_status
///     i want to pay my bill => billing
///     talk to a person => agent
extension GrammarCompiler {
    /// Compiles a phrase list; `file` names it in errors.
    public static func phraseList(_ text: String, file: String = "<phrases>") throws -> Grammar {
        var alternatives: [Grammar.Node] = []
        var seen = Set<String>()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.prefix { $0 != "#" }
            let parts = line.components(separatedBy: "=>")
            guard parts.count <= 2 else {
                throw GrammarError(file: file, line: index + 1, column: 1, message: "more than one '=>'", hint: "write: phrase => intent")
            }
            let words = parts[0].lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }.map(String.init)
            let intent = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            if words.isEmpty {
                guard intent.isEmpty else {
                    throw GrammarError(file: file, line: index + 1, column: 1, message: "an intent without a phrase")
                }
                continue
            }
            guard seen.insert(words.joined(separator: " ")).inserted else { continue }
            let phrase = Grammar.Node.sequence(words.map { .word($0) })
            alternatives.append(intent.isEmpty ? phrase : .tagged(phrase, .slot("intent", intent)))
        }
        guard !alternatives.isEmpty else {
            throw GrammarError(file: file, line: 1, column: 1, message: "the phrase list is empty")
        }
        return Grammar(rules: ["main": .choice(alternatives)], root: "main")
    }
}

extension Grammar {
    /// This grammar or any of `phrases` (the flow's global commands, "agent", "repeat"
    /// ...): what a caller may say at any prompt. Phrases parse with no tags.
    public func adding(phrases: [String]) -> Grammar {
        let extra = phrases.map { $0.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }.map(String.init) }
            .filter { !$0.isEmpty }
        guard !extra.isEmpty else { return self }
        var rules = self.rules
        let name = "global phrases"   // a space keeps it apart from every rule a grammar file can name
        rules[name] = .choice(extra.map { .sequence($0.map { .word($0) }) })
        rules["main or global phrases"] = .choice([.rule(root), .rule(name)])
        return Grammar(rules: rules, root: "main or global phrases", valueLengths: nil)
    }
}
