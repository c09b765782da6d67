import Foundation
import HotlineAudio
import HotlineDSP
import HotlineDialogue
import Testing
@testable import HotlineDaemon

/// What the daemon's recorder keeps of the caller's side.
@Suite struct CallRecorderTests {
    @Test func aSensitiveAnswersKeyTonesNeverReachTheRecordingFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recorder-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (session, caller) = try CallSessionTests.secretThenMenuKey(secret: "2468", menuKey: "9")
        let recorder = CallRecorder(folder: folder, name: "call", worker: BackgroundWorker(name: "test"), log: { Issue.record("\($0)") })
        session.start()
        var i = 0
        while i + 80 <= caller.count, !session.isFinished {
            let frame = Array(caller[i..<(i + 80)])
            recorder.add(caller: frame, hotline: session.process(frame), hiding: session.privateCallerSamples)
            i += 80
        }
        #expect(session.turns.map(\.heard) == ["****", "9"])
        let path = try #require(recorder.finish())
        let recorded = try SoundFile.read(path, channel: 0)
        let detector = DTMFDetector()
        let keys = detector.process(recorded.samples) + detector.finish()
        // Only the menu's key is left: the secret's tones are silence.
        let heard = keys.compactMap { if case .ended(let digit) = $0 { digit.key } else { nil } }
        #expect(heard == ["9"], "\(keys)")
    }
}
