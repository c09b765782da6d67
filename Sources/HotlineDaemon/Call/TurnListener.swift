import Foundation
import HotlineASR
import HotlineCore
import HotlineDSP
import HotlineDialogue
import HotlineNN
import HotlineStore

/// Hears the caller's answer to the state that listens: the endpointer finds where their
/// speech begins and ends, the recognizer decodes it against the state's grammar (from a
/// second before it began), and keys make digit strings; what they add up to is one
/// dialogue event and the turn record the call keeps.
final class TurnListener {
    /// Audio before speech starts that the recognizer hears (1 s): the acoustic model and
    /// search sleep through the silence of a listen until the endpointer hears speech.
    static let leadInFrames = 100
    /// Frames of the lead-in the recognizer catches up on per frame, besides the new one:
    /// the lead-in's cost is spread over 200 ms instead of landing in one 10 ms frame.
    static let catchUpFrames = 5
    /// Keys pressed further apart than this end a digit string (ms).
    static let interDigitTimeoutMs = 3000

    /// What the call session is told.
    enum Event {
        /// The caller's speech or key interrupts the prompt; it began at `fromMs` (call time).
        case bargeIn(fromMs: Int)
        /// The listen is over: what the flow hears, the turn as the call keeps it (the
        /// flow's part still to fill in), and when the answer was complete (where the
        /// reply latency counts from).
        case answered(DialogueEvent, TurnRecord, completedAt: DispatchTime)
    }

    private struct Listening {
        var request: ListenRequest
        /// The state's recognizer, perhaps still being made.
        let slot: RecognizerSlot
        /// None when no phrase of the state can be heard (every one has a word with no
        /// pronunciation, which `hotlined` logs at start): speech is then a no-match, keys
        /// still work. Waits for the recognizer if it is still being made.
        var recognizer: Recognizer? { slot.recognizer }
        var endpointer: Endpointer
        var keys = ""
        var lastKeyMs = 0
        var speechStartMs: Int?
        /// Before speech: the last `leadInFrames` frames heard.
        var leadIn = RecentAudio(capacity: TurnListener.leadInFrames * CallSession.frameSamples)
        /// Once the endpointer hears speech begin: audio the recognizer has still to catch up on.
        var backlog: [Float] = []
        var feeding = false
    }

    private let flow: Flow
    private let acoustic: AcousticModel
    private let lexicon: Lexicon
    /// General English word and pair counts for free-text answers.
    private let background: LanguageModel.Background
    private var listening: Listening?
    /// Per state and expectation, made on its first listen (none: nothing can be heard).
    private var recognizers: [String: RecognizerSlot] = [:]
    /// When a digit string ended at its longest length (a '#' just after it closes it).
    private var digitStringEndMs: Int?

    init(flow: Flow, acoustic: AcousticModel, lexicon: Lexicon, background: LanguageModel.Background) {
        self.flow = flow
        self.acoustic = acoustic
        self.lexicon = lexicon
        self.background = background
    }

    /// What the state listening now expects; nil when none listens.
    var request: ListenRequest? { listening?.request }

    /// Starts listening for `request` at `nowMs`; the no-input timer waits for the prompt
    /// when one plays.
    func listen(_ request: ListenRequest, promptPlaying: Bool, nowMs: Int) {
        let key = request.state + "\u{1}" + request.expecting
        if recognizers[key] == nil {
            // The flow's `min_confidence` is the recognizer's rejection threshold too.
            var settings = Recognizer.Options()
            settings.rejectionThreshold = flow.settings.minConfidence
            // Made off the call's audio loop (compiling a state's search network takes tens
            // of ms, which would make that frame late); it is needed once speech begins.
            // Kept as none too when no phrase of the state can be heard.
            let (flow, acoustic, lexicon, background, options) = (flow, acoustic, lexicon, background, settings)
            recognizers[key] = RecognizerSlot {
                if let model = ListenGrammar.languageModel(for: request, flow: flow, background: background) {
                    return try? Recognizer(model: acoustic, languageModel: model, lexicon: lexicon, options: options)
                }
                return try? Recognizer(model: acoustic, grammar: ListenGrammar.make(for: request, flow: flow), lexicon: lexicon,
                                       options: options, open: ListenGrammar.paraphrases(for: request, flow: flow, background: background))
            }
        }
        var settings = Endpointer.Settings()
        settings.noInputTimeoutMs = request.noInputTimeoutMs
        settings.bargeIn = request.bargeIn
        listening = Listening(request: request, slot: recognizers[key]!,
                              endpointer: Endpointer(settings: settings, promptPlaying: promptPlaying, startMs: nowMs))
    }

    /// The prompt stopped or finished at `ms`: the no-input timer starts.
    func promptEnded(atMs ms: Int) { listening?.endpointer.promptEnded(atMs: ms) }

    /// A key's tone began; true when it interrupts the prompt (the key counts once released).
    func keyBegan(_ key: Character, nowMs: Int) -> Bool {
        if listening?.feeding == false { listening?.leadIn.removeAll() }   // a key's tone is not speech
        return listening?.request.bargeIn == true && !closesDigitString(key, nowMs: nowMs)
    }

