import HotlineDialogue
import Testing

@Suite struct NLUTests {
    @Test func spokenDigitStrings() {
        #expect(SpokenValues.digits("one two three") == "123")
        #expect(SpokenValues.digits("oh five double five triple nine") == "0555999")
        #expect(SpokenValues.digits("my number is 12 34") == "1234")
        #expect(SpokenValues.digits("billing please") == nil)
    }

    @Test func spokenNumbers() {
        #expect(SpokenValues.number("twenty one") == 21)
        #expect(SpokenValues.number("one hundred and five") == 105)
        #expect(SpokenValues.number("two thousand three hundred forty") == 2340)
        #expect(SpokenValues.number("a hundred") == 100)
        #expect(SpokenValues.number("42 please") == 42)
        #expect(SpokenValues.number("none") == nil)
    }

    @Test func yesNoVariants() {
        for yes in ["yes", "Yeah!", "yep that's right", "sure", "correct", "of course", "okay"] { #expect(SpokenValues.yesNo(yes) == "yes", "\(yes)") }
        for no in ["no", "nope", "nah", "that's not right", "wrong", "no thanks"] { #expect(SpokenValues.yesNo(no) == "no", "\(no)") }
        #expect(SpokenValues.yesNo("maybe later") == nil)
    }

    @Test func intentsFromAFewExamples() {
        let classifier = IntentClassifier(examples: [
            ("billing", ["pay my bill", "billing", "a question about my invoice"]),
            ("orders", ["where is my order", "track my order", "order status"]),
            ("support", ["my device is broken", "technical support", "it does not work"]),
        ])
        #expect(classifier.classify("I'd like to pay my bill please").first?.intent == "billing")
        #expect(classifier.classify("where's my order").first?.intent == "orders")
        #expect(classifier.classify("the device doesn't work").first?.intent == "support")
        // A recognition slip still lands: "invoyce" shares character trigrams with "invoice".
        #expect(classifier.classify("question about my invoyce").first?.intent == "billing")
        #expect(classifier.classify("what's the weather tomorrow").isEmpty)
        var lenient = classifier
        lenient.threshold = 0.1
        let ranked = lenient.classify("order status for my bill")
        #expect(ranked.count >= 2 && ranked[0].score >= ranked[1].score && ranked[0].intent == "orders")
    }
}
