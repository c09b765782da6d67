import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP
import HotlineDialogue
import HotlineTTS

/// Line-rate audio of prompts, shared by every call: a prompt is synthesised once, then
/// every call that says it again plays the cached samples. Fixed prompts of a flow, and its
/// recorded prompts (`audio:` files), are ready when the flow loads (`warm`), so no caller
/// waits for them; prompts with values filled in are synthesised in the background as they
/// are said, streamed to the call chunk by chunk, then cached, the oldest synthesised ones
/// dropped beyond `capacitySamples` (recorded prompts stay).
public final class PromptCache: @unchecked Sendable {
    private let lock = NSLock()
    private var audio: [String: [Float]] = [:]
    /// Recorded prompts by file and rate, never dropped: a flow has few, and reading one
    /// again would hold up a call's audio.
    private var recordings: [String: [Float]] = [:]
    private var order: [String] = []
    private var samples = 0
    /// The most samples kept (default: 30 minutes of 8 kHz audio, 57.6 MB).
    public let capacitySamples: Int

    /// An empty cache.
    public init(capacitySamples: Int = 8000 * 60 * 30) {
        self.capacitySamples = capacitySamples
    }

    /// Prompts held now.
    public var count: Int { lock.withLock { audio.count } }

    /// The audio of `text` at `sampleRate`: the cached samples, or a stream the synthesizer
    /// fills from a background thread (diphone by diphone, resampled to the line) so the
    /// call can start playing at once.
    public func stream(for text: String, synthesizer: DiphoneSynthesizer, sampleRate: Int) -> PromptStream {
        let key = Self.key(text, synthesizer, sampleRate)
        if let cached = lock.withLock({ audio[key] }) { return PromptStream(ready: cached) }
        let stream = PromptStream()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let made = render(text, synthesizer: synthesizer, sampleRate: sampleRate, into: stream)
            stream.finish()
            if let made { store(made, for: key) }
        }
        return stream
    }

    /// The audio of `text`, synthesised now unless cached; nil when it cannot be spoken.
    func audio(for text: String, synthesizer: DiphoneSynthesizer, sampleRate: Int) -> [Float]? {
        let key = Self.key(text, synthesizer, sampleRate)
        if let cached = lock.withLock({ audio[key] }) { return cached }
        guard let made = render(text, synthesizer: synthesizer, sampleRate: sampleRate, into: nil) else { return nil }
        store(made, for: key)
        return made
    }

    /// The recorded prompt in the sound file at `path`, mono at `sampleRate`: read once (and
    /// again when the file changes: an admin re-recorded it), then cached; nil when the file
    /// cannot be read as audio (the call then says the prompt's text).
    public func recording(_ path: String, sampleRate: Int) -> [Float]? {
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        let key = "\(sampleRate):\(modified?.timeIntervalSince1970 ?? 0):\(path)"
        if let cached = lock.withLock({ recordings[key] }) { return cached }
        guard let read = try? SoundFile.read(path), let made = try? Resampler.resample(read, to: sampleRate).samples else { return nil }
        lock.withLock { recordings[key] = made }
        return made
    }

    /// Synthesises `text` at `sampleRate`, passing each chunk to `stream` as it comes.
    private func render(_ text: String, synthesizer: DiphoneSynthesizer, sampleRate: Int, into stream: PromptStream?) -> [Float]? {
        var resampler: Resampler?
        if sampleRate != synthesizer.voice.sampleRate {
            guard let made = try? Resampler(from: synthesizer.voice.sampleRate, to: sampleRate) else { return nil }
            resampler = made
        }
        var all: [Float] = []
        let started = DispatchTime.now()
        func emit(_ chunk: [Float]) {
            guard !chunk.isEmpty else { return }
            if all.isEmpty, stream != nil {   // a caller waits for this prompt: how long until it can start
                DaemonMetrics.synthesisStarted(nanoseconds: DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds)
            }
            all += chunk
            stream?.append(chunk)
        }
        // SSML that the values filled in broke (the flow's own is checked at load) is read as plain text.
        let tokens = (try? SSML.prompt(text)) ?? TextNormalizer.normalize(SSML.displayText(text))
        synthesizer.synthesize(tokens) { emit(resampler?.process($0) ?? $0) }
        if let resampler { emit(resampler.flush()) }
        return all
    }

    private func store(_ made: [Float], for key: String) {
        lock.withLock {
            guard audio[key] == nil else { return }
            audio[key] = made
            order.append(key)
            samples += made.count
            while samples > capacitySamples, order.count > 1 {
                samples -= audio.removeValue(forKey: order.removeFirst())?.count ?? 0
            }
        }
    }

    /// Synthesises every fixed prompt of `flow` (those without `{values}`) and reads its
    /// recorded prompts, ahead of calls.
    public func warm(_ flow: Flow, synthesizer: DiphoneSynthesizer, sampleRate: Int) {
        for text in Self.fixedPrompts(of: flow) { _ = audio(for: text, synthesizer: synthesizer, sampleRate: sampleRate) }
        for path in Self.recordedPrompts(of: flow) { _ = recording(path, sampleRate: sampleRate) }
    }

    /// The sound files of `flow`'s recorded prompts.
    static func recordedPrompts(of flow: Flow) -> [String] {
        Set(flow.states.values.compactMap(\.audio)).sorted()
    }

    /// One line per recorded prompt of `flow` that cannot be read as audio.
    static func recordingErrors(of flow: Flow) -> [String] {
        recordedPrompts(of: flow).compactMap { path in
            do { _ = try SoundFile.info(path); return nil } catch { return "prompt audio: \(error); the prompt's text is said instead" }
        }
    }

    /// A synthesised prompt's cache key: its text, in its voice, at its rate.
    private static func key(_ text: String, _ synthesizer: DiphoneSynthesizer, _ sampleRate: Int) -> String {
        "\(sampleRate):\(ObjectIdentifier(synthesizer).hashValue):\(text)"
    }

    /// The prompts of `flow` that read the same on every call.
    static func fixedPrompts(of flow: Flow) -> [String] {
        flow.promptTexts.filter { !$0.contains("{") }
    }

    /// `flow`'s prompts with their `{slot}` placeholders blanked out (as many spaces, so
    /// that SSML errors name the prompt's own character offsets).
    static func promptsWithoutSlots(of flow: Flow) -> [String] {
        flow.promptTexts.map { text in
            var out = "", inSlot = false
            for c in text {
                if c == "{" { inSlot = true }
                out.append(inSlot ? " " : c)
                if c == "}" { inSlot = false }
            }
            return out
        }
    }

    /// The words of `flow`'s prompts (outside `{slot}` placeholders) that `lexicon` lacks.
    static func guessedWords(of flow: Flow, lexicon: Lexicon) -> [GuessedWord] {
        var seen: Set<String> = []
        return promptsWithoutSlots(of: flow).flatMap { ((try? SSML.prompt($0)) ?? []).guessedWords(lexicon) }
            .filter { seen.insert($0.word).inserted }
    }

    /// One line per SSML prompt of `flow` that does not parse: the prompt's start and the error.
    static func ssmlErrors(of flow: Flow) -> [String] {
        promptsWithoutSlots(of: flow).filter(SSML.isSSML).compactMap { text in   // plain text always reads
            do { _ = try SSML.parse(text); return nil } catch {
                let start = text.trimmingCharacters(in: .whitespacesAndNewlines)
                return "prompt \"\(start.prefix(40))\(start.count > 40 ? "..." : "")\": \(error)"
            }
        }
    }
}

/// One prompt's audio on its way to a call: chunks appended by the synthesizer's thread,
/// taken in order by the call's.
public final class PromptStream: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[Float]] = []
    private var finished = false
    private var cancelled = false

    /// A prompt still being synthesised.
    init() {}

    /// A prompt whose audio is all there.
    init(ready samples: [Float]) {
        chunks = [samples]
        finished = true
    }

    /// Adds synthesised samples (dropped once the call stopped the prompt).
    func append(_ samples: [Float]) {
        condition.withLock {
            guard !cancelled else { return }
            chunks.append(samples)
            condition.signal()
        }
    }

    /// No more samples will come.
    func finish() {
        condition.withLock {
            finished = true
            condition.signal()
        }
    }

    /// The call no longer wants the rest (the caller barged in).
    func cancel() {
        condition.withLock {
            cancelled = true
            chunks.removeAll()
        }
    }

    /// The next chunk, waiting for the synthesizer if it has not produced it yet; nil at
    /// the end of the prompt.
    public func next() -> [Float]? {
        condition.withLock {
            while chunks.isEmpty, !finished { condition.wait() }
            return chunks.isEmpty ? nil : chunks.removeFirst()
        }
    }
}
