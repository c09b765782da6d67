import Foundation
import HotlineDialogue
import Testing

/// Invalid flows produce precise errors: file:line:column, message, hint.
@Suite struct FlowLoaderTests {
    static func errors(_ yaml: String) -> [String] {
        do {
            _ = try FlowLoader.load(yaml: yaml, file: "flows/test.yaml")
            return []
        } catch let e as FlowErrors {
            return e.diagnostics.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    static let valid = """
        flow: t
        start: ask
        states:
          ask:
            prompt: "Yes or no?"
            collect: {slot: answer, type: yesno}
            next: bye
          bye:
            prompt: "Bye."
            hangup: true
        """

    @Test func aValidFlowLoads() throws {
        let flow = try FlowLoader.load(yaml: Self.valid, file: "flows/test.yaml")
        #expect(flow.states.count == 2 && flow.start == "ask")
    }

    @Test func aTypoInAStateNameIsPinpointedWithASuggestion() {
        let yaml = Self.valid.replacingOccurrences(of: "next: bye", with: "next: byee")
        // One typo, one error: the state it resembles is not also reported unreachable.
        #expect(Self.errors(yaml) == ["flows/test.yaml:7:11: unknown state 'byee' in state 'ask' (did you mean 'bye'?)"])
        let started = Self.valid.replacingOccurrences(of: "start: ask", with: "start: aks")
        #expect(Self.errors(started) == ["flows/test.yaml:2:8: unknown state 'aks' in 'start' (did you mean 'ask'?)"])
        // A reference like no state leaves what only it led to unreachable.
        let lost = Self.valid.replacingOccurrences(of: "next: bye", with: "next: somewhere")
        #expect(Self.errors(lost) == [
            "flows/test.yaml:7:11: unknown state 'somewhere' in state 'ask'",
            "flows/test.yaml:8:3: state 'bye' is unreachable (no state, global handler or escalation leads to it)",
        ])
    }

    @Test func unknownFieldsAreNamedWithTheClosestKnownOne() {
        let yaml = Self.valid.replacingOccurrences(of: "    hangup: true", with: "    hangpu: true")
        // It is then read as the field it resembles: one typo is one error (before, the
        // state was also reported as a dead end).
        #expect(Self.errors(yaml) == ["flows/test.yaml:10:5: unknown field 'hangpu' in state 'bye' (did you mean 'hangup'?)"])
        let unlike = Self.valid.replacingOccurrences(of: "    hangup: true", with: "    stop: true")
        #expect(Self.errors(unlike).contains { $0.hasPrefix("flows/test.yaml:8:3: dead end: state 'bye'") })
    }

    @Test func yamlSyntaxErrorsGiveTheirPosition() {
        let errors = Self.errors("flow: t\nstart: a\nstates:\n  a: [unclosed\n")
        #expect(errors.count == 1 && errors[0].hasPrefix("flows/test.yaml:") && errors[0].contains("YAML error"))
    }

    @Test func duplicateKeysAreReported() {
        let yaml = Self.valid.replacingOccurrences(of: "    next: bye", with: "    next: bye\n    next: ask")
        #expect(Self.errors(yaml).contains { $0.contains("duplicate key 'next'") })
    }

