import Foundation
import HotlineAudio
import HotlineCore
import HotlineDaemon
import HotlineDialogue
import HotlineStore
import HTTPTypes
import Hummingbird

/// The console's JSON API over the call store (docs/api.md): calls with `calls list`'s
/// filters, one call with its turns and audio, live calls and the analytics. Every route
/// needs a signed-in user or an API token (`ConsoleAuthentication`).
enum CallsAPI {
    static func add(to api: RouterGroup<ConsoleContext>, daemon: Daemon, store: CallStore) {
        api.get("live") { _, _ -> Response in
            try json(daemon.liveCalls)
        }
        api.get("calls") { request, _ -> Response in
            try json(store.calls(query(request)))
        }
        api.get("calls/:id") { _, context -> Response in
            let id = try context.parameters.require("id", as: Int64.self)
            guard let call = try store.call(id) else { throw HTTPError(.notFound, message: "no call \(id)") }
            return try json(CallWithTurns(call: call, turns: try store.turns(call: id),
                                          annotations: try store.annotations(call: id).values.sorted { $0.turn < $1.turn }))
        }
        // QA's transcript of turn N (1-based): the body is what the caller really said.
        api.put("calls/:id/turns/:turn/annotation") { request, context -> Response in
            let annotator = try context.requireIdentity()
            let id = try context.parameters.require("id", as: Int64.self), turn = try context.parameters.require("turn", as: Int.self)
            let said = String(buffer: try await request.body.collect(upTo: 4096)).trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                try store.annotate(call: id, turn: turn, said: said, by: annotator.name)
            } catch let error as CallStoreError where error.description.contains("has no turn") {
                throw HTTPError(.notFound, message: error.description)
            }
            return try json(store.annotations(call: id)[turn])
        }
        // `hotline calls test-case ID` over HTTP: the call as a `flow test` case (annotated turns as really said).
        api.get("calls/:id/test-case") { _, context -> Response in
            let id = try context.parameters.require("id", as: Int64.self)
            guard let call = try store.call(id) else { throw HTTPError(.notFound, message: "no call \(id)") }
            let flow = try? FlowLoader.load(path: call.flow, pathsOutside: true)
            let text = CallTestCase.yaml(call, turns: try store.turns(call: id), annotations: try store.annotations(call: id), flow: flow)
            return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"call\(id).tests.yaml\""],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        // `hotline replay ID` over HTTP: the call's caller audio through what its line runs today.
        api.get("calls/:id/replay") { _, context -> Response in
            try json(try await replay(try context.parameters.require("id", as: Int64.self), store: store, daemon: daemon))
        }
        // `hotline calls export` over HTTP: the calls (or, with turns=true, their turns) as CSV.
        api.get("calls.csv") { request, _ -> Response in
            let turns = request.uri.queryParameters["turns"] == "true"
            let (text, _) = try CallExport.csv(store, query(request), turns: turns)
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"\(turns ? "turns" : "calls").csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        api.get("accuracy") { request, _ -> Response in
            try json(store.accuracy(query(request)))
        }
        api.get("calls/:id/audio") { request, context -> Response in
            let id = try context.parameters.require("id", as: Int64.self)
            guard let call = try store.call(id) else { throw HTTPError(.notFound, message: "no call \(id)") }
            let parameters = request.uri.queryParameters
            let channel = parameters["channel"].map { RecordingCut.Channel(rawValue: String($0)) } ?? .caller
            guard let channel else { throw HTTPError(.badRequest, message: "channel is caller, hotline or both") }
            let turn = parameters["turn"].flatMap { Int($0) }.map { $0 - 1 }
            let opus = parameters["format"] == "opus"
            guard opus || parameters["format"] == nil || parameters["format"] == "wav" else {
                throw HTTPError(.badRequest, message: "format is wav (default) or opus")
            }
            let bytes: [UInt8]
            do {
                let (channels, rate) = try RecordingCut.cut(call, turns: try store.turns(call: id), turn: turn, channel: channel)
                bytes = try encoded(channels, sampleRate: rate, codec: opus ? .opus : .pcm16)
            } catch let error as InvalidArgument {
                throw HTTPError(.notFound, message: error.description)
            }
            return ranged(bytes, type: opus ? "audio/ogg" : "audio/wav", range: request.headers[.range])
        }
        api.get("stats") { request, _ -> Response in
            try json(store.analytics(query(request)))
        }
    }

    struct CallWithTurns: Encodable {
        var call: CallRecord
        var turns: [TurnRecord]
        var annotations: [Annotation]
    }

    /// `?since=&until=&line=&outcome=&struggled=true&node=&flow=&version=&interpretation=&confidence_below=&limit=`,
    /// as `hotline calls list` takes them.
    static func query(_ request: Request) -> CallQuery {
        let parameters = request.uri.queryParameters
        let text = { (name: Substring) in parameters[name].map(String.init) }
        var query = CallQuery(since: text("since"), until: text("until"), line: text("line"), outcome: text("outcome"),
                              struggled: text("struggled") == "true", node: text("node"), limit: text("limit").flatMap { Int($0) })
        (query.flow, query.flowVersion, query.interpretation) = (text("flow"), text("version"), text("interpretation"))
        query.confidenceBelow = text("confidence_below").flatMap { Double($0) }
        return query
    }

    /// `channels` as a 16-bit WAV file's bytes (written to a scratch file: libsndfile writes files).
    static func encoded(_ channels: [[Float]], sampleRate: Int, codec: AudioCodec) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-api-\(UUID().uuidString)."
                                                                                 + (codec == .opus ? "opus" : "wav")).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SoundFile.write(channels: channels, sampleRate: sampleRate, to: path, codec: codec)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Call `id` replayed through today's flow and models, off the server's threads (it
    /// runs the recognizer over the whole call).
    static func replay(_ id: Int64, store: CallStore, daemon: Daemon) async throws -> [CallReplay.Compared] {
        guard let call = try store.call(id) else { throw HTTPError(.notFound, message: "no call \(id)") }
        let turns = try store.turns(call: id)
        return try await withCheckedThrowingContinuation { done in
            DispatchQueue.global().async {
                do { done.resume(returning: try daemon.replay(call, turns: turns)) } catch let error as InvalidArgument {
                    done.resume(throwing: HTTPError(.notFound, message: error.description))
                } catch {
                    done.resume(throwing: error)
                }
            }
        }
    }

    /// `bytes`, or the part a `Range: bytes=A-B` (A-, -N) header asks for (206; 416 when
    /// it lies outside), so players can seek.
    static func ranged(_ bytes: [UInt8], type: String, range: String?) -> Response {
        var headers: HTTPFields = [.contentType: type, .acceptRanges: "bytes"]
        guard let range, range.hasPrefix("bytes="), !range.contains(",") else {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let parts = range.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        var first = 0, last = bytes.count - 1
        if parts.count == 2, let start = parts[0] {
            first = start
            last = min(parts[1] ?? last, last)
        } else if parts.count == 2, parts[0] == nil, let suffix = parts[1] {
            first = max(bytes.count - suffix, 0)
        } else {
            first = bytes.count   // unparsable: unsatisfiable
        }
        guard first <= last, first < bytes.count else {
            headers[.contentRange] = "bytes */\(bytes.count)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        headers[.contentRange] = "bytes \(first)-\(last)/\(bytes.count)"
        return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes[first...last])))
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
