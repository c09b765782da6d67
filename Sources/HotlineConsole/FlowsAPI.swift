import Foundation
import HotlineDaemon
import HotlineDialogue
import HotlineStore
import Hummingbird

/// The console's flow routes (docs/api.md): the flows calls run now, validation, and the
/// versions kept in the call store: every user may read them, admins publish and roll back
/// (as `hotline flow publish` / `rollback` do; the nodes running `store:NAME` reload).
enum FlowsAPI {
    static func add(to api: RouterGroup<ConsoleContext>, daemon: Daemon, store: CallStore?) {
        api.get("flows") { _, _ -> Response in
            try CallsAPI.json(daemon.runningFlows.map { RunningFlow(line: $0.line, number: $0.number, path: $0.path, version: $0.version) })
        }
        // A flow's text checked as `hotline flow validate` would: its problems, each at its line and column.
        api.post("flows/validate") { request, _ -> Response in
            try CallsAPI.json(validate(String(buffer: try await request.body.collect(upTo: 1 << 20)), daemon: daemon))
        }
        // The flow a line runs as a graph of its states: SVG drawn by Graphviz's dot, or the
        // DOT text where Graphviz is not installed.
        api.get("flows/graph") { request, _ -> Response in
            let line = request.uri.queryParameters["line"].map(String.init) ?? ""
            guard let flow = daemon.runningFlow(line: line, number: request.uri.queryParameters["number"].map(String.init)) else {
                throw HTTPError(.notFound, message: "no line '\(line)'")
            }
            let dot = FlowGraph.dot(flow)
            if let svg = draw(dot) {
                return Response(status: .ok, headers: [.contentType: "image/svg+xml"], body: .init(byteBuffer: ByteBuffer(bytes: svg)))
            }
            return Response(status: .ok, headers: [.contentType: "text/vnd.graphviz; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: dot)))
        }
        guard let store else { return }
        api.get("flows/:name/versions") { _, context -> Response in
            try CallsAPI.json(try store.flowVersions(try name(context)))
        }
        // Publish the body as flow NAME's version in force (422 with the problems when it has errors).
        api.put("flows/:name") { request, context -> Response in
            let publisher = try context.requireAdmin()
            let name = try name(context)
            let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let validation = validate(text, daemon: daemon)
            guard validation.valid else {
                var response = try CallsAPI.json(validation)
                response.status = .unprocessableContent
                return response
            }
            let published = try store.publishFlow(name: name, content: text, by: publisher.name)
            reloadSoon(daemon)
            return try CallsAPI.json(published)
        }
        // Put an earlier version in force again: `?to=VERSION`, else the one before the current.
        api.post("flows/:name/rollback") { request, context -> Response in
            let publisher = try context.requireAdmin()
            let rolledBack: FlowVersion
            do {
                rolledBack = try store.rollbackFlow(try name(context), to: request.uri.queryParameters["to"].map(String.init), by: publisher.name).now
            } catch let error as CallStoreError {
                throw HTTPError(.notFound, message: error.description)
            }
            reloadSoon(daemon)
            return try CallsAPI.json(rolledBack)
        }
    }

    /// The flow name in the path: letters, digits, '-', '_', '.', not first (no paths).
    static func name(_ context: ConsoleContext) throws -> String {
        let name = try context.parameters.require("name")
        guard FlowVersion.isValidName(name) else {
            throw HTTPError(.badRequest, message: "a flow name holds only letters, digits, '-', '_' and '.'")
        }
        return name
    }

    /// `dot` drawn as SVG by Graphviz (`dot -Tsvg`), or nil when it is not installed or fails.
    static func draw(_ dot: String) -> [UInt8]? {
        guard let tool = ["/usr/bin/dot", "/usr/local/bin/dot"].first(where: FileManager.default.isExecutableFile) else { return nil }
        let process = Process(), input = Pipe(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-Tsvg"]
        (process.standardInput, process.standardOutput, process.standardError) = (input, output, FileHandle.nullDevice)
        do { try process.run() } catch { return nil }
        input.fileHandleForWriting.write(Data(dot.utf8))
        try? input.fileHandleForWriting.close()
        let svg = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 && !svg.isEmpty ? Array(svg) : nil
    }

    /// This node takes a flow published here at once (other nodes hear of it from PostgreSQL).
    static func reloadSoon(_ daemon: Daemon) {
        DispatchQueue.global().async { daemon.reload() }
    }

    /// `text` checked as a node would load it from the store: relative paths against its
    /// DATA_DIR/flows, where stored flows' tables and prompt audio go.
    static func validate(_ text: String, daemon: Daemon) -> Validation {
        let folder = daemon.configuration.flowCache ?? FileManager.default.temporaryDirectory.path
        do {
            _ = try FlowLoader.load(yaml: text, file: "flow.yaml", baseDirectory: folder)
            return Validation(valid: true, problems: [])
        } catch let errors as FlowErrors {
            return Validation(valid: false, problems: errors.diagnostics.map {
                .init(line: $0.location.line, column: $0.location.column, message: $0.message, hint: $0.hint)
            })
        } catch {
            return Validation(valid: false, problems: [.init(line: 1, column: 1, message: "\(error)", hint: nil)])
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
}
