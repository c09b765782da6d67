import ArgumentParser
import Foundation
import HotlineDaemon
import HotlineDialogue
import HotlineTTS

/// `hotline chat FLOW`: talk to a flow in text, as a caller would.
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Text simulator: each input line is a caller turn; the hotline's prompts are printed.",
        discussion: """
            Plain text is speech (append '@0.4' to set its confidence), '#5' or '#123#' are DTMF keys, \
            an empty line is silence (no input), '!nomatch' a rejected utterance, '!hangup' hangs up. \
            Webhooks are really called (POST JSON); when the flow records a message, the next line is the message.
            """)

    @Argument(help: "The flow (YAML).") var flow: String
    @Flag(help: "Also print how each turn was interpreted.") var verbose = false

    func run() throws {
        var engine = DialogueEngine(flow: try loadFlowOrExit(flow))
        var pending = show(engine.handle(.start), engine)
        while !engine.isFinished {
            if let event = pending {
                pending = show(engine.handle(event), engine)
                continue
            }
            guard let line = readLine() else { break }
            pending = show(engine.handle(CallerInput.event(line)), engine)
        }
        if !engine.isFinished { print("[caller left; the flow was still listening in '\(engine.state ?? "")']") }
    }

    /// Prints the actions; returns the event a webhook or a recording produces, if any.
    private func show(_ actions: [DialogueAction], _ engine: DialogueEngine) -> DialogueEvent? {
        if verbose, let turn = engine.turns.last { print("  (\(turn.state): \(turn.interpretation))") }
        for action in actions {
            switch action {
            case .play(let text, _): print("hotline: \(SSML.displayText(text))")
            case .playAudio(let path, let text, _): print("hotline: [\((path as NSString).lastPathComponent)] \(SSML.displayText(text))")
            case .listen(let request): if verbose { print("  (listening for \(request.expecting))") }
            case .transfer(let target): print("[transfer to \(target)]")
            case .hangUp: print("[hang up]")
            case .webhook(let url, let body, let timeoutMs):
                let reply = WebhookClient.post(url: url, body: body, timeoutMs: timeoutMs)
                print("[webhook \(url): \(reply.map { "ok \($0)" } ?? "failed")]")
                return .webhookResult(reply)
            case .record(let maxMs):
                print("[recording up to \(maxMs / 1000) s: type the message]")
                return .recorded(reference: "text:" + (readLine() ?? ""))
            }
        }
        return nil
    }
}

/// How a line of caller text becomes an event (shared by chat and flow tests).
enum CallerInput {
    static func event(_ line: String) -> DialogueEvent {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .noInput }
        if text == "!nomatch" { return .noMatch }
        if text == "!hangup" { return .hangUp }
        if text.hasPrefix("#") {
            var keys = String(text.dropFirst())
            if keys.hasSuffix("#"), keys.count > 1 { keys.removeLast() }
            return .dtmf(keys.isEmpty ? "#" : keys)
        }
        if let at = text.lastIndex(of: "@"), let confidence = Double(text[text.index(after: at)...]) {
            return .recognized(text: String(text[..<at]).trimmingCharacters(in: .whitespaces), confidence: confidence)
        }
        return .recognized(text: text, confidence: 1)
    }
}
