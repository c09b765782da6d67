import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP
import HotlineDialogue
import HotlineStore

/// One phone line of the daemon, on its own thread: opens the line's audio (its ALSA
/// devices, or what the daemon's line seam gives; reopening with backoff when they fail
/// or disappear), waits for a call to start,
/// runs it through a `CallSession` on the line's current flow, records both sides and
/// stores every turn, then waits for the next call.
final class LineService: @unchecked Sendable {   // used by its line's thread only
    let line: DaemonConfiguration.Line
    private let daemon: Daemon
    private let open: LineOpener
    private let lock = NSLock()
    private var answeredCalls = 0
    private var answered: Int { lock.withLock { answeredCalls } }

    /// What the daemon logs when a call ends.
    struct CallSummary: Encodable {
        var line: String
        /// Calls answered on this line so far, this one included.
        var call: Int
        /// The call's id in the store.
        var id: Int64?
        var outcome: String
        var turns: Int
        var callMs: Int
        var recording: String?
        /// Per answered turn: from the audio that completed the caller's turn being
        /// available to the reply's first sample being queued for playback, ms.
        var replyLatencyMs: [Double]
        /// Per barge-in: from the caller's speech (or key) starting to the prompt stopping, ms.
        var bargeInMs: [Double]
        /// Frames answered later than the playback buffer allows (realtime lines), plus the
        /// overruns and underruns ALSA reported.
        var underruns: Int
    }

    /// What the daemon logs for each turn: the turn record with its line and call id.
    struct TurnEvent: Encodable {
        var line: String
        var call: Int64?
        var turn: TurnRecord
        private enum Keys: String, CodingKey { case line, call }

        func encode(to encoder: Encoder) throws {
            try turn.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(line, forKey: .line)
            try container.encodeIfPresent(call, forKey: .call)
        }
    }

    init(line: DaemonConfiguration.Line, daemon: Daemon, open: @escaping LineOpener) {
        self.line = line
        self.daemon = daemon
        self.open = open
    }

    private var wantsMoreCalls: Bool { !daemon.stop.isSet && (line.calls == 0 || answered < line.calls) }

    /// Answers calls until the line's `calls` are done or the daemon stops.
    func run() {
        var backoff = 1.0
        while wantsMoreCalls {
            let audio: LineIO
            do {
                daemon.opening(line.name)
                audio = try open(line)
                daemon.beat(line.name)
                backoff = 1
            } catch {
                daemon.log.message(.error, "line \(line.name): \(error); retrying in \(Int(backoff)) s")
                daemon.beat(line.name)   // waiting for a device is not a hang
                _ = daemon.waitBeforeReopening(backoff)
                backoff = min(backoff * 2, 30)
                continue
            }
            do {
                while wantsMoreCalls, try waitForCall(audio) {
                    try answer(audio)
                }
            } catch {
                daemon.log.message(.error, "line \(line.name): \(error); reopening the line")
                DaemonMetrics.lineReopened(line: line.name)
            }
        }
    }

    /// Reads the idle line until a call starts; false when the daemon stops first. On
    /// activity, the call starts with a key, or once the caller's first words ("hello?")
    /// are over, so the greeting does not talk over them.
    private func waitForCall(_ audio: LineIO) throws -> Bool {
        guard line.answer == .onActivity else { return true }
        let vad = try VoiceActivityDetector()
        let dtmf = DTMFDetector()
        let silence = [Float](repeating: 0, count: CallSession.frameSamples)
        var speechMs = 0, quietMs = 0, heard = false
        while !daemon.stop.isSet {
            let frame = try audio.read()
            try audio.write(silence)
            daemon.beat(line.name)
            if dtmf.process(frame).contains(where: { if case .began = $0 { true } else { false } }) { return true }
            let speech = vad.process(frame).contains { $0.isSpeech }
            speechMs = speech ? speechMs + 10 : 0
            quietMs = speech ? 0 : quietMs + 10
            heard = heard || speechMs >= 200
            if heard, quietMs >= 300 || speechMs >= 3000 { return true }
        }
        return false
    }

