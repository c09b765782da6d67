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
            let words = Grammar.phraseWords(parts[0])
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
    /// Groups of phrases, each group meaning one thing (a menu option's phrases, one global
    /// command's): every phrase of group i parses to the slot `slot` = "i", so phrases of the
    /// same group never compete for the recognizer's margin. Nil when no group has a word.
    public static func phraseGroups(_ groups: [[String]], slot: String) -> Grammar? {
        var alternatives: [Node] = []
        for (index, group) in groups.enumerated() {
            let phrases = group.map(phraseWords).filter { !$0.isEmpty }
            guard !phrases.isEmpty else { continue }
            alternatives.append(.tagged(.choice(phrases.map { .sequence($0.map { .word($0) }) }), .slot(slot, String(index))))
        }
        return alternatives.isEmpty ? nil : Grammar(rules: ["main": .choice(alternatives)], root: "main")
    }

    /// This grammar or any of `commands` (the flow's global commands, "agent", "repeat"
    /// ...: one group of phrases per command): what a caller may say at any prompt. A
    /// command's phrases parse to the slot `command` = its index.
    public func adding(commands: [[String]]) -> Grammar {
        guard let extra = Self.phraseGroups(commands, slot: "command") else { return self }
        var rules = self.rules
        let name = "global phrases"   // a space keeps it apart from every rule a grammar file can name
        rules[name] = extra.rules[extra.root]
        rules["main or global phrases"] = .choice([.rule(root), .rule(name)])
        return Grammar(rules: rules, root: "main or global phrases", valueLengths: nil)
    }

    /// A phrase's words as a grammar has them: lower case, split at anything but letters,
    /// digits and apostrophes.
    static func phraseWords<S: StringProtocol>(_ phrase: S) -> [String] {
        phrase.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }.map(String.init)
    }
}
