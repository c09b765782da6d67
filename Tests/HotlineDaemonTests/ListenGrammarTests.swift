import Foundation
import HotlineASR
import HotlineCore
import HotlineDialogue
import Testing
@testable import HotlineDaemon

/// What a call listens for in each kind of state.
@Suite struct ListenGrammarTests {
    static let flow = try! FlowLoader.load(yaml: """
        flow: g
        start: menu
        globals:
          - say: [agent, talk to someone]
            goto: bye
        states:
          menu:
            prompt: "Say billing or press 1."
            menu:
              - {keys: "1", say: [billing, pay my bill], goto: bye}
          bye:
            prompt: "Bye."
            hangup: true
        """, file: "g.yaml")

    static func grammar(_ expectation: ListenExpectation, state: String = "menu") throws -> Grammar {
        try ListenGrammar.make(for: ListenRequest(state: state, expectation: expectation, keys: [], noInputTimeoutMs: 5000, bargeIn: true),
                               flow: flow)
    }

    @Test func menusHearTheirPhrasesTheirKeysAsWordsAndTheGlobals() throws {
        let g = try Self.grammar(.menu)
        for text in ["pay my bill", "billing", "one", "press one", "agent", "talk to someone"] {
            #expect(g.parse(text) != nil, "\(text)")
        }
        #expect(g.parse("two") == nil)
        // An option's phrases mean the option, a global's the global: synonyms never compete.
        #expect(g.parse("billing")?.slots == ["option": "0"] && g.parse("press one")?.slots == ["option": "0"])
        #expect(g.parse("agent")?.slots == ["command": "0"] && g.parse("talk to someone")?.slots == ["command": "0"])
    }

