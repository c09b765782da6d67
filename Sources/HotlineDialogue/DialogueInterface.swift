import Foundation

/// What happens on the line, as the dialogue engine hears it.
public enum DialogueEvent: Sendable, Equatable {
    /// The call was answered.
    case start
    /// The recognizer heard `text` with `confidence` (0-1).
    case recognized(text: String, confidence: Double)
    /// The caller keyed DTMF keys.
    case dtmf(String)
    /// The caller said nothing before the timeout.
    case noInput
    /// The recognizer rejected what it heard.
    case noMatch
    /// The caller hung up.
    case hangUp
    /// The backend answered a webhook: its reply's top-level fields, or nil on failure.
    case webhookResult([String: String]?)
    /// A message was recorded; `reference` names the audio (a file, a call-store id).
    case recorded(reference: String)
}

/// What the engine asks the call session to do.
public enum DialogueAction: Sendable, Equatable {
    /// Say this text; `bargeIn` false: the caller cannot interrupt it (speech and keys
    /// while it plays are ignored).
    case play(String, bargeIn: Bool = true)
    /// Play this recorded prompt file (its text, for logs and a fallback, in `text`).
    case playAudio(path: String, text: String, bargeIn: Bool = true)
    /// Listen for the caller's answer.
    case listen(ListenRequest)
    /// Transfer the call ("sip:...", "tel:...", "ext:...", "queue:...").
    case transfer(String)
    /// End the call.
    case hangUp
    /// POST `body` as JSON to `url`, wait up to `timeoutMs`, answer with `.webhookResult`.
    case webhook(url: String, body: [String: String], timeoutMs: Int)
    /// Record the caller for at most `maxMs`, answer with `.recorded`.
    case record(maxMs: Int)
}

/// How to listen: what to expect, with which timeouts.
public struct ListenRequest: Sendable, Equatable {
    /// The state listening.
    public var state: String
    /// What it expects, typed (slot types carry their compiled grammars).
    public var expectation: ListenExpectation
    /// What it expects as text, for logs and the call store ("menu", "digits 6...10", ...).
    public var expecting: String { expectation.description }
    /// DTMF keys that mean something here.
    public var keys: [String]
    /// Silence before no-input, ms.
    public var noInputTimeoutMs: Int
    /// Whether the caller may interrupt the prompt.
    public var bargeIn: Bool
    /// Whether the answer is a secret (a `sensitive` slot): what the caller says or keys is
    /// masked in logs and the call store and left out of the call's recording.
    public var sensitive: Bool

    /// A request (the engine makes these; tests and tools may too).
    public init(state: String, expectation: ListenExpectation, keys: [String], noInputTimeoutMs: Int, bargeIn: Bool,
                sensitive: Bool = false) {
        self.state = state
        self.expectation = expectation
        self.keys = keys
        self.noInputTimeoutMs = noInputTimeoutMs
        self.bargeIn = bargeIn
        self.sensitive = sensitive
    }
}

/// One turn as QA sees it: where the engine was, what it heard, what it did.
public struct DialogueTurn: Sendable, Equatable {
    /// State when the event arrived.
    public var state: String
    /// The event.
    public var event: DialogueEvent
    /// How the engine read it ("menu option 2", "order_number = 123456", "nomatch" ...).
    public var interpretation: String
    /// What it did in answer.
    public var actions: [DialogueAction]
}
