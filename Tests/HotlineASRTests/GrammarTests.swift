import HotlineASR
import HotlineCore
import Testing

@Suite struct GrammarTests {
    static let menu = """
        # A small menu with meaning attached.
        $want = i want | i'd like | i need ;
        public $main = [$want] [to] (pay my bill {intent=billing} | billing {intent=billing}
                       | talk to (an agent | someone) {intent=agent}) [please] ;
        """

    @Test func pathsCarryTheirTags() throws {
        let g = try GrammarCompiler.compile(Self.menu)
        #expect(g.parse("I want to pay my bill please")?.slots == ["intent": "billing"])
        #expect(g.parse("talk to someone")?.slots == ["intent": "agent"])
        #expect(g.parse("billing")?.slots == ["intent": "billing"])
        #expect(g.parse("pay my bill now") == nil)
        #expect(g.vocabulary.contains("agent") && g.vocabulary.contains("bill"))
    }

    @Test func repeatsAndAppendedValues() throws {
        let g = try GrammarCompiler.compile("$d = one {1} | two {2} ; public $code = $d<2-3> [thanks] ;")
        #expect(g.parse("one two")?.value == "12")
        #expect(g.parse("two two one thanks")?.value == "221")
        #expect(g.parse("one") == nil)
        #expect(g.parse("one two one two") == nil)
        let star = try GrammarCompiler.compile("public $x = la* done ;")
        #expect(star.parse("done") != nil && star.parse("la la la done") != nil)
    }

    @Test func builtinDigitsYesNoAndNumbers() throws {
        let digits = try GrammarCompiler.grammar(spec: "builtin:digits?min=4&max=6")
        #expect(digits.parse("five five oh one")?.value == "5501")
        #expect(digits.parse("double five triple nine")?.value == "55999")
        #expect(digits.parse("one two three") == nil)              // 3 digits < min
        #expect(digits.parse("one two three four five six seven") == nil)
        let yesno = try GrammarCompiler.grammar(spec: "builtin:yesno")
        #expect(yesno.parse("yeah")?.value == "yes" && yesno.parse("um no thanks")?.value == "no")
        #expect(yesno.parse("maybe") == nil)
        // What callers add after the word: the text path reads these as yes and no too.
        #expect(yesno.parse("yes it is")?.value == "yes" && yesno.parse("no i don't")?.value == "no")
        #expect(yesno.parse("it isn't")?.value == "no" && yesno.parse("definitely")?.value == "yes")
        let number = try GrammarCompiler.grammar(spec: "builtin:number")
        #expect(number.parse("one hundred twenty three")?.value == "123")
        #expect(number.parse("forty")?.value == "40")
        #expect(number.parse("one hundred and five")?.value == "105")
        for n in 0...999 {
            #expect(number.parse(NumberWords.cardinal(n).joined(separator: " "))?.value == "\(n)")
        }
    }

