import Foundation
import HotlineStore
import Testing
@testable import HotlineDaemon

/// A daemon killed mid-call loses nothing: the next one closes the call and keeps its recording.
@Suite struct CrashRecoveryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path

    @Test func theNextStartClosesACallACrashCutOffAndLinksWhatWasRecorded() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        try FileManager.default.createDirectory(atPath: data + "/recordings", withIntermediateDirectories: true)
        // What a killed daemon leaves: an open call with a turn, and its recording still a part file.
        do {
            let store = try CallStore(location: data + "/calls.sqlite")
            let id = try store.beginCall(line: "desk", flow: "f.yaml")
            try store.addTurn(call: id, TurnRecord(atMs: 4200, state: "menu", expecting: "menu", input: .dtmf, heard: "1", confidence: nil,
                                                   nbest: [], speechMs: nil, interpretation: "menu option 1", replies: [], replyLatencyMs: 1))
        }
        try Data("OggS".utf8).write(to: URL(fileURLWithPath: data + "/recordings/desk-1-1.opus.part"))
        let configuration = try DaemonConfiguration.parse(yaml: """
            models:
              acoustic: \(Self.root)/Models/acoustic/acoustic.hnn
              voice: \(Self.root)/Models/voices/rms/rms.voice
              lexicon: \(Self.root)/Models/lexicon/cmudict-en-us.dict
            data_dir: \(data)
            lines:
              - {name: desk, capture: "null", flow: \(Self.root)/Flows/hotline.yaml}
            """, file: "crash.yaml")
        let daemon = try Daemon(configuration: configuration, log: DaemonLog(level: .error))
        daemon.recoverUnfinishedCalls()
        let call = try #require(try daemon.store?.call(1))
        #expect(call.outcome == "daemon crashed" && call.durationMs == 4200)
        #expect(call.recording == data + "/recordings/desk-1-1.opus")
        #expect(FileManager.default.fileExists(atPath: data + "/recordings/desk-1-1.opus"))
        #expect(!FileManager.default.fileExists(atPath: data + "/recordings/desk-1-1.opus.part"))
    }
}
