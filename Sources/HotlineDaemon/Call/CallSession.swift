import Foundation
import HotlineCore
import HotlineDSP
import HotlineDialogue
import HotlineStore
import HotlineTTS

/// One call, 10 ms at a time: caller audio in, hotline audio out. Each frame of the
/// caller's side is heard (`CallerSignal`: keys, echo, speech; the exchange's dial, busy
/// or reorder tone ends the call as a caller hang-up), goes to the state that listens
/// (`TurnListener`) or to the message being left (`MessageTaker`), and what the flow
/// does about it is played (`PromptPlayer`) or posted (`WebhookDispatch`). Speech or a
/// key during a prompt stops it (barge-in).
///
/// Transport-free: the daemon feeds it from an ALSA line, `hotline call` from a file
/// (`run(caller:lingerSeconds:echo:)`).
public final class CallSession {
    /// Frame length: 10 ms at 8 kHz.
    public static let frameSamples = 80
    /// Line rate.
    public static let sampleRate = 8000

    /// One caller turn as QA sees it (the call store keeps the same record).
    public typealias Turn = TurnRecord
    /// Answers the flow's webhooks: (url, body, timeout ms) -> reply fields or nil.
    public typealias WebhookHandler = @Sendable (String, [String: String], Int) -> [String: String]?

    /// Called with each turn as it completes (the daemon writes it to the call store).
    public var onTurn: ((Turn) -> Void)?
    /// Keeps a message the caller left (a flow's `record`): its audio (8 kHz, the caller's
    /// side with the prompt's echo taken out) and call times; returns its reference for the
    /// flow (the file it was written to), or nil to use "call:START-ENDms", its place in the
    /// call's own recording. Called when the message ends, or when the caller hangs up
    /// while leaving it.
    public var onMessage: ((_ samples: [Float], _ startMs: Int, _ endMs: Int) -> String?)?
    /// Silence (no speech, no key, no prompt) after which the call ends as "caller silent".
    public var silenceLimitMs = 30_000
    /// Whether a webhook runs in the background while the call's audio goes on (the
    /// daemon's real-time lines: the prompt before it keeps playing); otherwise the call
    /// waits for its answer (`hotline call`, tests: the same transcript every run).
    public var webhooksInBackground: Bool {
        get { webhooks.inBackground }
        set { webhooks.inBackground = newValue }
    }

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
    /// Prompts the caller stopped: when the speech (by the VAD) or key began and when the
    /// prompt stopped (call time, ms).
    public private(set) var bargeIns: [(heardAtMs: Int, stoppedAtMs: Int)] = []
    /// The call is over and its last prompt has played.
    public var isFinished: Bool { outcome != nil && !player.isPlaying }
    /// Whether the call waits for the caller: a state listens and no prompt plays (when a
    /// scripted caller, as in `hotline flow test --voices`, says its next line).
    public var isWaitingForCaller: Bool { outcome == nil && listener.request != nil && !player.isPlaying }

    private var engine: DialogueEngine
    /// The dialogue state the call is in (nil once it ended).
    public var dialogueState: String? { engine.state }
    /// The flow's voice (the default one if the flow's cannot be loaded; `hotlined` says so at start).
    private let synthesizer: DiphoneSynthesizer
    private let signal: CallerSignal
    private let player: PromptPlayer
    private let listener: TurnListener
    private var message = MessageTaker()
    private let webhooks: WebhookDispatch
    /// What the flow said in answer to the turn being applied.
    private var pendingReplies: [String] = []
    private var silentMs = 0

    private static let silentFrame = [Float](repeating: 0, count: frameSamples)

    /// A session on `flow`; `today` anchors relative dates the caller says.
    public init(flow: Flow, resources: Resources, today: Date = Date(), tones: CallProgressPlan = .northAmerica,
                webhook: @escaping WebhookHandler = { _, _, _ in nil }) throws {
        engine = DialogueEngine(flow: flow, today: today)
        synthesizer = (try? resources.synthesizer(for: flow)) ?? resources.synthesizer
        signal = try CallerSignal(tones: tones)
        player = PromptPlayer(cache: resources.prompts)
        listener = TurnListener(flow: flow, acoustic: resources.acoustic, lexicon: resources.lexicon, background: resources.background)
        webhooks = WebhookDispatch(handler: webhook)
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
        if let left = message.take() { _ = keep(left) }   // the caller hung up after speaking: kept
        _ = engine.handle(.hangUp)
        outcome = reason
        stopPrompt()
    }

    /// Takes 10 ms of caller audio (80 samples, ±1) and returns 10 ms of hotline audio.
    /// The caller's frame is heard first, so a barge-in silences this very frame and a
    /// reply decided on it starts in it.
    /// `keys`: the keys the line signalled in this frame, on a line that signals them
    /// (SIP); nil on a line whose keys are tones in its audio.
    public func process(_ caller: [Float], keys: [DTMFEvent]? = nil) -> [Float] {
        precondition(caller.count == Self.frameSamples, "frames are \(Self.frameSamples) samples")
        privateCallerSamples = 0
        events.removeAll(keepingCapacity: true)
        if outcome == nil { hear(caller, keys: keys) }   // once the call is over, the goodbye plays out
        if outcome == nil, let answer = webhooks.takeAnswer() { backendAnswered(answer) }
        var out = [Float](repeating: 0, count: Self.frameSamples)
        if player.next(into: &out) {
            listener.promptEnded(atMs: nowMs)
            events.append(.promptFinished)
        }
        signal.played(out)
        nowMs += 10
        return out
    }

