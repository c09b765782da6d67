import Foundation
import HotlineCore
import HotlineNN
import Testing
@testable import HotlineASR

/// The grammar decoder on hand-made posteriors (so the search is tested apart from the
/// acoustic model), and the whole recognizer on real audio with the committed model.
@Suite struct RecognizerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let model = try! AcousticModel(contentsOf: root.appendingPathComponent("Models/acoustic/acoustic.hnn"))
    static let lexicon = try! Lexicon(paths: [root.appendingPathComponent("Models/lexicon/cmudict-en-us.dict").path])

    /// Frames where `labels` (phone names or "-" for blank) each hold 0.9 of the mass.
    static func posteriors(_ labels: [String]) -> [Float] {
        let phones = model.phones
        var rows: [Float] = []
        for label in labels {
            let target = label == "-" ? 0 : phones.firstIndex(of: label)!
            for k in 0..<phones.count { rows.append(k == target ? log(0.9) : log(0.1 / Float(phones.count - 1))) }
        }
        return rows
    }

    static func recognize(_ grammar: String, _ labels: [String]) throws -> RecognitionResult {
        let recognizer = try Recognizer(model: model, grammar: GrammarCompiler.grammar(spec: grammar), lexicon: lexicon)
        recognizer.consume(posteriors(labels))
        return recognizer.finish(closingSilence: false)   // no model frames after the hand-made ones
    }

    static let yesNo = "public $main = yes {yes} | no {no} ;"

    @Test func findsTheWordThePhonesSpell() throws {
        let r = try Self.recognize(Self.yesNo, ["-", "-", "Y", "Y", "EH", "-", "S", "S", "-", "-"])
        #expect(r.text == "yes")
        #expect(r.interpretation?.value == "yes")
        #expect(!r.rejected)
        #expect(r.confidence > 0.9)
        #expect(r.words == [.init(word: "yes", startMs: 60, endMs: 240, fit: 1)])
        #expect(r.nbest.map(\.text) == ["yes", "no"])
        #expect(r.nbest[1].confidence < r.nbest[0].confidence)
    }

    @Test func repeatedWordsNeedTheBlankBetweenThem() throws {
        let one = ["W", "AH", "N"]
        let r = try Self.recognize("builtin:digits", ["-"] + one + ["-"] + one + ["-", "T", "UW", "-"])
        #expect(r.text == "one one two")
        #expect(r.interpretation?.value == "112")
    }

    @Test func phrasesOfOtherMeaningsCompeteAndAGroupsPhrasesDoNot() throws {
        let said = Self.posteriors(["-", "Y", "EH", "S", "S", "-"])
        func heard(_ grammar: Grammar) throws -> RecognitionResult {
            let recognizer = try Recognizer(model: Self.model, grammar: grammar, lexicon: Self.lexicon)
            recognizer.consume(said)
            return recognizer.finish(closingSilence: false)
        }
        // Two phrases of different intents: "yet" is a rival and narrows the margin.
        let list = try heard(GrammarCompiler.phraseList("yes => a\nyet => b"))
        #expect(list.text == "yes" && list.nbest.map(\.text).contains("yet"))
        #expect(list.margin < Recognizer.Calibration.widestMargin)
        // One menu option's phrases mean the same: no rival.
        let option = try heard(Grammar.phraseGroups([["yes", "yet"]], slot: "option")!)
        #expect(option.text == "yes" && option.margin == Recognizer.Calibration.widestMargin)
        #expect(option.confidence > list.confidence)
    }

    @Test func silenceIsRejectedAsNoSpeech() throws {
        let r = try Self.recognize(Self.yesNo, Array(repeating: "-", count: 30))
        #expect(r.rejected)
        #expect(r.reason == "no speech")
        #expect(r.text.isEmpty && r.interpretation == nil)
    }

    @Test func outOfGrammarWordsAreRejected() throws {
        let r = try Self.recognize(Self.yesNo, ["-", "D", "D", "AO", "AO", "G", "-", "-"])   // "dog"
        #expect(r.rejected)
        #expect(r.reason == "low confidence")
        #expect(r.confidence < 0.5)
    }

    @Test func garbageTakesTheWordsAroundTheAnswerWithoutLoweringItsConfidence() throws {
        // "the dog ... yes please": the grammar alone must spell "the dog" with its words.
        let said = ["-", "DH", "AH", "-", "D", "AO", "G", "-", "Y", "EH", "S", "-", "P", "L", "IY", "Z", "-"]
        let grammar = try GrammarCompiler.grammar(spec: Self.yesNo)
        let recognizer = try Recognizer(model: Self.model, grammar: grammar.withFillers(), lexicon: Self.lexicon)
        recognizer.consume(Self.posteriors(said))
        let heard = recognizer.finish(closingSilence: false)
        #expect(heard.text == "yes please" && heard.interpretation?.value == "yes", "\(heard.nbest)")
        #expect(heard.fit > 0.99 && heard.confidence > 0.8 && !heard.rejected)
        #expect(!heard.words.contains { $0.word == Grammar.garbage })
        let strict = try Self.recognize(Self.yesNo, said)
        #expect(strict.rejected)
        // Garbage alone is no answer: "the dog" still has to be read as yes or no.
        let dog = try Recognizer(model: Self.model, grammar: grammar.withFillers(), lexicon: Self.lexicon)
        dog.consume(Self.posteriors(["-", "DH", "AH", "-", "D", "AO", "G", "-"]))
        #expect(dog.finish(closingSilence: false).rejected)
    }

    @Test func garbageBetweenThePartsOfTheAnswerIsAbsorbed() throws {
        // "large ... dog ... latte": the caller's extra word sits between the grammar's two parts.
        let said = ["-", "L", "AA", "R", "JH", "-", "-", "D", "D", "AO", "AO", "G", "G", "-", "-", "L", "AA", "T", "EY", "-"]
        let grammar = try GrammarCompiler.grammar(spec: "public $o = large {size=large} latte {drink=latte} ;")
        let recognizer = try Recognizer(model: Self.model, grammar: grammar.withFillers(), lexicon: Self.lexicon)
        recognizer.consume(Self.posteriors(said))
        let heard = recognizer.finish(closingSilence: false)
        #expect(heard.text == "large latte" && heard.interpretation?.slots == ["size": "large", "drink": "latte"], "\(heard.nbest)")
        #expect(!heard.rejected && heard.confidence > 0.8)
        #expect(try Self.recognize("public $o = large {size=large} latte {drink=latte} ;", said).rejected)
    }

    @Test func eachWordHasItsOwnFit() throws {
        // "large latte" with the second word's T heard as D: that word, not the first, fits less.
        let r = try Self.recognize("public $o = large latte | small tea ;", ["-", "L", "AA", "R", "JH", "-", "L", "AA", "D", "EY", "-"])
        #expect(r.text == "large latte")
        #expect(r.words.map(\.word) == ["large", "latte"])
        #expect(r.words[0].fit > 0.99 && r.words[1].fit < 0.5, "\(r.words)")
        #expect(r.fit > r.words[1].fit && r.fit < r.words[0].fit)
    }

    @Test func digitLengthLimitsReject() throws {
        let r = try Self.recognize("builtin:digits?min=3&max=4", ["-", "W", "AH", "N", "-", "T", "UW", "-"])
        #expect(r.rejected)
        #expect(r.reason == "no parse")
    }

    @Test func reportsGuessedPronunciations() throws {
        let recognizer = try Recognizer(model: Self.model, grammar: GrammarCompiler.compile("public $main = acmecorp | yes ;"),
                                        lexicon: Self.lexicon)
        #expect(recognizer.guessedWords.map(\.word) == ["acmecorp"])
        #expect(recognizer.guessedWords.first?.source == .compound)
    }

    @Test func aWordWithNoPronunciationLeavesOutOnlyItsPhrase() throws {
        let recognizer = try Recognizer(model: Self.model, grammar: GrammarCompiler.phraseList("option 2\n日本 please\nyes"),
                                        lexicon: Self.lexicon)
        #expect(recognizer.guessedWords == [GuessedWord(word: "2", source: .number, phones: ["t", "uw"]),
                                            GuessedWord(word: "日本", source: .unknown, phones: [])])
        recognizer.consume(Self.posteriors(["-", "Y", "EH", "S", "-"]))
        #expect(recognizer.finish(closingSilence: false).text == "yes")
        #expect(throws: InvalidArgument.self) {
            try Recognizer(model: Self.model, grammar: GrammarCompiler.phraseList("日本\n中文 please"), lexicon: Self.lexicon)
        }
    }

    @Test func givesPartialHypothesesWhileListening() throws {
        let recognizer = try Recognizer(model: Self.model, grammar: GrammarCompiler.grammar(spec: "builtin:digits"), lexicon: Self.lexicon)
        recognizer.consume(Self.posteriors(["-", "W", "AH", "N", "-"]))
        #expect(recognizer.partial == "one")
        recognizer.consume(Self.posteriors(["T", "UW", "-"]))
        #expect(recognizer.partial == "one two")
        #expect(recognizer.finish(closingSilence: false).text == "one two")
        #expect(recognizer.partial == "")
    }
}
