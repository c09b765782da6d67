import Foundation
import HotlineAudio

/// A call's stereo recording (caller left, hotline right, Ogg/Opus at low encoder
/// complexity), handed a second at a time to the daemon's recording worker, which encodes
/// and writes it while the call goes on: the line's audio loop never waits for the encoder or the disk, a long call holds
/// no more than a second in memory, and a crash leaves the audio so far in
/// `NAME.opus.part`. A failure (a full disk) is logged once; the call goes on unrecorded.
/// The caller's side is held back `holdBack` samples before it goes to the encoder, so
/// that what the call session finds private (a key's tone in a sensitive listen, detected
/// tens of ms after it began) can still be silenced.
final class CallRecorder {
    /// Caller samples kept from the encoder until the next hand-over (100 ms).
    static let holdBack = CallSession.sampleRate / 10
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
        caller.reserveCapacity(CallSession.sampleRate + Self.holdBack)
        hotline.reserveCapacity(CallSession.sampleRate + Self.holdBack)
    }

    /// Adds one frame of each side, with the last `hiding` caller samples (this frame's
    /// and, back to `holdBack`, earlier ones) silenced.
    func add(caller heard: [Float], hotline said: [Float], hiding: Int = 0) {
        guard file != nil else { return }
        caller += heard
        hotline += said
        silenceTail(of: &caller, min(hiding, Self.holdBack + heard.count))
        if caller.count >= CallSession.sampleRate + Self.holdBack { handOver(keeping: Self.holdBack) }
    }

    /// Writes what is left and closes the file (waiting for the worker); its path, or nil.
    func finish() -> String? {
        guard let file else { return nil }
        handOver(keeping: 0)
        return worker.run { file.finish() }
    }

    /// Hands all but the last `kept` samples of each side to the encoder.
    private func handOver(keeping kept: Int) {
        guard let file, caller.count > kept else { return }
        let n = caller.count - kept
        let block = [Array(caller[..<n]), Array(hotline[..<n])]
        worker.submit { file.append(block) }
        caller.removeFirst(n)
        hotline.removeFirst(n)
    }
}

/// Zeroes the last `count` samples of `samples` (what a call's recording must not keep).
func silenceTail(of samples: inout [Float], _ count: Int) {
    let n = min(count, samples.count)
    guard n > 0 else { return }
    samples.replaceSubrange((samples.count - n)..., with: repeatElement(0, count: n))
}
