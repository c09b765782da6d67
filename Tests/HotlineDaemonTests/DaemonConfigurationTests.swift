import Foundation
import HotlineDaemon
import HotlineDialogue
import Testing

@Suite struct DaemonConfigurationTests {
    @Test func readsLinesModelsDataAndLimits() throws {
        let configuration = try DaemonConfiguration.parse(yaml: """
            models:
              acoustic: models/am.hnn
              lexicon: [/usr/share/dict.dict, extra.dict]
            data_dir: /var/lib/hotline
            log_level: warning
            limits: { max_call_seconds: 120, max_concurrent_calls: 8, silence_hangup_seconds: 20 }
            lines:
              - name: sales
                capture: hw:1,0
                flow: flows/main.yaml
                sample_rate: 48000
              - capture: plughw:2,0
                playback: plughw:2,1
                flow: /etc/hotline/other.yaml
                answer: immediately
                calls: 3
                realtime: true
            """, file: "hotlined.yaml", baseDirectory: "/etc/hotline")
        #expect(configuration.acousticModel == "/etc/hotline/models/am.hnn")
        #expect(configuration.lexicon == ["/usr/share/dict.dict", "/etc/hotline/extra.dict"])
        #expect(configuration.voice == "Models/voices/rms/rms.voice")   // default
        #expect(configuration.recordings == "/var/lib/hotline/recordings" && configuration.database == "/var/lib/hotline/calls.sqlite")
        #expect(configuration.logLevel == .warning)
        #expect(configuration.maxCallSeconds == 120 && configuration.maxConcurrentCalls == 8 && configuration.silenceHangUpSeconds == 20)
        #expect(configuration.lines.count == 2)
        let sales = configuration.lines[0], second = configuration.lines[1]
        #expect(sales.name == "sales" && sales.playback == "hw:1,0" && sales.sampleRate == 48000 && sales.answer == .onActivity)
        #expect(sales.flow == "/etc/hotline/flows/main.yaml")
        #expect(second.name == "line2" && second.playback == "plughw:2,1" && second.answer == .immediately)
        #expect(second.calls == 3 && second.realtime)
    }

    @Test func reportsEveryProblemWithItsPlaceAndAHint() {
        #expect {
            _ = try DaemonConfiguration.parse(yaml: """
                log_levl: info
                limits:
                  max_concurrent_calls: -2
                lines:
                  - name: a
                    capture: hw:0
                    flow: f.yaml
                    answer: on-activty
                  - name: a
                    flow: f.yaml
                """, file: "h.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("h.yaml:1:1: unknown field 'log_levl' in the configuration (did you mean 'log_level'?)")
                && text.contains("h.yaml:3:25: 'max_concurrent_calls' must be a whole number from 1 to 10000")
                && text.contains("h.yaml:8:13: 'answer' is 'on-activty', not one of immediately, on-activity (did you mean 'on-activity'?)")
                && text.contains("h.yaml:9:5: line 2 has no 'capture' ALSA device")
        }
    }

    @Test func readsASIPLineWithItsPeersCodecsLimitsAndFlowsByNumber() throws {
        let configuration = try DaemonConfiguration.parse(yaml: """
            lines:
              - name: pbx
                flow: flows/main.yaml
                numbers: { "5001": flows/pharmacy.yaml }
                sip:
                  listen: 0.0.0.0:5060
                  advertise: 192.0.2.10
                  allow: [10.0.0.0/8, "::1"]
                  codecs: [pcma]
                  max_calls: 30
                  answer_after_ms: 500
                  media_timeout_seconds: 5
                  rtp_ports: 10000-10999
            """, file: "hotlined.yaml", baseDirectory: "/etc/hotline")
        let line = try #require(configuration.lines.first)
        let sip = try #require(line.sip)
        #expect(line.name == "pbx" && line.flow == "/etc/hotline/flows/main.yaml" && line.numbers == ["5001": "/etc/hotline/flows/pharmacy.yaml"])
        #expect(line.flows == ["/etc/hotline/flows/main.yaml", "/etc/hotline/flows/pharmacy.yaml"])
        #expect(sip.listen.description == "0.0.0.0:5060" && sip.advertisedHost == "192.0.2.10")
        #expect(sip.allows("10.1.2.3") && sip.allows("::1") && !sip.allows("127.0.0.1"))
        #expect(sip.codecs == [.pcma] && sip.maxCalls == 30 && sip.answerAfterMs == 500 && sip.mediaTimeoutSeconds == 5)
        #expect(sip.rtpPorts == 10000...10999)
    }

