import Foundation
import HotlineCore
import Testing
@testable import HotlineASR

/// Open answers: the bigram language model and decoding any sentence of its words.
@Suite struct LanguageModelTests {
    static let model = LanguageModel(sentences: ["it arrived broken", "wrong size", "it is broken"],
                                     background: ["the": 50, "size": 3, "wrong": 2, "a": 40, "box": 5, "broken": 1])

    @Test func nextWordsAreAProbabilityDistribution() {
        for history in [LanguageModel.sentenceStart, "it", "broken", "box"] {
            let total = Self.model.vocabulary.map { exp(Double(Self.model.logProbability(of: $0, after: history)!)) }.reduce(0, +)
            #expect(abs(total - 1) < 1e-4, "after \(history): \(total)")
        }
    }

    @Test func generalEnglishPairsMixWithTheFlowsOwn() throws {
        let background = LanguageModel.Background(words: ["the": 50, "size": 3, "wrong": 2, "a": 40, "box": 5, "broken": 1, "it": 9],
                                                  pairs: ["the": ["box": 4, "size": 1], "it": ["broken": 2], LanguageModel.sentenceStart: ["the": 6]])
        let model = LanguageModel(sentences: ["it arrived broken", "wrong size", "it is broken"], background: background)
        for history in [LanguageModel.sentenceStart, "it", "the", "broken", "box"] {
            let total = model.vocabulary.map { exp(Double(model.logProbability(of: $0, after: history)!)) }.reduce(0, +)
            #expect(abs(total - 1) < 1e-4, "after \(history): \(total)")
        }
        // "the box": only general English says it, and now likelier than the back-off of word counts alone.
        let words = LanguageModel(sentences: ["it arrived broken", "wrong size", "it is broken"], background: .init(words: background.words, pairs: [:]))
        #expect(try #require(model.logProbability(of: "box", after: "the")) > words.logProbability(of: "box", after: "the")!)
        // Both know "it": the flow's "it arrived" stays likelier than a more frequent word
        // neither says after it, and general English's "it broken" gains.
        #expect(try #require(model.logProbability(of: "arrived", after: "it")) > model.logProbability(of: "box", after: "it")!)
        #expect(try #require(model.logProbability(of: "broken", after: "it")) > words.logProbability(of: "broken", after: "it")!)
    }

    @Test func aSeenPairIsLikelierThanItsBackOff() throws {
        let seen = try #require(Self.model.logProbability(of: "arrived", after: "it"))
        let unseen = try #require(Self.model.logProbability(of: "arrived", after: "box"))
        #expect(seen > unseen)
        #expect(Self.model.logProbability(of: "elephant", after: "it") == nil)   // not a word it can hear
    }

    @Test func anySentenceOfItsWordsIsHeardAsFreeText() throws {
        // "the box is broken": no example sentence says it, the background and the back-off do.
        let recognizer = try Recognizer(model: RecognizerTests.model, languageModel: Self.model, lexicon: RecognizerTests.lexicon)
        recognizer.consume(RecognizerTests.posteriors(["-", "DH", "AH", "-", "B", "AA", "K", "S", "-", "IH", "Z", "-",
                                                       "B", "R", "OW", "K", "AH", "N", "-", "-"]))
        let result = recognizer.finish(closingSilence: false)
        #expect(result.text == "the box is broken" && !result.rejected, "\(result)")
        #expect(result.interpretation?.value == "" && result.confidence > 0.5)
    }

    @Test func aLongWordWhosePhonesTheModelHardlyHeardIsNotTakenForAShortOne() throws {
        // "it arrived broken" (arrived: ER AY V D) where the model half hears ER, V and D
        // beside the blank: "i" (AY) spells part of the word and leaves the rest to the blank
        // at almost no cost, and "i" is the commoner word; a bonus per phone says that
        // explaining more of the speech counts.
        let phones = RecognizerTests.model.phones
        func frame(_ label: String, _ p: Float) -> [Float] {
            let target = phones.firstIndex(of: label)!
            return phones.indices.map { k in
                log(k == target ? p : k == 0 ? 0.95 - p : 0.05 / Float(phones.count - 2))
            }
        }
        let rows = RecognizerTests.posteriors(["-", "IH", "T", "-"]) + frame("ER", 0.5) + RecognizerTests.posteriors(["AY"])
            + frame("V", 0.4) + frame("D", 0.4) + RecognizerTests.posteriors(["-", "B", "R", "OW", "K", "AH", "N", "-"])
        let model = LanguageModel(sentences: [], background: ["it": 5, "i": 5, "arrived": 1, "broken": 1])
        func heard(phoneBonus: Float) throws -> String {
            var options = Recognizer.Options()
            options.languageModelPhoneBonus = phoneBonus
            let recognizer = try Recognizer(model: RecognizerTests.model, languageModel: model, lexicon: RecognizerTests.lexicon, options: options)
            recognizer.consume(rows)
            return recognizer.finish(closingSilence: false).text
        }
        let withBonus = try heard(phoneBonus: Recognizer.Options().languageModelPhoneBonus), without = try heard(phoneBonus: 0)
        #expect(withBonus == "it arrived broken", "\(withBonus)")
        #expect(without == "it i broken", "\(without)")
    }

