/// When the caller started and stopped talking, as a dialogue needs it.
///
/// A pure state machine over VAD frames, with VoiceXML's timing properties:
/// - `noInputTimeoutMs`: no speech this long after listening starts -> `.noInput`;
/// - `completeTimeoutMs`: silence this long after speech ends the turn when the
///   recognizer says what was heard already matches (`hypothesisComplete`);
/// - `incompleteTimeoutMs`: the silence that ends the turn otherwise;
/// - `maxSpeechMs`: speech this long is cut off -> `.maxSpeech`;
/// - `minSpeechMs`: shorter bursts (a cough, a click) are not speech;
/// - barge-in: while a prompt plays, speech lasting `bargeInConfirmMs` -> `.bargeIn`
///   (then the caller's turn runs as usual, the prompt should stop).
///
/// Before speech is confirmed, a frame can be `masked`: voice the prompt's echo may account
/// for. Such frames neither count as speech nor break a run of it, for up to
/// `maskedGapMs` after its last speech frame, so a soft caller whose syllables the echo
/// hides in part still adds up to speech.
public struct Endpointer: Sendable {
    /// Timing settings, milliseconds.
    public struct Settings: Sendable, Equatable, Codable {
        /// Silence after listening starts that counts as no input.
        public var noInputTimeoutMs = 5000
        /// Silence after speech that ends a turn whose hypothesis already matches.
        public var completeTimeoutMs = 700
        /// Silence after speech that ends a turn otherwise.
        public var incompleteTimeoutMs = 1500
        /// Longest turn.
        public var maxSpeechMs = 20000
        /// Shortest speech that counts.
        public var minSpeechMs = 120
        /// Speech during a prompt that confirms a barge-in.
        public var bargeInConfirmMs = 80
        /// Whether speech during a prompt interrupts it.
        public var bargeIn = true
        /// Longest stretch of masked frames a run of speech survives before it is confirmed.
        public var maskedGapMs = 100

        /// VoiceXML-like defaults.
        public init() {}
    }

    /// What happened.
    public enum Event: Sendable, Equatable {
        /// Confirmed speech began at `startMs`.
        case speechStarted(startMs: Int)
        /// Speech during a prompt: stop the prompt.
        case bargeIn(startMs: Int)
        /// The turn ended: speech from `startMs` to `endMs`; `complete` tells which timeout ended it.
        case speechEnded(startMs: Int, endMs: Int, complete: Bool)
        /// Nobody spoke within the no-input timeout.
        case noInput(atMs: Int)
        /// The caller spoke longer than `maxSpeechMs`.
        case maxSpeech(startMs: Int, endMs: Int)
    }

    /// Settings in use.
    public let settings: Settings
    /// Set by the recognizer: what was heard so far already matches the grammar.
    public var hypothesisComplete = false

    private enum State: Equatable {
        case prompting          // a prompt plays; listening for barge-in only
        case waiting(sinceMs: Int)
        case speaking(startMs: Int, lastSpeechMs: Int)
        case done
    }

    private var state: State
    /// Start of the current run of speech frames (masked frames included), if any; how
    /// much of it is speech; and where its last speech frame ended.
    private var runStartMs: Int?
    private var runSpeechMs = 0
    private var runLastSpeechMs = 0
    private var reportedBargeIn = false

    /// An endpointer that starts listening at `startMs`, or after `promptEnded` when a
    /// prompt is playing.
    public init(settings: Settings = Settings(), promptPlaying: Bool = false, startMs: Int = 0) {
        self.settings = settings
        state = promptPlaying ? .prompting : .waiting(sinceMs: startMs)
    }

    /// The prompt finished at `ms`: the no-input timer starts.
    public mutating func promptEnded(atMs ms: Int) {
        if state == .prompting { state = .waiting(sinceMs: ms) }
    }

    /// Whether the turn is over (an end, no-input or max-speech event was sent).
    public var isFinished: Bool { state == .done }

    /// Feeds one VAD frame: speech or not, over [`startMs`, `startMs + durationMs`); a frame
    /// that is not speech may be `masked` (see the type's notes).
    public mutating func add(isSpeech: Bool, masked: Bool = false, startMs: Int, durationMs: Int = 10) -> [Event] {
        let endMs = startMs + durationMs
        var events: [Event] = []
        switch state {
        case .done:
            return []
        case .prompting, .waiting:
            if isSpeech {
                let start = runStartMs ?? startMs
                runStartMs = start
                runSpeechMs += durationMs
                runLastSpeechMs = endMs
                if state == .prompting {
                    if settings.bargeIn, !reportedBargeIn, runSpeechMs >= settings.bargeInConfirmMs {
                        reportedBargeIn = true
                        events.append(.bargeIn(startMs: start))
                        state = .speaking(startMs: start, lastSpeechMs: endMs)
                        events.append(.speechStarted(startMs: start))
                    }
                } else if runSpeechMs >= settings.minSpeechMs {
                    state = .speaking(startMs: start, lastSpeechMs: endMs)
                    events.append(.speechStarted(startMs: start))
                }
            } else if masked, runStartMs != nil, endMs - runLastSpeechMs <= settings.maskedGapMs {
                break
            } else {
                runStartMs = nil
                runSpeechMs = 0
                if case .waiting(let since) = state, endMs - since >= settings.noInputTimeoutMs {
                    state = .done
                    events.append(.noInput(atMs: endMs))
                }
            }
        case .speaking(let start, let lastSpeech):
            if isSpeech {
                state = .speaking(startMs: start, lastSpeechMs: endMs)
                if endMs - start >= settings.maxSpeechMs {
                    state = .done
                    events.append(.maxSpeech(startMs: start, endMs: endMs))
                }
            } else {
                let timeout = hypothesisComplete ? settings.completeTimeoutMs : settings.incompleteTimeoutMs
                if endMs - lastSpeech >= timeout {
                    state = .done
                    events.append(.speechEnded(startMs: start, endMs: lastSpeech, complete: hypothesisComplete))
                }
            }
        }
        return events
    }
}
