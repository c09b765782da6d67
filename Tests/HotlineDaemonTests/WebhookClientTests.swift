import Foundation
import Testing
@testable import HotlineDaemon

/// Webhooks against a backend that hangs: nothing is delivered late, nothing piles up.
@Suite struct WebhookClientTests {
    /// A loopback backend that reads every request and never answers (it hangs up after
    /// 3 s); it logs each request's Idempotency-Key to `log`, one line each, as it arrives.
    final class HangingBackend {
        let port: String
        let log: String
        private let server = Process()

        init() throws {
            log = FileManager.default.temporaryDirectory.appendingPathComponent("hanging-\(UUID().uuidString).log").path
            server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            server.arguments = ["python3", "-c", """
                import socketserver, sys, threading, time
                log = open(sys.argv[1], "a", buffering=1)
                class H(socketserver.StreamRequestHandler):
                    def handle(self):
                        key = ""
                        for line in self.rfile:
                            if line.lower().startswith(b"idempotency-key:"): key = line.split(b":", 1)[1].strip().decode()
                            if line in (b"\\r\\n", b"\\n"): break
                        log.write(key + "\\n")
                        time.sleep(3)
                class S(socketserver.ThreadingTCPServer):
                    daemon_threads = True
                s = S(("127.0.0.1", 0), H)
                print(s.server_address[1], flush=True)
                threading.Timer(40, s.shutdown).start()
                s.serve_forever()
                """, log]
            let portPipe = Pipe()
            server.standardOutput = portPipe
            try server.run()
            port = String(decoding: portPipe.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        var keys: [String] { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }

        deinit {
            server.terminate()
            try? FileManager.default.removeItem(atPath: log)
        }
    }

    @Test func timedOutRequestsAreCancelledNotDeliveredLate() throws {
        let backend = try HangingBackend()
        let url = "http://127.0.0.1:\(backend.port)/tickets"
        // Twelve calls' webhooks at once, each giving up after 400 ms.
        let group = DispatchGroup()
        let failures = Counter()
        for _ in 0..<12 {
            group.enter()
            Thread {
                if WebhookClient.post(url: url, body: ["order": "1"], timeoutMs: 400) == nil { failures.add() }
                group.leave()
            }.start()
        }
        #expect(group.wait(timeout: .now() + 3) == .success, "a webhook waited past its timeout")
        #expect(failures.value == 12)
        Thread.sleep(forTimeInterval: 0.3)
        // Each request that reached the backend carried a key of its own.
        let delivered = backend.keys
        #expect(!delivered.isEmpty && Set(delivered).count == delivered.count && !delivered.contains(""))
        // The backend lets go of the first requests after 3 s: nothing left over may follow.
        Thread.sleep(forTimeInterval: 4)
        #expect(backend.keys.count == delivered.count, "requests arrived after the flow had given up on them")
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func add() { lock.withLock { count += 1 } }
    }
}
