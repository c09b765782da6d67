import HotlineTTS
import Testing

@Suite struct TextNormalizerTests {
    static func said(_ text: String) -> String { TextNormalizer.normalize(text).spokenText }

    @Test(arguments: [
        ("Your balance is $12.50.", "your balance is twelve dollars and fifty cents."),
        ("That costs $1 or €5.", "that costs one dollar or five euros."),
        ("A fee of $0.99 applies", "a fee of ninety nine cents applies"),
        ("We have 12,345 customers", "we have twelve thousand three hundred forty five customers"),
        ("Order 123456 shipped", "order one two three four five six shipped"),
        ("Your PIN is 0042", "your pin is zero zero four two"),
        ("Press 1 or 2", "press one or two"),
        ("It is the 21st time", "it is the twenty first time"),
        ("Rates rose 15% in 2026", "rates rose fifteen percent in twenty twenty six"),
        ("Pi is 3.14", "pi is three point one four"),
        ("Call 555-123-4567 now", "call five five five, one two three, four five six seven now"),
        ("Delivery on 12/03/2026", "delivery on december third twenty twenty six"),
        ("Due 2026-01-05", "due january fifth twenty twenty six"),
        ("Open until 5:30 pm.", "open until five thirty p m."),
        ("Meet at 9:05 a.m. sharp", "meet at nine oh five a m sharp"),
        ("The desk opens at 15:00", "the desk opens at fifteen hundred"),
        ("Your code is AB1234", "your code is a b one two three four"),
        ("Dr. Smith & Mrs. Jones", "doctor smith and missus jones"),
        ("Please say yes or no.", "please say yes or no."),
        ("Ask for no. 5", "ask for number five"),
        ("Visit any ATM", "visit any a t m"),
        ("Your plate KJT 4820 is registered.", "your plate k j t four eight two zero is registered."),
        ("Refill RX 408812 is ready", "refill r x four zero eight eight one two is ready"),
        ("Flight UA 428 or BA 117", "flight u a four two eight or b a one one seven"),
        ("PRESS 1 OR 2", "press one or two"),
        ("Call the DMV. Say HELP or OK", "call the d m v. say help or o k"),
        ("Open 9:00 am to 5:00pm, closed at 6:00", "open nine a m to five p m, closed at six o'clock"),
        ("From 8 am to 6 PM", "from eight a m to six p m"),
        ("The card ending in 2290 is locked", "the card ending in two two nine zero is locked"),
        ("Your account ends in 0417.", "your account ends in zero four one seven."),
        ("Is that right?", "is that right?"),
        ("On December 3rd, 2026 we close", "on december third twenty twenty six we close"),
        ("Born in 1999 or 2005", "born in nineteen ninety nine or two thousand five"),
        ("It is -5 degrees", "it is minus five degrees"),
        ("Your balance is -$12.40.", "your balance is minus twelve dollars and forty cents."),
        ("Ticket #123 is open", "ticket number one hundred twenty three is open"),
        ("Call ext. 204 now", "call extension two zero four now"),
        ("Ask for extension 4021.", "ask for extension four zero two one."),
        ("It weighs 2.5 kg, ships in 1 min at 10 mph", "it weighs two point five kilograms, ships in one minute at ten miles per hour"),
        ("Visit www.acme.com/help or https://acme.com/returns.", "visit w w w dot acme dot com slash help or acme dot com slash returns."),
        ("At 10:30 AM EST", "at ten thirty a m e s t"),
        ("Up to $1M or $2.5M, not €20K", "up to one million dollars or two point five million dollars, not twenty thousand euros"),
        ("I'm sorry—I missed that. Open 9–17 daily", "i'm sorry, i missed that. open nine to seventeen daily"),
        ("Pay 1/2 of it, then 3/4 of the rest by 5/1", "pay one half of it, then three quarters of the rest by may first"),
        ("Call 555-0123 x204 about #4471-B", "call five five five, zero one two three extension two zero four about number four four seven one b"),
        ("In an emergency, hang up and dial 911.", "in an emergency, hang up and dial nine one one."),
        ("Call 311 or dial 9 first", "call three one one or dial nine first"),
        ("Call 24 hours a day, room 911", "call twenty four hours a day, room nine hundred eleven"),
        ("Call (555) 123-4567 today", "call five five five, one two three, four five six seven today"),
        ("Call 1-800-555-0199.", "call one, eight zero zero, five five five, zero one nine nine."),
        ("Order 3 x 2 items", "order three x two items"),
        ("Press * or #.", "press star or pound."),
        ("Press *9 to cancel", "press star nine to cancel"),
        ("Open Mon-Fri 9am-5pm", "open monday to friday nine a m to five p m"),
        ("Wait 10-15 minutes", "wait ten to fifteen minutes"),
        ("From $5-$10", "from five dollars to ten dollars"),
        ("Ticket 58-2291", "ticket five eight two two nine one"),
        ("It is 12pm", "it is twelve p m"),
        ("Email support@acme.com", "email support at acme dot com"),
        ("Visit www.acme.com", "visit w w w dot acme dot com"),
        ("The 1990s and the 80s", "the nineteen nineties and the eighties"),
        ("Apt 4B, about 5 mins", "apartment four b, about five minutes"),
        ("It is the 100th caller", "it is the one hundredth caller"),
        ("Due 3 Dec 2026.", "due december third twenty twenty six."),
        ("Option 3 may be used", "option three may be used"),
        ("Call +1 212 555 0100 now", "call one, two one two, five five five, zero one zero zero now"),
        ("It is 70°F", "it is seventy degrees fahrenheit"),
        ("You paid 12.50 dollars", "you paid twelve dollars and fifty cents"),
        ("You paid USD 12.50", "you paid twelve dollars and fifty cents"),
        ("That is 1,234.56 points", "that is one thousand two hundred thirty four point five six points"),
        ("Your 4-digit PIN", "your four digit pin"),
        ("Save 20%-30%", "save twenty percent to thirty percent"),
        ("2x faster", "two times faster"),
        ("Order (#A123) shipped", "order number a one two three shipped"),
        ("Due Dec. 3, 2026.", "due december third twenty twenty six."),
    ])
    func normalises(text: String, expected: String) {
        #expect(Self.said(text) == expected)
    }