    @Test func missingPromptsDeadEndsAndBadValuesAreAllReported() {
        let yaml = """
            flow: t
            start: menu
            settings:
              max_attempts: 99
            states:
              menu:
                menu:
                  - keys: "1"
                    goto: stuck
                  - keys: "X"
                    goto: elsewhere
              stuck:
                prompt: "Hmm."
              elsewhere:
                prompt: "Hello"
                collect: {slot: n, type: digitz}
                transfer: "mailto:someone"
            """
        let errors = Self.errors(yaml)
        #expect(errors.count == 7, "\(errors)")
        #expect(errors.contains("flows/test.yaml:17:15: a state can do only one of 'collect', 'transfer' (split it into states joined by 'next')"))
        #expect(errors.contains("flows/test.yaml:4:17: 'max_attempts' must be a whole number from 1 to 10, not '99'"))
        #expect(errors.contains("flows/test.yaml:6:3: state 'menu' listens but has no prompt (add 'prompt: ...' so the caller knows what to say)"))
        #expect(errors.contains { $0.hasPrefix("flows/test.yaml:10:15: 'keys' must be DTMF keys (0-9, *, #, A-D), not 'X'") })
        #expect(errors.contains("flows/test.yaml:12:3: dead end: state 'stuck' neither listens, moves on, transfers nor hangs up (add 'next', 'transfer' or 'hangup: true')"))
        #expect(errors.contains("flows/test.yaml:16:30: unknown type 'digitz' (did you mean 'digits'?)"))
        #expect(errors.contains { $0.hasPrefix("flows/test.yaml:17:15: transfer target 'mailto:someone' has no known scheme") })
    }

    @Test func exampleAnswersAreForFreeTextOnly() throws {
        let yaml = """
            flow: t
            start: why
            states:
              why:
                prompt: "Why?"
                collect: {slot: reason, type: text, examples: [it arrived damaged, too small]}
                next: count
              count:
                prompt: "How many?"
                collect: {slot: n, type: number, examples: [two]}
                next: why
            """
        #expect(Self.errors(yaml) == ["flows/test.yaml:10:48: 'examples' are for type text: other types are heard by their own grammar"])
        let flow = try FlowLoader.load(yaml: yaml.replacingOccurrences(of: ", examples: [two]", with: ""), file: "t.yaml")
        guard case .collect(let collect)? = flow.states["why"]?.input else { Issue.record("no collect"); return }
        #expect(collect.examples == ["it arrived damaged", "too small"])
    }

    @Test func statesThatLoopWithoutListeningAreAnError() {
        func flow(moreGoesTo target: String) -> String {
            Self.valid.replacingOccurrences(of: "    next: bye\n", with: "    next: info\n") + """

                  info:
                    prompt: "We are open nine to five."
                    next: more
                  more:
                    prompt: "Also on Saturdays."
                    next: \(target)
                """
        }
        #expect(Self.errors(flow(moreGoesTo: "info")).contains(
            "flows/test.yaml:11:3: states loop without listening: 'info' -> 'more' -> 'info' (the call would go round saying their prompts; let one of them listen, transfer or hang up)"))
        // A loop through a state that listens is a conversation, not a trap.
        #expect(!Self.errors(flow(moreGoesTo: "ask")).contains { $0.contains("loop without listening") })
    }

    @Test func theStartStateMustExist() {
        let yaml = Self.valid.replacingOccurrences(of: "start: ask", with: "start: aks")
        #expect(Self.errors(yaml).contains("flows/test.yaml:2:8: unknown state 'aks' in 'start' (did you mean 'ask'?)"))
    }

    @Test func emptyAndShapelessFilesAreErrors() {
        #expect(Self.errors("") == ["flows/test.yaml:1:1: the flow file is empty"])
        #expect(Self.errors("- just\n- a list\n").first?.contains("must be a mapping") == true)
    }
}

@Suite struct PatternTypeTests {
    static let yaml = """
        flow: p
        start: ask
        states:
          ask:
            prompt: "Your reference?"
            collect: {slot: ref, type: pattern, pattern: "[A-Z]{2}[0-9]{4}"}
            next: bye
          bye:
            prompt: "Thanks, {ref}."
            hangup: true
        """

    @Test func declaredPatternsAcceptOnlyMatchingCodes() throws {
        var e = DialogueEngine(flow: try FlowLoader.load(yaml: Self.yaml, file: "p.yaml"))
        _ = e.handle(.start)
        #expect(e.handle(.recognized(text: "A B one two three", confidence: 0.9)).first == .play("Sorry, I didn't understand."))
        #expect(e.handle(.recognized(text: "alpha bravo one two three four", confidence: 0.9)) == [.play("Thanks, AB1234."), .hangUp])
    }