    @Test func aSIPLinesMistakesAreNamedWhereTheyAre() {
        #expect {
            _ = try DaemonConfiguration.parse(yaml: """
                lines:
                  - name: pbx
                    flow: f.yaml
                    capture: hw:0
                    sip:
                      listen: localhost:5060
                  - name: trunk
                    flow: f.yaml
                    sip:
                      listen: 127.0.0.1:5062
                      allow: [10.0.0.0/33]
                      codecs: [G729]
                      max_calls: 0
                      rtp_ports: 80-90
                      lisen: x
                """, file: "h.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("h.yaml:4:14: 'capture' is for ALSA lines, not a SIP line")
                && text.contains("h.yaml:6:15: 'listen' must be an IP address and port, not 'localhost:5060' (as in 0.0.0.0:5060 or [::1]:5080)")
                && text.contains("'allow' holds '10.0.0.0/33', not an IP address or network")
                && text.contains("'codecs' holds 'G729', not PCMU or PCMA")
                && text.contains("'max_calls' must be a whole number from 1 to 10000, not '0'")
                && text.contains("'rtp_ports' must be a range of UDP ports FIRST-LAST (1024-65535, at least two), not '80-90'")
                && text.contains("unknown field 'lisen' in sip (did you mean 'listen'?)")
        }
    }

    /// The configuration is read by the same `YAMLReader` as flows and test files: yes/no
    /// fields, whole numbers and misspelt fields report as a flow's do.
    @Test func valuesAreCheckedTheWayAFlowsAre() {
        #expect {
            _ = try DaemonConfiguration.parse(yaml: """
                lines:
                  - {capture: hw:0, flow: f.yaml, realtime: maybe, calls: many, transfer_kyes: "##{number}"}
                """, file: "h.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("h.yaml:2:45: 'realtime' must be true or false, not 'maybe'")
                && text.contains("h.yaml:2:59: 'calls' must be a whole number of at least 0, not 'many'")
                && text.contains("h.yaml:2:65: unknown field 'transfer_kyes' in a line (did you mean 'transfer_keys'?)")
        }
    }

    @Test func aLineNameCannotLeadItsRecordingsOutOfTheDataFolder() {
        #expect {
            _ = try DaemonConfiguration.parse(yaml: "lines:\n  - name: ../../escaped\n    capture: hw:0\n    flow: f.yaml\n", file: "h.yaml")
        } throws: { "\($0)".contains("h.yaml:2:11: line name '../../escaped' may hold only letters, digits, '-', '_' and '.', not first") }
        #expect(throws: Never.self) {
            _ = try DaemonConfiguration.parse(yaml: "lines:\n  - name: front-desk_2.a\n    capture: hw:0\n    flow: f.yaml\n", file: "h.yaml")
        }
    }

    @Test func transferKeysAreDTMFAndTheNumber() throws {
        let line = try DaemonConfiguration.parse(yaml: """
            lines:
              - {name: a, capture: hw:0, flow: f.yaml, transfer_keys: "##{number}"}
            """, file: "h.yaml").lines[0]
        #expect(line.keys(transferringTo: "ext:204") == "##204")
        #expect(line.keys(transferringTo: "tel:+1 (555) 0100") == "##15550100")
        #expect(line.keys(transferringTo: "sip:desk@example.com") == nil && line.keys(transferringTo: "queue:support") == nil)
        #expect { try DaemonConfiguration.parse(yaml: "lines:\n  - {capture: hw:0, flow: f.yaml, transfer_keys: \"flash {number}\"}\n", file: "h.yaml") } throws: {
            "\($0)".contains("transfer_keys 'flash {number}' must be DTMF keys and {number}")
        }
    }

    @Test func aConfigurationWithoutLinesOrYAMLIsAnError() {
        #expect(throws: FlowErrors.self) { try DaemonConfiguration.parse(yaml: "data_dir: /tmp\n", file: "h.yaml") }
        #expect(throws: FlowErrors.self) { try DaemonConfiguration.parse(yaml: "lines: [\n", file: "h.yaml") }
        #expect(throws: FlowErrors.self) { try DaemonConfiguration.load(path: "/no/such/hotlined.yaml") }
    }

    @Test func theShippedExamplesParse() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = try DaemonConfiguration.load(path: root.appendingPathComponent("Systemd/hotlined.yaml").path)
        #expect(example.lines.map(\.name) == ["sales", "support", "pbx"] && example.lexicon.count == 2)
        #expect(example.lines.last?.sip?.maxCalls == 20)
        let demo = try DaemonConfiguration.load(path: root.appendingPathComponent("Systemd/demo-line.yaml").path)
        #expect(demo.lines.first?.flow == root.appendingPathComponent("Flows/hotline.yaml").path)
    }
}
