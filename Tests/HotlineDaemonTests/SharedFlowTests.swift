import Foundation
import HotlineStore
import HotlineTestSupport
import Testing
@testable import HotlineDaemon

/// Flows published to a shared PostgreSQL store reach every node running them.
@Suite struct SharedFlowTests {
    static let root = CrashRecoveryTests.root

    static func configuration(data: String, database: String) throws -> DaemonConfiguration {
        try DaemonConfiguration.parse(yaml: """
            models:
              acoustic: \(root)/Models/acoustic/acoustic.hnn
              voice: \(root)/Models/voices/rms/rms.voice
              lexicon: \(root)/Models/lexicon/cmudict-en-us.dict
            data_dir: \(data)
            database: \(database)
            node: n1
            lines:
              - {name: desk, capture: "null", flow: "store:hotline"}
            """, file: "node.yaml")
    }

    @Test func aFlowPublishedByAnotherNodeIsRunForTheNextCalls() throws {
        let url = try #require(PrivatePostgreSQL.newDatabase(), "\(PrivatePostgreSQL.unavailable ?? "no PostgreSQL")")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let admin = try CallStore(location: url, node: "admin")
        let original = CallSessionTests.flow
        let first = try admin.publishFlow(name: "hotline", content: original, by: "ann")
        let daemon = try Daemon(configuration: try Self.configuration(data: data, database: url), log: DaemonLog(level: .error))
        #expect(daemon.runningFlows.map(\.version) == [first.version])
        #expect(FileManager.default.fileExists(atPath: data + "/flows/hotline.yaml"))

        let second = try admin.publishFlow(name: "hotline", content: original + "\n# a comment: a new version\n", by: "bob")
        #expect(second.version != first.version)
        var waited = 0
        while daemon.runningFlows.first?.version != second.version, waited < 100 {   // NOTIFY, then a reload
            Thread.sleep(forTimeInterval: 0.05)
            waited += 1
        }
        #expect(daemon.runningFlows.map(\.version) == [second.version])
        #expect(try admin.flowVersions("hotline").map(\.publishedBy) == ["bob", "ann"])
        #expect(try admin.publishFlow(name: "hotline", content: original + "\n# a comment: a new version\n", by: "carl").id == second.id)
    }

    @Test func aFlowNeverPublishedIsAClearErrorAtStart() throws {
        let url = try #require(PrivatePostgreSQL.newDatabase(), "\(PrivatePostgreSQL.unavailable ?? "no PostgreSQL")")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect { try Daemon(configuration: try Self.configuration(data: data, database: url), log: DaemonLog(level: .error)) } throws: {
            "\($0)".contains("flow 'hotline' was never published") && "\($0)".contains("hotline flow publish")
        }
    }

    @Test func aStoredFlowNeedsAStore() {
        #expect { try DaemonConfiguration.parse(yaml: "lines:\n  - {name: a, capture: x, flow: \"store:menu\"}\n", file: "c.yaml") } throws: {
            "\($0)".contains("runs a flow from the store, but there is no store")
        }
    }
}
