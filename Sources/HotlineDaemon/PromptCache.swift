import Foundation
import HotlineDialogue
import HotlineTTS

/// Line-rate audio of prompts already synthesised, shared by every call: a prompt is
/// synthesised once, then every call that says it again plays the cached samples. Fixed
/// prompts of a flow are rendered when the flow loads (`warm`), so no caller waits for
/// them; prompts with values filled in are cached as they are said, the oldest dropped
/// beyond `capacitySamples`.
public final class PromptCache: @unchecked Sendable {
    private let lock = NSLock()
    private var audio: [String: [Float]] = [:]
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

    /// The audio of `text` at `sampleRate`, synthesised on first use; nil when the text
    /// cannot be spoken.
    public func audio(for text: String, synthesizer: DiphoneSynthesizer, sampleRate: Int) -> [Float]? {
        let key = "\(sampleRate):\(text)"
        if let cached = lock.withLock({ audio[key] }) { return cached }
        guard let made = try? synthesizer.say(text, sampleRate: sampleRate).samples else { return nil }
        lock.withLock {
            guard audio[key] == nil else { return }
            audio[key] = made
            order.append(key)
            samples += made.count
            while samples > capacitySamples, order.count > 1 {
                samples -= audio.removeValue(forKey: order.removeFirst())?.count ?? 0
            }
        }
        return made
    }

    /// Synthesises every fixed prompt of `flow` (those without `{values}`) ahead of calls.
    public func warm(_ flow: Flow, synthesizer: DiphoneSynthesizer, sampleRate: Int) {
        for text in Self.fixedPrompts(of: flow) { _ = audio(for: text, synthesizer: synthesizer, sampleRate: sampleRate) }
    }

    /// The prompts of `flow` that read the same on every call.
    static func fixedPrompts(of flow: Flow) -> [String] {
        var texts: [String] = []
        for name in flow.states.keys.sorted() {
            let state = flow.states[name]!
            texts += [state.prompt].compactMap { $0 } + state.noInputPrompts + state.noMatchPrompts
            if case .form(let form) = state.input { texts += form.fields.map(\.prompt) + [form.confirm].compactMap { $0 } }
        }
        for handler in flow.globals { if case .help(let text) = handler.action { texts.append(text) } }
        return texts.filter { !$0.contains("{") && !$0.isEmpty }
    }
}
