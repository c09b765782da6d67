import Foundation
import HotlineCore
import HotlineDSP

/// Text to speech by diphone concatenation with residual-excited LPC resynthesis.
///
/// Text -> `TextNormalizer`/`SSML` -> words -> phones (`Lexicon`) -> diphones ->
/// for each diphone, its LPC residual is filtered through the all-pole filter of the
/// pitchmark it belongs to (y[n] = e[n] + sum a_k y[n-k]); the filter runs on across
/// units, which smooths the joins. Durations scale by dropping or repeating whole pitch
/// periods (`durationScale`, SSML rate); the recorded pitch is kept (no F0 model yet).
public final class DiphoneSynthesizer: Sendable {
    /// The voice.
    public let voice: VoiceDatabase
    /// Pronunciations.
    public let lexicon: Lexicon

    /// A synthesizer speaking with `voice`; `durationScale` 1 keeps the recorded timing.
    public init(voice: VoiceDatabase, lexicon: Lexicon, durationScale: Double = 0.75) {
        self.voice = voice
        self.lexicon = lexicon
        self.durationScale = durationScale
    }

    /// Output duration relative to the recorded diphones. The kal recordings are slow and
    /// deliberate: at 1.0 the prompts of Flows/hotline.yaml come out at 115 words per
    /// minute; the default 0.75 brings them to about 155, a usual IVR pace.
    public let durationScale: Double

    /// The phones (with "pau" for pauses) of spoken tokens.
    public func phones(_ tokens: [SpokenToken]) -> [String] {
        phoneSequence(tokens).map(\.phone)
    }

    /// Phones with the speaking rate of the word each belongs to.
    func phoneSequence(_ tokens: [SpokenToken]) -> [(phone: String, rate: Double)] {
        var out: [(phone: String, rate: Double)] = [("pau", 1)]
        for token in tokens {
            switch token {
            case .word(let w, let prosody):
                out += lexicon.phones(w).map { (voice.phones.contains($0) ? $0 : "ax", prosody.rate) }
            case .pause:
                if out.last?.phone != "pau" { out.append(("pau", 1)) }
            case .questionEnd:
                break
            }
        }
        if out.last?.phone != "pau" { out.append(("pau", 1)) }
        return out
    }

    /// Speech for `tokens` at the voice's rate (16 kHz).
    public func synthesize(_ tokens: [SpokenToken]) -> AudioBuffer {
        let phones = phoneSequence(tokens)
        var filter = [Float](repeating: 0, count: voice.order)   // y[n-1] ... y[n-order]
        var out: [Float] = []
        for (a, b) in zip(phones, phones.dropFirst()) {
            guard let unit = voice.unit("\(a.phone)-\(b.phone)") ?? voice.unit("pau-\(b.phone)") ?? voice.unit("\(a.phone)-pau") else { continue }
            render(unit, duration: durationScale / max(b.rate, 0.25), history: &filter, into: &out)
        }
        return AudioBuffer(samples: out, sampleRate: voice.sampleRate)
    }

    /// Speech for plain text or SSML, at `sampleRate`.
    public func say(_ text: String, ssml: Bool = false, sampleRate: Int = 16000) throws -> AudioBuffer {
        let tokens = ssml ? try SSML.parse(text) : TextNormalizer.normalize(text)
        let audio = synthesize(tokens)
        return sampleRate == audio.sampleRate ? audio : try Resampler.resample(audio, to: sampleRate)
    }

    /// Filters one unit's residual through its pitch-synchronous LPC filters, scaling its
    /// duration by dropping or repeating whole pitch periods (each period runs from half-way
    /// before its pitchmark to half-way after, so the residual pulse stays whole).
    private func render(_ unit: VoiceDatabase.Unit, duration: Double, history: inout [Float], into out: inout [Float]) {
        let order = voice.order, width = voice.frameFloats, rate = Double(voice.sampleRate)
        voice.frames.withUnsafeBufferPointer { frames in
            func time(_ k: Int) -> Double { Double(frames[(unit.frame + k) * width]) }
            var bounds = [0]
            for k in 0..<(unit.frames - 1) { bounds.append(min(unit.samples, Int((time(k) + time(k + 1)) / 2 * rate))) }
            bounds.append(unit.samples)
            let periods = unit.frames
            let kept = max(1, Int((Double(periods) * duration).rounded()))
            for j in 0..<kept {
                let k = min(periods - 1, Int(Double(j) * Double(periods) / Double(kept)))
                let base = (unit.frame + k) * width + 2
                for n in bounds[k]..<max(bounds[k], bounds[k + 1]) {
                    var y = voice.residual[unit.residual + n]
                    for i in 0..<order { y += frames[base + i] * history[i] }
                    y = max(-32768, min(32767, y))
                    for i in stride(from: order - 1, to: 0, by: -1) { history[i] = history[i - 1] }
                    history[0] = y
                    out.append(y / 32768)
                }
            }
        }
    }
}
