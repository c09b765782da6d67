import Foundation
import HotlineDialogue
import Testing

@Suite struct DialogueEngineTests {
    static let yaml = """
        flow: t
        start: menu
        settings: {max_attempts: 2, escalate: agent, confirm_below: 0.8}
        globals:
          - say: [agent, operator]
            keys: "0"
            goto: agent
        states:
          menu:
            prompt: "Say billing or press 1."
            menu:
              - keys: "1"
                say: [billing, pay my bill]
                goto: account
            noinput: ["Are you there? Press 1 for billing."]
          account:
            prompt: "Your account number?"
            collect: {slot: account, type: digits, min_length: 4, max_length: 8, confirm: "I heard {account:digits}. Right?"}
            branch:
              - if: account == 1234
                goto: vip
              - goto: bye
          vip:
            prompt: "Welcome back."
            next: bye
          agent:
            prompt: "Connecting you."
            transfer: "sip:agent@example.com"
          bye:
            prompt: "Goodbye."
            hangup: true
        """

    static func engine() throws -> DialogueEngine {
        DialogueEngine(flow: try FlowLoader.load(yaml: yaml, file: "t.yaml"))
    }

    static func said(_ actions: [DialogueAction]) -> [String] {
        actions.compactMap { if case .play(let t, _) = $0 { return t } else { return nil } }
    }

    @Test func startPlaysThePromptAndListens() throws {
        var e = try Self.engine()
        let actions = e.handle(.start)
        #expect(Self.said(actions) == ["Say billing or press 1."])
        guard case .listen(let request)? = actions.last else { Issue.record("no listen"); return }
        #expect(request.expecting == "menu" && request.keys.contains("1") && request.keys.contains("0"))
    }

    @Test func keysAndSpeechChooseTheSameOption() throws {
        for event in [DialogueEvent.dtmf("1"), .recognized(text: "I want to pay my bill", confidence: 0.9),
                      .recognized(text: "one", confidence: 0.9)] {
            var e = try Self.engine()
            _ = e.handle(.start)
            #expect(Self.said(e.handle(event)) == ["Your account number?"], "\(event)")
            #expect(e.state == "account")
        }
    }

    @Test func aKeySaidAsAWordIsThatKeyAmongSeveral() throws {
        let flow = try FlowLoader.load(yaml: """
            flow: keys
            start: menu
            states:
              menu:
                prompt: "Press or say 1, 2, 3 or 4."
                menu:
                  - {keys: "1", say: [orders], goto: a}
                  - {keys: "2", say: [support, it won't turn on], goto: b}
                  - {keys: "3", say: [hours], goto: c}
                  - {keys: "4", say: [returns], goto: d}
              a: {prompt: "A.", hangup: true}
              b: {prompt: "B.", hangup: true}
              c: {prompt: "C.", hangup: true}
              d: {prompt: "D.", hangup: true}
            """, file: "keys.yaml")
        // Numerals too: typed in `hotline chat` or a conversation test, or heard for a phrase
        // an admin wrote with one ("option 2").
        for (text, state) in [("one", "a"), ("press two", "b"), ("option three", "c"), ("number four", "d"), ("Four.", "d"),
                              ("4", "d"), ("press 3", "c"), ("option 2", "b")] {
            var e = DialogueEngine(flow: flow)
            _ = e.handle(.start)
            _ = e.handle(.recognized(text: text, confidence: 1))
            #expect(e.turns.last?.interpretation.hasSuffix("-> \(state)") == true, "\(text)")
        }
    }

    @Test func valuesInAnSSMLPromptCannotBreakItsMarkup() throws {
        var e = DialogueEngine(flow: try FlowLoader.load(yaml: """
            flow: s
            start: ask
            states:
              ask:
                prompt: "What would you like?"
                collect: {slot: order, type: text}
                next: echo
              echo:
                prompt: "<speak>You said <emphasis>{order}</emphasis>, and {order} it is.</speak>"
                hangup: true
            """, file: "s.yaml"))
        _ = e.handle(.start)
        let actions = e.handle(.recognized(text: "fish & chips <large>", confidence: 1))
        #expect(Self.said(actions) == ["<speak>You said <emphasis>fish &amp; chips &lt;large&gt;</emphasis>, and fish &amp; chips &lt;large&gt; it is.</speak>"])
    }

