import Foundation

/// Posts a call's webhooks: at once, the call waiting for the answer (`hotline call`,
/// tests: the same transcript every run), or in the background while the call's audio
/// goes on (the daemon's real-time lines: the prompt before it keeps playing).
final class WebhookDispatch {
    /// Whether webhooks run in the background.
    var inBackground = false
    private let handler: CallSession.WebhookHandler
    /// A webhook running in the background, until its answer is taken.
    private var pending: WebhookCall?

    init(handler: @escaping CallSession.WebhookHandler) { self.handler = handler }

    /// Posts `body` to `url`; the answer (nil inside: the webhook failed) now, or nil when
    /// it runs in the background (`takeAnswer` gives it later).
    func post(_ url: String, body: [String: String], timeoutMs: Int) -> [String: String]?? {
        guard inBackground else { return .some(handler(url, body, timeoutMs)) }
        pending = WebhookCall { [handler] in handler(url, body, timeoutMs) }
        return nil
    }

    /// The background webhook's answer once it has returned (given once).
    func takeAnswer() -> [String: String]?? {
        guard let answer = pending?.answer else { return nil }
        pending = nil
        return answer
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
