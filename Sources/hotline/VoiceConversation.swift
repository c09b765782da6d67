import Foundation
import HotlineDSP
import HotlineDaemon
import HotlineDialogue
import HotlineStore

/// `hotline flow test --voices`: a conversation test's caller lines spoken by a voice,
/// through the telephone channel, into the same call session `hotline call` and the daemon
/// run (prompts in real time, the endpointer, the recognizer with each state's grammar).
/// Each caller turn must be read as the text path reads it.
extension ConversationTest {
    /// One caller turn as the voice path heard it.
    struct VoiceTurn {
        /// 1-based index among the test's turns.
        var turn: Int
        var said: String
        /// The words recognised (the keys for DTMF), with the confidence.
        var heard: String
        var confidence: Double?
        /// How the text path read the line, and how the call read the voice.
        var textReading: String
        var voiceReading: String
        /// The same reading; a no-match is one whatever the detail ("nomatch (no menu option)").
        var agrees: Bool {
            textReading == voiceReading || (textReading.hasPrefix("nomatch") && voiceReading.hasPrefix("nomatch"))
        }
    }

    /// Why a test is not run by voice: a line with a scripted confidence ("... @0.6") or a
    /// scripted no-match or hang-up cannot be said.
    var voiceSkipReason: String? {
        let unsayable = turns.compactMap(\.caller).first { line in
            switch CallerInput.event(line) {
            case .noInput, .dtmf: return false
            case .recognized(_, let confidence): return confidence != 1
            default: return true
            }
        }
        return unsayable.map { "its line \"\($0)\" is not something a caller can say" }
    }

    /// Whether `line` is words to say (not keys or silence).
    static func isSpeech(_ line: String) -> Bool {
        if case .recognized = CallerInput.event(line) { return true }
        return false
    }

    /// Runs the caller's lines through a call, spoken by `voice`; stops at the first turn
    /// read differently from `readings` (the text path's), since the two calls part there.
    func runByVoice(on flow: Flow, resources: CallSession.Resources, voice: TestVoice, readings: [String]) throws -> [VoiceTurn] {
        let replies = webhooks ?? [:]
        let session = try CallSession(flow: flow, resources: resources) { url, _, _ in replies[url] }
        let silence = [Float](repeating: 0, count: CallSession.frameSamples)
        let callerInputs: Set<TurnInput> = [.speech, .noMatch, .noInput, .dtmf]
        var callerTurns: [CallSession.Turn] = []   // as they complete (webhook turns are not the caller's)
        session.onTurn = { if callerInputs.contains($0.input) { callerTurns.append($0) } }
        /// Plays silence until the call listens with no prompt playing (at most a minute).
        func waitForCaller() -> Bool {
            for _ in 0..<6000 {
                if session.isFinished { return false }
                if session.isWaitingForCaller { return true }
                _ = session.process(silence)
            }
            return false
        }
        session.start()
        var results: [VoiceTurn] = []
        for (index, line) in turns.enumerated().compactMap({ i, t in t.caller.map { (i, $0) } }) {
            guard results.count < readings.count, waitForCaller() else { break }
            let before = callerTurns.count
            let audio = try Self.audio(for: line, voice: voice)
            for start in stride(from: 0, to: audio.count, by: CallSession.frameSamples) {
                var frame = Array(audio[start..<min(start + CallSession.frameSamples, audio.count)])
                frame += [Float](repeating: 0, count: CallSession.frameSamples - frame.count)
                _ = session.process(frame)
            }
            // The turn ends at the endpointer's silence timeout, or no-input for a silent line.
            for _ in 0..<3000 where callerTurns.count == before && !session.isFinished { _ = session.process(silence) }
            let heard = callerTurns.count > before ? callerTurns[before] : nil
            let turn = VoiceTurn(turn: index + 1, said: line, heard: heard?.heard ?? "(no turn)", confidence: heard?.confidence,
                                 textReading: readings[results.count], voiceReading: heard?.interpretation ?? "(no turn)")
            results.append(turn)
            if !turn.agrees { break }
        }
        return results
    }

    /// A caller line as line audio: keys ("#123") as DTMF tones, silence ("") as nothing,
    /// words spoken by `voice`.
    private static func audio(for line: String, voice: TestVoice) throws -> [Float] {
        switch CallerInput.event(line) {
        case .dtmf(let keys): return try DTMFGenerator().sequence(keys)
        case .recognized(let text, _): return try voice.say(text)
        default: return []   // silence
        }
    }
}