    @Test func confidentDigitsAreTakenAndBranched() throws {
        var e = try Self.engine()
        _ = e.handle(.start)
        _ = e.handle(.dtmf("1"))
        let actions = e.handle(.recognized(text: "one two three four", confidence: 0.95))
        #expect(Self.said(actions) == ["Welcome back.", "Goodbye."])
        #expect(actions.last == .hangUp && e.isFinished && e.variables["account"] == "1234")
    }

    @Test func doubtfulDigitsAreConfirmedAndCanBeCorrected() throws {
        var e = try Self.engine()
        _ = e.handle(.start)
        _ = e.handle(.dtmf("1"))
        #expect(Self.said(e.handle(.recognized(text: "five five double six", confidence: 0.6))) == ["I heard 5 5 6 6. Right?"])
        #expect(Self.said(e.handle(.recognized(text: "no", confidence: 0.9))) == ["Let's try again.", "Your account number?"])
        #expect(e.variables["account"] == nil)
        _ = e.handle(.recognized(text: "one two three four", confidence: 0.7))
        #expect(Self.said(e.handle(.dtmf("1"))) == ["Welcome back.", "Goodbye."])   // 1 = yes on the keypad
    }

    @Test func noInputUsesTheStatesRepromptThenEscalates() throws {
        var e = try Self.engine()
        _ = e.handle(.start)
        #expect(Self.said(e.handle(.noInput)) == ["Are you there? Press 1 for billing."])
        let actions = e.handle(.noInput)
        #expect(Self.said(actions) == ["Connecting you."])
        #expect(actions.last == .transfer("sip:agent@example.com") && e.transferTarget == "sip:agent@example.com")
    }

    @Test func noMatchAndLowConfidenceCountAsFailedAttempts() throws {
        var e = try Self.engine()
        _ = e.handle(.start)
        #expect(Self.said(e.handle(.recognized(text: "the weather in Paris", confidence: 0.9))) == ["Sorry, I didn't understand.", "Say billing or press 1."])
        #expect(e.handle(.recognized(text: "billing", confidence: 0.1)).contains(.transfer("sip:agent@example.com")))
    }

    @Test func wrongLengthDigitsAreANoMatch() throws {
        var e = try Self.engine()
        _ = e.handle(.start)
        _ = e.handle(.dtmf("1"))
        #expect(Self.said(e.handle(.dtmf("12"))).first == "Sorry, I didn't understand.")
        #expect(e.state == "account")
    }

    @Test func globalsWorkEverywhere() throws {
        var e = try Self.engine()
        _ = e.handle(.start)
        _ = e.handle(.dtmf("1"))
        #expect(e.handle(.recognized(text: "operator please", confidence: 0.9)).last == .transfer("sip:agent@example.com"))
        var f = try Self.engine()
        _ = f.handle(.start)
        #expect(f.handle(.dtmf("0")).last == .transfer("sip:agent@example.com"))
    }

    @Test func aGlobalsOwnPhraseWinsOverASimilarMenuChoice() throws {
        // "agent" is a global's phrase; the menu's "talk to an agent about billing" is close.
        let flow = try FlowLoader.load(yaml: Self.yaml.replacingOccurrences(of: "say: [billing, pay my bill]",
                                                                          with: "say: [billing, pay my bill, talk to an agent about billing]"),
                                       file: "t.yaml")
        var e = DialogueEngine(flow: flow)
        _ = e.handle(.start)
        #expect(e.handle(.recognized(text: "agent please", confidence: 0.9)).last == .transfer("sip:agent@example.com"))
        var f = DialogueEngine(flow: flow)
        _ = f.handle(.start)
        #expect(Self.said(f.handle(.recognized(text: "an agent about billing", confidence: 0.9))) == ["Your account number?"])
    }

