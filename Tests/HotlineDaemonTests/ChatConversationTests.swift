import Foundation
import HotlineStore
import Testing
@testable import HotlineDaemon

/// The web chat runs a line's flow in text and is stored like a call.
@Suite struct ChatConversationTests {
    @Test func aChatFollowsTheFlowOffersItsKeysAndIsStored() throws {
        let root = CrashRecoveryTests.root
        let configuration = try DaemonConfiguration.parse(yaml: """
            models:
              acoustic: \(root)/Models/acoustic/acoustic.hnn
              voice: \(root)/Models/voices/rms/rms.voice
              lexicon: \(root)/Models/lexicon/cmudict-en-us.dict
            http: { listen: 127.0.0.1:0, chat: desk }
            lines:
              - {name: desk, capture: "null", flow: \(root)/Flows/hotline.yaml}
            """, file: "chat.yaml")
        #expect(configuration.chatLine == "desk")
        let store = MemoryCallStore()
        let daemon = try Daemon(configuration: configuration, log: DaemonLog(level: .error), store: store)
        let chat = ChatConversation(daemon: daemon, line: "desk")
        let greeting = chat.start()
        #expect(greeting.say.first == "Thank you for calling Acme." && greeting.keys.contains("1") && !greeting.ended)
        #expect(chat.press("1").say == ["Please key in or say your six digit order number."])
        let status = chat.type("five five five oh one nine")
        #expect(status.say.first?.hasPrefix("Order 5 5 5 0 1 9") == true)
        chat.leave()
        let call = try #require(store.all.first)
        #expect(call.line == "chat" && call.outcome == "caller hung up" && call.flowVersion != nil)
        let turns = try store.turns(call: call.id)
        #expect(turns.map(\.input) == [.dtmf, .text] && turns[1].heard == "five five five oh one nine")
        #expect(turns[0].replies == ["Please key in or say your six digit order number."] && turns[1].interpretation.contains("555019"))
    }

    @Test func aChatOnALineThatDoesNotExistIsAConfigurationError() {
        #expect { try DaemonConfiguration.parse(yaml: "http: { chat: dsek }\nlines:\n  - {name: desk, capture: x, flow: f.yaml}\n", file: "c.yaml") } throws: {
            "\($0)".contains("'chat' names line 'dsek', which is not one of the lines")
        }
    }
}
