import Foundation
import HotlineDialogue
import Testing

/// Card numbers and sensitive slots never shown in the clear.
@Suite struct RedactionTests {
    @Test func theLuhnCheckTellsACardNumberFromAnyLongNumber() {
        #expect(Redaction.passesLuhn("4111111111111111"))
        #expect(Redaction.passesLuhn("5500005555555559"))
        #expect(!Redaction.passesLuhn("4111111111111112"))
        #expect(Redaction.isCardNumber("378282246310005"))   // 15 digits
        #expect(!Redaction.isCardNumber("0000000"))   // Luhn-valid but too short
    }

    @Test func cardNumbersAreMaskedHoweverTheyAreWritten() {
        #expect(Redaction.maskingCardNumbers(in: "my card is 4111 1111 1111 1111 thanks") == "my card is ****1111 thanks")
        #expect(Redaction.maskingCardNumbers(in: "4111-1111-1111-1111") == "****1111")
        #expect(Redaction.maskingCardNumbers(in: #"{"card":"4111111111111111","ok":"1"}"#) == #"{"card":"****1111","ok":"1"}"#)
        let spoken = "it's four one one one one one one one one one one one one one one one"
        #expect(Redaction.maskingCardNumbers(in: spoken) == "it's ****1111")
        // A card number followed by its expiry in one breath: the card is found inside the run.
        #expect(Redaction.maskingCardNumbers(in: "4111111111111111 12 29") == "****1111 12 29")
        // Numbers that are not cards stay: an order number failing the check, a phone number.
        #expect(Redaction.maskingCardNumbers(in: "order 4111111111111112") == "order 4111111111111112")
        #expect(Redaction.maskingCardNumbers(in: "call 555 0199") == "call 555 0199")
    }

    @Test func credentialsInAURLAreHidden() {
        #expect(Redaction.hidingCredentials(in: "https://bob:s3cret@api.example.com/pay?x=1") == "https://***@api.example.com/pay?x=1")
        #expect(Redaction.hidingCredentials(in: "https://api.example.com/a@b") == "https://api.example.com/a@b")
    }

    static let payFlow = """
        flow: pay
        start: card
        states:
          card:
            prompt: "Key in your card number, then hash."
            collect: {slot: card, type: digits, min_length: 13, max_length: 19, sensitive: true}
            next: charge
          charge:
            prompt: "Charging the card {card}."
            webhook: {url: "https://payments.example.com/charge", send: [card], ok: done, failed: done}
          done:
            prompt: "Done."
            hangup: true
        """

    @Test func aSensitiveSlotIsMaskedInTheTurnAndReadBackByItsLastFourDigits() throws {
        var engine = DialogueEngine(flow: try FlowLoader.load(yaml: Self.payFlow, file: "pay.yaml"))
        let opening = engine.handle(.start)
        guard case .listen(let request)? = opening.last else { Issue.record("no listen"); return }
        #expect(request.sensitive)
        let actions = engine.handle(.dtmf("4111111111111111"))
        #expect(engine.turns.last?.interpretation == "card = ****1111")
        #expect(actions.first == .play("Charging the card ending in 1 1 1 1."))
        // The backend gets the number itself (over https).
        #expect(actions.contains(.webhook(url: "https://payments.example.com/charge", body: ["card": "4111111111111111"], timeoutMs: 3000)))
    }

    @Test func aCardNumberInAnUnmarkedSlotIsMaskedToo() throws {
        let yaml = Self.payFlow.replacingOccurrences(of: ", sensitive: true", with: "")
        var engine = DialogueEngine(flow: try FlowLoader.load(yaml: yaml, file: "pay.yaml"))
        _ = engine.handle(.start)
        let actions = engine.handle(.recognized(text: "four one one one one one one one one one one one one one one one", confidence: 0.9))
        #expect(engine.turns.last?.interpretation == "card = ****1111")
        #expect(actions.first == .play("Charging the card ending in 1 1 1 1."))
    }

    @Test func aSensitiveSlotMayNotLeaveThisMachineOverPlainHTTP() throws {
        func problems(_ url: String, allow: Bool = false) throws -> [String] {
            let yaml = Self.payFlow.replacingOccurrences(of: "url: \"https://payments.example.com/charge\"",
                                                         with: "url: \"\(url)\"" + (allow ? ", allow_http: true" : ""))
            do { _ = try FlowLoader.load(yaml: yaml, file: "pay.yaml") } catch { return ["\(error)"] }
            return []
        }
        let plain = try problems("http://bob:s3cret@payments.example.com/charge")
        #expect(plain.contains { $0.contains("sends sensitive slot 'card' over plain http") })
        #expect(!plain.joined().contains("s3cret"))
        #expect(try problems("https://payments.example.com/charge").isEmpty)
        #expect(try problems("http://127.0.0.1:8080/charge").isEmpty)
        #expect(try problems("http://payments.example.com/charge", allow: true).isEmpty)
    }

    @Test func aCardLengthSlotNotMarkedSensitiveIsWarnedAbout() throws {
        let marked = try FlowLoader.load(yaml: Self.payFlow, file: "pay.yaml")
        #expect(FlowValidator.warnings(marked).isEmpty)
        let unmarked = try FlowLoader.load(yaml: Self.payFlow.replacingOccurrences(of: ", sensitive: true", with: ""), file: "pay.yaml")
        #expect(FlowValidator.warnings(unmarked).map(\.message) == ["state 'card' collects up to 19 digits in 'card' without 'sensitive: true'"])
    }

    @Test func aMalformedWebhookURLIsReportedWithoutItsPassword() throws {
        let yaml = Self.payFlow.replacingOccurrences(of: "https://payments.example.com/charge", with: "ftp://bob:s3cret@example.com/x")
        #expect(throws: (any Error).self) { try FlowLoader.load(yaml: yaml, file: "pay.yaml") }
        do { _ = try FlowLoader.load(yaml: yaml, file: "pay.yaml") } catch {
            #expect("\(error)".contains("ftp://***@example.com/x"))
            #expect(!"\(error)".contains("s3cret"))
        }
    }
}