    @Test func hangUpEndsTheCallAndLaterEventsAreIgnored() throws {
        var e = try Self.engine()
        _ = e.handle(.start)
        #expect(e.handle(.hangUp).isEmpty && e.isFinished)
        #expect(e.handle(.dtmf("1")).isEmpty)
        #expect(e.turns.map(\.interpretation) == ["call answered", "caller hung up", "call already over"])
    }

    @Test func theEngineIsDeterministic() throws {
        let events: [DialogueEvent] = [.start, .noInput, .recognized(text: "billing", confidence: 0.9),
                                       .recognized(text: "one two three four five", confidence: 0.5), .recognized(text: "yes", confidence: 0.9)]
        var a = try Self.engine(), b = try Self.engine()
        #expect(events.map { a.handle($0) } == events.map { b.handle($0) })
    }
}

@Suite struct WebhookAndRecordTests {
    static let yaml = """
        flow: w
        start: ask
        states:
          ask:
            prompt: "Order?"
            collect: {slot: order, type: digits, min_length: 3, max_length: 3}
            next: call
          call:
            webhook: {url: "https://api.example.com/t", send: [order], into: t, timeout_ms: 2000, ok: done, failed: message}
          done:
            prompt: "Ticket {t.id}."
            hangup: true
          message:
            prompt: "Leave a message."
            record: {slot: voicemail, max_ms: 30000, next: thanks}
          thanks:
            prompt: "Thanks."
            hangup: true
        """

    @Test func webhookSuccessReadsTheReply() throws {
        var e = DialogueEngine(flow: try FlowLoader.load(yaml: Self.yaml, file: "w.yaml"))
        _ = e.handle(.start)
        #expect(e.handle(.dtmf("123")) == [.webhook(url: "https://api.example.com/t", body: ["order": "123"], timeoutMs: 2000)])
        #expect(e.handle(.webhookResult(["id": "T-9"])) == [.play("Ticket T-9."), .hangUp])
    }

    @Test func webhookFailureTakesTheFallbackAndRecordsAMessage() throws {
        var e = DialogueEngine(flow: try FlowLoader.load(yaml: Self.yaml, file: "w.yaml"))
        _ = e.handle(.start)
        _ = e.handle(.dtmf("123"))
        #expect(e.handle(.webhookResult(nil)) == [.play("Leave a message."), .record(maxMs: 30000)])
        #expect(e.handle(.recorded(reference: "calls/42/voicemail.opus")) == [.play("Thanks."), .hangUp])
        #expect(e.variables["voicemail"] == "calls/42/voicemail.opus")
    }

    @Test func webhookURLsMustBeHTTP() {
        let yaml = Self.yaml.replacingOccurrences(of: "https://api.example.com/t", with: "ftp://api.example.com/t")
        #expect {
            try FlowLoader.load(yaml: yaml, file: "w.yaml")
        } throws: { error in
            "\(error)".contains("w.yaml:9:20: webhook URL 'ftp://api.example.com/t' is not an http(s) URL")
        }
    }
}

