import Foundation
import HotlineASR
import HotlineCore
import HotlineDSP
import HotlineDialogue
import HotlineNN
import HotlineStore
import HotlineTTS

/// One call, 10 ms at a time: caller audio in, hotline audio out. Wires the line
/// detectors (DTMF, VAD + endpointer), the grammar recognizer, the dialogue engine and
/// the synthesizer, with barge-in (speech or a key during a prompt stops it); a dial,
/// busy or reorder tone from the exchange ends the call as a caller hang-up.
///
/// Transport-free: the daemon feeds it from an ALSA line, `hotline call` from a file.
public final class CallSession {
    /// Frame length: 10 ms at 8 kHz.
    public static let frameSamples = 80
    /// Line rate.
    public static let sampleRate = 8000
    /// Audio before speech starts that the recognizer hears (1 s): the acoustic model and
    /// search sleep through the silence of a listen until the endpointer hears speech.
    static let leadInFrames = 100
    /// Frames of the lead-in the recognizer catches up on per frame, besides the new one:
    /// the lead-in's cost is spread over 200 ms instead of landing in one 10 ms frame.
    static let catchUpFrames = 5

    /// One caller turn as QA sees it (the call store keeps the same record).
    public typealias Turn = TurnRecord

    /// Called with each turn as it completes (the daemon writes it to the call store).
    public var onTurn: ((Turn) -> Void)?

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

    /// Answers the flow's webhooks: (url, body, timeout ms) -> reply fields or nil.
    public typealias WebhookHandler = @Sendable (String, [String: String], Int) -> [String: String]?

    public private(set) var turns: [Turn] = []
    /// Everything the hotline said, in order.
    public private(set) var prompts: [String] = []
    /// What it said on answering, before the caller's first turn.
    public private(set) var openingPrompts: [String] = []
    /// Why the call ended (set when the flow decides; `isFinished` waits for the last
    /// prompt).
    public private(set) var outcome: CallOutcome? {
        didSet { if let outcome, oldValue == nil { events.append(.ended(outcome)) } }
    }
    /// What happened in the last `process` (or `start`), in order.
    public private(set) var events: [CallEvent] = []
    /// Call time, ms.
    public private(set) var nowMs = 0
    /// How many samples at the end of the caller's side heard so far the call's recording
    /// must not keep, as of the last `process`: the whole frame while a sensitive slot
    /// listens (a card number said or keyed), and a key's tone there back to where it
    /// began. Keys elsewhere stay in the recording, so `hotline replay` can re-run them.
    public private(set) var privateCallerSamples = 0
    /// The call is over and its last prompt has played.
    public var isFinished: Bool { outcome != nil && !isPrompting }
    /// Whether the call waits for the caller: a state listens and no prompt plays (when a
    /// scripted caller, as in `hotline flow test --voices`, says its next line).
    public var isWaitingForCaller: Bool { outcome == nil && listening != nil && !isPrompting }
    /// Prompts the caller stopped: when the speech (by the VAD) or key began and when the
    /// prompt stopped (call time, ms).
    public private(set) var bargeIns: [(heardAtMs: Int, stoppedAtMs: Int)] = []
    /// Silence (no speech, no key, no prompt) after which the call ends as "caller silent".
    public var silenceLimitMs = 30_000
    /// Whether a webhook runs in the background while the call's audio goes on (the
    /// daemon's real-time lines: the prompt before it keeps playing); otherwise the call
    /// waits for its answer (`hotline call`, tests: the same transcript every run).
    public var webhooksInBackground = false
    /// Keeps a message the caller left (a flow's `record`): its audio (8 kHz, the caller's
    /// side with the prompt's echo taken out) and call times; returns its reference for the
    /// flow (the file it was written to), or nil to use "call:START-ENDms", its place in the
    /// call's own recording. Called when the message ends, or when the caller hangs up
    /// while leaving it.
    public var onMessage: ((_ samples: [Float], _ startMs: Int, _ endMs: Int) -> String?)?

