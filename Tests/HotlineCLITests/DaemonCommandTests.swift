import Foundation
import Testing

@Suite struct DaemonCommandTests {
    @Test func versionsAgree() throws {
        let daemon = try CommandRunner.run("hotlined", ["--version"])
        let tool = try CommandRunner.run("hotline", ["--version"])
        #expect(daemon.status == 0 && tool.status == 0)
        #expect(!daemon.stdout.isEmpty && daemon.stdout == tool.stdout)
    }

    @Test func unknownOptionIsRejected() throws {
        let result = try CommandRunner.run("hotlined", ["--no-such-option"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--no-such-option"))
    }
}