    @Test func aGeneralVocabularyKeepsOnlyTheBestWordsAliveAndStillHearsTheSentence() throws {
        // The thousands of general English words: with the beam alone nearly every one
        // keeps a token (CTC blanks are cheap), which made open answers slow.
        let background = try LanguageModel.counts(contentsOf: RecognizerTests.root.appendingPathComponent("Models/lexicon/background-words.counts").path)
        let model = LanguageModel(sentences: ["it arrived broken"], background: background)
        let network = try SearchNetwork(languageModel: model, lexicon: RecognizerTests.lexicon, phones: RecognizerTests.model.phones,
                                        scale: .init(weight: 0.6, wordPenalty: 1.5))
        let decoder = GrammarDecoder(network: network)
        decoder.maxActiveWords = 200
        decoder.wordBeam = 15
        let rows = RecognizerTests.posteriors(["-", "DH", "AH", "-", "B", "AA", "K", "S", "-", "IH", "Z", "-",
                                               "B", "R", "OW", "K", "AH", "N", "-", "-"])
        let outputs = RecognizerTests.model.phones.count
        var mostAlive = 0
        rows.withUnsafeBufferPointer { all in
            for t in 0..<(rows.count / outputs) {
                decoder.advance(UnsafeBufferPointer(rebasing: all[(t * outputs)..<((t + 1) * outputs)]))
                mostAlive = max(mostAlive, decoder.liveWordCount)
            }
        }
        #expect(model.vocabulary.count > 3000)
        #expect(mostAlive <= 250, "\(mostAlive) words alive")
        #expect(decoder.results().first?.words.map(\.word) == ["the", "box", "is", "broken"])
    }

    @Test func aGrammarHeardBesideALanguageModelStillGivesItsMeaningAndHearsOtherSentencesAsFreeText() throws {
        let menu = try GrammarCompiler.grammar(spec: "public $m = yes {yes} | no {no} ;")
        func heard(_ labels: [String]) throws -> RecognitionResult {
            let recognizer = try Recognizer(model: RecognizerTests.model, grammar: menu, lexicon: RecognizerTests.lexicon, open: Self.model)
            recognizer.consume(RecognizerTests.posteriors(labels))
            return recognizer.finish(closingSilence: false)
        }
        let yes = try heard(["-", "Y", "EH", "-", "S", "-"])
        #expect(yes.text == "yes" && yes.interpretation?.value == "yes" && !yes.rejected, "\(yes)")
        let other = try heard(["-", "DH", "AH", "-", "B", "AA", "K", "S", "-", "IH", "Z", "-", "B", "R", "OW", "K", "AH", "N", "-", "-"])
        #expect(other.text == "the box is broken" && other.interpretation?.value == "" && !other.rejected, "\(other)")
        // Without the language model the grammar can only force a phrase on it.
        let forced = try Recognizer(model: RecognizerTests.model, grammar: menu, lexicon: RecognizerTests.lexicon)
        forced.consume(RecognizerTests.posteriors(["-", "DH", "AH", "-", "B", "AA", "K", "S", "-", "IH", "Z", "-", "B", "R", "OW", "K", "AH", "N", "-", "-"]))
        #expect(forced.finish(closingSilence: false).text != "the box is broken")
    }

    @Test func wordCountsAreReadOrRefusedWithTheLine() throws {
        let path = NSTemporaryDirectory() + "counts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "# comment\nthe\t10\nThe\t2\nbox\t3\nthe box\t2\n<s> the\t1\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try LanguageModel.counts(contentsOf: path) == .init(words: ["the": 12, "box": 3], pairs: ["the": ["box": 2], "<s>": ["the": 1]]))
        try "the 10\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try LanguageModel.counts(contentsOf: path) } throws: { "\($0)".contains("'the 10' is not 'word<TAB>count' or 'word word<TAB>count'") }
    }
}
