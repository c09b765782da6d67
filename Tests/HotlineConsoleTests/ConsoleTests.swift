import Foundation
import HotlineDaemon
import HotlineStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing
@testable import HotlineConsole

/// The console in process: who may see and do what, signing in, CSRF, the pages, and flows
/// published and rolled back through the API.
@Suite struct ConsoleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    static let users = ["ann": DaemonConfiguration.ConsoleUser(role: .admin, passwordHash: ConsoleUsers.hash("ann's secret")),
                        "quinn": DaemonConfiguration.ConsoleUser(role: .qa, passwordHash: ConsoleUsers.hash("quinn's secret"))]
    static let token = "s3cret-token"

    /// A console over a store holding one call with a no-match turn, its line running `store:menu`.
    static func withConsole(_ test: @escaping @Sendable (any TestClientProtocol, CallStore) async throws -> Void) async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let store = try CallStore(location: data + "/calls.sqlite")
        try store.publishFlow(name: "menu", content: try String(contentsOfFile: root + "/Flows/hotline.yaml", encoding: .utf8), by: "setup")
        try FileManager.default.createDirectory(atPath: data + "/flows", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root + "/Flows/orders.csv", toPath: data + "/flows/orders.csv")
        let id = try store.beginCall(line: "desk", flow: "store:menu")
        try store.addTurn(call: id, TurnRecord(atMs: 4000, state: "main_menu", expecting: "menu", input: .noMatch, heard: "uh <b>", confidence: 0.2,
                                               nbest: ["uh"], speechMs: [1000, 2000], interpretation: "nomatch", replies: ["Sorry?"],
                                               replyLatencyMs: 3))
        try store.endCall(id, outcome: "caller hung up", durationMs: 6000, recording: nil)
        let configuration = try DaemonConfiguration.parse(yaml: """
            models:
              acoustic: \(root)/Models/acoustic/acoustic.hnn
              voice: \(root)/Models/voices/rms/rms.voice
              lexicon: \(root)/Models/lexicon/cmudict-en-us.dict
            data_dir: \(data)
            lines:
              - {name: desk, capture: "null", flow: "store:menu"}
            """, file: "console.yaml")
        let daemon = try Daemon(configuration: configuration, log: DaemonLog(level: .error))
        let router = ConsoleApplication.router(daemon: daemon, registry: PrometheusCollectorRegistry(), store: store, users: users,
                                               tokens: ["ci": ConsoleAuthentication.digest(token)])
        try await Application(router: router).test(.router) { client in try await test(client, store) }
    }

    /// Signs in; the session cookie and the page's CSRF token.
    static func signIn(_ client: any TestClientProtocol, _ user: String, _ password: String) async throws -> (cookie: String, csrf: String) {
        let response = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "user=\(user)&password=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"))
        #expect(response.status == .seeOther)
        let cookie = try #require(response.headers[.setCookie]?.split(separator: ";").first.map(String.init))
        #expect(response.headers[.setCookie]?.contains("HttpOnly; SameSite=Strict") == true)
        let page = try await client.execute(uri: "/calls", method: .get, headers: [.cookie: cookie])
        let html = String(buffer: page.body)
        let csrf = try #require(html.range(of: #"name="csrf" content="[0-9a-f]{64}""#, options: .regularExpression).map {
            String(html[$0].dropFirst(#"name="csrf" content=""#.count).dropLast())
        })
        return (cookie, csrf)
    }

    @Test func everyRouteButHealthAndMetricsNeedsCredentials() async throws {
        try await Self.withConsole { client, _ in
            #expect(try await client.execute(uri: "/healthz", method: .get).status != .unauthorized)
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok)
            for path in ["/api/calls", "/api/calls/1", "/api/calls/1/audio", "/api/stats", "/api/live", "/api/flows", "/api/flows/menu/versions"] {
                #expect(try await client.execute(uri: path, method: .get).status == .unauthorized, "\(path)")
            }
            #expect(try await client.execute(uri: "/api/flows/menu", method: .put, body: ByteBuffer(string: "x")).status == .unauthorized)
            for path in ["/", "/calls", "/calls/1", "/flows", "/live"] {
                let page = try await client.execute(uri: path, method: .get)
                #expect(page.status == .seeOther && page.headers[.location] == "/login", "\(path)")
            }
            #expect(try await client.execute(uri: "/api/calls", method: .get, headers: [.authorization: "Bearer guess"]).status == .unauthorized)
            #expect(try await client.execute(uri: "/api/calls", method: .get, headers: [.authorization: "Bearer \(Self.token)"]).status == .ok)
        }
    }

    @Test func signingInWithAWrongPasswordFailsAndIsRateLimited() async throws {
        try await Self.withConsole { client, _ in
            for _ in 0..<5 {
                let wrong = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                     body: ByteBuffer(string: "user=ann&password=guess"))
                #expect(wrong.status == .unauthorized && String(buffer: wrong.body).contains("Wrong user or password"))
            }
            let limited = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                   body: ByteBuffer(string: "user=ann&password=ann%27s+secret"))
            #expect(limited.status == .tooManyRequests)
        }
    }

    @Test func qaReadsCallsAndTheirTurnsButCannotPublishFlows() async throws {
        try await Self.withConsole { client, _ in
            let (cookie, csrf) = try await Self.signIn(client, "quinn", "quinn's secret")
            let struggled = String(buffer: try await client.execute(uri: "/calls?struggled=true", method: .get, headers: [.cookie: cookie]).body)
            #expect(struggled.contains("<a href=\"/calls/1\">1</a>") && struggled.contains("caller hung up"))
            let call = String(buffer: try await client.execute(uri: "/calls/1", method: .get, headers: [.cookie: cookie]).body)
            #expect(call.contains("uh &lt;b&gt;") && !call.contains("uh <b>") && call.contains("Sorry?"))
            let dashboard = String(buffer: try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]).body)
            #expect(dashboard.contains("main_menu") && dashboard.contains("<svg class=\"histogram\""))
            #expect(try await client.execute(uri: "/api/calls/1", method: .get, headers: [.cookie: cookie]).status == .ok)
            let csv = String(buffer: try await client.execute(uri: "/api/calls.csv?turns=true", method: .get, headers: [.cookie: cookie]).body)
            #expect(csv.hasPrefix("call,line,at_ms,state") && csv.contains("1,desk,4000,main_menu,menu,nomatch,"))
            let put = try await client.execute(uri: "/api/flows/menu", method: .put, headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf],
                                               body: ByteBuffer(string: "flow: x\n"))
            #expect(put.status == .forbidden)
            let flows = String(buffer: try await client.execute(uri: "/flows", method: .get, headers: [.cookie: cookie]).body)
            #expect(flows.contains("store:menu") && !flows.contains("<form class=\"upload\""))
            let graph = try await client.execute(uri: "/api/flows/graph?line=desk", method: .get, headers: [.cookie: cookie])
            #expect(graph.status == .ok && graph.headers[.contentType] == "image/svg+xml" && String(buffer: graph.body).contains("main_menu"))
            #expect(try await client.execute(uri: "/api/flows/graph?line=nope", method: .get, headers: [.cookie: cookie]).status == .notFound)
            // QA annotates what the caller really said; the accuracy report counts it.
            let annotated = try await client.execute(uri: "/api/calls/1/turns/1/annotation", method: .put,
                                                     headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf],
                                                     body: ByteBuffer(string: "one"))
            #expect(annotated.status == .ok && String(buffer: annotated.body).contains("\"annotatedBy\":\"quinn\""))
            #expect(try await client.execute(uri: "/api/calls/1/turns/9/annotation", method: .put,
                                             headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf],
                                             body: ByteBuffer(string: "x")).status == .notFound)
            let range = try await client.execute(uri: "/api/calls/1/audio", method: .get, headers: [.cookie: cookie, .range: "bytes=0-99"])
            #expect(range.status == .notFound)   // this call has no recording: ranges are tested in RangeTests
            #expect(try await client.execute(uri: "/api/calls/1/replay", method: .get, headers: [.cookie: cookie]).status == .notFound)
            let testCase = String(buffer: try await client.execute(uri: "/api/calls/1/test-case", method: .get, headers: [.cookie: cookie]).body)
            #expect(testCase.contains("      - caller: \"one\"") && testCase.contains("      - expect: \"Sorry?\""), "\(testCase)")
            let accuracy = String(buffer: try await client.execute(uri: "/accuracy", method: .get, headers: [.cookie: cookie]).body)
            #expect(accuracy.contains("<td>main_menu</td><td>1</td><td>0</td>"))
        }
    }

    @Test func adminsPublishWithTheCSRFTokenSeeProblemsAtTheirLineAndRollBack() async throws {
        try await Self.withConsole { client, store in
            let (cookie, csrf) = try await Self.signIn(client, "ann", "ann's secret")
            let csrfHeader = HTTPField.Name("X-CSRF-Token")!
            let original = try String(contentsOfFile: Self.root + "/Flows/hotline.yaml", encoding: .utf8)
            let noToken = try await client.execute(uri: "/api/flows/menu", method: .put, headers: [.cookie: cookie], body: ByteBuffer(string: original))
            #expect(noToken.status == .forbidden)
            let broken = try await client.execute(uri: "/api/flows/menu", method: .put, headers: [.cookie: cookie, csrfHeader: csrf],
                                                  body: ByteBuffer(string: "flow: x\nstart: nowhere\nstates:\n  a:\n    prompt: hi\n    goto: b\n"))
            #expect(broken.status == .unprocessableContent)
            let problems = String(buffer: broken.body)
            #expect(problems.contains("\"valid\":false") && problems.contains("\"line\":"))
            let changed = original + "\n# version 2\n"
            let published = try await client.execute(uri: "/api/flows/menu", method: .put, headers: [.cookie: cookie, csrfHeader: csrf],
                                                     body: ByteBuffer(string: changed))
            #expect(published.status == .ok && String(buffer: published.body).contains("\"publishedBy\":\"ann\""))
            #expect(try store.flowVersions("menu").count == 2)
            let back = try await client.execute(uri: "/api/flows/menu/rollback", method: .post, headers: [.cookie: cookie, csrfHeader: csrf])
            #expect(back.status == .ok)
            #expect(try store.activeFlow("menu")?.content == original && store.flowVersions("menu").count == 3)
            #expect(try await client.execute(uri: "/api/flows/..%2Fetc/versions", method: .get, headers: [.cookie: cookie]).status != .ok)
            let signOut = try await client.execute(uri: "/logout?csrf=\(csrf)", method: .post, headers: [.cookie: cookie])
            #expect(signOut.status == .seeOther)
            #expect(try await client.execute(uri: "/api/calls", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
        }
    }
}

/// Audio served in parts, as players seeking in it ask.
@Suite struct RangeTests {
    static let bytes = (0..<1000).map { UInt8($0 % 256) }

    @Test(arguments: [("bytes=0-99", 206, "bytes 0-99/1000", 100), ("bytes=900-", 206, "bytes 900-999/1000", 100),
                      ("bytes=-10", 206, "bytes 990-999/1000", 10), ("bytes=990-2000", 206, "bytes 990-999/1000", 10),
                      ("bytes=1000-", 416, "bytes */1000", 0), ("bytes=x-y", 416, "bytes */1000", 0)])
    func aRangeIsServedOrRefused(range: String, status: Int, contentRange: String, length: Int) {
        let response = CallsAPI.ranged(Self.bytes, type: "audio/wav", range: range)
        #expect(response.status.code == status && response.headers[.contentRange] == contentRange && response.headers[.acceptRanges] == "bytes")
    }

    @Test func withoutARangeTheWholeIsSent() {
        let response = CallsAPI.ranged(Self.bytes, type: "audio/wav", range: nil)
        #expect(response.status == .ok && response.headers[.contentRange] == nil)
    }
}
