import Foundation
import HotlineTestSupport
import Testing

@Suite struct FlowCommandTests {
    static let flows = repositoryRoot.appendingPathComponent("Flows")

    @Test func everyExampleFlowValidatesAndPassesItsTests() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.flows.path)
        let flowFiles = files.filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".tests.yaml") }.sorted()
        #expect(!flowFiles.isEmpty)
        for name in flowFiles {
            let path = Self.flows.appendingPathComponent(name).path
            let validate = try CommandRunner.run("hotline", ["flow", "validate", path])
            #expect(validate.status == 0, "\(name): \(validate.stderr)")
            let cases = path.replacingOccurrences(of: ".yaml", with: ".tests.yaml")
            #expect(FileManager.default.fileExists(atPath: cases), "\(name) has no conversation tests")
            let test = try CommandRunner.run("hotline", ["flow", "test", path, cases])
            #expect(test.status == 0, "\(name): \(test.stdout)")
            // More test files of the same flow: NAME.SOMETHING.tests.yaml.
            let stem = String(name.dropLast(".yaml".count)) + "."
            for more in files where more.hasPrefix(stem) && more.hasSuffix(".tests.yaml") && more != stem + "tests.yaml" {
                let extra = try CommandRunner.run("hotline", ["flow", "test", path, Self.flows.appendingPathComponent(more).path])
                #expect(extra.status == 0, "\(more): \(extra.stdout)")
            }
        }
    }

    @Test func flowTestVoicesPlaysTheCallersLinesIntoACall() throws {
        let scratch = Scratch()
        let flow = scratch.file("menu.yaml"), cases = scratch.file("menu.tests.yaml")
        try """
            flow: menu
            start: menu
            settings:
              noinput_timeout_ms: 2000
            states:
              menu:
                prompt: "Press one for sales or two for support."
                menu:
                  - {keys: "1", say: [sales], goto: bye}
                  - {keys: "2", say: [support], goto: bye}
                noinput: ["Press one or two."]
              bye:
                prompt: "Goodbye."
                hangup: true
            """.write(toFile: flow, atomically: true, encoding: .utf8)
        try """
            cases:
              - name: silence then a key
                turns:
                  - caller: ""
                  - caller: "#2"
                end: hangup
              - name: a scripted confidence
                turns:
                  - caller: "sales @0.2"
                end: listening
            """.write(toFile: cases, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run("hotline", ["flow", "test", flow, cases, "--voices", "rms"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("voice rms: pass  silence then a key"))
        #expect(result.stdout.contains("voice rms: skip  a scripted confidence"))
        let unknown = try CommandRunner.run("hotline", ["flow", "test", flow, cases, "--voices", "nobody"])
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown voice 'nobody'"))
    }

    @Test func publishListAndRollBackFlowVersionsInAStore() throws {
        let scratch = Scratch()
        let db = scratch.file("calls.sqlite")
        FileManager.default.createFile(atPath: db, contents: nil)
        let flow = scratch.file("menu.yaml")
        let first = try String(contentsOf: Self.flows.appendingPathComponent("hotline.yaml"), encoding: .utf8)
        try first.write(toFile: flow, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Self.flows.appendingPathComponent("orders.csv").path, toPath: scratch.file("orders.csv"))
        let published = try CommandRunner.run("hotline", ["flow", "publish", flow, "--db", db, "--by", "ann"])
        #expect(published.status == 0 && published.stdout.hasPrefix("flow menu: version "), "\(published.stderr)")
        try (first + "\n# second version\n").write(toFile: flow, atomically: true, encoding: .utf8)
        #expect(try CommandRunner.run("hotline", ["flow", "publish", flow, "--db", db, "--by", "bob"]).status == 0)
        let versions = try CommandRunner.run("hotline", ["flow", "versions", "menu", "--db", db]).stdout.split(separator: "\n")
        #expect(versions.count == 2 && versions[0].contains("bob") && versions[0].hasSuffix("(in force)") && versions[1].contains("ann"))
        let rollback = try CommandRunner.run("hotline", ["flow", "rollback", "menu", "--db", db, "--by", "carl"])
        #expect(rollback.status == 0 && rollback.stdout.contains("in force again"), "\(rollback.stderr)")
        let after = try CommandRunner.run("hotline", ["flow", "versions", "menu", "--db", db]).stdout.split(separator: "\n")
        #expect(after.count == 3 && after[0].contains("carl") && after[0].prefix(12) == versions[1].prefix(12))
        // A name that is a path is refused.
        let path = try CommandRunner.run("hotline", ["flow", "publish", flow, "--db", db, "--name", "../menu"])
        #expect(path.status != 0 && path.stderr.contains("cannot name a flow"))
        // A flow with errors is not published.
        try "start: nowhere\nstates: {}\n".write(toFile: flow, atomically: true, encoding: .utf8)
        let broken = try CommandRunner.run("hotline", ["flow", "publish", flow, "--db", db])
        #expect(broken.status != 0 && broken.stderr.contains("menu.yaml:"))
        #expect(try CommandRunner.run("hotline", ["flow", "versions", "menu", "--db", db]).stdout.split(separator: "\n").count == 3)
    }

    @Test func anInvalidFlowFailsWithOneLinePerProblem() throws {
        let scratch = Scratch()
        let path = scratch.file("broken.yaml")
        try "flow: b\nstart: welcom\nstates:\n  welcome:\n    prompt: Hi\n    hangup: yes\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run("hotline", ["flow", "validate", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("broken.yaml:2:8: unknown state 'welcom' in 'start' (did you mean 'welcome'?)"))
    }

    /// `hotline flow validate` on `yaml`, written to `name` in `scratch`.
    static func validate(_ yaml: String, as name: String, in scratch: Scratch) throws -> CommandRunner.Result {
        let path = scratch.file(name)
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try CommandRunner.run("hotline", ["flow", "validate", path])
    }

    @Test func validateNamesPromptWordsTheVoiceMustGuess() throws {
        let result = try Self.validate("flow: b\nstart: welcome\nstates:\n  welcome:\n    prompt: Welcome to Qwikpay, {name}.\n    hangup: yes\n",
                                       as: "brand.yaml", in: Scratch())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("brand.yaml: warning: prompt words not in the lexicon: 'qwikpay' (guessed: K W IH K P EY); "
                                       + "a user lexicon can correct them"), "\(result.stderr)")
        #expect(!result.stderr.contains("'name'"), "a placeholder is not a word: \(result.stderr)")
    }

    @Test func validateNamesListenWordsItMustGuessAndFailsOnOnesThatCannotBeHeard() throws {
        let scratch = Scratch()
        let flow = "flow: m\nstart: menu\nstates:\n  menu:\n    prompt: Pick one.\n    menu:\n"
            + "      - say: [option 2, qwikpay]\n        goto: bye\n  bye:\n    prompt: Bye.\n    hangup: yes\n"
        let guessed = try Self.validate(flow, as: "menu.yaml", in: scratch)
        #expect(guessed.status == 0, "\(guessed.stderr)")
        #expect(guessed.stderr.contains("menu.yaml: warning: listen words not in the lexicon: '2' (number: T UW), "
                                        + "'qwikpay' (guessed: K W IH K P EY)"), "\(guessed.stderr)")
        let unhearable = try Self.validate(flow.replacingOccurrences(of: "qwikpay", with: "日本 please"), as: "menu.yaml", in: scratch)
        #expect(unhearable.status != 0)
        #expect(unhearable.stderr.contains("menu.yaml: error: phrases with these words can never be heard, "
                                           + "the words have no pronunciation: '日本'; add them to a user lexicon"), "\(unhearable.stderr)")
    }

    @Test func ssmlPromptsAreCheckedAndABrokenOneFails() throws {
        let scratch = Scratch()
        let flow = "flow: s\nstart: welcome\nstates:\n  welcome:\n"
            + "    prompt: '<speak>Your code is <say-as interpret-as=\"characters\">{code}</say-as>.</speak>'\n    hangup: yes\n"
        let good = try Self.validate(flow, as: "ssml.yaml", in: scratch)
        #expect(good.status == 0, "\(good.stderr)")
        let broken = try Self.validate(flow.replacingOccurrences(of: "</say-as>", with: ""), as: "ssml.yaml", in: scratch)
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("ssml.yaml: error: prompt \"<speak>Your code is <say-as interpret-as...\": "
                                       + "SSML at character 61: </speak> closes nothing open (open: <say-as>)"), "\(broken.stderr)")
    }

    @Test func conversationTestsAndChatReadSSMLPromptsWithoutTheirMarkup() throws {
        let scratch = Scratch()
        let flow = scratch.file("ssml.yaml"), cases = scratch.file("ssml.tests.yaml")
        try ("flow: s\nstart: welcome\nstates:\n  welcome:\n"
             + "    prompt: '<speak>Welcome to <sub alias=\"Acme\">ACME</sub>, <emphasis>caller</emphasis> &amp; friend.</speak>'\n"
             + "    hangup: yes\n").write(toFile: flow, atomically: true, encoding: .utf8)
        try "cases:\n  - name: greeting\n    turns:\n      - expect: \"Welcome to ACME, caller & friend.\"\n    end: hangup\n"
            .write(toFile: cases, atomically: true, encoding: .utf8)
        let test = try CommandRunner.run("hotline", ["flow", "test", flow, cases])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    }

    @Test func aFlowVoiceThatIsNotThereFails() throws {
        let result = try Self.validate("flow: v\nvoice: kall\nstart: hi\nstates:\n  hi:\n    prompt: Hello.\n    hangup: yes\n",
                                       as: "voiced.yaml", in: Scratch())
        #expect(result.status != 0)
        #expect(result.stderr.contains("voiced.yaml: error: voice 'kall': Models/voices/kall/kall.voice: not a Hotline voice file"),
                "\(result.stderr)")
    }

    @Test func aRecordedPromptThatIsNotAudioFails() throws {
        let scratch = Scratch()
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: scratch.file("hello.wav")))
        let result = try Self.validate("flow: a\nstart: hi\nstates:\n  hi:\n    prompt: Hello.\n    audio: hello.wav\n    hangup: yes\n",
                                       as: "recorded.yaml", in: scratch)
        #expect(result.status != 0)
        #expect(result.stderr.contains("recorded.yaml: error: prompt audio: ") && result.stderr.contains("hello.wav: not a readable sound file"),
                "\(result.stderr)")
    }

    @Test func aFailingConversationFailsTheCommand() throws {
        let scratch = Scratch()
        let cases = scratch.file("wrong.tests.yaml")
        try "cases:\n  - name: wrong greeting\n    turns:\n      - expect: \"Welcome to Globex\"\n".write(toFile: cases, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run("hotline", ["flow", "test", Self.flows.appendingPathComponent("hotline.yaml").path, cases])
        #expect(result.status != 0)
        #expect(result.stdout.contains("FAIL  wrong greeting") && result.stdout.contains("Welcome to Globex"))
    }

    @Test func aMisspeltTestFileIsReportedLineByLineNotIgnored() throws {
        let scratch = Scratch()
        let cases = scratch.file("typo.tests.yaml")
        // Before, 'sya' was ignored (a turn that says nothing) and 'hangpu' checked nothing.
        try "cases:\n  - name: typos\n    turns:\n      - sya: \"hello\"\n    end: hangpu\n".write(toFile: cases, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run("hotline", ["flow", "test", Self.flows.appendingPathComponent("hotline.yaml").path, cases])
        #expect(result.status != 0)
        #expect(result.stderr.contains("typo.tests.yaml:4:9: unknown field 'sya' in a turn (fields here: caller, expect)"), "\(result.stderr)")
        #expect(result.stderr.contains("typo.tests.yaml:5:10: 'end' is 'hangpu', not one of hangup, transfer, listening (did you mean 'hangup'?)"), "\(result.stderr)")
        try "tests: []\n".write(toFile: cases, atomically: true, encoding: .utf8)
        let missing = try CommandRunner.run("hotline", ["flow", "test", Self.flows.appendingPathComponent("hotline.yaml").path, cases])
        #expect(missing.stderr.contains("typo.tests.yaml:1:1: missing 'cases'"), "\(missing.stderr)")
    }

    @Test func chatReadsCallerTurnsFromStdin() throws {
        let process = Process()
        process.executableURL = CommandRunner.productsFolder.appendingPathComponent("hotline")
        process.arguments = ["chat", Self.flows.appendingPathComponent("hotline.yaml").path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("#3\nno\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("hotline: We are open Monday to Friday"))
        #expect(text.hasSuffix("[hang up]\n"))
    }
}

@Suite struct ChatWebhookTests {
    @Test func chatPostsToTheBackendAndReadsItsReply() throws {
        let scratch = Scratch()
        let backend = try LoopbackBackend(reply: #"{"number": body["order"][::-1]}"#)
        let port = backend.port
        let flow = scratch.file("w.yaml")
        try """
            flow: w
            start: ask
            states:
              ask:
                prompt: "Order?"
                collect: {slot: order, type: digits, min_length: 3, max_length: 3}
                next: call
              call:
                webhook: {url: "http://127.0.0.1:\(port)/tickets", send: [order], into: t, timeout_ms: 3000, ok: done, failed: down}
              done:
                prompt: "Ticket {t.number}."
                hangup: true
              down:
                prompt: "Backend down."
                hangup: true
            """.write(toFile: flow, atomically: true, encoding: .utf8)
        let chat = Process()
        chat.executableURL = CommandRunner.productsFolder.appendingPathComponent("hotline")
        chat.arguments = ["chat", flow]
        let input = Pipe(), output = Pipe()
        chat.standardInput = input
        chat.standardOutput = output
        try chat.run()
        input.fileHandleForWriting.write(Data("#123\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        chat.waitUntilExit()
        #expect(text.contains("hotline: Ticket 321."), "\(text)")
    }
}

@Suite struct GrammarCommandTests {
    @Test func parsesSentencesAndFailsOnNoMatch() throws {
        let ok = try CommandRunner.run("hotline", ["grammar", "builtin:digits?min=4&max=10", "five five five oh one nine nine", "--json"])
        #expect(ok.status == 0 && ok.stdout.contains("\"value\":\"5550199\""))
        let miss = try CommandRunner.run("hotline", ["grammar", "builtin:yesno", "perhaps"])
        #expect(miss.status != 0 && miss.stdout.contains("perhaps: no match"))
    }

    @Test func compileErrorsAreOneLineWithPosition() throws {
        let scratch = Scratch()
        let path = scratch.file("menu.gram")
        try "public $main = (billing | $agnt) ;\n$agent = agent ;\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run("hotline", ["grammar", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("menu.gram:1:27: unknown rule $agnt (did you mean $agent?)"))
    }
}
