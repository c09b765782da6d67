import Foundation
import HTTPTypes
import Hummingbird

/// Signing in and out of the console: `GET /login` (the form), `POST /login` (user and
/// password, form-encoded: a session cookie and a redirect to the dashboard; 401 on a wrong
/// pair, 429 after five failures from one address in a minute) and `POST /logout`.
enum LoginRoutes {
    static func add(to router: Router<ConsoleContext>, users: ConsoleUsers, sessions: ConsoleSessions, throttle: LoginThrottle) {
        router.get("login") { _, _ -> Response in
            WebPages.page(title: "Sign in", user: nil, body: loginForm(problem: nil))
        }
        router.post("login") { request, context -> Response in
            guard throttle.allows(context.peer) else {
                throw HTTPError(.tooManyRequests, headers: [.retryAfter: "60"], message: "too many failed sign-ins: wait a minute")
            }
            let form = try? URLEncodedFormDecoder().decode(SignIn.self, from: String(buffer: try await request.body.collect(upTo: 64 << 10)))
            guard let form, let user = users.signIn(form.user, password: form.password) else {
                throttle.failed(context.peer)
                var response = WebPages.page(title: "Sign in", user: nil, body: loginForm(problem: "Wrong user or password."))
                response.status = .unauthorized
                return response
            }
            let token = sessions.open(form.user, role: user.role)
            let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "; Secure" : ""
            return Response(status: .seeOther, headers: [.location: "/", .setCookie: "\(ConsoleSessions.cookie)=\(token); Path=/; HttpOnly; SameSite=Strict\(secure)"])
        }
        router.post("logout") { request, _ -> Response in
            if let token = request.cookies[ConsoleSessions.cookie]?.value { sessions.close(token) }
            return Response(status: .seeOther, headers: [.location: "/login", .setCookie: "\(ConsoleSessions.cookie)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"])
        }
    }

    static func loginForm(problem: String?) -> String {
        """
        <form method="post" action="/login" class="login">
        \(problem.map { "<p class=\"problem\">\(WebPages.escape($0))</p>" } ?? "")
        <label>User <input name="user" autocomplete="username" required autofocus></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button>
        </form>
        """
    }

    /// The sign-in form's fields.
    struct SignIn: Decodable {
        var user: String
        var password: String
    }
}
