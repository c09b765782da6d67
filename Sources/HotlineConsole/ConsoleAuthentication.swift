import Crypto
import Foundation
import HotlineDaemon
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt

/// Signed-in users' sessions, in memory (a restart signs everyone out): a random 256-bit
/// token in an HttpOnly, SameSite=Strict cookie names each, with its CSRF token; a session
/// unused for 8 hours ends.
final class ConsoleSessions: @unchecked Sendable {   // `sessions` guarded by `lock`
    static let cookie = "hotline_session"
    static let idleSeconds: TimeInterval = 8 * 3600
    private struct Session { var identity: ConsoleIdentity; var lastUsed: Date }
    private let lock = NSLock()
    private var sessions: [String: Session] = [:]

    /// A new session for `name` in `role`; its token for the cookie.
    func open(_ name: String, role: ConsoleIdentity.Role, now: Date = Date()) -> String {
        let token = Self.randomToken()
        lock.withLock {
            sessions = sessions.filter { now.timeIntervalSince($0.value.lastUsed) < Self.idleSeconds }
            sessions[token] = Session(identity: ConsoleIdentity(name: name, role: role, csrf: Self.randomToken()), lastUsed: now)
        }
        return token
    }

    /// Who session `token` is, or nil (unknown or expired); using it keeps it alive.
    func identity(_ token: String, now: Date = Date()) -> ConsoleIdentity? {
        lock.withLock {
            guard let session = sessions[token], now.timeIntervalSince(session.lastUsed) < Self.idleSeconds else {
                sessions[token] = nil
                return nil
            }
            sessions[token]?.lastUsed = now
            return session.identity
        }
    }

    /// Ends session `token`.
    func close(_ token: String) { lock.withLock { sessions[token] = nil } }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// At most `limit` failed sign-ins per address in a minute; more are answered 429 without
/// checking the password.
final class LoginThrottle: @unchecked Sendable {   // `failures` guarded by `lock`
    let limit: Int
    private let lock = NSLock()
    private var failures: [String: [Date]] = [:]

    init(limit: Int = 5) { self.limit = limit }

    /// Whether `peer` may try now.
    func allows(_ peer: String, now: Date = Date()) -> Bool {
        lock.withLock {
            failures[peer] = failures[peer]?.filter { now.timeIntervalSince($0) < 60 }
            return (failures[peer]?.count ?? 0) < limit
        }
    }

    func failed(_ peer: String, now: Date = Date()) { lock.withLock { failures[peer, default: []].append(now) } }
}

/// The console's users: who may sign in, and with which role.
struct ConsoleUsers: Sendable {
    let users: [String: DaemonConfiguration.ConsoleUser]

    /// The identity `name` signs in as with `password`, or nil.
    func signIn(_ name: String, password: String) -> DaemonConfiguration.ConsoleUser? {
        guard let user = users[name] else {
            _ = Bcrypt.verify(password, hash: Self.decoy)   // as slow for an unknown name as for a wrong password
            return nil
        }
        return Bcrypt.verify(password, hash: user.passwordHash) ? user : nil
    }

    /// A bcrypt hash of `password` for the configuration's `users:` (cost 10).
    static func hash(_ password: String) -> String { Bcrypt.hash(password, cost: 10) }

    private static let decoy = Bcrypt.hash("hotline decoy", cost: 10)
}

/// Every route but /healthz, /metrics, /login and the web chat (/chat) needs a signed-in user (the session
/// cookie) or an API token (`Authorization: Bearer`, its SHA-256 listed; a token acts as an
/// admin). Without one, /api answers 401 and pages redirect to /login. A request that
/// changes something (POST, PUT, DELETE) with a session cookie must carry the session's
/// CSRF token (`X-CSRF-Token` header, or `?csrf=` in a form's action), or it is refused 403.
struct ConsoleAuthentication: RouterMiddleware {
    typealias Context = ConsoleContext
    let tokens: [String: String]
    let sessions: ConsoleSessions

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        if ["/healthz", "/metrics", "/login", "/chat"].contains(path) || path.hasPrefix("/static/") { return try await next(request, context) }
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            let digest = Self.digest(String(header.dropFirst("bearer ".count)))
            guard let name = tokens.first(where: { $0.value == digest })?.key else {
                throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"hotline\""], message: "unknown API token")
            }
            context.identity = ConsoleIdentity(name: name, role: .admin, csrf: nil)
        } else if let token = request.cookies[ConsoleSessions.cookie]?.value, let identity = sessions.identity(token) {
            if request.method != .get && request.method != .head {
                let sent = request.headers[HTTPField.Name("X-CSRF-Token")!] ?? request.uri.queryParameters["csrf"].map(String.init)
                guard sent == identity.csrf else { throw HTTPError(.forbidden, message: "missing or wrong CSRF token") }
            }
            context.identity = identity
        } else if path.hasPrefix("/api/") {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"hotline\""], message: "sign in or send an API token")
        } else {
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
        return try await next(request, context)
    }

    /// The lowercase hex SHA-256 of `token`.
    static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
