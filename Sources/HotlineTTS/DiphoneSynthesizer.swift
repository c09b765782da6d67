import Foundation
import HotlineCore
import HotlineDSP

/// Text to speech by diphone concatenation with residual-excited LPC resynthesis.
///
/// Text -> `TextNormalizer`/`SSML` -> words -> phones (`Lexicon`) -> diphones ->
/// for each diphone, its LPC residual is filtered through the all-pole filter of the
/// pitchmark it belongs to (y[n] = e[n] + sum a_k y[n-k]); the filter runs on across
/// units, which smooths the joins. This first version keeps each diphone's recorded
/// duration and pitch (no prosody modification yet) and streams one word at a time.
public final class DiphoneSynthesizer: Sendable {
    /// The voice.
    public let voice: VoiceDatabase
    /// Pronunciations.
    public let lexicon: Lexicon

    /// A synthesizer speaking with `voice`.
    public init(voice: VoiceDatabase, lexicon: Lexicon) {
        self.voice = voice
        self.lexicon = lexicon
    }

    /// The phones (with "pau" for pauses) of spoken tokens.
    public func phones(_ tokens: [SpokenToken]) -> [String] {
        var out = ["pau"]
        for token in tokens {
            switch token {
            case .word(let w, _):
                out += lexicon.phones(w).map { voice.phones.contains($0) ? $0 : "ax" }
            case .pause:
                if out.last != "pau" { out.append("pau") }
            case .questionEnd:
                break
            }
        }
        if out.last != "pau" { out.append("pau") }
        return out
    }

    /// Speech for `tokens` at the voice's rate (16 kHz).
    public func synthesize(_ tokens: [SpokenToken]) -> AudioBuffer {
        let phones = phones(tokens)
        var filter = [Float](repeating: 0, count: voice.order)   // y[n-1] ... y[n-order]
        var out: [Float] = []
        for (a, b) in zip(phones, phones.dropFirst()) {
            guard let unit = voice.unit("\(a)-\(b)") ?? voice.unit("pau-\(b)") ?? voice.unit("\(a)-pau") else { continue }
            render(unit, history: &filter, into: &out)
        }
        return AudioBuffer(samples: out, sampleRate: voice.sampleRate)
    }

    /// Speech for plain text or SSML, at `sampleRate`.
    public func say(_ text: String, ssml: Bool = false, sampleRate: Int = 16000) throws -> AudioBuffer {
        let tokens = ssml ? try SSML.parse(text) : TextNormalizer.normalize(text)
        let audio = synthesize(tokens)
        return sampleRate == audio.sampleRate ? audio : try Resampler.resample(audio, to: sampleRate)
    }

    /// Filters one unit's residual through its pitch-synchronous LPC filters.
    private func render(_ unit: VoiceDatabase.Unit, history: inout [Float], into out: inout [Float]) {
        let order = voice.order, width = voice.frameFloats, rate = Float(voice.sampleRate)
        var frame = 0
        voice.frames.withUnsafeBufferPointer { frames in
            for n in 0..<unit.samples {
                let t = Float(n) / rate
                // Switch to the next pitchmark's filter half-way between pitchmarks.
                while frame + 1 < unit.frames {
                    let now = frames[(unit.frame + frame) * width], next = frames[(unit.frame + frame + 1) * width]
                    guard t >= (now + next) / 2 else { break }
                    frame += 1
                }
                let base = (unit.frame + frame) * width + 2
                var y = voice.residual[unit.residual + n]
                for k in 0..<order { y += frames[base + k] * history[k] }
                y = max(-32768, min(32767, y))
                for k in stride(from: order - 1, to: 0, by: -1) { history[k] = history[k - 1] }
                history[0] = y
                out.append(y / 32768)
            }
        }
    }
}
