import Foundation
import HotlineTestSupport
import Testing

/// Mutated files through every command a user types: each run ends by itself with status
/// 0, 1 (an error or a failed check, said) or 64 (bad usage), never by a signal or a Swift
/// runtime trap. Seeded like the in-process fuzz suite (`HOTLINE_FUZZ_SEED`).
@Suite struct CommandFuzzTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["HOTLINE_FUZZ_SEED"] ?? "") ?? 20261207
    static let pieces = [":", "- ", "{", "}", "[", "\n", "\t", "\"", "&a ", "*a", "~", "99999999999999999999", "-1",
                         "<4000000000>", "$r = $r a ;", "<speak>", "\u{0}", "🙂", "goto: nowhere", "caller: \"#9\""]

    /// Runs `tool arguments` (stdin from `input`), checking how it ended.
    static func check(_ tool: String, _ arguments: [String], input: String? = nil) throws {
        let process = Process()
        process.executableURL = CommandRunner.productsFolder.appendingPathComponent(tool)
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data((input ?? "").utf8))
        try stdin.fileHandleForWriting.close()
        let said = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let what = "\(tool) \(arguments.joined(separator: " "))"
        #expect(process.terminationReason == .exit, "\(what): killed by signal \(process.terminationStatus)\n\(stderr)")
        #expect([0, 1, 64].contains(process.terminationStatus), "\(what): exit \(process.terminationStatus)\n\(stderr)")
        #expect(!stderr.contains("Fatal error"), "\(what)\n\(stderr)")
        // A failure says why: an error on stderr, or (flow test, grammar) the failing case on stdout.
        if process.terminationStatus != 0 { #expect(!stderr.isEmpty || !said.isEmpty, "\(what): failed without a word") }
    }

    @Test func mutatedAudioThroughEveryAudioCommand() throws {
        var random = SeededRandom(Self.seed)
        let scratch = Scratch()
        let sample = try Data(contentsOf: repositoryRoot.appendingPathComponent("Audio/samples/digits-jackson-16k.flac"))
        for i in 0..<6 {
            let file = scratch.file("m\(i).flac")
            try random.mutate(sample).write(to: URL(fileURLWithPath: file))
            try Self.check("hotline", ["audio", "info", file])
            try Self.check("hotline", ["audio", "convert", file, scratch.file("o\(i).wav"), "--rate", "8000"])
            try Self.check("hotline", ["detect", file])
            try Self.check("hotline", ["features", file])
            try Self.check("hotline", ["phones", file])
            try Self.check("hotline", ["recognize", file, "--grammar", "builtin:digits"])
            try Self.check("hotline", ["call", "Flows/hotline.yaml", file, "--linger", "1"])
        }
    }

    @Test func mutatedFlowsGrammarsTestsAndConfigurationsThroughTheirCommands() throws {
        var random = SeededRandom(Self.seed &+ 1)
        let scratch = Scratch()
        let flows = repositoryRoot.appendingPathComponent("Flows")
        try FileManager.default.copyItem(atPath: flows.appendingPathComponent("orders.csv").path, toPath: scratch.file("orders.csv"))
        let flow = try String(contentsOf: flows.appendingPathComponent("hotline.yaml"), encoding: .utf8)
        let tests = try String(contentsOf: flows.appendingPathComponent("hotline.tests.yaml"), encoding: .utf8)
        let config = try String(contentsOf: repositoryRoot.appendingPathComponent("Systemd/hotlined.yaml"), encoding: .utf8)
        let grammar = "public $order = [can i have] [a] (small {small} | large {large}) (latte | tea) <1-3> [please] ;"
        for i in 0..<6 {
            let flowFile = scratch.file("f\(i).yaml"), testFile = scratch.file("t\(i).yaml")
            let grammarFile = scratch.file("g\(i).gram"), configFile = scratch.file("c\(i).yaml")
            try random.mutate(text: flow, pieces: Self.pieces).write(toFile: flowFile, atomically: true, encoding: .utf8)
            try random.mutate(text: tests, pieces: Self.pieces).write(toFile: testFile, atomically: true, encoding: .utf8)
            try random.mutate(text: grammar, pieces: Self.pieces).write(toFile: grammarFile, atomically: true, encoding: .utf8)
            try random.mutate(text: config, pieces: Self.pieces).write(toFile: configFile, atomically: true, encoding: .utf8)
            try Self.check("hotline", ["flow", "validate", flowFile])
            try Self.check("hotline", ["flow", "graph", flowFile])
            try Self.check("hotline", ["flow", "test", "Flows/hotline.yaml", testFile])
            try Self.check("hotline", ["chat", flowFile], input: "1\nwhere is my order\n#123456#\nagent\n")
            try Self.check("hotline", ["grammar", grammarFile, "can i have a large latte please"])
            try Self.check("hotline", ["normalize", random.mutate(text: "Call (555) 123-4567 on 12/24 at 3:30 pm, $12.50.", pieces: Self.pieces)])
            try Self.check("hotlined", ["--config", configFile, "--check-config"])
        }
        // A call store that is not one.
        let store = scratch.file("calls.sqlite")
        try random.mutate(Data("SQLite format 3\u{0}".utf8) + Data(count: 4096)).write(to: URL(fileURLWithPath: store))
        try Self.check("hotline", ["calls", "list", "--db", store])
        try Self.check("hotline", ["calls", "show", "1", "--db", store])
        try Self.check("hotline", ["replay", "1", "--db", store])
    }
}