    /// Runs one call to its end; rethrows a device failure after the call is stored.
    /// `parties`: who called which number, when the line tells (SIP); the number picks
    /// the flow among the line's `numbers`. Calls of one line may run at once (SIP), each
    /// on its own thread.
    func answer(_ audio: LineIO, parties: CallParties? = nil) throws {
        let answered = lock.withLock { answeredCalls += 1; return answeredCalls }
        let loaded = daemon.flow(for: line.name, number: parties?.called), flow = loaded.flow
        let configuration = daemon.configuration
        let busy = !daemon.beginCall()
        defer { daemon.endCall(tookSlot: !busy) }
        let session = try CallSession(flow: busy ? Self.busyFlow : flow, resources: daemon.resources, webhook: { [line] url, body, timeoutMs in
            let started = DispatchTime.now()
            let answer = WebhookClient.post(url: url, body: body, timeoutMs: timeoutMs)
            DaemonMetrics.webhookAnswered(line: line.name, nanoseconds: DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds)
            return answer
        })
        session.silenceLimitMs = configuration.silenceHangUpSeconds * 1000
        session.webhooksInBackground = true   // the line's audio goes on while a webhook is out
        let store = daemon.store
        var callID: Int64?
        do {
            callID = try store?.beginCall(line: line.name, flow: busy ? "(all lines busy)" : loaded.path,
                                          flowVersion: busy ? nil : loaded.version, parties: parties)
        } catch {
            daemon.log.message(.error, "line \(line.name): \(error)")
            DaemonMetrics.storeError()
        }
        DaemonMetrics.callStarted(line: line.name)
        let liveKey = UUID()
        var liveCall = Daemon.LiveCall(line: line.name, call: callID, startedAt: ISO8601DateFormatter().string(from: Date()),
                                       caller: parties?.caller, called: parties?.called, state: flow.start)
        daemon.setLive(liveKey, liveCall)
        defer { daemon.setLive(liveKey, nil) }
        session.onTurn = { [daemon, line, weak session] (turn: TurnRecord) in
            liveCall.state = session?.dialogueState ?? turn.state
            daemon.setLive(liveKey, liveCall)
            DaemonMetrics.turn(line: line.name, input: turn.input.rawValue, confidence: turn.input == .speech ? turn.confidence : nil,
                               webhookFailed: turn.input == .webhook && turn.heard == "failed")
            // Stored, then logged, off the audio loop: a turn in the log is in the store.
            daemon.storeWorker.submit {
                if let store, let callID {
                    do { try store.addTurn(call: callID, turn) } catch {
                        daemon.log.message(.error, "line \(line.name): \(error)")
                        DaemonMetrics.storeError()
                    }
                }
                daemon.log.event(TurnEvent(line: line.name, call: callID, turn: turn))
            }
        }
        let name = "\(line.name)-\(callID.map(String.init) ?? Self.stamp())-\(answered)"
        if let folder = configuration.recordings {
            session.onMessage = { [daemon, line] samples, startMs, _ in
                MessageFile.keep(samples, startMs: startMs, in: folder, name: name) { daemon.log.message(.error, "line \(line.name): \($0)") }
            }
        }
        let recorder = CallRecorder(folder: configuration.recordings, name: name,
                                    worker: daemon.recordingWorker,
                                    log: { [daemon, line] in daemon.log.message(.error, "line \(line.name): \($0)") })
        var replyLatency: [Double] = [], bargeIn: [Double] = []
        var failure: Error?, transferFailure: String?
        let xrunsBefore = audio.xruns, lateBefore = audio.lateFrames
        session.start()
        do {
            while !session.isFinished, session.nowMs < configuration.maxCallSeconds * 1000 {
                if let left = audio.callerLeft {   // checked first: a caller who left before the stop left
                    session.end(left)
                    break
                }
                if daemon.stop.isSet {
                    session.end(.daemonStopped)
                    break
                }
                let heard = try audio.read()
                let signalled = audio.takeKeys(atSample: session.nowMs * CallSession.sampleRate / 1000)
                let said = session.process(heard, keys: audio.signalsKeys ? signalled : nil)
                // A barge-in: the prompt already queued in ALSA's buffer must not play on.
                if session.events.contains(where: { if case .bargeIn = $0 { true } else { false } }) {
                    try audio.dropQueuedPlayback()
                }
                try audio.write(said)
                if audio.lastLagMs > Double(audio.bufferMs) {
                    daemon.log.message(.debug, "line \(line.name): frame at \(session.nowMs) ms answered \(Int(audio.lastLagMs)) ms late")
                }
                daemon.beat(line.name)
                recorder.add(caller: heard, hotline: said, hiding: session.privateCallerSamples)
                for event in session.events {
                    switch event {
                    case .turn: replyLatency.append(audio.lastLagMs)
                    case .bargeIn(let heardAtMs, let stoppedAtMs): bargeIn.append(Double(stoppedAtMs - heardAtMs) + audio.lastLagMs)
                    case .ended, .promptFinished, .messageSaved: break
                    }
                }
            }
            if !session.isFinished { session.end(.longestCallReached) }
            if case .transfer(let target)? = session.outcome {
                if let keys = line.keys(transferringTo: target) {
                    // Hand the caller on: the PBX's transfer code and the number, keyed down the line
                    // (as RFC 4733 events on a SIP line that has them, silence meanwhile; else as tones).
                    if let ms = audio.sendKeys(keys) {
                        try play([Float](repeating: 0, count: ms * CallSession.sampleRate / 1000), on: audio, recorder: recorder)
                    } else {
                        try play(try DTMFGenerator().sequence(keys, toneMs: 100, gapMs: 100), on: audio, recorder: recorder)
                    }
                    daemon.log.message(.info, "line \(line.name): transfer:\(target) keyed as \(keys)")
                } else if audio.callerLeft == nil, let failure = audio.transfer(to: target) {
                    // The PBX would not take the caller: they hear so, rather than silence and a hang-up.
                    daemon.log.message(.warning, "line \(line.name): transfer:\(target): \(failure)")
                    transferFailure = failure
                    let resources = daemon.resources
                    try play(resources.prompts.audio(for: Self.transferFailedPrompt, synthesizer: resources.synthesizer,
                                                     sampleRate: CallSession.sampleRate) ?? [], on: audio, recorder: recorder)
                }
            }
            try audio.drain()
        } catch {
            failure = error
            session.end(.lineLost)
        }
        let recording = recorder.finish()
        // A caller turned away at the call limit heard the busy message: "busy", not "hangup".
        var outcome = busy && session.outcome == .hangup ? "busy" : session.outcome?.description ?? ""
        if let transferFailure { outcome += " failed: \(transferFailure)" }
        if let store, let callID {
            // After the call's queued turns, and waited for: the call is stored when its line moves on.
            let durationMs = session.nowMs
            daemon.storeWorker.run { [daemon, line] in
                do { try store.endCall(callID, outcome: outcome, durationMs: durationMs, recording: recording) } catch {
                    daemon.log.message(.error, "line \(line.name): \(error)")
                    DaemonMetrics.storeError()
                }
            }
        }
        let underruns = audio.xruns - xrunsBefore + audio.lateFrames - lateBefore
        DaemonMetrics.callEnded(line: line.name, outcome: outcome, lateFrames: underruns, replyLatencyMs: replyLatency)
        daemon.log.event(CallSummary(line: line.name, call: answered, id: callID, outcome: outcome,
                                     turns: session.turns.count, callMs: session.nowMs, recording: recording,
                                     replyLatencyMs: replyLatency, bargeInMs: bargeIn,
                                     underruns: underruns))
        if let failure { throw failure }
    }

    /// What a caller hears when the line could not hand them on.
    static let transferFailedPrompt = "Sorry, I could not transfer your call. Please call again later. Goodbye."

    /// Plays `samples` (whole frames, the last padded with silence) while hearing the caller.
    private func play(_ samples: [Float], on audio: LineIO, recorder: CallRecorder) throws {
        let frameSamples = CallSession.frameSamples
        let padded = samples + [Float](repeating: 0, count: (frameSamples - samples.count % frameSamples) % frameSamples)
        for start in stride(from: 0, to: padded.count, by: frameSamples) {
            let frame = Array(padded[start..<(start + frameSamples)])
            recorder.add(caller: try audio.read(), hotline: frame)
            try audio.write(frame)
        }
    }

    private static func stamp() -> String {
        ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
    }

    /// What a caller hears when every call slot is taken.
    static let busyFlow: Flow = {
        try! FlowLoader.load(yaml: """
            flow: busy
            start: busy
            states:
              busy:
                prompt: Sorry, all our lines are busy. Please call again later.
                hangup: true
            """, file: "(busy)")
    }()
}
