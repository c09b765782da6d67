import Crypto
import Foundation

/// Digest authentication of INVITEs (RFC 2617 / RFC 3261 section 22, MD5 with qop=auth):
/// a request without valid credentials is challenged with a fresh nonce; one whose
/// Authorization answers a nonce we issued, for a known user with the right password, passes.
public struct DigestAuthenticator: Sendable {
    /// The realm named in challenges.
    public let realm: String
    private let passwords: [String: String]
    private var nonces: [String: Int] = [:]   // nonce -> when it expires, ms
    /// How long a nonce may be answered, ms.
    static let nonceLifetimeMs = 300_000

    /// An authenticator for `users` (name -> password) in `realm`.
    public init(realm: String, users: [String: String]) {
        self.realm = realm
        passwords = users
    }

    /// Whether `request` carries valid credentials at `nowMs`.
    public mutating func accepts(_ request: SIPMessage, nowMs: Int) -> Bool {
        nonces = nonces.filter { $0.value > nowMs }
        guard let header = request.header("Authorization"), header.lowercased().hasPrefix("digest "),
              let method = request.method else { return false }
        let fields = Self.fields(of: String(header.dropFirst("digest ".count)))
        guard let user = fields["username"], let password = passwords[user], fields["realm"] == realm,
              let nonce = fields["nonce"], nonces[nonce] != nil, let uri = fields["uri"], let response = fields["response"],
              (fields["algorithm"] ?? "MD5").uppercased() == "MD5" else { return false }
        let ha1 = Self.md5("\(user):\(realm):\(password)"), ha2 = Self.md5("\(method):\(uri)")
        let expected: String
        if let qop = fields["qop"] {
            guard qop == "auth", let nc = fields["nc"], let cnonce = fields["cnonce"] else { return false }
            expected = Self.md5("\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)")
        } else {
            expected = Self.md5("\(ha1):\(nonce):\(ha2)")
        }
        return expected == response.lowercased()
    }

    /// A WWW-Authenticate value with a new nonce, remembered until it expires.
    public mutating func challenge(nowMs: Int, token: String) -> String {
        if nonces.count > 10_000 { nonces.removeAll() }   // a flood of unanswered challenges
        nonces[token] = nowMs + Self.nonceLifetimeMs
        return "Digest realm=\"\(realm)\", nonce=\"\(token)\", algorithm=MD5, qop=\"auth\""
    }

    /// The lowercase hex MD5 of `text`.
    static func md5(_ text: String) -> String {
        Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// name=value and name="value" pairs of a Digest header.
    static func fields(of text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for item in SIPMessage.splitList(text) {
            guard let equals = item.firstIndex(of: "=") else { continue }
            var value = item[item.index(after: equals)...].trimmed()
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            fields[item[..<equals].trimmed().lowercased()] = value
        }
        return fields
    }
}
