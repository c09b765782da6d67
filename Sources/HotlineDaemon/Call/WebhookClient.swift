import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Blocking JSON POST for flow webhooks: the reply's top-level fields as strings, or nil
/// on any failure (unreachable, timeout, non-2xx status, reply not a JSON object).
///
/// A request that times out is cancelled, so it is never delivered late (after the flow
/// has taken its `failed` way: a duplicate ticket or payment). Each backend (scheme, host
/// and port) gets at most `connectionsPerBackend` requests at once; one that finds them
/// all busy until its deadline fails without being sent. Every request carries an
/// `Idempotency-Key` header of its own, so a backend can drop a repeat.
public enum WebhookClient {
    /// Requests in flight to one backend at most.
    public static let connectionsPerBackend = 4

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = connectionsPerBackend
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()
    private static let slots = BackendSlots(perBackend: connectionsPerBackend)

    /// Posts `body` as a JSON object to `url`, waiting at most `timeoutMs` in all.
    public static func post(url: String, body: [String: String], timeoutMs: Int) -> [String: String]? {
        guard let target = URL(string: url), let payload = try? JSONSerialization.data(withJSONObject: body) else { return nil }
        let deadline = DispatchTime.now() + .milliseconds(timeoutMs)
        let backend = "\(target.scheme ?? "")://\(target.host ?? ""):\(target.port ?? 0)"
        guard slots.take(backend, until: Date(timeIntervalSinceNow: Double(timeoutMs) / 1000)) else { return nil }
        defer { slots.give(backend) }
        var request = URLRequest(url: target, timeoutInterval: Double(timeoutMs) / 1000)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(UUID().uuidString, forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = payload
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: [String: String]?
        let task = session.dataTask(with: request) { data, response, error in
            defer { done.signal() }
            guard error == nil, let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status),
                  let data, let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
            result = object.mapValues { "\($0)" }
        }
        task.resume()
        guard done.wait(timeout: deadline) == .success else {
            task.cancel()
            _ = done.wait(timeout: .now() + 1)   // its completion, cancelled, before the slot is given back
            return nil
        }
        return result
    }
}

/// Counts requests in flight per backend; `take` waits for a free slot until a deadline.
final class BackendSlots: @unchecked Sendable {
    private let condition = NSCondition()
    private var inFlight: [String: Int] = [:]
    private let perBackend: Int

    init(perBackend: Int) {
        self.perBackend = perBackend
    }

    /// Takes a slot for `backend`; false when none frees up before `until`.
    func take(_ backend: String, until: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while inFlight[backend, default: 0] >= perBackend {
            guard condition.wait(until: until) else { return false }
        }
        inFlight[backend, default: 0] += 1
        return true
    }

    /// Gives back a slot taken for `backend`.
    func give(_ backend: String) {
        condition.lock()
        inFlight[backend, default: 1] -= 1
        condition.broadcast()
        condition.unlock()
    }
}