    @Test func questionsAreMarked() {
        let tokens = TextNormalizer.normalize("Is that right?")
        #expect(tokens.contains(.questionEnd))
    }

    @Test func ssmlSubset() throws {
        #expect(try SSML.parse("<speak>Your code is <say-as interpret-as=\"characters\">ab12</say-as>.</speak>").spokenText
            == "your code is a b one two.")
        #expect(try SSML.parse("Dial <say-as interpret-as=\"digits\">2026</say-as> now").spokenText == "dial two zero two six now")
        #expect(try SSML.parse("Wait<break time=\"1s\"/>then go").spokenText == "wait. then go")
        #expect(try SSML.parse("Call <say-as interpret-as='telephone'>800 555 0199</say-as>").spokenText
            == "call eight zero zero, five five five, zero one nine nine")
        let slow = try SSML.parse("<prosody rate=\"slow\" pitch=\"+10%\">hello <emphasis>there</emphasis></prosody>")
        #expect(slow == [.word("hello", Prosody(rate: 0.8, pitch: 1.1)), .word("there", Prosody(rate: 0.8, pitch: 1.1, emphasis: true))])
        #expect(try SSML.parse("Fish &amp; chips").spokenText == "fish and chips")
        #expect(try SSML.parse("On <say-as interpret-as=\"date\">Dec 1</say-as>").spokenText == "on december first")
        #expect(try SSML.parse("Pay <say-as interpret-as=\"currency\">12.50</say-as>").spokenText == "pay twelve dollars and fifty cents")
        // Paragraphs and sentences end with a pause; <sub> says its alias instead of its text.
        #expect(try SSML.parse("<speak><p>One.</p><p>Two</p> <s>three</s> four</speak>").spokenText == "one. two. three. four")
        #expect(try SSML.parse("<sub alias=\"World Wide Web Consortium\">W3C</sub> rules").spokenText
            == "world wide web consortium rules")
    }

    @Test func badSSMLIsAClearError() throws {
        #expect(throws: SSML.ParseError.self) { try SSML.parse("<speak>unclosed") }
        #expect(throws: SSML.ParseError.self) { try SSML.parse("<audio src=\"x.wav\"/>") }
        #expect(throws: SSML.ParseError.self) { try SSML.parse("<say-as interpret-as=\"weird\">1</say-as>") }
        #expect(throws: SSML.ParseError.self) { try SSML.parse("a </prosody>") }
        #expect(throws: SSML.ParseError.self) { try SSML.parse("<break time=\"soon\"/>") }
        #expect(throws: SSML.ParseError.self) { try SSML.parse("<sub>W3C</sub>") }
        // Values no prompt means: a pause of an hour, a pitch below zero, a rate of nothing.
        #expect(throws: SSML.ParseError.self) { try SSML.parse("wait<break time=\"3600s\"/>done") }
        #expect(throws: SSML.ParseError.self) { try SSML.parse("<prosody pitch=\"-500%\">low</prosody>") }
        #expect(throws: SSML.ParseError.self) { try SSML.parse("<prosody rate=\"0%\">slow</prosody>") }
        #expect(try SSML.parse("wait<break time=\"10s\"/>done").spokenText == "wait. done")
    }
}

@Suite struct NormalizerRobustnessTests {
    @Test func oddInputNeverCrashesAndGivesWordsOrNothing() throws {
        let odd = ["", ".", "...", "$", "$.", "$.5", "€", "1/0/0", "99:99", "12:", "+", "#", "-", "--5", "%", "5%%",
                   "99999999999999999999", "1,000,000,000,000,000,000,000", "99999999999999999999.5", "$99999999999999999999",
                   "2026-13-45", "a.m.", "p.m.", "Dr.", "\u{00BD}", "\u{0663}\u{0664}", "emoji 😀", "tab\tand\nnewline",
                   "<<<>>>", "O'Brien's", "co-operate", "ＡＢＣ１２３"]
        for text in odd {
            let words = TextNormalizer.normalize(text).compactMap { if case .word(let w, _) = $0 { return w } else { return nil } }
            #expect(words.allSatisfy { !$0.isEmpty && !$0.contains(" ") }, "\(text) -> \(words)")
        }
        #expect(TextNormalizer.normalize("1,000,000,000,000,000,000,000").spokenText.hasPrefix("one zero zero zero"))
    }
}
