import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP

/// Prints `error` as one line on stderr, prefixed with the tool's name.
func printError(_ error: Any) {
    FileHandle.standardError.write(Data("hotline: \(error)\n".utf8))
}

/// The codec an output file's name asks for, checked before any work is done, so a long
/// synthesis or call simulation is not lost to a name like `out.mp3` at the end;
/// `option` names the command's way to say it otherwise, if it has one.
func outputCodec(_ path: String, orOption option: String? = nil) throws -> AudioCodec {
    guard let codec = AudioCodec.forPath(path) else {
        throw ValidationError("cannot tell the audio format from '\(path)': use .wav, .flac or .opus" + (option.map { ", or give \($0)" } ?? ""))
    }
    return codec
}

/// The sound file at `path`, mixed to mono and resampled to `sampleRate`; every error
/// names the file (a rate the resampler cannot take too: "odd.wav: resampling 44101 ...").
func readAudio(_ path: String, sampleRate: Int) throws -> AudioBuffer {
    try resample(SoundFile.read(path), to: sampleRate, from: path)
}

/// `audio`, read from `path`, at `sampleRate`; the resampler's error names the file.
func resample(_ audio: AudioBuffer, to sampleRate: Int, from path: String) throws -> AudioBuffer {
    do {
        return try Resampler.resample(audio, to: sampleRate)
    } catch let error as HotlineError {
        throw InvalidArgument("\(path): \(error)")
    }
}