    @Test func badRegularExpressionsArePinpointed() {
        let yaml = Self.yaml.replacingOccurrences(of: "[A-Z]{2}[0-9]{4}", with: "[A-Z{2")
        #expect(FlowLoaderTests.errors(yaml) == ["flows/test.yaml:6:50: '[A-Z{2' is not a valid regular expression"])
    }
}

@Suite struct GrammarSlotTests {
    static let yaml = """
        flow: g
        start: ask
        states:
          ask:
            prompt: "Billing or sales?"
            collect:
              slot: dept
              type: grammar
              grammar: "public $main = [i want] (billing {intent=billing} {route=b} | sales {intent=sales} {route=s}) [please] ;"
            branch:
              - if: dept.intent == sales
                goto: sales
              - goto: bye
          sales:
            prompt: "Sales."
            hangup: true
          bye:
            prompt: "Bye."
            hangup: true
        """

    @Test func aGrammarFillsTheSlotAndItsTags() throws {
        var e = DialogueEngine(flow: try FlowLoader.load(yaml: Self.yaml, file: "g.yaml"))
        _ = e.handle(.start)
        #expect(e.handle(.recognized(text: "what", confidence: 0.9)).first == .play("Sorry, I didn't understand."))
        #expect(e.handle(.recognized(text: "I want sales please", confidence: 0.9)) == [.play("Sales."), .hangUp])
        #expect(e.variables["dept.intent"] == "sales" && e.variables["dept.route"] == "s")
    }

    @Test func grammarErrorsAreFlowErrors() {
        let yaml = Self.yaml.replacingOccurrences(of: "[please] ;", with: "[please] ")
        let errors = FlowLoaderTests.errors(yaml)
        #expect(errors.count == 1 && errors[0].hasPrefix("flows/test.yaml:9:16: grammar error: inline grammar:1:") && errors[0].contains("expected ';'"))
    }
}

/// A flow reads files from its own folder only, unless the configuration allows more.
@Suite struct FlowFileConfinementTests {
    @Test func audioTablesAndGrammarsOutsideTheFlowsFolderAreErrors() throws {
        let manager = FileManager.default
        let root = manager.temporaryDirectory.appendingPathComponent("confine-\(UUID().uuidString)").path
        defer { try? manager.removeItem(atPath: root) }
        try manager.createDirectory(atPath: root + "/flows/audio", withIntermediateDirectories: true)
        try "key,value\n1,secret\n".write(toFile: root + "/outside.csv", atomically: true, encoding: .utf8)
        try "key,value\n1,fine\n".write(toFile: root + "/flows/inside.csv", atomically: true, encoding: .utf8)
        try "public $x = yes ;".write(toFile: root + "/outside.gram", atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: root + "/flows/audio/link.csv", withDestinationPath: root + "/outside.csv")
        func load(_ tables: String, grammar: String = "builtin:yesno", anywhere: Bool = false) -> String {
            let yaml = """
                flow: t
                start: ask
                tables: {\(tables)}
                states:
                  ask:
                    prompt: "Yes?"
                    collect: {slot: a, type: grammar, grammar: "\(grammar)"}
                    next: bye
                  bye:
                    prompt: "Bye."
                    hangup: true
                """
            try? yaml.write(toFile: root + "/flows/t.yaml", atomically: true, encoding: .utf8)
            do { _ = try FlowLoader.load(path: root + "/flows/t.yaml", pathsOutside: anywhere) } catch { return "\(error)" }
            return ""
        }
        #expect(load("t: inside.csv") == "")
        #expect(load("t: ../outside.csv").contains("table file '../outside.csv' is outside the flow's folder"))
        #expect(load("t: \(root)/outside.csv").contains("is outside the flow's folder"))
        #expect(load("t: audio/link.csv").contains("table file 'audio/link.csv' is outside the flow's folder"))
        #expect(load("t: inside.csv", grammar: "../outside.gram").contains("grammar file '../outside.gram' is outside"))
        #expect(load("t: ../outside.csv", grammar: "../outside.gram", anywhere: true) == "")
    }
}