    private func hear(_ caller: [Float], keys: [DTMFEvent]?) {
        let frame = signal.hear(caller, signalled: keys)
        if frame.hungUp { return hangUp() }
        let sensitive = listener.request?.sensitive == true
        if sensitive { privateCallerSamples = Self.frameSamples }
        // A prompt the caller may not interrupt (`barge_in: false` on its own state or on the
        // state listening) plays to its end: speech and keys meanwhile are ignored.
        let shielded = player.isPlaying && (!player.mayBeInterrupted || listener.request?.bargeIn == false)
        for key in frame.keys where !shielded {
            switch key {
            case .began(let key, let startSample):   // the prompt stops at once; the key counts once released
                if listener.keyBegan(key, nowMs: nowMs) { stopPrompt(bargeInFrom: startSample * 1000 / Self.sampleRate) }
            case .ended(let digit):
                react(to: listener.keyReleased(digit.key, nowMs: nowMs))
            }
        }
        // A key's tone in a sensitive listen is silenced back to where it began: the
        // detector is sure of it 20-40 ms in, after the listen may have ended.
        if sensitive, let toneStart = frame.toneStartSample {
            privateCallerSamples = max(privateCallerSamples, (nowMs / 10 + 1) * Self.frameSamples - toneStart)
        }
        let speech = frame.isSpeech
        if message.isRecording {
            if let left = message.add(frame.heard, speech: speech, nowMs: nowMs, promptPlaying: player.isPlaying) {
                let reference = keep(left), turn = event(.message, heard: reference)   // in the state that recorded it
                apply(engine.handle(.recorded(reference: reference)), turnStart: nil, turn: turn)
            }
        } else if listener.request != nil {
            react(to: listener.hear(frame.isEcho || shielded ? Self.silentFrame : frame.heard, speech: speech && !shielded,
                                    masked: frame.voiced && frame.isEcho && !shielded, nowMs: nowMs))
        }
        // A line nobody speaks on (the caller left without the exchange saying so) ends.
        silentMs = speech || !frame.keys.isEmpty || player.isPlaying ? 0 : silentMs + 10
        if silentMs >= silenceLimitMs, outcome == nil { end(.callerSilent) }
    }

    private func react(to events: [TurnListener.Event]) {
        for event in events {
            switch event {
            case .bargeIn(let fromMs): stopPrompt(bargeInFrom: fromMs)
            case .answered(let heard, let turn, let completed): apply(engine.handle(heard), turnStart: completed, turn: turn)
            }
        }
    }

    /// Hands a message to `onMessage`; returns its reference.
    private func keep(_ left: MessageTaker.Message) -> String {
        let endMs = nowMs + 10   // this frame included
        let reference = onMessage?(left.samples, left.startMs, endMs) ?? "call:\(left.startMs)-\(endMs)ms"
        events.append(.messageSaved(reference: reference, startMs: left.startMs, endMs: endMs))
        return reference
    }

    private func stopPrompt(bargeInFrom heard: Int? = nil) {
        guard player.stop() else { return }
        if let heard {
            bargeIns.append((heard, nowMs))
            events.append(.bargeIn(heardAtMs: heard, stoppedAtMs: nowMs))
        }
        listener.promptEnded(atMs: nowMs)
    }

    /// A webhook's answer (nil: it failed) goes to the flow, as a turn of its own, so the
    /// transcript and the call store show what the backend decided (its fields as a JSON
    /// object, which `hotline replay` answers the flow's webhooks with again).
    private func backendAnswered(_ fields: [String: String]?) {
        let turn = event(.webhook, heard: fields.flatMap { try? jsonLine($0) } ?? "failed")   // in the state that posted it
        apply(engine.handle(.webhookResult(fields)), turnStart: nil, turn: turn)
    }

    /// A turn for something other than the caller speaking or keying: a backend's answer
    /// ("webhook"), a message left ("message").
    private func event(_ input: TurnInput, heard: String) -> Turn {
        Turn(atMs: nowMs, state: engine.state ?? "", expecting: "", input: input, heard: heard, confidence: nil, nbest: [],
             speechMs: nil, interpretation: "", replies: [], replyLatencyMs: 0)
    }

    /// Queues `text`, or the recorded prompt at `recording` when it reads as audio.
    private func say(_ text: String, recording: String? = nil, bargeIn: Bool) {
        prompts.append(text)
        pendingReplies.append(text)
        player.say(text, recording: recording, synthesizer: synthesizer, bargeIn: bargeIn)
    }

    private func apply(_ actions: [DialogueAction], turnStart: DispatchTime?, turn: Turn? = nil) {
        pendingReplies = []
        let firstConsequence = events.count   // a turn's event goes before what the flow did about it
        var answer: [String: String]??
        for action in actions {
            switch action {
            case .play(let text, let bargeIn): say(text, bargeIn: bargeIn)
            case .playAudio(let path, let text, let bargeIn): say(text, recording: path, bargeIn: bargeIn)
            case .listen(let request): listener.listen(request, promptPlaying: player.isPlaying, nowMs: nowMs)
            case .transfer(let target): outcome = .transfer(target)
            case .hangUp: outcome = outcome ?? .hangup
            case .webhook(let url, let body, let timeoutMs): answer = webhooks.post(url, body: body, timeoutMs: timeoutMs)
            case .record(let maxMs):
                player.play(MessageTaker.tone, bargeIn: false)
                message.start(maxMs: maxMs, nowMs: nowMs)
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
}