    private var engine: DialogueEngine
    private let resources: Resources
    /// The flow's voice (the default one if the flow's cannot be loaded; `hotlined` says so at start).
    private let synthesizer: DiphoneSynthesizer
    private let webhook: WebhookHandler
    private let vad: VoiceActivityDetector
    private let dtmf = DTMFDetector()
    private let progress: CallProgressDetector
    /// Prompt audio being played: `outbound` from `outboundIndex`, then the prompts still
    /// being synthesised, in order.
    private var outbound: [Float] = []
    private var outboundIndex = 0
    private var queued: [(stream: PromptStream, bargeIn: Bool)] = []
    /// Whether the caller may interrupt the prompt playing now (its own setting).
    private var promptBargeIn = true
    private var isPrompting: Bool { outboundIndex < outbound.count || !queued.isEmpty }
    private var pendingReplies: [String] = []
    private var listening: Listening?
    private var recognizers: [String: Recognizer?] = [:]
    private var recording: MessageRecording?
    private var digitStringEndMs: Int?
    private var silentMs = 0
    /// A webhook running in the background, until its answer is taken.
    private var pendingWebhook: WebhookCall?
    /// Takes the prompt's echo from the line out of the caller's side.
    private let echoCanceller = EchoCanceller(frameSamples: frameSamples)

    /// A message being recorded (a flow's `record`).
    private struct MessageRecording {
        var maxMs: Int
        /// Call time the message starts (once the prompt and the tone have played).
        var startMs: Int
        var heardSpeech = false
        var silentMs = 0
        var samples: [Float] = []
    }

    private struct Listening {
        var request: ListenRequest
        /// None when no phrase of the state can be heard (every one has a word with no
        /// pronunciation, which `hotlined` logs at start): speech is then a no-match, keys still work.
        var recognizer: Recognizer?
        var endpointer: Endpointer
        var keys = ""
        var lastKeyMs = 0
        var speechStartMs: Int?
        /// Before speech: the last `leadInFrames` frames heard.
        var leadIn = RecentAudio(capacity: CallSession.leadInFrames * CallSession.frameSamples)
        /// Once the endpointer hears speech begin: audio the recognizer has still to catch up on.
        var backlog: [Float] = []
        var feeding = false
    }

    /// A session on `flow`; `today` anchors relative dates the caller says.
    public init(flow: Flow, resources: Resources, today: Date = Date(), tones: CallProgressPlan = .northAmerica,
                webhook: @escaping WebhookHandler = { _, _, _ in nil }) throws {
        progress = CallProgressDetector(plan: tones)
        engine = DialogueEngine(flow: flow, today: today)
        self.resources = resources
        synthesizer = (try? resources.synthesizer(for: flow)) ?? resources.synthesizer
        self.webhook = webhook
        vad = try VoiceActivityDetector()
    }

    /// Answers the call: the flow's first prompts start playing.
    public func start() {
        apply(engine.handle(.start), turnStart: nil)
        // A backend's answer can come within the start; its prompts are that turn's replies.
        openingPrompts = Array(prompts.dropLast(turns.reduce(0) { $0 + $1.replies.count }))
    }

    /// The caller hung up.
    public func hangUp() { end(.callerHungUp) }

    /// Ends the call now (the caller left, the daemon stops), for `reason`.
    public func end(_ reason: CallOutcome) {
        guard outcome == nil else { return }
        if let message = recording.take() { _ = keepMessage(message) }   // the caller hung up after speaking: kept
        _ = engine.handle(.hangUp)
        outcome = reason
        stopPrompt()
    }

    /// Takes 10 ms of caller audio (80 samples, ±1) and returns 10 ms of hotline audio.
    /// The caller's frame is heard first, so a barge-in silences this very frame and a
    /// reply decided on it starts in it.
    public func process(_ caller: [Float]) -> [Float] {
        precondition(caller.count == Self.frameSamples, "frames are \(Self.frameSamples) samples")
        privateCallerSamples = 0
        events.removeAll(keepingCapacity: true)
        if outcome == nil { hear(caller) }   // once the call is over, the goodbye plays out
        if outcome == nil, let answer = pendingWebhook?.answer {
            pendingWebhook = nil
            backendAnswered(answer)
        }
        var out = [Float](repeating: 0, count: Self.frameSamples)
        if isPrompting {
            var filled = 0
            while filled < out.count, refill() {
                let n = min(out.count - filled, outbound.count - outboundIndex)
                out.replaceSubrange(filled..<(filled + n), with: outbound[outboundIndex..<(outboundIndex + n)])
                outboundIndex += n
                filled += n
            }
            if !isPrompting { promptFinished() }
        }
        echoCanceller.played(out)
        nowMs += 10
        return out
    }

