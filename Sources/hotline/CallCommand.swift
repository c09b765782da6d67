import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP
import HotlineDaemon
import HotlineStore
import HotlineDialogue
import HotlineTTS

/// `hotline call FLOW CALLER-AUDIO`: a whole call in audio, without a phone.
struct CallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Simulate a call: a caller's recorded audio against a flow, through the recognizer and the voice.",
        discussion: """
            The caller's audio (any file; speech, DTMF tones, silences) is fed to the call session 10 ms \
            at a time as if it came from the line: prompts play in real call time, speech or a key \
            during a prompt stops it (barge-in), and each turn is recognized with the grammar of the \
            state that listens. After the caller's audio the line is silent until the flow ends or \
            --linger seconds pass. Prints the transcript (or, with --json, one object per turn and a \
            summary); -o records the call in stereo, as the daemon will. --echo-loss simulates a \
            line that returns the hotline's audio to the caller's side, as a telephone hybrid \
            does; the echo canceller takes it out.
            """)

    @Argument(help: "The flow (YAML).") var flow: String
    @Argument(help: "The caller's audio.") var caller: String
    @Option(name: .shortAndLong, help: "Record the call here: caller left, hotline right, 8 kHz (.wav, .flac or .opus).") var output: String?
    @Option(help: "Seconds of silence after the caller's audio before hanging up.") var linger = 20.0
    @Option(help: "Acoustic model file.") var model = "Models/acoustic/acoustic.hnn"
    @Option(help: "Voice file.") var voice = VoiceDatabase.defaultPath
    @Option(help: "Lexicon files (CMU format).") var lexicon = ["Models/lexicon/cmudict-en-us.dict"]
    @Option(help: "An admin's lexicon (CMU format, WORD PH ON ES per line), read after the others so its words win; repeatable.") var userLexicon: [String] = []
    @Option(help: "Simulate a line that echoes the hotline back this many dB down (a hybrid: 6-20).") var echoLoss: Double?
    @Option(help: "How late that echo comes back, ms (10-1000).") var echoDelay = 30
    @Flag(help: "One JSON object per turn, then a summary line.") var json = false

    func validate() throws {
        if let output { _ = try outputCodec(output) }
        if let echoLoss, !(0...60).contains(echoLoss) { throw ValidationError("--echo-loss is in dB, 0-60, not \(echoLoss)") }
        if !(10...1000).contains(echoDelay) { throw ValidationError("--echo-delay is in ms, 10-1000, not \(echoDelay)") }
    }

    struct Summary: Encodable {
        var outcome: String
        var turns: Int
        var callMs: Int
        var prompts: [String]
    }

    func run() throws {
        let session: CallSession
        let audio: AudioBuffer
        do {
            session = try CallSession(flow: try loadFlowOrExit(flow),
                                      resources: .init(model: model, voice: voice, lexicon: lexicon + userLexicon),
                                      webhook: WebhookClient.post)
            audio = try readAudio(caller, sampleRate: CallSession.sampleRate)
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
        if let output {
            // A message the caller leaves is kept beside the call's recording, as the daemon keeps it.
            let url = URL(fileURLWithPath: output)
            session.onMessage = { samples, startMs, _ in
                MessageFile.keep(samples, startMs: startMs, in: url.deletingLastPathComponent().path,
                                 name: url.deletingPathExtension().lastPathComponent) { printError($0) }
            }
        }
        let (hotline, callerSide) = session.run(caller: audio.samples, lingerSeconds: linger,
                                                echo: echoLoss.map { .init(lossDb: $0, delayMs: echoDelay) })
        if !json { printTranscript(session) }
        let summary = Summary(outcome: session.outcome?.description ?? "", turns: session.turns.count, callMs: session.nowMs, prompts: session.prompts)
        if json {
            for turn in session.turns { print(try jsonLine(turn)) }
            print(try jsonLine(summary))
        } else {
            print("[\(summary.outcome) after \(Double(summary.callMs) / 1000) s]")
        }
        if let output {
            do {
                try SoundFile.write(channels: [callerSide, hotline], sampleRate: CallSession.sampleRate, to: output,
                                    codec: try outputCodec(output))
            } catch let error as HotlineError {
                printError(error)
                throw ExitCode.failure
            }
        }
    }

    /// Prints the opening prompts, then each turn with the replies it got.
    private func printTranscript(_ session: CallSession) {
        for prompt in session.openingPrompts { print("   0.00 s  hotline: \(SSML.displayText(prompt))") }
        for turn in session.turns {
            print(String(format: "%7.2f s  ", Double(turn.atMs) / 1000) + turn.summary + "  [\(turn.state): \(turn.interpretation)]")
            for reply in turn.replies { print("          hotline: \(SSML.displayText(reply))") }
        }
    }
}
