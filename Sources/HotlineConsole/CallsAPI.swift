import Crypto
import Foundation
import HotlineAudio
import HotlineCore
import HotlineDaemon
import HotlineDialogue
import HotlineStore
import Hummingbird

/// The console's JSON API over the call store (docs/api.md): calls with `calls list`'s
/// filters, one call with its turns, and the analytics. Every route needs an API token
/// (`Authorization: Bearer TOKEN`) whose SHA-256 the configuration lists.
enum CallsAPI {
    static func add(to router: Router<BasicRequestContext>, daemon: Daemon, store: CallStore, tokens: [String: String]) {
        let api = router.group("api").add(middleware: BearerTokens(hashes: tokens))
        api.get("live") { _, _ -> Response in
            try json(daemon.liveCalls)
        }
        api.get("calls") { request, _ -> Response in
            try json(store.calls(query(request)))
        }
        api.get("calls/:id") { _, context -> Response in
            let id = try context.parameters.require("id", as: Int64.self)
            guard let call = try store.call(id) else { throw HTTPError(.notFound, message: "no call \(id)") }
            return try json(CallWithTurns(call: call, turns: try store.turns(call: id)))
        }
        api.get("calls/:id/audio") { request, context -> Response in
            let id = try context.parameters.require("id", as: Int64.self)
            guard let call = try store.call(id) else { throw HTTPError(.notFound, message: "no call \(id)") }
            let parameters = request.uri.queryParameters
            let channel = parameters["channel"].map { RecordingCut.Channel(rawValue: String($0)) } ?? .caller
            guard let channel else { throw HTTPError(.badRequest, message: "channel is caller, hotline or both") }
            let turn = parameters["turn"].flatMap { Int($0) }.map { $0 - 1 }
            do {
                let (channels, rate) = try RecordingCut.cut(call, turns: try store.turns(call: id), turn: turn, channel: channel)
                return Response(status: .ok, headers: [.contentType: "audio/wav"],
                                body: .init(byteBuffer: ByteBuffer(bytes: try wav(channels, sampleRate: rate))))
            } catch let error as InvalidArgument {
                throw HTTPError(.notFound, message: error.description)
            }
        }
        api.get("flows") { _, _ -> Response in
            try json(daemon.runningFlows.map { RunningFlow(line: $0.line, number: $0.number, path: $0.path, version: $0.version) })
        }
        // A flow's text checked as `hotline flow validate` would: its problems, each at its line and column.
        api.post("flows/validate") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let text = String(buffer: body)
            do {
                _ = try FlowLoader.load(yaml: text, file: "flow.yaml", baseDirectory: FileManager.default.temporaryDirectory.path)
                return try json(Validation(valid: true, problems: []))
            } catch let errors as FlowErrors {
                return try json(Validation(valid: false, problems: errors.diagnostics.map {
                    .init(line: $0.location.line, column: $0.location.column, message: $0.message, hint: $0.hint)
                }))
            }
        }
        api.get("stats") { request, _ -> Response in
            try json(store.analytics(query(request)))
        }
    }

    struct RunningFlow: Encodable {
        var line: String
        var number: String?
        var path: String
        var version: String
    }

    struct Validation: Encodable {
        struct Problem: Encodable {
            var line: Int, column: Int
            var message: String
            var hint: String?
        }
        var valid: Bool
        var problems: [Problem]
    }

    struct CallWithTurns: Encodable {
        var call: CallRecord
        var turns: [TurnRecord]
    }

    /// `?since=&until=&line=&outcome=&struggled=true`, as `hotline calls list` takes them.
    static func query(_ request: Request) -> CallQuery {
        let parameters = request.uri.queryParameters
        let text = { (name: Substring) in parameters[name].map(String.init) }
        return CallQuery(since: text("since"), until: text("until"), line: text("line"), outcome: text("outcome"),
                         struggled: text("struggled") == "true", node: text("node"), limit: text("limit").flatMap { Int($0) })
    }

    /// `channels` as a 16-bit WAV file's bytes (written to a scratch file: libsndfile writes files).
    static func wav(_ channels: [[Float]], sampleRate: Int) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-api-\(UUID().uuidString).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SoundFile.write(channels: channels, sampleRate: sampleRate, to: path, codec: .pcm16)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// Lets a request through when its bearer token's SHA-256 (hex) is one of `hashes`
/// (token name -> hash); answers 401 otherwise.
struct BearerTokens<Context: RequestContext>: RouterMiddleware {
    let hashes: [String: String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
              hashes.values.contains(Self.digest(String(header.dropFirst("bearer ".count)))) else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"hotline\""], message: "an API token is needed")
        }
        return try await next(request, context)
    }

    /// The lowercase hex SHA-256 of `token`.
    static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
