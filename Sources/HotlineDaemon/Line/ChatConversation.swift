import Foundation
import HotlineDialogue
import HotlineStore
import HotlineTTS

/// A web chat on a line's flow: the customer types (or presses the keys the flow offers,
/// shown as buttons) and the flow answers in text, as on the phone; webhooks are called,
/// a message is typed. Stored like a call, on line "chat", with its turns and outcome.
public final class ChatConversation: @unchecked Sendable {   // used by one connection's task at a time
    /// What the flow says back: its prompts as text, the keys it offers now, and whether
    /// the conversation is over (and how).
    public struct Reply: Sendable, Encodable, Equatable {
        public var say: [String] = []
        public var keys: [String] = []
        public var ended = false
        public var outcome: String?
    }

    /// The line name chats are stored under.
    public static let line = "chat"
    private let daemon: Daemon
    private var engine: DialogueEngine
    private let callID: Int64?
    private let started = DispatchTime.now()
    private var listening: ListenRequest?
    private var takingMessage = false
    private var outcome: String?

    /// A conversation with the flow line `line` runs now.
    public init(daemon: Daemon, line: String) {
        self.daemon = daemon
        let loaded = daemon.flow(for: line)
        engine = DialogueEngine(flow: loaded.flow)
        do {
            callID = try daemon.store?.beginCall(line: Self.line, flow: loaded.path, flowVersion: loaded.version, parties: nil)
        } catch {
            daemon.log.message(.error, "chat: \(error)")
            callID = nil
        }
    }

    /// The flow's greeting.
    public func start() -> Reply { apply(engine.handle(.start), turn: nil) }

    /// The customer typed `text` (empty: they sent nothing, a no-input).
    public func type(_ text: String) -> Reply {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if takingMessage {
            takingMessage = false
            return apply(engine.handle(.recorded(reference: "text:" + text)), turn: turn(.message, text))
        }
        return apply(engine.handle(text.isEmpty ? .noInput : .recognized(text: text, confidence: 1)), turn: turn(text.isEmpty ? .noInput : .text, text))
    }

    /// The customer pressed a key button.
    public func press(_ keys: String) -> Reply {
        apply(engine.handle(.dtmf(keys)), turn: turn(.dtmf, keys))
    }

    /// The customer left (closed the page): the conversation is stored as ended.
    public func leave() {
        finish(outcome ?? (engine.isFinished ? "hangup" : "caller hung up"))
    }

    private var nowMs: Int { Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000) }

    private func turn(_ input: TurnInput, _ heard: String) -> TurnRecord {
        let shown = listening?.sensitive == true ? Redaction.maskedAnswer(heard) : Redaction.maskingCardNumbers(in: heard)
        return TurnRecord(atMs: nowMs, state: listening?.state ?? engine.state ?? "", expecting: listening?.expecting ?? "", input: input,
                          heard: shown, confidence: nil, nbest: [], speechMs: nil, interpretation: "", replies: [], replyLatencyMs: 0)
    }

    /// Carries out the flow's actions (a webhook's answer goes back to the flow at once) and
    /// stores the turn with what was said in answer.
    private func apply(_ actions: [DialogueAction], turn: TurnRecord?) -> Reply {
        var reply = Reply(), pending = actions, turn = turn
        turn?.interpretation = engine.turns.last?.interpretation ?? ""
        while !pending.isEmpty {
            var next: [DialogueAction] = []
            for action in pending {
                switch action {
                case .play(let text, _), .playAudio(_, let text, _): reply.say.append(SSML.displayText(text))
                case .listen(let request):
                    listening = request
                    reply.keys = request.keys
                case .transfer(let target): outcome = "transfer:" + target
                case .hangUp: outcome = outcome ?? "hangup"
                case .webhook(let url, let body, let timeoutMs):
                    let answer = WebhookClient.post(url: url, body: body, timeoutMs: timeoutMs)
                    store(TurnRecord(atMs: nowMs, state: engine.state ?? "", expecting: "", input: .webhook,
                                     heard: answer.map { Self.json($0) } ?? "failed", confidence: nil, nbest: [], speechMs: nil,
                                     interpretation: "", replies: [], replyLatencyMs: 0))
                    next += engine.handle(.webhookResult(answer))
                case .record:
                    takingMessage = true
                    reply.say.append("(Type your message.)")
                }
            }
            pending = next
        }
        if var turn {
            turn.replies = reply.say
            store(turn)
        }
        if let outcome {
            reply.ended = true
            reply.outcome = outcome
            reply.keys = []
            finish(outcome)
        }
        return reply
    }

    private func store(_ turn: TurnRecord) {
        guard let store = daemon.store, let callID else { return }
        daemon.storeWorker.submit { [daemon] in
            do { try store.addTurn(call: callID, turn) } catch { daemon.log.message(.error, "chat: \(error)") }
        }
    }

    /// Whether the conversation's end is stored (once, whoever ends it first).
    private var ended = false
    private func finish(_ outcome: String) {
        guard !ended else { return }
        ended = true
        guard let store = daemon.store, let callID else { return }
        let durationMs = nowMs
        daemon.storeWorker.run { [daemon] in
            do { try store.endCall(callID, outcome: outcome, durationMs: durationMs, recording: nil) } catch {
                daemon.log.message(.error, "chat: \(error)")
            }
        }
    }

    private static func json(_ fields: [String: String]) -> String {
        (try? JSONEncoder().encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
