import Foundation
import HotlineCore
import Testing

/// Reading lexicon files.
@Suite struct LexiconTests {
    /// A lexicon read from a file holding `text` (removed again).
    static func lexicon(_ text: String) throws -> Lexicon {
        let path = NSTemporaryDirectory() + "lexicon-\(UUID().uuidString).dict"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try Lexicon(paths: [path], letterToSound: nil)
    }

    @Test func readsCMUFormatWithCommentsAlternativesStressAndTabs() throws {
        let lexicon = try Self.lexicon(";;; a comment\nHELLO HH AH0 L OW1\r\nhello(2) HH EH L OW\nacme\tAE1  K M IY0\nlonely\n")
        #expect(lexicon.pronunciation("hello").phones == ["hh", "ah", "l", "ow"])
        #expect(lexicon.pronunciation("hello").source == .dictionary)
        #expect(lexicon.phones("acme") == ["ae", "k", "m", "iy"])
        #expect(!lexicon.contains("lonely") && !lexicon.contains(";;;") && !lexicon.contains("hello(2)"))
    }

    @Test func laterFilesWinAndAMissingFileIsAClearError() throws {
        let a = NSTemporaryDirectory() + "a-\(UUID().uuidString).dict", b = NSTemporaryDirectory() + "b-\(UUID().uuidString).dict"
        defer { for p in [a, b] { try? FileManager.default.removeItem(atPath: p) } }
        try "tomato T AH M EY T OW\n".write(toFile: a, atomically: true, encoding: .utf8)
        try "tomato T AH M AA T OW\n".write(toFile: b, atomically: true, encoding: .utf8)
        #expect(try Lexicon(paths: [a, b]).phones("tomato") == ["t", "ah", "m", "aa", "t", "ow"])
        #expect(throws: Lexicon.LoadError.self) { try Lexicon(paths: ["/nonexistent.dict"]) }
    }

    @Test func aPhoneThatIsNotARPAbetIsAnErrorWithItsLine() throws {
        #expect { try Self.lexicon(";;; site words\nqwikpay K W IH K P EY\nacme AE K M XX\n") } throws: {
            "\($0)".contains(":3: unknown phone 'XX' in 'acme'; phones are ARPAbet (AA AE AH")
        }
        #expect { try Self.lexicon("acme AE1 K M IY9\n") } throws: { "\($0)".contains("unknown phone 'IY9'") }
    }

    @Test func accentedLettersAreReadWithoutTheirAccents() throws {
        let lexicon = try Self.lexicon("cafe K AE F EY\n")
        #expect(lexicon.pronunciation("café").phones == ["k", "ae", "f", "ey"])
        #expect(lexicon.pronunciation("café").source == .dictionary)
        #expect(lexicon.pronunciation("日本").source == .unknown)
    }

    @Test func aNumeralIsReadAsACardinalNumber() throws {
        let lexicon = try Self.lexicon("twelve T W EH L V\ntwo T UW\nhundred HH AH N D R AH D\n")
        #expect(lexicon.pronunciation("12").phones == ["t", "w", "eh", "l", "v"])
        #expect(lexicon.pronunciation("12").source == .number)
        #expect(lexicon.pronunciation("200").phones == ["t", "uw", "hh", "ah", "n", "d", "r", "ah", "d"])
        #expect(lexicon.pronunciation("13").source == .unknown, "thirteen is not in this lexicon")
        #expect(lexicon.guessedWords(["two", "12", "12", "日本"])
                == [GuessedWord(word: "12", source: .number, phones: ["t", "w", "eh", "l", "v"]),
                    GuessedWord(word: "日本", source: .unknown, phones: [])])
    }
}
