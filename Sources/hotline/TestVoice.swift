import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP
import HotlineTTS

/// A voice that speaks a scripted caller's lines in `hotline flow test --voices`: one of
/// ours (`rms`, `kal16`), or an installed synthesizer's (`espeak:en-us+f2`, `flite:slt`,
/// `festival:kal_diphone`). What it says reaches the call through `TelephoneChannel`.
struct TestVoice {
    /// As written on the command line.
    let name: String
    private let speak: (String) throws -> AudioBuffer

    struct Unavailable: HotlineError {
        var description: String
    }

    /// The voice `name` names; throws when its synthesizer is not installed.
    init(_ name: String, lexicon: Lexicon) throws {
        self.name = name
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first ?? "", parts.count == 2 ? parts[1] : "") {
        case ("espeak", let voice):
            speak = { try Self.external(["espeak-ng", "-v", voice, "-w", "{out}", $0]) }
        case ("flite", let voice):
            speak = { try Self.external(["flite", "-voice", voice, "-t", $0, "-o", "{out}"]) }
        case ("festival", let voice):
            speak = { try Self.external(["text2wave", "-eval", "(voice_\(voice))", "-o", "{out}"], stdin: $0) }
        case (let ours, ""):
            let path = DataFile.resolve(VoiceDatabase.path(named: ours))
            guard FileManager.default.fileExists(atPath: path) else {
                throw Unavailable(description: "unknown voice '\(name)': use rms, kal16, espeak:VOICE, flite:VOICE or festival:VOICE")
            }
            let synthesizer = DiphoneSynthesizer(voice: try VoiceDatabase(path: path), lexicon: lexicon)
            speak = { try synthesizer.say($0, sampleRate: 8000) }
        default:
            throw Unavailable(description: "unknown voice '\(name)': use rms, kal16, espeak:VOICE, flite:VOICE or festival:VOICE")
        }
    }

    /// `text` said by this voice, as the hotline hears it over a phone line (8 kHz).
    func say(_ text: String) throws -> [Float] {
        TelephoneChannel().apply(try Resampler.resample(speak(text), to: 8000).samples)
    }

    /// Runs a synthesizer that writes a WAV file where `{out}` stands in its arguments.
    private static func external(_ command: [String], stdin: String? = nil) throws -> AudioBuffer {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-voice-\(UUID().uuidString).wav").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command.map { $0 == "{out}" ? out : $0 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let input = Pipe()
        process.standardInput = input
        do {
            try process.run()
        } catch {
            throw Unavailable(description: "cannot run \(command[0]): \(error.localizedDescription)")
        }
        input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: out) else {
            throw Unavailable(description: "\(command[0]) failed (status \(process.terminationStatus)); is it installed, with that voice?")
        }
        return try SoundFile.read(out)
    }
}