    /// A free-text slot ("what went wrong?") hears any sentence: a language model of the
    /// flow's phrases backed off to general English words; other slots hear a grammar.
    @Test func aFreeTextSlotHearsALanguageModelOfTheFlowAndGeneralEnglish() throws {
        func request(_ expectation: ListenExpectation) -> ListenRequest {
            ListenRequest(state: "menu", expectation: expectation, keys: [], noInputTimeoutMs: 5000, bargeIn: true)
        }
        let model = try #require(ListenGrammar.languageModel(for: request(.slots([.text])), flow: Self.flow,
                                                              background: ["broken": 4, "the": 20]))
        #expect(Set(model.vocabulary).isSuperset(of: ["pay", "bill", "agent", "broken", "the", "yes"]))
        #expect(model.logProbability(of: "bill", after: "my")! > model.logProbability(of: "broken", after: "my")!)
        #expect(ListenGrammar.languageModel(for: request(.slots([.digits(min: 4, max: 6)])), flow: Self.flow, background: [:]) == nil)
        #expect(ListenGrammar.languageModel(for: request(.menu), flow: Self.flow, background: [:]) == nil)
        // A menu hears its phrases, and paraphrases beside them for the intent classifier.
        #expect(ListenGrammar.paraphrases(for: request(.menu), flow: Self.flow, background: [:])?.vocabulary.contains("bill") == true)
        #expect(ListenGrammar.paraphrases(for: request(.slots([.digits(min: 4, max: 6)])), flow: Self.flow, background: [:]) == nil)
    }

    /// A free-text slot's `examples` teach its model the word pairs of likely answers.
    @Test func aFreeTextSlotLearnsFromItsExamples() throws {
        let flow = try FlowLoader.load(yaml: """
            flow: r
            start: why
            states:
              why:
                prompt: "Why are you returning it?"
                collect: {slot: reason, type: text, examples: [it arrived damaged, the wrong size]}
                next: bye
              bye:
                prompt: "Bye."
                hangup: true
            """, file: "r.yaml")
        let request = ListenRequest(state: "why", expectation: .slots([.text]), keys: [], noInputTimeoutMs: 5000, bargeIn: true)
        let background: LanguageModel.Background = ["broken": 4, "the": 20, "size": 2, "arrived": 1, "damaged": 1]
        let model = try #require(ListenGrammar.languageModel(for: request, flow: flow, background: background))
        let plain = LanguageModel(sentences: ["yes", "no"], background: background)
        #expect(model.logProbability(of: "damaged", after: "arrived")! > plain.logProbability(of: "damaged", after: "arrived")!)
        #expect(model.logProbability(of: "size", after: "wrong")! > model.logProbability(of: "broken", after: "wrong")!)
    }

    @Test func slotsHearTheirBuiltins() throws {
        #expect(try Self.grammar(.slots([.digits(min: 4, max: 6)])).parse("one two three four")?.value == "1234")
        #expect(try Self.grammar(.slots([.alphanumeric(min: 2, max: 4)])).parse("a. b. seven")?.value == "AB7")
        #expect(try Self.grammar(.slots([.yesNo])).parse("yeah")?.value == "yes")
        #expect(try Self.grammar(.confirm).parse("no")?.value == "no")
        #expect(try Self.grammar(.slots([.number])).parse("forty two")?.value == "42")
        #expect(try Self.grammar(.slots([.date])).parse("the first of may")?.slots["month"] == "5")
        #expect(try Self.grammar(.slots([.time])).parse("ten fifteen")?.slots["minute"] == "15")
        #expect(try Self.grammar(.slots([.currency])).parse("ten dollars")?.value == "10")
        let inline = try GrammarCompiler.compile("public $s = small {small} | large {large} ;")
        #expect(try Self.grammar(.slots([.grammar(GrammarSlot(spec: "public $s = small {small} | large {large} ;", grammar: inline))]))
            .parse("large")?.value == "large")
        #expect(try Self.grammar(.slots([.pattern("[A-Z]{2}[0-9]{2}")])).parse("a. b. one two")?.value == "AB12")
        // Fillers around every answer, leaving its meaning alone.
        #expect(try Self.grammar(.slots([.digits(min: 4, max: 6)])).parse("it's one two three four thanks")?.value == "1234")
        #expect(try Self.grammar(.menu).parse("hello i'd like to pay my bill please") != nil)
        #expect(try Self.grammar(.slots([.time])).parse("i said half past two please")?.slots == ["hour": "2", "minute": "30"])
        #expect(try Self.grammar(.slots([.digits(min: 4, max: 6)])).parse("i want to talk to someone please") != nil)   // a global, wrapped too
        // Globals everywhere; open prompts get the flow's phrases.
        #expect(try Self.grammar(.slots([.digits(min: 4, max: 6)])).parse("agent") != nil)
        #expect(try Self.grammar(.text).parse("pay my bill") != nil)
    }

    @Test func answersAPromptSuggestsButACallCannotHearAreFound() throws {
        #expect(FlowSpeechCheck.suggestedAnswers(in: "For sales, press or say 1. You can say billing, pay my bill or agent at any time.")
            == ["one", "billing", "pay my bill", "agent"])
        #expect(FlowSpeechCheck.suggestedAnswers(in: "Please say your order number, or key it in.").isEmpty)
        let flow = try FlowLoader.load(yaml: """
            flow: s
            start: menu
            states:
              menu:
                prompt: "Say billing or sales, or press 1."
                menu:
                  - {keys: "1", say: [billing], goto: size}
              size:
                prompt: "Say small or large."
                collect: {slot: size, type: grammar, grammar: "public $s = small | large ;"}
                next: menu
            """, file: "s.yaml")
        #expect(FlowSpeechCheck.unhearableExamples(of: flow).map { "\($0.state): \($0.example)" } == ["menu: sales"])
    }

    @Test func theWordsOfPhrasesAndTheFlowsOwnGrammarsAreCheckedAgainstTheLexicon() throws {
        let flow = try FlowLoader.load(yaml: """
            flow: w
            start: menu
            globals:
              - {say: [qwikpay help], goto: bye}
            states:
              menu:
                prompt: "Say one."
                menu:
                  - {say: [option 2, 日本], goto: code}
              code:
                prompt: "Your code?"
                collect: {slot: code, type: grammar, grammar: "public $main = zorblax | seven ;"}
                next: bye
              bye:
                prompt: "Bye."
                hangup: true
            """, file: "w.yaml")
        let lexicon = try Lexicon(paths: [URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Models/lexicon/cmudict-en-us.dict").standardized.path])
        let guessed = ListenGrammar.guessedWords(of: flow, lexicon: lexicon)
        #expect(Set(guessed.map(\.word)) == ["2", "日本", "qwikpay", "zorblax"])
        #expect(guessed.first { $0.word == "日本" }?.phones == [])
        #expect(guessed.first { $0.word == "2" }?.source == .number)
    }
}
