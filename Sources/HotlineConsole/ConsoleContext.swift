import HotlineDaemon
import Hummingbird
import NIOCore

/// Who a console request comes from, once `ConsoleAuthentication` knows.
struct ConsoleIdentity: Sendable, Equatable {
    typealias Role = DaemonConfiguration.ConsoleUser.Role
    /// The user's or the API token's name.
    var name: String
    var role: Role
    /// The session's CSRF token when signed in with a cookie (forms and scripts send it back);
    /// nil for an API token, which a browser never sends by itself.
    var csrf: String?
}

/// A console request's context: the framework's, the peer's address (for the login rate
/// limit) and, once authenticated, who it is.
struct ConsoleContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's IP address ("" when unknown).
    let peer: String
    var identity: ConsoleIdentity?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress ?? ""
    }

    /// Who made the request; throws 401 when nobody is signed in (the authentication
    /// middleware lets no such request reach a handler, so this is a guard).
    func requireIdentity() throws -> ConsoleIdentity {
        guard let identity else { throw HTTPError(.unauthorized, message: "sign in or send an API token") }
        return identity
    }

    /// Throws 403 unless the requester is an admin.
    func requireAdmin() throws -> ConsoleIdentity {
        let identity = try requireIdentity()
        guard identity.role == .admin else { throw HTTPError(.forbidden, message: "\(identity.name) is a qa user: only admins may do this") }
        return identity
    }
}