    @Test(arguments: [
        ("$a = b ;", "<grammar>:1:1: no public rule (mark the top rule 'public' (or name it $main))"),
        ("public $main = hello $wrld ;\n$world = earth ;", "<grammar>:1:22: unknown rule $wrld (did you mean $world?)"),
        ("public $main = (a | b ;", "<grammar>:1:16: '(' is never closed (add ')')"),
        ("public $main = a\n  b", "<grammar>:2:4: expected ';' to end rule $main"),
        ("public $main = a<3-1> ;", "<grammar>:1:17: bad repeat <3-1> (write <m-n>, <m-> or <n> with m <= n)"),
        ("public $main = a {x ;", "<grammar>:1:18: '{' is never closed (add '}')"),
        ("public $main = a ;\npublic $other = b ;", "<grammar>:2:8: a second public rule (only one rule ($main) may be public)"),
        ("public $main = a ;\n$main = b ;", "<grammar>:2:1: rule $main is defined twice"),
        ("public $main = | a ;", "<grammar>:1:16: expected a word, $rule, ( or [ here, not '|'"),
        // What once unrolled into gigabytes while a call listened, or failed only at recognition.
        ("public $main = a<5000000> ;", "<grammar>:1:17: repeat <5000000> asks for more than 100 (no caller says that many; <m-> allows any number)"),
        ("public $r = $r a ;", "<grammar>:1:13: rule $r refers to itself ($r -> $r) (say repetition with <m-n>, * or +)"),
        ("$a = $b x ;\n$b = $a | y ;\npublic $m = $a ;", "<grammar>:2:6: rule $a refers to itself ($a -> $b -> $a) (say repetition with <m-n>, * or +)"),
        ("$x = (a b c d e f g h i j)<100> ;\n$y = $x<100> ;\npublic $m = $y<3> ;",
         "<grammar>:3:8: the grammar unrolls to 300000 words, more than 200000 (use fewer or smaller repeats)"),
    ])
    func compileErrorsNameLineAndColumn(text: String, expected: String) {
        #expect {
            try GrammarCompiler.compile(text)
        } throws: { "\($0)" == expected }
    }

    @Test func unknownBuiltinsAreErrors() {
        #expect(throws: GrammarError.self) { try GrammarCompiler.grammar(spec: "builtin:colours") }
        #expect(throws: GrammarError.self) { try GrammarCompiler.grammar(spec: "builtin:digits?min=x") }
    }

    @Test func phraseListsGiveFreeTextAndIntents() throws {
        let g = try GrammarCompiler.phraseList("""
            # open prompt
            Where is my order? => order_status

            talk to a person => agent
            thank you
            """, file: "open.phrases")
        #expect(g.parse("where is my order")?.slots == ["intent": "order_status"])
        #expect(g.parse("thank you")?.slots == [:])
        #expect(g.parse("where is my bill") == nil)
        #expect(g.vocabulary.contains("person"))
        #expect { try GrammarCompiler.phraseList("a => b => c\n", file: "x.phrases") } throws: {
            "\($0)" == "x.phrases:1:1: more than one '=>' (write: phrase => intent)"
        }
        #expect { try GrammarCompiler.phraseList("# nothing\n", file: "x.phrases") } throws: { "\($0)".contains("empty") }
    }

    @Test func currencyDateAndTimeBuiltins() throws {
        let money = try GrammarCompiler.grammar(spec: "builtin:currency")
        #expect(money.parse("twelve dollars and fifty cents")?.value == "12.50")
        #expect(money.parse("one dollar and five cents")?.value == "1.05")
        #expect(money.parse("forty cents")?.value == "0.40")
        #expect(money.parse("twelve fifty") == nil)
        let date = try GrammarCompiler.grammar(spec: "builtin:date")
        #expect(date.parse("the third of december")?.slots == ["day": "3", "month": "12"])
        #expect(date.parse("march twenty first nineteen eighty four")?.slots == ["day": "21", "month": "3", "year": "1984"])
        #expect(date.parse("next tuesday")?.slots == ["relative": "next", "weekday": "tuesday"])
        #expect(date.parse("december") == nil)
        let time = try GrammarCompiler.grammar(spec: "builtin:time")
        #expect(time.parse("three thirty in the afternoon")?.slots == ["hour": "3", "minute": "30", "period": "pm"])
        #expect(time.parse("nine oh five")?.slots == ["hour": "9", "minute": "5"])
        #expect(time.parse("noon")?.slots == ["hour": "12", "minute": "0"])
        // The answers docs/flows.md promises, which the text path has always read.
        #expect(time.parse("three thirty p. m.")?.slots == ["hour": "3", "minute": "30", "period": "pm"])
        #expect(time.parse("half past two")?.slots == ["hour": "2", "minute": "30"])
        #expect(time.parse("quarter to five")?.slots == ["hour": "4", "minute": "45"])
        #expect(time.parse("about twenty past one in the afternoon")?.slots == ["hour": "1", "minute": "20", "period": "pm"])
        #expect(time.parse("half to three") == nil)
    }

    @Test func fillersAndGarbageLeaveTheMeaningAlone() throws {
        let sizes = try GrammarCompiler.compile("public $s = small {small} | large {large} ;").withFillers()
        #expect(sizes.parse("can i get large please")?.value == "large")
        #expect(sizes.parse("large")?.value == "large")
        #expect(sizes.parse("please") == nil)
        #expect(!sizes.vocabulary.contains(Grammar.garbage))
        #expect(Fillers.stripped(["i", "would", "like", "to", "return", "it", "please"]) == ["to", "return", "it"])
        #expect(Fillers.stripped(["i", "want", "a", "representative"]) == ["representative"])
        #expect(Fillers.stripped(["please"]) == ["please"])   // nothing else: kept
    }

    @Test func spelledLettersAndAlphanumericCodes() throws {
        let code = try GrammarCompiler.grammar(spec: "builtin:alphanumeric?min=4&max=6")
        #expect(code.parse("a. b. one two three")?.value == "AB123")
        #expect(code.parse("b. seven oh four")?.value == "B704")
        #expect(code.parse("a. b. c.") == nil)                      // too short
        #expect(code.vocabulary.contains("w."))
        let letters = try GrammarCompiler.grammar(spec: "builtin:letters?min=2&max=3")
        #expect(letters.parse("x. y.")?.value == "XY")
        #expect(letters.parse("x. seven") == nil)
        // A dot after a single letter keeps it a letter name; other dots are punctuation.
        #expect(try GrammarCompiler.grammar(spec: "builtin:yesno").parse("Yes.")?.value == "yes")
    }
}