    /// A key was released.
    func keyReleased(_ key: Character, nowMs: Int) -> [Event] {
        if closesDigitString(key, nowMs: nowMs) { digitStringEndMs = nil; return [] }
        guard var l = listening else { return [] }
        l.endpointer.promptEnded(atMs: nowMs)
        // In a digit slot every digit key is part of the number (a global "0" counts only
        // elsewhere); the string ends with '#', at the slot's longest length, or after a pause.
        let digitLengths = l.request.expectation.digitLengths
        let collecting = digitLengths != nil && key.isNumber
        if collecting { l.keys.append(key) } else if key != "#" || l.keys.isEmpty { l.keys.append(key) }
        l.lastKeyMs = nowMs
        listening = l
        let longest = digitLengths?.upperBound ?? Int.max
        guard !collecting || l.keys.count >= longest else { return [.bargeIn(fromMs: nowMs)] }
        digitStringEndMs = collecting ? nowMs : nil
        return [.bargeIn(fromMs: nowMs), finishKeys(nowMs: nowMs)]
    }

    /// Hears one frame of the caller's side: `speech` by the VAD, `masked` where speech
    /// may hide under the prompt's echo.
    func hear(_ frame: [Float], speech: Bool, masked: Bool, nowMs: Int) -> [Event] {
        // Taken out, not copied: a copy would share the lead-in's storage, and the frame
        // appended below would then copy all of it.
        guard var l = listening.take() else { return [] }
        if l.feeding {
            l.backlog += frame
            let n = min(l.backlog.count, (1 + Self.catchUpFrames) * CallSession.frameSamples)
            l.recognizer?.accept(Array(l.backlog[0..<n]))
            l.backlog.removeFirst(n)
        } else {
            l.leadIn.append(frame)
        }
        if !l.keys.isEmpty, nowMs - l.lastKeyMs >= Self.interDigitTimeoutMs {
            listening = l
            return [finishKeys(nowMs: nowMs)]
        }
        if nowMs % 100 == 0, l.speechStartMs != nil {
            l.endpointer.hypothesisComplete = l.recognizer.map { $0.grammar.parse($0.partial) != nil } ?? false
        }
        var events: [Event] = []
        for event in l.endpointer.add(isSpeech: speech, masked: masked, startMs: nowMs) {
            switch event {
            case .bargeIn(let start):
                events.append(.bargeIn(fromMs: start))
            case .speechStarted(let start):
                l.speechStartMs = start
                l.backlog = l.leadIn.contents   // the recognizer wakes up, starting a second before the speech
                l.feeding = true
            case .speechEnded(let start, let end, _), .maxSpeech(let start, let end):
                let completed = DispatchTime.now()
                l.recognizer?.accept(l.backlog)
                // A turn the endpointer ended has already fed its silence timeout; one cut off
                // by maxSpeech may stop mid-word.
                let cutOff = if case .maxSpeech = event { true } else { false }
                let result = l.recognizer?.finish(closingSilence: cutOff) ?? .rejected("no phrase can be heard")
                let heard: DialogueEvent = result.rejected ? .noMatch : .recognized(text: result.text, confidence: result.confidence)
                let turn = callerTurn(in: l, nowMs: nowMs, input: result.rejected ? .noMatch : .speech,
                                      heard: result.nbest.first?.text ?? "", confidence: result.confidence,
                                      nbest: result.nbest.map(\.text), speechMs: [start, end])
                return events + [.answered(heard, turn, completedAt: completed)]
            case .noInput:
                _ = l.recognizer?.finish(closingSilence: false)
                return events + [.answered(.noInput, callerTurn(in: l, nowMs: nowMs, input: .noInput, heard: ""), completedAt: .now())]
            }
        }
        listening = l
        return events
    }

    /// A '#' just after a digit string that ended at its longest length closes that string.
    private func closesDigitString(_ key: Character, nowMs: Int) -> Bool {
        guard key == "#", let end = digitStringEndMs else { return false }
        return nowMs - end < 1500
    }

    private func finishKeys(nowMs: Int) -> Event {
        let l = listening!
        listening = nil
        _ = l.recognizer?.finish(closingSilence: false)   // keys answered: the speech result is not used
        return .answered(.dtmf(l.keys.isEmpty ? "#" : l.keys), callerTurn(in: l, nowMs: nowMs, input: .dtmf, heard: l.keys),
                         completedAt: .now())
    }

    /// A turn of the caller answering `l`'s listen; a secret answer (a sensitive slot) is
    /// kept masked.
    private func callerTurn(in l: Listening, nowMs: Int, input: TurnInput, heard: String, confidence: Double? = nil,
                            nbest: [String] = [], speechMs: [Int]? = nil) -> TurnRecord {
        let shown = { (text: String) in l.request.sensitive ? Redaction.maskedAnswer(text) : text }
        return TurnRecord(atMs: nowMs, state: l.request.state, expecting: l.request.expecting, input: input, heard: shown(heard),
                          confidence: confidence, nbest: nbest.map(shown), speechMs: speechMs, interpretation: "", replies: [],
                          replyLatencyMs: 0)
    }
}

/// A recognizer being made on a background thread; `recognizer` waits until it is.
final class RecognizerSlot: @unchecked Sendable {   // `made` is written once, before `ready` is signalled
    private var made: Recognizer?
    private var waited = false
    private let ready = DispatchSemaphore(value: 0)

    init(_ make: @escaping @Sendable () -> Recognizer?) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            made = make()
            ready.signal()
        }
    }

    /// The recognizer (nil: nothing can be heard), once made; used by one call's thread.
    var recognizer: Recognizer? {
        if !waited {
            ready.wait()
            waited = true
        }
        return made
    }
}
