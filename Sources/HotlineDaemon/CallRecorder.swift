import Foundation
import HotlineAudio

/// A call's stereo recording (caller left, hotline right, Ogg/Opus), written a second at
/// a time as the call goes on, so a long call holds no more than a second in memory and a
/// crash leaves the audio so far in `NAME.opus.part`. A failure (a full disk) is logged
/// once; the call goes on unrecorded.
final class CallRecorder {
    private var writer: SoundFileWriter?
    private var caller: [Float] = [], hotline: [Float] = []
    private let log: (String) -> Void

    /// Records into FOLDER/NAME.opus, or nothing without a folder.
    init(folder: String?, name: String, log: @escaping (String) -> Void) {
        self.log = log
        guard let folder else { return }
        do {
            writer = try SoundFileWriter(path: "\(folder)/\(name).opus", channels: 2, sampleRate: CallSession.sampleRate, codec: .opus)
        } catch {
            log("the call is not recorded: \(error)")
        }
        caller.reserveCapacity(CallSession.sampleRate)
        hotline.reserveCapacity(CallSession.sampleRate)
    }

    /// Adds one frame of each side.
    func add(caller heard: [Float], hotline said: [Float]) {
        guard writer != nil else { return }
        caller += heard
        hotline += said
        if caller.count >= CallSession.sampleRate { flush() }
    }

    /// Writes what is left and closes the file; its path, or nil if there is none.
    func finish() -> String? {
        flush()
        guard let writer else { return nil }
        self.writer = nil
        do {
            try writer.finish()
            return writer.path
        } catch {
            log("the call's recording was not written: \(error)")
            writer.discard()
            return nil
        }
    }

    private func flush() {
        guard let writer, !caller.isEmpty else { return }
        do {
            try writer.append([caller, hotline])
        } catch {
            log("the call's recording was not written: \(error)")
            writer.discard()
            self.writer = nil
        }
        caller.removeAll(keepingCapacity: true)
        hotline.removeAll(keepingCapacity: true)
    }
}
