import Foundation
import HotlineASR
import HotlineCore
import HotlineDialogue
import HotlineNN
import HotlineTTS

extension CallSession {
    /// What every call shares, loaded once: the acoustic model, the lexicon, the voice and
    /// the audio of prompts already spoken.
    public struct Resources: Sendable {
        public let acoustic: AcousticModel
        public let lexicon: Lexicon
        public let synthesizer: DiphoneSynthesizer
        public let prompts = PromptCache()
        private let namedVoices = NamedVoices()

        /// Loads the files (paths as the CLI and the daemon take them).
        public init(model: String, voice: String, lexicon: [String]) throws {
            let words = try Lexicon(paths: lexicon)
            self.init(acoustic: try AcousticModel(contentsOf: URL(fileURLWithPath: model)), lexicon: words,
                      synthesizer: DiphoneSynthesizer(voice: try VoiceDatabase(path: voice), lexicon: words))
        }

        /// Wraps what is already loaded.
        public init(acoustic: AcousticModel, lexicon: Lexicon, synthesizer: DiphoneSynthesizer) {
            self.acoustic = acoustic
            self.lexicon = lexicon
            self.synthesizer = synthesizer
        }

        /// The synthesizer `flow` speaks with: its own `voice:` (loaded once), or the default.
        public func synthesizer(for flow: Flow) throws -> DiphoneSynthesizer {
            guard let name = flow.voice else { return synthesizer }
            return try namedVoices.synthesizer(name, lexicon: lexicon)
        }
    }

    /// Voices flows ask for by name, loaded on first use and shared by every call.
    final class NamedVoices: @unchecked Sendable {
        private let lock = NSLock()
        private var loaded: [String: DiphoneSynthesizer] = [:]

        func synthesizer(_ name: String, lexicon: Lexicon) throws -> DiphoneSynthesizer {
            try lock.withLock {
                if let known = loaded[name] { return known }
                let made = DiphoneSynthesizer(voice: try VoiceDatabase(path: VoiceDatabase.path(named: name)), lexicon: lexicon)
                loaded[name] = made
                return made
            }
        }
    }
}
