import Foundation
import HotlineASR
import HotlineCore
import HotlineDialogue
import HotlineNN
import HotlineTTS

extension CallSession {
    /// What every call shares, loaded once: the acoustic model, the lexicon with its
    /// general English word and pair counts, the voice and the audio of prompts already spoken.
    public struct Resources: Sendable {
        public let acoustic: AcousticModel
        public let lexicon: Lexicon
        /// How often words and pairs of words occur in general English (for free-text answers), from
        /// `background-words.counts` beside the first lexicon file; empty without one.
        public let background: LanguageModel.Background
        public let synthesizer: DiphoneSynthesizer
        public let prompts = PromptCache()
        private let namedVoices = NamedVoices()

        /// Loads the files (paths as the CLI and the daemon take them).
        public init(model: String, voice: String, lexicon: [String]) throws {
            let words = try Lexicon(paths: lexicon)
            let counts = lexicon.first.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent(Self.backgroundFile).path }
            self.init(acoustic: try AcousticModel(contentsOf: URL(fileURLWithPath: model)), lexicon: words,
                      synthesizer: DiphoneSynthesizer(voice: try VoiceDatabase(path: voice), lexicon: words),
                      background: try counts.flatMap { FileManager.default.fileExists(atPath: $0) ? try LanguageModel.counts(contentsOf: $0) : nil } ?? [:])
        }

        /// The file of general English word and pair counts, beside the lexicon.
        public static let backgroundFile = "background-words.counts"

        /// Wraps what is already loaded.
        public init(acoustic: AcousticModel, lexicon: Lexicon, synthesizer: DiphoneSynthesizer, background: LanguageModel.Background = [:]) {
            self.acoustic = acoustic
            self.lexicon = lexicon
            self.synthesizer = synthesizer
            self.background = background
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
