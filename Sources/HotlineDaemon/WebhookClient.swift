import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Blocking JSON POST for flow webhooks: the reply's top-level fields as strings, or nil
/// on any failure (unreachable, timeout, non-2xx status, reply not a JSON object).
public enum WebhookClient {
    /// Posts `body` as a JSON object to `url`, waiting at most `timeoutMs`.
    public static func post(url: String, body: [String: String], timeoutMs: Int) -> [String: String]? {
        guard let target = URL(string: url), let payload = try? JSONSerialization.data(withJSONObject: body) else { return nil }
        var request = URLRequest(url: target, timeoutInterval: Double(timeoutMs) / 1000)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = payload
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: [String: String]?
        URLSession.shared.dataTask(with: request) { data, response, error in
            defer { done.signal() }
            guard error == nil, let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status),
                  let data, let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
            result = object.mapValues { "\($0)" }
        }.resume()
        guard done.wait(timeout: .now() + .milliseconds(timeoutMs + 500)) == .success else { return nil }
        return result
    }
}
