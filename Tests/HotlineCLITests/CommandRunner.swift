import Foundation
import HotlineTestSupport

/// Runs the built `hotline` / `hotlined` executables, which sit beside the test bundle.
enum CommandRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let productsFolder: URL = {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("hotline").path) }
            ?? candidates[0]
    }()

    /// Runs `tool` with `arguments`, in `folder` when given (else the package root).
    static func run(_ tool: String, _ arguments: [String], in folder: String? = nil) throws -> Result {
        try runProgram(productsFolder.appendingPathComponent(tool).path, arguments, in: folder)
    }

    static func runProgram(_ path: String, _ arguments: [String], in folder: String? = nil) throws -> Result {
        let process = Process()
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        process.executableURL = URL(fileURLWithPath: path.hasPrefix("/") ? path : "/usr/bin/env")
        process.arguments = path.hasPrefix("/") ? arguments : [path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A one-shot JSON backend on a loopback port (python3's http.server), for a real POST:
/// it answers one request with `reply`, a Python expression over the posted JSON `body`.
final class LoopbackBackend {
    let port: String
    private let server = Process()

    init(reply: String) throws {
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-c", """
            import http.server, json
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
                    reply = json.dumps(\(reply)).encode()
                    self.send_response(200); self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply))); self.end_headers(); self.wfile.write(reply)
                def log_message(self, *a): pass
            s = http.server.HTTPServer(("127.0.0.1", 0), H)
            print(s.server_address[1], flush=True)
            s.handle_request()
            """]
        let portPipe = Pipe()
        server.standardOutput = portPipe
        try server.run()
        port = String(decoding: portPipe.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { server.terminate() }
}
