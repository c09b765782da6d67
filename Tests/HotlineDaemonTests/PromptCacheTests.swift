import Foundation
import HotlineAudio
import HotlineCore
import HotlineDaemon
import HotlineDialogue
import HotlineTTS
import Testing

@Suite struct PromptCacheTests {
    static let synthesizer = DiphoneSynthesizer(voice: CallSessionTests.voice, lexicon: CallSessionTests.lexicon)

    /// Reads a stream to its end.
    static func drain(_ stream: PromptStream) -> [Float] {
        var all: [Float] = []
        while let chunk = stream.next() { all += chunk }
        return all
    }

    @Test func aStreamedPromptIsTheWholePromptAndIsCachedAfterwards() throws {
        let cache = PromptCache()
        let text = "Your order 4 5 6 ships on Friday."
        let whole = try Self.synthesizer.say(text, sampleRate: 8000).samples
        let streamed = Self.drain(cache.stream(for: text, synthesizer: Self.synthesizer, sampleRate: 8000))
        #expect(streamed == whole)
        // The background thread stores it once it has finished.
        for _ in 0..<200 where cache.count == 0 { Thread.sleep(forTimeInterval: 0.01) }
        #expect(cache.count == 1)
        #expect(Self.drain(cache.stream(for: text, synthesizer: Self.synthesizer, sampleRate: 8000)) == whole)
    }

    @Test func anSSMLPromptIsSpokenAsSSMLAndABrokenOneAsPlainText() throws {
        let cache = PromptCache()
        let ssml = "<speak>Your code is <say-as interpret-as=\"characters\">ab12</say-as>.</speak>"
        #expect(Self.drain(cache.stream(for: ssml, synthesizer: Self.synthesizer, sampleRate: 8000))
                == (try Self.synthesizer.say(ssml, ssml: true, sampleRate: 8000).samples))
        let broken = "<speak>Your code is <say-as interpret-as=\"characters\">ab12.</speak>"
        #expect(Self.drain(cache.stream(for: broken, synthesizer: Self.synthesizer, sampleRate: 8000))
                == (try Self.synthesizer.say("Your code is ab12.", sampleRate: 8000).samples))
    }

    @Test func aRecordedPromptIsReadAgainWhenTheFileChanges() throws {
        let path = NSTemporaryDirectory() + "prompt-\(UUID().uuidString).wav"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let cache = PromptCache()
        try SoundFile.write(AudioBuffer(samples: [Float](repeating: 0.1, count: 800), sampleRate: 8000), to: path, codec: .pcm16)
        #expect(cache.recording(path, sampleRate: 8000)?.count == 800)
        // Re-recorded (a later modification time): the new file plays, not the cached one.
        try SoundFile.write(AudioBuffer(samples: [Float](repeating: 0.1, count: 1600), sampleRate: 8000), to: path, codec: .pcm16)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: path)
        #expect(cache.recording(path, sampleRate: 8000)?.count == 1600)
    }

    @Test func aFlowsFixedPromptsAreReadyBeforeAnyCall() throws {
        let cache = PromptCache()
        let flow = try FlowLoader.load(yaml: CallSessionTests.flow, file: "test.yaml")
        cache.warm(flow, synthesizer: Self.synthesizer, sampleRate: 8000)
        #expect(cache.count == 4)   // the menu, its noinput prompt, sales and bye
    }

    @Test func theOldestPromptsMakeRoomBeyondTheCapacity() {
        let cache = PromptCache(capacitySamples: 8000 * 3)
        for text in ["One moment please.", "Thank you for waiting.", "Your call is important to us."] {
            _ = Self.drain(cache.stream(for: text, synthesizer: Self.synthesizer, sampleRate: 8000))
        }
        for _ in 0..<200 where cache.count < 2 { Thread.sleep(forTimeInterval: 0.01) }
        #expect(cache.count >= 1 && cache.count < 3)
    }
}