    private static let silentFrame = [Float](repeating: 0, count: frameSamples)
    /// The pause between prompts (250 ms).
    private static let breath = [Float](repeating: 0, count: sampleRate / 4)
    /// The tone before a message is recorded ("after the tone"): 1 kHz for 400 ms, faded
    /// in and out over 10 ms, at -13 dBFS.
    static let messageTone: [Float] = (0..<(sampleRate * 2 / 5)).map { n in
        let fade = Float(min(n, sampleRate * 2 / 5 - 1 - n, 80)) / 80
        return 0.3 * fade * Float(sin(2 * Double.pi * 1000 * Double(n) / Double(sampleRate)))
    }

    /// Mean square of a frame.
    private static func power(_ frame: [Float]) -> Float {
        frame.reduce(0) { $0 + $1 * $1 } / Float(frame.count)
    }

    /// Makes sure `outbound` has samples left, taking the next chunk of the prompts being
    /// synthesised (waiting for it if need be: synthesis runs far ahead of real time, and
    /// waiting keeps the call's audio the same as synthesising each prompt whole);
    /// false when every prompt has played.
    private func refill() -> Bool {
        while outboundIndex >= outbound.count, let head = queued.first {
            outboundIndex = 0
            if let chunk = head.stream.next() {
                outbound = chunk   // shared with the cache, not copied
                promptBargeIn = head.bargeIn
            } else {
                queued.removeFirst()
                outbound = Self.breath
            }
        }
        return outboundIndex < outbound.count
    }

    private func hear(_ caller: [Float]) {
        // The exchange's dial, busy or reorder tone on the caller's side: the caller hung up.
        if progress.process(caller).contains(where: { $0.tone != .ringback }) { return hangUp() }
        let sensitive = listening?.request.sensitive == true
        if sensitive { privateCallerSamples = Self.frameSamples }
        // A prompt the caller may not interrupt (`barge_in: false` on its own state or on the
        // state listening) plays to its end: speech and keys meanwhile are ignored.
        let shielded = isPrompting && (!promptBargeIn || listening?.request.bargeIn == false)
        var keyed = false
        for event in dtmf.process(caller) {
            keyed = true
            if shielded { continue }
            switch event {
            case .began(let key, let startSample):   // the prompt stops at once; the key counts once released
                if listening?.feeding == false { listening?.leadIn.removeAll() }   // a key's tone is not speech
                if listening?.request.bargeIn == true, !closesDigitString(key) {
                    stopPrompt(bargeInFrom: startSample * 1000 / Self.sampleRate)
                }
            case .ended(let digit):
                keyPressed(digit.key)
            }
        }
        // A key's tone in a sensitive listen is silenced back to where it began: the
        // detector is sure of it 20-40 ms in, after the listen may have ended.
        if sensitive, let toneStart = dtmf.toneStartSample {
            privateCallerSamples = max(privateCallerSamples, (nowMs / 10 + 1) * Self.frameSamples - toneStart)
        }
        // A key's tone sounds like speech to the VAD; it is not, from the first window that
        // holds it (a recording's codec can smear its onset ahead of it). Nor is the
        // prompt's own echo from the line: the caller's side, with the echo estimate taken
        // out, must be louder than the echo that can be left.
        let heard = echoCanceller.cancel(caller)
        let voiced = vad.process(heard).contains { $0.isSpeech }
        let echo = Self.power(heard) < echoCanceller.residualEchoBound
        let speech = voiced && !dtmf.hearsTone && !echo
        if recording != nil {
            recordFrame(heard, speech: speech)
        } else if listening != nil {
            listenFrame(echo || shielded ? Self.silentFrame : heard, speech: speech && !shielded, masked: voiced && echo && !shielded)
        }
        // A line nobody speaks on (the caller left without the exchange saying so) ends.
        silentMs = speech || keyed || isPrompting ? 0 : silentMs + 10
        if silentMs >= silenceLimitMs, outcome == nil { end(.callerSilent) }
    }

    /// A line that returns what the hotline plays to the caller's side, as a telephone
    /// hybrid does (to try barge-in over echo without a phone).
    public struct LineEcho: Sendable {
        /// How far under what was played the echo comes back, dB (hybrids: 6-20).
        public var lossDb: Double
        /// How late it comes back, ms: at least one frame (10 ms).
        public var delayMs: Int

        public init(lossDb: Double, delayMs: Int) {
            precondition(delayMs >= 10, "an echo comes back at least one frame (10 ms) late")
            self.lossDb = lossDb
            self.delayMs = delayMs
        }
    }