@Suite struct StateSettingsTests {
    @Test func perStateTimeoutsBargeInVoiceAndMissingAudio() throws {
        let yaml = """
            flow: s
            start: ask
            language: en-US
            voice: kal16
            settings: {noinput_timeout_ms: 4000, barge_in: true}
            states:
              ask:
                prompt: "Legal notice. Press 1 to continue."
                noinput_timeout_ms: 8000
                barge_in: false
                menu:
                  - keys: "1"
                    goto: bye
              bye:
                prompt: "Bye."
                hangup: true
            """
        let flow = try FlowLoader.load(yaml: yaml, file: "s.yaml")
        #expect(flow.language == "en-US" && flow.voice == "kal16")
        // The models are American English: another language is a clear error, not ignored.
        #expect { try FlowLoader.load(yaml: yaml.replacingOccurrences(of: "en-US", with: "fr-FR"), file: "s.yaml") } throws: {
            "\($0)".contains("s.yaml:3:11: language 'fr-FR' is not supported (use en-US)")
        }
        var e = DialogueEngine(flow: flow)
        guard case .listen(let request)? = e.handle(.start).last else { Issue.record("no listen"); return }
        #expect(request.noInputTimeoutMs == 8000 && !request.bargeIn)
        let withAudio = yaml.replacingOccurrences(of: "    barge_in: false", with: "    barge_in: false\n    audio: prompts/missing.wav")
        #expect {
            try FlowLoader.load(yaml: withAudio, file: "s.yaml", baseDirectory: "/nonexistent")
        } throws: { "\($0)".contains("s.yaml:11:12: prompt audio 'prompts/missing.wav' does not exist") }
    }
}

@Suite struct FormTests {
    static let yaml = """
        flow: f
        start: book
        states:
          book:
            prompt: "When would you like to come, and how many people?"
            form:
              fields:
                - {slot: day, type: date, prompt: "Which day?"}
                - {slot: time, type: time, prompt: "What time?"}
                - {slot: party, type: number, prompt: "For how many people?"}
              confirm: "{party} people on {day} at {time}. Right?"
            next: done
          done:
            prompt: "Booked."
            hangup: true
        """

    static func engine() throws -> DialogueEngine {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return DialogueEngine(flow: try FlowLoader.load(yaml: yaml, file: "f.yaml"),
                              today: cal.date(from: DateComponents(year: 2026, month: 11, day: 29))!)
    }

    @Test func severalValuesInOneAnswerAndOnlyMissingOnesAskedAgain() throws {
        var e = try Self.engine()
        _ = e.handle(.start)
        let actions = e.handle(.recognized(text: "next Friday at seven p m", confidence: 0.9))
        #expect(DialogueEngineTests.said(actions) == ["For how many people?"])
        #expect(e.variables["day"] == "2026-12-11" && e.variables["time"] == "19:00" && e.variables["party"] == nil)
        #expect(DialogueEngineTests.said(e.handle(.dtmf("4"))) == ["4 people on 2026-12-11 at 19:00. Right?"])
        #expect(DialogueEngineTests.said(e.handle(.recognized(text: "yes", confidence: 0.9))) == ["Booked."])
    }

    @Test func aCorrectionReplacesOneValue() throws {
        var e = try Self.engine()
        _ = e.handle(.start)
        _ = e.handle(.recognized(text: "tomorrow at noon for two", confidence: 0.9))
        #expect(e.variables["party"] == "2")
        #expect(DialogueEngineTests.said(e.handle(.recognized(text: "no, at one p m", confidence: 0.9))) == ["2 people on 2026-11-30 at 13:00. Right?"])
        #expect(DialogueEngineTests.said(e.handle(.recognized(text: "no", confidence: 0.9))) == ["What should I change?"])
        #expect(DialogueEngineTests.said(e.handle(.recognized(text: "five people", confidence: 0.9))) == ["5 people on 2026-11-30 at 13:00. Right?"])
        _ = e.handle(.dtmf("1"))
        #expect(e.isFinished)
    }

    @Test func silenceReasksTheMissingField() throws {
        var e = try Self.engine()
        _ = e.handle(.start)
        _ = e.handle(.recognized(text: "on Tuesday", confidence: 0.9))
        #expect(DialogueEngineTests.said(e.handle(.noInput)) == ["Sorry, I didn't hear you.", "What time?"])
    }

    @Test func spelledCodes() {
        #expect(SpokenValues.alphanumeric("A B one two three") == "AB123")
        #expect(SpokenValues.alphanumeric("alpha bravo double four") == "AB44")
        #expect(SpokenValues.alphanumeric("my code is xk42") == "XK42")
        #expect(SpokenValues.alphanumeric("hello there") == nil)
    }
}
