import Foundation
import HotlineAudio

/// A call's stereo recording (caller left, hotline right, Ogg/Opus at low encoder
/// complexity), handed a second at a time to the daemon's recording worker, which encodes
/// and writes it while the call goes on: the line's audio loop never waits for the encoder or the disk, a long call holds
/// no more than a second in memory, and a crash leaves the audio so far in
/// `NAME.opus.part`. A failure (a full disk) is logged once; the call goes on unrecorded.
final class CallRecorder {
    private let worker: BackgroundWorker
    private let file: RecordingFile?
    private var caller: [Float] = [], hotline: [Float] = []

    /// The open file, used on the worker's thread only.
    private final class RecordingFile: @unchecked Sendable {
        var writer: OggOpusWriter?
        let log: (String) -> Void
        init(writer: OggOpusWriter, log: @escaping (String) -> Void) {
            self.writer = writer
            self.log = log
        }

        func append(_ block: [[Float]]) {
            do { try writer?.append(block) } catch { fail(error) }
        }

        func finish() -> String? {
            guard let writer else { return nil }
            do {
                try writer.finish()
                return writer.path
            } catch {
                fail(error)
                return nil
            }
        }

        private func fail(_ error: Error) {
            log("the call's recording was not written: \(error)")
            writer?.discard()
            writer = nil
        }
    }

    /// Records into FOLDER/NAME.opus through `worker`, or nothing without a folder.
    init(folder: String?, name: String, worker: BackgroundWorker, log: @escaping (String) -> Void) {
        self.worker = worker
        guard let folder else { file = nil; return }
        do {
            let writer = try OggOpusWriter(path: "\(folder)/\(name).opus", channels: 2, sampleRate: CallSession.sampleRate)
            file = RecordingFile(writer: writer, log: log)
        } catch {
            log("the call is not recorded: \(error)")
            file = nil
        }
        caller.reserveCapacity(CallSession.sampleRate)
        hotline.reserveCapacity(CallSession.sampleRate)
    }

    /// Adds one frame of each side.
    func add(caller heard: [Float], hotline said: [Float]) {
        guard file != nil else { return }
        caller += heard
        hotline += said
        if caller.count >= CallSession.sampleRate { handOver() }
    }

    /// Writes what is left and closes the file (waiting for the worker); its path, or nil.
    func finish() -> String? {
        guard let file else { return nil }
        handOver()
        return worker.run { file.finish() }
    }

    private func handOver() {
        guard let file, !caller.isEmpty else { return }
        let block = [caller, hotline]
        worker.submit { file.append(block) }
        caller.removeAll(keepingCapacity: true)
        hotline.removeAll(keepingCapacity: true)
    }
}