    /// Runs a whole call from recorded caller audio (8 kHz): answers, feeds it 10 ms at a
    /// time, then silence for up to `lingerSeconds`, and hangs up if the flow has not
    /// ended. On an `echo` line the caller's side also carries the echo of what the
    /// hotline played. Returns what the hotline played and the caller's side as heard.
    public func run(caller: [Float], lingerSeconds: Double, echo: LineEcho? = nil) -> (hotline: [Float], caller: [Float]) {
        let frame = Self.frameSamples
        let total = caller.count + Int(lingerSeconds * Double(Self.sampleRate))
        let echoDelay = (echo?.delayMs ?? 0) * Self.sampleRate / 1000
        let echoGain = Float(pow(10, -(echo?.lossDb ?? 0) / 20))
        var hotline: [Float] = [], heard: [Float] = []
        start()
        var i = 0
        while i < total, !isFinished {
            var chunk = [Float](repeating: 0, count: frame)
            if i < caller.count {
                let n = min(frame, caller.count - i)
                chunk.replaceSubrange(0..<n, with: caller[i..<(i + n)])
            }
            if echo != nil {
                for k in 0..<frame where i + k >= echoDelay { chunk[k] += echoGain * hotline[i + k - echoDelay] }
            }
            heard += chunk
            hotline += process(chunk)
            silenceTail(of: &heard, privateCallerSamples)
            i += frame
        }
        if !isFinished { hangUp() }
        return (hotline, heard)
    }

    // MARK: - Listening

    private func listenFrame(_ caller: [Float], speech: Bool, masked: Bool) {
        // Taken out, not copied: a copy would share the lead-in's storage, and the frame
        // appended below would then copy all of it.
        guard var l = listening.take() else { return }
        if l.feeding {
            l.backlog += caller
            let n = min(l.backlog.count, (1 + Self.catchUpFrames) * Self.frameSamples)
            l.recognizer?.accept(Array(l.backlog[0..<n]))
            l.backlog.removeFirst(n)
        } else {
            l.leadIn.append(caller)
        }
        if !l.keys.isEmpty, nowMs - l.lastKeyMs >= 3000 {   // inter-digit timeout
            listening = l
            finishKeys()
            return
        }
        if nowMs % 100 == 0, l.speechStartMs != nil {
            l.endpointer.hypothesisComplete = l.recognizer.map { $0.grammar.parse($0.partial) != nil } ?? false
        }
        for event in l.endpointer.add(isSpeech: speech, masked: masked, startMs: nowMs) {
            switch event {
            case .bargeIn(let start):
                stopPrompt(bargeInFrom: start)
            case .speechStarted(let start):
                l.speechStartMs = start
                l.backlog = l.leadIn.contents   // the recognizer wakes up, starting a second before the speech
                l.feeding = true
            case .speechEnded(let start, let end, _), .maxSpeech(let start, let end):
                let clock = DispatchTime.now()
                l.recognizer?.accept(l.backlog)
                // A turn the endpointer ended has already fed its silence timeout; one cut off
                // by maxSpeech may stop mid-word.
                let cutOff = if case .maxSpeech = event { true } else { false }
                let result = l.recognizer?.finish(closingSilence: cutOff) ?? .rejected("no phrase can be heard")
                let heard: DialogueEvent = result.rejected ? .noMatch : .recognized(text: result.text, confidence: result.confidence)
                apply(engine.handle(heard), turnStart: clock, turn: callerTurn(
                    in: l, input: result.rejected ? "nomatch" : "speech", heard: result.nbest.first?.text ?? "",
                    confidence: result.confidence, nbest: result.nbest.map(\.text), speechMs: [start, end]))
                return
            case .noInput:
                _ = l.recognizer?.finish(closingSilence: false)
                apply(engine.handle(.noInput), turnStart: DispatchTime.now(), turn: callerTurn(in: l, input: "noinput", heard: ""))
                return
            }
        }
        listening = l
    }

    private func keyPressed(_ key: Character) {
        if closesDigitString(key) { digitStringEndMs = nil; return }
        guard var l = listening else { return }
        stopPrompt(bargeInFrom: nowMs)
        l.endpointer.promptEnded(atMs: nowMs)
        // In a digit slot every digit key is part of the number (a global "0" counts only
        // elsewhere); the string ends with '#', at the slot's longest length, or after a pause.
        let digitLengths = l.request.expectation.digitLengths
        let collecting = digitLengths != nil && key.isNumber
        if collecting { l.keys.append(key) } else if key != "#" || l.keys.isEmpty { l.keys.append(key) }
        l.lastKeyMs = nowMs
        listening = l
        let longest = digitLengths?.upperBound ?? Int.max
        if !collecting || l.keys.count >= longest {
            digitStringEndMs = collecting ? nowMs : nil
            finishKeys()
        }
    }

