import HotlineAudio
import HotlineCore

/// A message a caller left (a flow's `record`), kept as a file of its own beside the call
/// recordings, so a flow's webhook can send where it is and whoever handles it needs no
/// more than the file.
public enum MessageFile {
    /// Writes `samples` (8 kHz) to `folder/name-message-STARTms.wav`; returns the path, or
    /// nil (logged) when it cannot be written: the flow then refers to the message's place
    /// in the call's recording.
    public static func keep(_ samples: [Float], startMs: Int, in folder: String, name: String, log: (String) -> Void) -> String? {
        let path = "\(folder)/\(name)-message-\(startMs)ms.wav"
        do {
            try SoundFile.write(AudioBuffer(samples: samples, sampleRate: CallSession.sampleRate), to: path, codec: .pcm16)
            return path
        } catch {
            log("the caller's message was not written: \(error)")
            return nil
        }
    }
}
