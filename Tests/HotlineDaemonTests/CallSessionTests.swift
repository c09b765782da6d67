import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP
import HotlineStore
import HotlineDaemon
import HotlineDialogue
import HotlineNN
import HotlineTTS
import Testing

/// A call driven 10 ms at a time with made-up caller audio: keys, silence, barge-in.
@Suite struct CallSessionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let lexicon = try! Lexicon(paths: [root.appendingPathComponent("Models/lexicon/cmudict-en-us.dict").path])
    static let acoustic = try! AcousticModel(contentsOf: root.appendingPathComponent("Models/acoustic/acoustic.hnn"))
    static let voice = try! VoiceDatabase(path: root.appendingPathComponent("Models/voices/rms/rms.voice").path)

    static let flow = """
        flow: test
        start: menu
        settings:
          noinput_timeout_ms: 2000
        states:
          menu:
            prompt: "For sales press one. For support press two. Please choose now."
            menu:
              - keys: "1"
                say: [sales]
                goto: sales
              - keys: "2"
                say: [support]
                goto: bye
            noinput:
              - "Please press one or two."
          sales:
            prompt: "Sales it is. Goodbye."
            hangup: true
          bye:
            prompt: "Goodbye."
            hangup: true
        """

    static func session(_ yaml: String = flow, folder: String = ".",
                        webhook: @escaping CallSession.WebhookHandler = { _, _, _ in nil }) throws -> CallSession {
        let flow = try FlowLoader.load(yaml: yaml, file: "test.yaml", baseDirectory: folder)
        return try CallSession(flow: flow, resources: .init(acoustic: acoustic, lexicon: lexicon,
                                                           synthesizer: DiphoneSynthesizer(voice: voice, lexicon: lexicon)),
                               webhook: webhook)
    }

    /// Runs `caller` (then silence) through the session; returns the hotline's audio.
    static func run(_ session: CallSession, _ caller: [Float], seconds: Double = 30, events: ((CallEvent) -> Void)? = nil) -> [Float] {
        var out: [Float] = []
        var i = 0
        while i < Int(seconds * 8000), !session.isFinished {
            var frame = [Float](repeating: 0, count: 80)
            if i < caller.count { frame.replaceSubrange(0..<min(80, caller.count - i), with: caller[i..<min(i + 80, caller.count)]) }
            out += session.process(frame)
            session.events.forEach { events?($0) }
            i += 80
        }
        return out
    }

    @Test func thePromptsOwnEchoIsNoBargeInButTheCallerStillIs() throws {
        // Echo 9 dB down (a hybrid's usual return loss is 6-20 dB), 30 ms late.
        let line = CallSession.LineEcho(lossDb: 9, delayMs: 30)
        let echoOnly = try Self.session()
        _ = echoOnly.run(caller: [], lingerSeconds: 12, echo: line)
        #expect(echoOnly.bargeIns.isEmpty)
        #expect(echoOnly.turns.first?.input == .noInput)
        // The caller keying over the echoed prompt still stops it.
        let keyed = try Self.session()
        _ = keyed.run(caller: [Float](repeating: 0, count: 8000) + (try DTMFGenerator().tone("1", durationMs: 100)), lingerSeconds: 20, echo: line)
        #expect(keyed.turns.first?.heard == "1" && keyed.bargeIns.count == 1)
        // And so does the caller speaking over it ("one", a dev speaker, 3 s into the menu).
        let spoken = try Self.session()
        let demo = try SoundFile.read(Self.root.appendingPathComponent("Audio/samples/caller-order-status.flac").path)
        _ = spoken.run(caller: Array(demo.samples[0..<32000]), lingerSeconds: 20, echo: line)
        #expect(spoken.bargeIns.count == 1 && (spoken.bargeIns.first?.heardAtMs ?? 0) >= 2900)
        #expect(spoken.turns.first?.heard == "one")
    }

    @Test func fourPromptsEchoedByHybrids6To20DbDownNeverBargeIn() throws {
        // Hybrids 6-20 dB down, echo paths from the shortest (one frame) to 120 ms (the
        // canceller reaches 138 ms): the echo of these four prompts alone never stops them.
        // (On other prompts a 6 dB line still can, mid-prompt: docs/performance.md.)
        let prompts = ["For sales press one. For support press two. Please choose now.",
                       "Thank you for calling Acme. How can I help you today? You can say billing, orders or an agent.",
                       "Your payment of $1,250.00 was received on 12/03/2026. Is there anything else?",
                       "We are open Monday to Friday from 8:00 am to 6:00 pm. Please say or enter your account number."]
        var bargedIn: [String] = []
        for prompt in prompts {
            let yaml = Self.flow.replacingOccurrences(of: "For sales press one. For support press two. Please choose now.", with: prompt)
            for lossDb in [6.0, 9.0, 12.0, 20.0] {
                for delayMs in [10, 30, 80, 120] {
                    let session = try Self.session(yaml)
                    _ = session.run(caller: [], lingerSeconds: 12, echo: CallSession.LineEcho(lossDb: lossDb, delayMs: delayMs))
                    if !session.bargeIns.isEmpty { bargedIn.append("\(prompt.prefix(12))... \(lossDb) dB, \(delayMs) ms") }
                }
            }
        }
        #expect(bargedIn.isEmpty, "\(bargedIn)")
    }

    @Test func theFlowsMinConfidenceIsTheRecognizersThreshold() throws {
        // The demo caller's "no" (at 20.5-22 s), said to the menu: a flow that asks for
        // confidence 0.99 gets it rejected by the recognizer; one that sets min_confidence 0
        // passes what was heard ("no", as free text) to the flow, which finds no option in it.
        let demo = try SoundFile.read(Self.root.appendingPathComponent("Audio/samples/caller-order-status.flac").path)
        let no = [Float](repeating: 0, count: 24000) + demo.samples[164000..<176000]
        func firstTurn(minConfidence: Double) throws -> HotlineStore.TurnRecord? {
            let session = try Self.session(Self.flow.replacingOccurrences(of: "noinput_timeout_ms: 2000",
                                                                          with: "noinput_timeout_ms: 2000\n  min_confidence: \(minConfidence)"))
            _ = session.run(caller: no, lingerSeconds: 20)
            return session.turns.first
        }
        let strict = try firstTurn(minConfidence: 0.99), lenient = try firstTurn(minConfidence: 0)
        #expect(strict?.interpretation == "nomatch", "\(String(describing: strict))")
        #expect(lenient?.interpretation == "nomatch (no menu option)", "\(String(describing: lenient))")
    }

    @Test(arguments: [(lossDb: 9.0, delayMs: 30), (9, 80), (6, 120)])
    func overAnEchoingLineASoftCallerIsHeard(echo: (lossDb: Double, delayMs: Int)) throws {
        let line = CallSession.LineEcho(lossDb: echo.lossDb, delayMs: echo.delayMs)
        // The echo of the whole menu is no barge-in...
        let echoOnly = try Self.session()
        _ = echoOnly.run(caller: [], lingerSeconds: 12, echo: line)
        #expect(echoOnly.bargeIns.isEmpty)
        #expect(echoOnly.turns.first?.input == .noInput)
        // ...while the caller saying "one" 24 dB under the demo's level, 3 s into the menu,
        // stops it and is understood (the echo canceller has learned the line by then).
        let soft = try Self.session()
        let demo = try SoundFile.read(Self.root.appendingPathComponent("Audio/samples/caller-order-status.flac").path)
        _ = soft.run(caller: demo.samples[0..<32000].map { $0 / 16 }, lingerSeconds: 20, echo: line)
        #expect(soft.bargeIns.count == 1 && (soft.bargeIns.first?.heardAtMs ?? 0) >= 2900)
        #expect(soft.turns.first?.heard == "one" && soft.turns.first?.input == .speech)
    }

    @Test func aCallerTalkingOverPromptsDoesNotUnfitTheEchoCanceller() throws {
        // 14 s of prompts echoed 9 dB down, 30 ms late; from 4 s to 12 s the caller talks
        // over them at the echo's own level (a prompt that cannot be interrupted). Once
        // they stop, the prompts' echo must again stay under the canceller's bound.
        let synthesizer = DiphoneSynthesizer(voice: Self.voice, lexicon: Self.lexicon)
        var played: [Float] = []
        for text in ["Please listen carefully, as our menu options have changed.", "Calls may be recorded for quality and training purposes.",
                     "For sales press one. For support press two.", "Please choose now, or stay on the line for an agent."] {
            played += try synthesizer.say(text, sampleRate: 8000).samples + [Float](repeating: 0, count: 2000)
        }
        played = Array(played.prefix(14 * 8000))
        let demo = try SoundFile.read(Self.root.appendingPathComponent("Audio/samples/caller-order-status.flac").path)
        let talk = demo.samples[0..<32000].map { $0 * 0.5 }
        let near = [Float](repeating: 0, count: 32000) + talk + talk + [Float](repeating: 0, count: played.count - 96000)
        let canceller = EchoCanceller()
        var overAfter = 0, echoAfter: Float = 0, leftAfter: Float = 0
        for k in 0..<(played.count / 80) {
            var frame = Array(near[(k * 80)..<(k * 80 + 80)])
            for i in 0..<80 where k * 80 + i >= 240 { frame[i] += 0.35 * played[k * 80 + i - 240] }
            let residual = canceller.cancel(frame)
            if k >= 1250 {   // 12.5 s on: the echo alone again
                overAfter += Self.energy(residual[...]) > canceller.residualEchoBound ? 1 : 0
                echoAfter += Self.energy(frame[...])
                leftAfter += Self.energy(residual[...])
            }
            canceller.played(Array(played[(k * 80)..<(k * 80 + 80)]))
        }
        #expect(overAfter <= 2, "\(overAfter) echo frames taken for the caller")
        #expect(leftAfter < echoAfter / 100, "echo left after the double talk: \(10 * log10(leftAfter / echoAfter)) dB")
    }

    @Test func aPromptWhoseStateSaysNoBargeInPlaysOutBeforeTheNextStateListens() throws {
        // A notice that cannot be interrupted, then the menu. A key and a spoken "one"
        // during the notice are ignored; a key during the menu stops it as usual.
        let notice = "Please listen carefully, as our menu options have changed."
        let flow = try FlowLoader.load(yaml: """
            flow: notice
            start: notice
            states:
              notice:
                prompt: "\(notice)"
                barge_in: false
                next: menu
              menu:
                prompt: "For sales press one. For support press two. Please choose now."
                menu:
                  - keys: "1"
                    goto: bye
                  - keys: "2"
                    goto: bye
              bye:
                prompt: "Goodbye."
                hangup: true
            """, file: "notice.yaml")
        let synthesizer = DiphoneSynthesizer(voice: Self.voice, lexicon: Self.lexicon)
        let noticeSamples = try synthesizer.say(notice, sampleRate: 8000).samples.count
        let demo = try SoundFile.read(Self.root.appendingPathComponent("Audio/samples/caller-order-status.flac").path)
        let tones = try DTMFGenerator()
        var caller = [Float](repeating: 0, count: 4000) + (try tones.tone("1", durationMs: 100))
        caller += demo.samples[16000..<32000]   // "one", about 1.5-2.5 s into the notice
        caller += [Float](repeating: 0, count: noticeSamples + 12000 - caller.count) + (try tones.tone("2", durationMs: 100))
        let session = try CallSession(flow: flow, resources: .init(acoustic: Self.acoustic, lexicon: Self.lexicon, synthesizer: synthesizer))
        session.start()
        _ = Self.run(session, caller)
        #expect(session.turns.count == 1 && session.turns.first?.heard == "2")
        #expect(session.bargeIns.count == 1 && (session.bargeIns.first?.heardAtMs ?? 0) >= noticeSamples / 8 + 1000)
    }

    static func energy(_ x: ArraySlice<Float>) -> Float { x.reduce(0) { $0 + $1 * $1 } / Float(max(1, x.count)) }

    @Test func aRecordedPromptIsPlayedAndAnUnreadableOneIsSaid() throws {
        let folder = NSTemporaryDirectory() + "recorded-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // One second of a 440 Hz tone at 16 kHz, as a voice talent's WAV might be.
        let tone = (0..<16000).map { 0.5 * Float(sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        try SoundFile.write(AudioBuffer(samples: tone, sampleRate: 16000), to: folder + "/hello.wav", codec: .pcm16)
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: folder + "/broken.wav"))
        func run(_ file: String) throws -> [Float] {
            let yaml = "flow: r\nstart: hi\nstates:\n  hi:\n    prompt: Hello there.\n    audio: \(file)\n    hangup: true\n"
            let session = try Self.session(yaml, folder: folder)
            session.start()
            return Self.run(session, [], seconds: 5)
        }
        let played = try run("hello.wav")
        // The recording, resampled to the 8 kHz line: a second of the tone, then the call ends.
        #expect(abs(Self.energy(played[800..<7200]) - 0.125) < 0.01, "\(Self.energy(played[800..<7200]))")
        #expect(played.count < 8000 * 2)
        // A file that is not audio: the prompt's text is said instead, not silence.
        let said = try run("broken.wav")
        #expect(said.count > 8000 / 2 && Self.energy(said[...]) > 1e-5)
        #expect(said != played)
    }

    @Test func aWebhookInTheBackgroundLetsThePromptBeforeItPlay() throws {
        let gate = DispatchSemaphore(value: 0)
        let session = try Self.session("""
            flow: w
            start: open
            states:
              open:
                prompt: "One moment while I open your ticket."
                webhook: {url: "http://127.0.0.1:9/tickets", into: ticket, ok: done, failed: sorry}
              done:
                prompt: "Your ticket is {ticket.id}."
                hangup: true
              sorry:
                prompt: "Sorry, that did not work."
                hangup: true
            """, webhook: { _, _, _ in _ = gate.wait(timeout: .now() + 5); return ["id": "42"] })
        session.webhooksInBackground = true
        session.start()
        // The backend has not answered yet: the call's audio goes on, and the prompt plays.
        var heard: [Float] = []
        for _ in 0..<150 { heard += session.process([Float](repeating: 0, count: 80)) }
        #expect(Self.energy(heard[...]) > 1e-5)
        #expect(session.prompts == ["One moment while I open your ticket."])
        gate.signal()
        for _ in 0..<3000 where !session.isFinished {
            _ = session.process([Float](repeating: 0, count: 80))
            if session.prompts.count == 1 { Thread.sleep(forTimeInterval: 0.001) }
        }
        #expect(session.prompts.last == "Your ticket is 42.")
        #expect(session.outcome == .hangup)
        // The backend's answer is a turn of the call, for the transcript and the call store.
        let turn = try #require(session.turns.last)
        #expect(turn.input == .webhook && turn.heard == #"{"id":"42"}"# && turn.state == "open")
        #expect(turn.interpretation == "webhook ok -> done" && turn.replies == ["Your ticket is 42."])
        #expect(turn.summary == #"backend: {"id":"42"}"#)
    }

    @Test func aMessageIsRecordedAfterTheToneAndKeptAlsoWhenTheCallerHangsUp() throws {
        let yaml = """
            flow: m
            start: message
            states:
              message:
                prompt: "Please leave a message after the tone."
                record: {slot: message, max_ms: 20000, next: thanks}
              thanks:
                prompt: "Thank you."
                hangup: true
            """
        let speech = try Resampler.resample(SoundFile.read(Self.root.appendingPathComponent("Audio/samples/digits-jackson-16k.flac").path),
                                            to: 8000).samples
        var kept: [(samples: Int, startMs: Int, endMs: Int)] = []
        let session = try Self.session(yaml)
        session.onMessage = { samples, startMs, endMs in kept.append((samples.count, startMs, endMs)); return "/tmp/message.wav" }
        session.start()
        var saved: [CallEvent] = []
        let out = Self.run(session, [Float](repeating: 0, count: 8000 * 5) + speech) { if case .messageSaved = $0 { saved.append($0) } }
        let message = try #require(kept.first)
        #expect(saved == [.messageSaved(reference: "/tmp/message.wav", startMs: message.startMs, endMs: message.endMs)])
        // It starts after the prompt and the tone, holds the speech and ends 2 s after it.
        let promptMs = 8000 * 5 / 8 / 2   // the prompt is over well before the caller's 5 s of silence end
        #expect(message.startMs > promptMs && message.startMs < 5000, "\(message)")
        #expect(message.samples == (message.endMs - message.startMs) * 8, "\(message)")
        #expect(message.endMs > 5000 + speech.count / 8 + 1500, "\(message)")
        #expect(session.prompts.last == "Thank you.")
        #expect(session.turns.last?.summary == "caller left a message: /tmp/message.wav")
        // The tone: 1 kHz at -13 dBFS, 400 ms, then the 250 ms pause after every prompt.
        let toneEnd = message.startMs * 8 - 2000
        #expect(abs(Self.energy(out[(toneEnd - 2800)..<(toneEnd - 400)]) - 0.045) < 0.005)
        #expect(Self.energy(out[toneEnd..<(toneEnd + 1900)]) < 1e-6)

        // A caller who hangs up while speaking still leaves the message.
        kept = []
        let leaving = try Self.session(yaml)
        leaving.onMessage = { samples, startMs, endMs in kept.append((samples.count, startMs, endMs)); return nil }
        leaving.start()
        _ = Self.run(leaving, [Float](repeating: 0, count: 8000 * 5) + speech.prefix(speech.count / 2), seconds: 5 + Double(speech.count / 2) / 8000)
        leaving.hangUp()
        #expect(kept.count == 1 && (kept.first?.samples ?? 0) > speech.count / 4, "\(kept)")
    }

    @Test func aFlowSpeaksInItsOwnVoice() throws {
        let yaml = "flow: v\nvoice: kal16\nstart: hi\nstates:\n  hi:\n    prompt: Hello there.\n    hangup: true\n"
        let session = try Self.session(yaml)
        session.start()
        let out = Self.run(session, [], seconds: 5)
        let kal16 = DiphoneSynthesizer(voice: try VoiceDatabase(path: VoiceDatabase.path(named: "kal16")), lexicon: Self.lexicon)
        let expected = try kal16.say("Hello there.", sampleRate: 8000).samples
        #expect(Array(out.prefix(expected.count)) == expected)
    }

    @Test func aKeyDuringThePromptStopsItAndChoosesTheOption() throws {
        let session = try Self.session()
        session.start()
        // One second into the (several seconds long) menu prompt, the caller presses 1.
        let caller = [Float](repeating: 0, count: 8000) + (try DTMFGenerator().tone("1", durationMs: 100))
        let out = Self.run(session, caller)
        #expect(session.outcome == .hangup)
        let turn = try #require(session.turns.first)
        #expect(turn.input == .dtmf && turn.heard == "1")
        #expect(turn.interpretation.contains("sales"))
        #expect(turn.replies == ["Sales it is. Goodbye."])
        // The menu prompt was cut within 100 ms of the key's end (the reply follows).
        #expect(turn.atMs < 1300)
        #expect(Self.energy(out[0..<8000]) > 1e-6)   // the prompt was playing before the key
        #expect(session.prompts.first?.hasPrefix("For sales") == true)
    }

    @Test func aClosingHashWhoseOnsetACodecSmearedIsNotSpeech() throws {
        // A three-digit code, then '#' as the reply starts. In a recording the codec can
        // smear the '#' tone's onset ahead of it (pre-echo): tens of ms of blurred tone the
        // voice detector hears before the key detector is sure. The '#' only closes the
        // code; it must not become a speech turn in the next state.
        let flow = try FlowLoader.load(yaml: """
            flow: code
            start: ask
            states:
              ask:
                prompt: "Key in your code."
                collect: { slot: code, type: digits, min_length: 3, max_length: 3 }
                next: more
              more:
                prompt: "Thank you. Your code is being checked, which takes a little while. Anything else?"
                collect: { slot: more, type: yesno }
                next: bye
              bye:
                prompt: "Goodbye."
                hangup: true
            """, file: "code.yaml")
        let session = try CallSession(flow: flow, resources: .init(acoustic: Self.acoustic, lexicon: Self.lexicon,
                                                                  synthesizer: DiphoneSynthesizer(voice: Self.voice, lexicon: Self.lexicon)))
        session.start()
        let dtmf = try DTMFGenerator()
        let gap = [Float](repeating: 0, count: 640)
        let hash = try dtmf.tone("#", durationMs: 80)
        let smear = hash.prefix(320).enumerated().map { 0.5 * $1 + Float(($0 * 7919) % 401 - 200) / 1000 }   // tone + noise
        var caller = [Float](repeating: 0, count: 16000)
        for key in "123" { caller += try dtmf.tone(key, durationMs: 80) + gap }
        caller += smear + hash
        _ = Self.run(session, caller, seconds: 6)
        let turns = session.turns
        #expect(turns.first?.input == .dtmf && turns.first?.heard == "123")
        #expect(turns.count == 1 || turns[1].input == .noInput, "\(turns.map { "\($0.input) \($0.heard)" })")
    }

    /// A call that asks for a `sensitive` secret of `secret.count` digits, then a menu key:
    /// the session, and a caller who keys `secret`, waits, and keys `menuKey`.
    static func secretThenMenuKey(secret: String, menuKey: Character) throws -> (session: CallSession, caller: [Float]) {
        let session = try Self.session("""
            flow: pay
            start: card
            states:
              card:
                prompt: "Key in your card number."
                collect: {slot: card, type: digits, min_length: \(secret.count), max_length: \(secret.count), sensitive: true}
                next: menu
              menu:
                prompt: "Press \(menuKey) to pay."
                menu:
                  - keys: "\(menuKey)"
                    goto: bye
              bye:
                prompt: "Thank you, the card {card} is charged."
                hangup: true
            """)
        let dtmf = try DTMFGenerator()
        var caller = [Float](repeating: 0, count: 24000)
        for key in secret { caller += try dtmf.tone(key, durationMs: 80) + [Float](repeating: 0, count: 640) }
        caller += [Float](repeating: 0, count: 40000) + (try dtmf.tone(menuKey, durationMs: 100)) + [Float](repeating: 0, count: 8000)
        return (session, caller)
    }

    @Test func aKeyedCardNumberIsMaskedInTheTurnAndSilencedInTheRecording() throws {
        let (session, caller) = try Self.secretThenMenuKey(secret: "4111111111111111", menuKey: "1")
        let (_, recorded) = session.run(caller: caller, lingerSeconds: 8)
        #expect(session.turns.map(\.heard) == ["****1111", "1"], "\(session.turns.map(\.heard))")
        #expect(session.turns.first?.interpretation == "card = ****1111")
        #expect(session.prompts.last == "Thank you, the card ending in 1 1 1 1 is charged.")
        // The caller's side as recorded holds the menu's key (for `hotline replay`), not the card's.
        let detector = DTMFDetector()
        let keys = detector.process(recorded) + detector.finish()
        let heard = keys.compactMap { if case .ended(let digit) = $0 { digit.key } else { nil } }
        #expect(heard == ["1"], "\(keys)")
        #expect(recorded.count >= caller.count)
    }

    @Test func eachFrameSaysWhatHappenedInIt() throws {
        // A key over the menu: the prompt stops when the key is pressed (a barge-in), the
        // turn comes when it is released, and the flow's hang-up follows from that turn.
        let session = try Self.session()
        session.start()
        let caller = [Float](repeating: 0, count: 8000) + (try DTMFGenerator().tone("1", durationMs: 100))
        var seen: [(ms: Int, event: CallEvent)] = []
        var i = 0
        while i < 8000 * 12, !session.isFinished {
            var frame = [Float](repeating: 0, count: 80)
            if i < caller.count { frame.replaceSubrange(0..<80, with: caller[i..<(i + 80)]) }
            _ = session.process(frame)
            seen += session.events.map { (session.nowMs, $0) }
            i += 80
        }
        let kinds = seen.map { entry -> String in
            switch entry.event {
            case .bargeIn: return "barge-in"
            case .turn(let turn): return "turn \(turn.heard)"
            case .ended(let outcome): return "ended \(outcome)"
            case .promptFinished: return "prompt finished"
            case .messageSaved(let reference, _, _): return "message \(reference)"
            }
        }
        #expect(kinds == ["barge-in", "turn 1", "ended hangup", "prompt finished"], "\(kinds)")
        #expect(seen[0].ms < seen[1].ms, "the prompt stops at the key's press, the turn at its release")
        #expect(session.outcome == .hangup)
    }

    @Test func silenceGivesNoInputThenTheReprompt() throws {
        let session = try Self.session()
        session.start()
        _ = Self.run(session, [], seconds: 14)
        let turns = session.turns
        #expect(turns.count >= 2)
        #expect(turns.allSatisfy { $0.input == .noInput })
        #expect(turns.first?.replies == ["Please press one or two."])
        // The no-input timer starts when the prompt ends, not when it starts.
        #expect(turns[0].atMs > 3000)
    }

    @Test func aCollectWithAnInlineGrammarHearsItsWordsInACall() throws {
        // The state's grammar text travels compiled with the listen request; before, it was
        // turned into "grammar SPEC" and read again as a file path, so every turn was a no-match
        // (there was no recognizer at all; the threshold is off so that only that is tested).
        let yaml = """
            flow: size
            start: size
            settings:
              min_confidence: 0
            states:
              size:
                prompt: "Small or large?"
                collect: {slot: size, type: grammar, grammar: "public $s = small {small} | large {large} ;"}
                next: done
              done:
                prompt: "Okay."
                hangup: true
            """
        let said = try DiphoneSynthesizer(voice: Self.voice, lexicon: Self.lexicon).say("large", sampleRate: 8000).samples
        let session = try Self.session(yaml)
        _ = session.run(caller: [Float](repeating: 0, count: 16000) + said, lingerSeconds: 10)
        #expect(session.turns.first?.input == .speech)
        #expect(session.turns.first?.heard == "large")
        #expect(session.turns.first?.expecting == "grammar public $s = small {small} | large {large} ;")
    }

    @Test func aStateWithNoPhraseThatCanBeHeardStillListens() throws {
        // Its only phrase has a word with no pronunciation: the call waits for the caller
        // (no-input here) instead of a no-match before anyone spoke.
        let session = try Self.session(Self.flow.replacingOccurrences(of: "keys: \"1\"\n        say: [sales]", with: "say: [日本]")
            .replacingOccurrences(of: "keys: \"2\"\n        say: [support]", with: "say: [中文]"))
        session.start()
        _ = Self.run(session, [], seconds: 10)
        #expect(session.turns.first?.input == .noInput)
        #expect(session.turns.first?.replies == ["Please press one or two."])
    }

    @Test func aBusyToneFromTheExchangeEndsTheCall() throws {
        let session = try Self.session()
        session.start()
        // Two seconds into the prompt the caller hangs up: the exchange sends busy
        // (480 + 620 Hz, 0.5 s on, 0.5 s off).
        var busy: [Float] = []
        for _ in 0..<4 {
            busy += (0..<4000).map { i in
                let t = Float(i) / 8000
                return 0.1 * (sin(2 * .pi * 480 * t) + sin(2 * .pi * 620 * t))
            }
            busy += [Float](repeating: 0, count: 4000)
        }
        _ = Self.run(session, [Float](repeating: 0, count: 16000) + busy)
        #expect(session.outcome == .callerHungUp)
        #expect(session.nowMs < 6000)
        #expect(session.turns.isEmpty)
    }
}