    /// A '#' just after a digit string that ended at its longest length closes that string.
    private func closesDigitString(_ key: Character) -> Bool {
        guard key == "#", let end = digitStringEndMs else { return false }
        return nowMs - end < 1500
    }

    private func finishKeys() {
        guard let l = listening else { return }
        listening = nil
        _ = l.recognizer?.finish(closingSilence: false)   // keys answered: the speech result is not used
        apply(engine.handle(.dtmf(l.keys.isEmpty ? "#" : l.keys)), turnStart: DispatchTime.now(), turn: callerTurn(in: l, input: "dtmf", heard: l.keys))
    }

    /// A turn of the caller answering `l`'s listen; a secret answer (a sensitive slot) is
    /// kept masked.
    private func callerTurn(in l: Listening, input: String, heard: String, confidence: Double? = nil,
                            nbest: [String] = [], speechMs: [Int]? = nil) -> Turn {
        let shown = { (text: String) in l.request.sensitive ? Redaction.maskedAnswer(text) : text }
        return Turn(atMs: nowMs, state: l.request.state, expecting: l.request.expecting, input: input, heard: shown(heard),
                    confidence: confidence, nbest: nbest.map(shown), speechMs: speechMs, interpretation: "", replies: [], replyLatencyMs: 0)
    }

    private func recordFrame(_ heard: [Float], speech: Bool) {
        guard var r = recording.take() else { return }
        // The message starts once the prompt before it and the tone have played.
        if isPrompting {
            r.startMs = nowMs + 10
            recording = r
            return
        }
        r.heardSpeech = r.heardSpeech || speech
        r.silentMs = speech ? 0 : r.silentMs + 10
        r.samples += heard
        if nowMs - r.startMs >= r.maxMs || (r.heardSpeech && r.silentMs >= 2000) {
            let reference = keepMessage(r), turn = event("message", heard: reference)
            apply(engine.handle(.recorded(reference: reference)), turnStart: nil, turn: turn)
        } else {
            recording = r
        }
    }

    /// Hands the message to `onMessage`; returns its reference.
    private func keepMessage(_ r: MessageRecording) -> String {
        onMessage?(r.samples, r.startMs, nowMs + 10) ?? "call:\(r.startMs)-\(nowMs + 10)ms"   // this frame included
    }

    // MARK: - Prompts and actions

    private func stopPrompt(bargeInFrom heard: Int? = nil) {
        guard isPrompting else { return }
        if let heard {
            bargeIns.append((heard, nowMs))
            events.append(.bargeIn(heardAtMs: heard, stoppedAtMs: nowMs))
        }
        queued.forEach { $0.stream.cancel() }
        queued.removeAll()
        outboundIndex = outbound.count
        promptFinished()
    }

    private func promptFinished() {
        outbound = []
        outboundIndex = 0
        listening?.endpointer.promptEnded(atMs: nowMs)
    }

    /// A webhook's answer (nil: it failed) goes to the flow, as a turn of its own, so the
    /// transcript and the call store show what the backend decided (its fields as a JSON
    /// object, which `hotline replay` answers the flow's webhooks with again).
    private func backendAnswered(_ fields: [String: String]?) {
        let heard = fields.flatMap { try? jsonLine($0) } ?? "failed"
        let turn = event("webhook", heard: heard)
        apply(engine.handle(.webhookResult(fields)), turnStart: nil, turn: turn)
    }

    /// A turn for something other than the caller speaking or keying: a backend's answer
    /// ("webhook"), a message left ("message").
    private func event(_ input: String, heard: String) -> Turn {
        Turn(atMs: nowMs, state: engine.state ?? "", expecting: "", input: input, heard: heard, confidence: nil, nbest: [],
             speechMs: nil, interpretation: "", replies: [], replyLatencyMs: 0)
    }

    /// Queues `text`, or the recorded prompt at `recording` when it reads as audio.
    private func say(_ text: String, recording: String? = nil, bargeIn: Bool) {
        prompts.append(text)
        pendingReplies.append(text)
        let stream = recording.flatMap { resources.prompts.recording($0, sampleRate: Self.sampleRate) }.map { PromptStream(ready: $0) }
            ?? resources.prompts.stream(for: text, synthesizer: synthesizer, sampleRate: Self.sampleRate)
        queued.append((stream, bargeIn))
    }

