import Foundation
import HotlineCore

/// A grammar that does not compile: `file:line:column: message (hint)`.
public struct GrammarError: HotlineError, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var hint: String?
    public var description: String { "\(file):\(line):\(column): \(message)" + (hint.map { " (\($0))" } ?? "") }

    /// An error at `file:line:column`.
    public init(file: String, line: Int, column: Int, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }
}

/// Compiles grammar text (see `Grammar`) and the built-in grammars.
public enum GrammarCompiler {
    struct Token {
        enum Kind: Equatable { case word, rule, equals, semicolon, bar, open, close, openOptional, closeOptional, repeatBounds, star, plus, tag, keywordPublic, end }
        var kind: Kind
        var text: String
        var line: Int
        var column: Int
    }

    /// The most repetitions `<m-n>` may ask for: a caller says a few dozen words at most,
    /// and the search network unrolls each repetition.
    public static let maxRepeat = 100
    /// The most words the search network of one grammar may hold, repeats unrolled.
    public static let maxNetworkWords = 200_000

    /// Compiles `text`; `file` names it in errors.
    public static func compile(_ text: String, file: String = "<grammar>") throws -> Grammar {
        var parser = Parser(tokens: try tokenize(text, file: file), file: file)
        return try parser.grammar()
    }

    static func tokenize(_ text: String, file: String) throws -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0, line = 1, column = 1
        func advance() {
            if chars[i] == "\n" { line += 1; column = 1 } else { column += 1 }
            i += 1
        }
        while i < chars.count {
            let c = chars[i], startLine = line, startColumn = column
            func add(_ kind: Token.Kind, _ text: String) { tokens.append(Token(kind: kind, text: text, line: startLine, column: startColumn)) }
            if c.isWhitespace { advance(); continue }
            if c == "#" { while i < chars.count, chars[i] != "\n" { advance() }; continue }
            switch c {
            case "=": add(.equals, "="); advance()
            case ";": add(.semicolon, ";"); advance()
            case "|": add(.bar, "|"); advance()
            case "(": add(.open, "("); advance()
            case ")": add(.close, ")"); advance()
            case "[": add(.openOptional, "["); advance()
            case "]": add(.closeOptional, "]"); advance()
            case "*": add(.star, "*"); advance()
            case "+": add(.plus, "+"); advance()
            case "<", "{":
                let close: Character = c == "<" ? ">" : "}"
                var body = ""
                advance()
                while i < chars.count, chars[i] != close { body.append(chars[i]); advance() }
                guard i < chars.count else {
                    throw GrammarError(file: file, line: startLine, column: startColumn, message: "'\(c)' is never closed", hint: "add '\(close)'")
                }
                advance()
                add(c == "<" ? .repeatBounds : .tag, body.trimmingCharacters(in: .whitespaces))
            default:
                var word = ""
                let isRule = c == "$"
                if isRule { advance() }
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || "_-'".contains(chars[i]) { word.append(chars[i]); advance() }
                // "b." is the letter B said by its name (CMUdict's spelling for letter names).
                if !isRule, word.count == 1, word.first!.isLetter, i < chars.count, chars[i] == "." { word.append("."); advance() }
                guard !word.isEmpty else {
                    throw GrammarError(file: file, line: startLine, column: startColumn, message: "unexpected '\(c)'")
                }
                if isRule { add(.rule, word) } else if word == "public" { add(.keywordPublic, word) } else { add(.word, word.lowercased()) }
            }
        }
        tokens.append(Token(kind: .end, text: "", line: line, column: column))
        return tokens
    }

    struct Parser {
        let tokens: [Token]
        let file: String
        var index = 0

        init(tokens: [Token], file: String) {
            self.tokens = tokens
            self.file = file
        }

        var current: Token { tokens[index] }

        func error(_ token: Token, _ message: String, hint: String? = nil) -> GrammarError {
            GrammarError(file: file, line: token.line, column: token.column, message: message, hint: hint)
        }

        mutating func grammar() throws -> Grammar {
            var rules: [String: Grammar.Node] = [:], positions: [String: Token] = [:]
            var references: [Token] = []
            var referencesByRule: [String: [Token]] = [:]
            var root: String?
            while current.kind != .end {
                var isPublic = false
                if current.kind == .keywordPublic { isPublic = true; index += 1 }
                guard current.kind == .rule else { throw error(current, "expected a rule name like $name", hint: "a rule reads: $name = words ;") }
                let name = current
                index += 1
                guard current.kind == .equals else { throw error(current, "expected '=' after $\(name.text)") }
                index += 1
                let firstReference = references.count
                let body = try alternatives(&references)
                referencesByRule[name.text, default: []] += references[firstReference...]
                guard current.kind == .semicolon else { throw error(current, "expected ';' to end rule $\(name.text)") }
                index += 1
                if positions[name.text] != nil { throw error(name, "rule $\(name.text) is defined twice") }
                rules[name.text] = body
                positions[name.text] = name
                if isPublic {
                    if let root { throw error(name, "a second public rule", hint: "only one rule ($\(root)) may be public") }
                    root = name.text
                }
            }
            for reference in references where rules[reference.text] == nil {
                throw error(reference, "unknown rule $\(reference.text)",
                            hint: closestMatch(to: reference.text, among: Array(rules.keys)).map { "did you mean $\($0)?" }
                                ?? "define it with $\(reference.text) = ... ;")
            }
            guard let start = root ?? (rules["main"] != nil ? "main" : nil) else {
                throw error(tokens[0], rules.isEmpty ? "the grammar has no rules" : "no public rule", hint: "mark the top rule 'public' (or name it $main)")
            }
            try checkNoRecursion(referencesByRule)
            let grammar = Grammar(rules: rules, root: start, valueLengths: nil)
            let words = Self.networkWords(.rule(start), grammar.rules)
            guard words <= GrammarCompiler.maxNetworkWords else {
                throw error(positions[start]!, "the grammar unrolls to \(words) words, more than \(GrammarCompiler.maxNetworkWords)",
                            hint: "use fewer or smaller repeats")
            }
            return grammar
        }

        /// A rule that reaches itself through references would unroll forever: an error at
        /// the reference that closes the loop.
        func checkNoRecursion(_ referencesByRule: [String: [Token]]) throws {
            var done = Set<String>()
            func visit(_ rule: String, _ path: [String]) throws {
                guard !done.contains(rule) else { return }
                for reference in referencesByRule[rule] ?? [] {
                    if let loopStart = path.firstIndex(of: reference.text) ?? (reference.text == rule ? path.count : nil) {
                        let loop = (path[loopStart...] + [rule, reference.text]).map { "$" + $0 }
                        throw error(reference, "rule $\(reference.text) refers to itself (\(loop.joined(separator: " -> ")))",
                                    hint: "say repetition with <m-n>, * or +")
                    }
                    try visit(reference.text, path + [rule])
                }
                done.insert(rule)
            }
            for rule in referencesByRule.keys.sorted() { try visit(rule, []) }
        }

        /// How many word arcs `SearchNetwork` builds for `node` (repeats unrolled as it does).
        static func networkWords(_ node: Grammar.Node, _ rules: [String: Grammar.Node]) -> Int {
            let cap = Int.max / 2   // counts saturate here instead of overflowing
            var memo: [String: Int] = [:]
            func count(_ node: Grammar.Node) -> Int {
                switch node {
                case .word, .garbage: return 1
                case .rule(let name):
                    if let known = memo[name] { return known }
                    let n = rules[name].map(count) ?? 0
                    memo[name] = n
                    return n
                case .sequence(let items), .choice(let items): return items.reduce(0) { min(cap, $0 + count($1)) }
                case .repeated(let item, let lo, let hi):
                    let copies = lo + (hi - lo <= SearchNetwork.unrollLimit ? hi - lo : 1), one = count(item)
                    return one > cap / max(copies, 1) ? cap : one * copies
                case .tagged(let item, _): return count(item)
                }
            }
            return count(node)
        }

        mutating func alternatives(_ references: inout [Token]) throws -> Grammar.Node {
            var options = [try sequence(&references)]
            while current.kind == .bar {
                index += 1
                options.append(try sequence(&references))
            }
            return options.count == 1 ? options[0] : .choice(options)
        }

        mutating func sequence(_ references: inout [Token]) throws -> Grammar.Node {
            var items: [Grammar.Node] = []
            while [.word, .rule, .open, .openOptional].contains(current.kind) {
                var item = try atom(&references)
                while true {
                    switch current.kind {
                    case .star: item = .repeated(item, min: 0, max: 50)
                    case .plus: item = .repeated(item, min: 1, max: 50)
                    case .repeatBounds:
                        let parts = current.text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                        guard let lo = Int(parts[0]), lo >= 0, parts.count <= 2,
                              let hi = parts.count == 1 ? lo : (parts[1].isEmpty ? max(lo, 50) : Int(parts[1])), hi >= max(lo, 1) else {
                            throw error(current, "bad repeat <\(current.text)>", hint: "write <m-n>, <m-> or <n> with m <= n")
                        }
                        guard hi <= GrammarCompiler.maxRepeat else {
                            throw error(current, "repeat <\(current.text)> asks for more than \(GrammarCompiler.maxRepeat)",
                                        hint: "no caller says that many; <m-> allows any number")
                        }
                        item = .repeated(item, min: lo, max: hi)
                    case .tag:
                        let text = current.text
                        if let eq = text.firstIndex(of: "=") {
                            let key = text[..<eq].trimmingCharacters(in: .whitespaces), value = text[text.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                            guard !key.isEmpty else { throw error(current, "tag {\(text)} has no slot name") }
                            item = .tagged(item, .slot(key, value))
                        } else {
                            item = .tagged(item, .append(text))
                        }
                    default:
                        break
                    }
                    if [.star, .plus, .repeatBounds, .tag].contains(current.kind) { index += 1 } else { break }
                }
                items.append(item)
            }
            guard !items.isEmpty else { throw error(current, current.kind == .end ? "unexpected end of the grammar" : "expected a word, $rule, ( or [ here, not '\(current.text)'") }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        mutating func atom(_ references: inout [Token]) throws -> Grammar.Node {
            let token = current
            index += 1
            switch token.kind {
            case .word: return .word(token.text)
            case .rule:
                references.append(token)
                return .rule(token.text)
            case .open, .openOptional:
                let inner = try alternatives(&references)
                let closing: Token.Kind = token.kind == .open ? .close : .closeOptional
                guard current.kind == closing else { throw error(token, "'\(token.text)' is never closed", hint: "add '\(closing == .close ? ")" : "]")'") }
                index += 1
                return token.kind == .open ? inner : .repeated(inner, min: 0, max: 1)
            default:
                throw error(token, "unexpected '\(token.text)'")
            }
        }
    }
}
