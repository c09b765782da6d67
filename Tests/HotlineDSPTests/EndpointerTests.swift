import HotlineDSP
import Testing

@Suite struct EndpointerTests {
    /// Feeds 10 ms frames from a pattern: "s" speech, "." silence, "m" masked (voice the
    /// prompt's echo may account for).
    static func run(_ endpointer: inout Endpointer, _ pattern: String, fromMs start: Int = 0) -> [Endpointer.Event] {
        var events: [Endpointer.Event] = []
        for (i, c) in pattern.enumerated() {
            events += endpointer.add(isSpeech: c == "s", masked: c == "m", startMs: start + 10 * i)
        }
        return events
    }

    static func pattern(silenceMs: Int = 0, speechMs: Int = 0, thenSilenceMs: Int = 0) -> String {
        String(repeating: ".", count: silenceMs / 10) + String(repeating: "s", count: speechMs / 10)
            + String(repeating: ".", count: thenSilenceMs / 10)
    }

    @Test func silenceUntilTheTimeoutIsNoInput() {
        var e = Endpointer()
        let events = Self.run(&e, Self.pattern(silenceMs: 6000))
        #expect(events == [.noInput(atMs: 5000)])
        #expect(e.isFinished)
    }

    @Test func aTurnEndsAfterTheIncompleteTimeout() {
        var e = Endpointer()
        let events = Self.run(&e, Self.pattern(silenceMs: 500, speechMs: 800, thenSilenceMs: 2000))
        #expect(events == [.speechStarted(startMs: 500), .speechEnded(startMs: 500, endMs: 1300, complete: false)])
    }

    @Test func aMatchingHypothesisEndsTheTurnSooner() {
        var e = Endpointer()
        var events = Self.run(&e, Self.pattern(silenceMs: 500, speechMs: 800))
        e.hypothesisComplete = true
        events += Self.run(&e, Self.pattern(silenceMs: 800), fromMs: 1300)
        #expect(events == [.speechStarted(startMs: 500), .speechEnded(startMs: 500, endMs: 1300, complete: true)])
        // 800 ms of silence would not reach the 1500 ms incomplete timeout.
    }

    @Test func pausesShorterThanTheTimeoutDoNotEndTheTurn() {
        var e = Endpointer()
        let events = Self.run(&e, Self.pattern(speechMs: 500) + Self.pattern(silenceMs: 1000, speechMs: 500) + Self.pattern(silenceMs: 1600))
        #expect(events == [.speechStarted(startMs: 0), .speechEnded(startMs: 0, endMs: 2000, complete: false)])
    }

    @Test func clicksShorterThanMinimumSpeechAreIgnored() {
        var e = Endpointer()
        let events = Self.run(&e, ".....sss......ss....." + Self.pattern(silenceMs: 5000))
        #expect(events == [.noInput(atMs: 5000)])
    }

    @Test func longSpeechIsCutAtTheMaximum() {
        var settings = Endpointer.Settings()
        settings.maxSpeechMs = 3000
        var e = Endpointer(settings: settings)
        let events = Self.run(&e, Self.pattern(silenceMs: 100, speechMs: 5000))
        #expect(events == [.speechStarted(startMs: 100), .maxSpeech(startMs: 100, endMs: 3100)])
    }

    @Test func speechDuringAPromptIsABargeInAfterConfirmation() {
        var e = Endpointer(promptPlaying: true)
        // 70 ms of speech is not enough; 80 ms is.
        var events = Self.run(&e, "....sssssss......")
        #expect(events.isEmpty)
        events = Self.run(&e, "ssssssss", fromMs: 200)
        #expect(events == [.bargeIn(startMs: 200), .speechStarted(startMs: 200)])
    }

    @Test func speechPartlyMaskedByTheEchoStillAddsUpToABargeIn() {
        // 40 ms of speech, 60 ms the echo hides, 40 ms more: 80 ms of speech from 0 ms.
        var e = Endpointer(promptPlaying: true)
        #expect(Self.run(&e, "ssssmmmmmmssss") == [.bargeIn(startMs: 0), .speechStarted(startMs: 0)])
        // Masked frames alone are nothing, and a mask longer than 100 ms, or a silent
        // frame, ends the run.
        e = Endpointer(promptPlaying: true)
        #expect(Self.run(&e, String(repeating: "m", count: 50)).isEmpty)
        #expect(Self.run(&e, "ssss" + String(repeating: "m", count: 11) + "ssss", fromMs: 500).isEmpty)
        #expect(Self.run(&e, ".ssss.ssss", fromMs: 700).isEmpty)
    }

    @Test func noInputTimerStartsWhenThePromptEnds() {
        var e = Endpointer(promptPlaying: true)
        #expect(Self.run(&e, Self.pattern(silenceMs: 8000)).isEmpty)   // the prompt is long
        e.promptEnded(atMs: 8000)
        #expect(Self.run(&e, Self.pattern(silenceMs: 5000), fromMs: 8000) == [.noInput(atMs: 13000)])
    }

    @Test func bargeInCanBeTurnedOff() {
        var settings = Endpointer.Settings()
        settings.bargeIn = false
        var e = Endpointer(settings: settings, promptPlaying: true)
        #expect(Self.run(&e, Self.pattern(speechMs: 1000)).isEmpty)
    }
}