    private func apply(_ actions: [DialogueAction], turnStart: DispatchTime?, turn: Turn? = nil) {
        pendingReplies = []
        let firstConsequence = events.count   // a turn's event goes before what the flow did about it
        var answer: [String: String]??
        for action in actions {
            switch action {
            case .play(let text, let bargeIn): say(text, bargeIn: bargeIn)
            case .playAudio(let path, let text, let bargeIn): say(text, recording: path, bargeIn: bargeIn)
            case .listen(let request): listen(request)
            case .transfer(let target): outcome = .transfer(target)
            case .hangUp: outcome = outcome ?? .hangup
            case .webhook(let url, let body, let timeoutMs):
                if webhooksInBackground { pendingWebhook = WebhookCall { [webhook] in webhook(url, body, timeoutMs) } } else {
                    answer = .some(webhook(url, body, timeoutMs))
                }
            case .record(let maxMs):
                queued.append((PromptStream(ready: Self.messageTone), false))
                recording = MessageRecording(maxMs: maxMs, startMs: nowMs)
            }
        }
        if var turn {
            // A card number is never kept in the clear, whatever slot or backend it came from.
            turn.heard = Redaction.maskingCardNumbers(in: turn.heard)
            turn.nbest = turn.nbest.map(Redaction.maskingCardNumbers)
            turn.interpretation = engine.turns.last?.interpretation ?? ""
            turn.replies = pendingReplies.map(Redaction.maskingCardNumbers)
            if let turnStart {
                turn.replyLatencyMs = (Double(DispatchTime.now().uptimeNanoseconds - turnStart.uptimeNanoseconds) / 1e5).rounded() / 10
            }
            turns.append(turn)
            events.insert(.turn(turn), at: firstConsequence)
            onTurn?(turn)
        }
        if let answer { backendAnswered(answer) }
    }

    private func listen(_ request: ListenRequest) {
        let key = request.state + "\u{1}" + request.expecting
        if recognizers[key] == nil {
            // The flow's `min_confidence` is the recognizer's rejection threshold too.
            var options = Recognizer.Options()
            options.rejectionThreshold = engine.flow.settings.minConfidence
            // Cached as none too when no phrase of the state can be heard.
            recognizers[key] = .some(try? Recognizer(model: resources.acoustic, grammar: ListenGrammar.make(for: request, flow: engine.flow),
                                                     lexicon: resources.lexicon, options: options))
        }
        let recognizer = recognizers[key]!
        var settings = Endpointer.Settings()
        settings.noInputTimeoutMs = request.noInputTimeoutMs
        settings.bargeIn = request.bargeIn
        listening = Listening(request: request, recognizer: recognizer,
                              endpointer: Endpointer(settings: settings, promptPlaying: isPrompting, startMs: nowMs))
    }
}

/// Zeroes the last `count` samples of `samples` (what a call's recording must not keep).
func silenceTail(of samples: inout [Float], _ count: Int) {
    let n = min(count, samples.count)
    guard n > 0 else { return }
    samples.replaceSubrange((samples.count - n)..., with: repeatElement(0, count: n))
}

/// The last `capacity` samples heard, kept in a ring so a frame costs a copy of the frame
/// only, not a shift of everything kept.
struct RecentAudio {
    private var ring: [Float]
    private var next = 0
    private var count = 0

    init(capacity: Int) { ring = [Float](repeating: 0, count: capacity) }

    /// Keeps `samples`, forgetting the oldest beyond the capacity.
    mutating func append(_ samples: [Float]) {
        for x in samples {
            ring[next] = x
            next = (next + 1) % ring.count
        }
        count = min(count + samples.count, ring.count)
    }

    /// Forgets everything.
    mutating func removeAll() {
        next = 0
        count = 0
    }

    /// What is kept, oldest first.
    var contents: [Float] {
        count < ring.count ? Array(ring[0..<count]) : Array(ring[next...] + ring[..<next])
    }
}

/// A webhook posted from a background thread; `answer` is there once it has returned.
final class WebhookCall: @unchecked Sendable {
    private let lock = NSLock()
    private var returned = false
    private var fields: [String: String]?

    /// Starts `post` now, on a thread of its own (it blocks until the backend answers or
    /// its timeout passes, seconds that no dispatch worker should be held for).
    init(_ post: @escaping @Sendable () -> [String: String]?) {
        Thread.detachNewThread { [self] in
            let reply = post()
            lock.withLock { (fields, returned) = (reply, true) }
        }
    }

    /// Once the post has returned, its reply's fields (nil inside: the webhook failed).
    var answer: [String: String]?? { lock.withLock { returned ? .some(fields) : .none } }
}
