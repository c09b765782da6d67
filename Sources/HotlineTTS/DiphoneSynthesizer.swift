import Foundation
import HotlineCore
import HotlineDSP

/// Text to speech by diphone concatenation with residual-excited LPC resynthesis.
///
/// Text -> `TextNormalizer`/`SSML` -> words -> phones (`Lexicon`) -> diphones ->
/// for each diphone, its LPC residual is filtered through the all-pole filter of the
/// pitchmark it belongs to (y[n] = e[n] + sum a_k y[n-k]); the filter runs on across
/// units, which smooths the joins. Prosody: durations scale by dropping or repeating
/// whole pitch periods (`durationScale`, SSML rate), and voiced periods are re-spaced to
/// an F0 line falling over the utterance and rising at the end of a question (SSML pitch
/// scales it).
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

    /// Phones with the speaking rate and pitch of the word each belongs to.
    func phoneSequence(_ tokens: [SpokenToken]) -> [(phone: String, rate: Double, pitch: Double)] {
        var out: [(phone: String, rate: Double, pitch: Double)] = [("pau", 1, 1)]
        for token in tokens {
            switch token {
            case .word(let w, let prosody):
                out += lexicon.phones(w).map { (voice.phones.contains($0) ? $0 : "ax", prosody.rate, prosody.pitch) }
            case .pause:
                if out.last?.phone != "pau" { out.append(("pau", 1, 1)) }
            case .questionEnd:
                break
            }
        }
        if out.last?.phone != "pau" { out.append(("pau", 1, 1)) }
        return out
    }

    /// Speech for `tokens` at the voice's rate (16 kHz).
    public func synthesize(_ tokens: [SpokenToken]) -> AudioBuffer {
        var out: [Float] = []
        synthesize(tokens) { out += $0 }
        return AudioBuffer(samples: out, sampleRate: voice.sampleRate)
    }

    /// Streams speech for `tokens`: `chunk` receives the samples of each diphone as soon
    /// as it is rendered (about 60-120 ms of audio), so playback can start before the
    /// rest of the sentence is synthesised.
    public func synthesize(_ tokens: [SpokenToken], chunk: ([Float]) -> Void) {
        let phones = phoneSequence(tokens)
        let question = tokens.contains(.questionEnd)
        var filter = [Float](repeating: 0, count: voice.order)   // y[n-1] ... y[n-order]
        var out: [Float] = []
        out.reserveCapacity(4096)
        let pairs = Array(zip(phones, phones.dropFirst()))
        for (i, (a, b)) in pairs.enumerated() {
            guard let unit = voice.unit("\(a.phone)-\(b.phone)") ?? voice.unit("pau-\(b.phone)") ?? voice.unit("\(a.phone)-pau") else { continue }
            // F0: a declining line over the utterance, rising over the last units of a question.
            let progress = Double(i) / Double(max(pairs.count - 1, 1))
            var f0 = 120 - 25 * progress
            if question, i >= pairs.count - 4 { f0 *= 1 + 0.35 * Double(i - (pairs.count - 4)) / 3 }
            render(unit, voicing: (Self.voiced.contains(a.phone), Self.voiced.contains(b.phone)),
                   duration: durationScale / max(b.rate, 0.25), f0: f0 * b.pitch, history: &filter, into: &out)
            chunk(out)
            out.removeAll(keepingCapacity: true)
        }
    }

    /// Phones whose pitch periods are re-spaced to the F0 contour.
    static let voiced: Set<String> = ["aa", "ae", "ah", "ao", "aw", "ax", "ay", "eh", "er", "ey", "ih", "iy", "ow", "oy",
                                      "uh", "uw", "m", "n", "ng", "l", "r", "w", "y", "b", "d", "g", "v", "dh", "z", "zh", "jh"]

    /// Speech for plain text or SSML, at `sampleRate`.
    public func say(_ text: String, ssml: Bool = false, sampleRate: Int = 16000) throws -> AudioBuffer {
        let tokens = ssml ? try SSML.parse(text) : TextNormalizer.normalize(text)
        let audio = synthesize(tokens)
        return sampleRate == audio.sampleRate ? audio : try Resampler.resample(audio, to: sampleRate)
    }

    /// Renders one unit: its residual, pitch period by pitch period, through each period's
    /// LPC filter. Voiced halves of the diphone (`voicing`: before and after its phone
    /// boundary) are re-spaced to `f0`: each output period is the recorded residual around
    /// a pitchmark, cut or extended to the target period length (the pulse stays at its
    /// centre), as many as the scaled duration holds. Unvoiced halves keep their periods,
    /// dropping or repeating whole ones to scale the duration.
    private func render(_ unit: VoiceDatabase.Unit, voicing: (Bool, Bool), duration: Double, f0: Double,
                        history: inout [Float], into out: inout [Float]) {
        let order = voice.order, width = voice.frameFloats, rate = Double(voice.sampleRate)
        voice.frames.withUnsafeBufferPointer { frames in
            voice.residual.withUnsafeBufferPointer { residual in
                func mark(_ k: Int) -> Int { Int(Double(frames[(unit.frame + k) * width]) * rate) }
                var bounds = [0]
                for k in 0..<(unit.frames - 1) { bounds.append(min(unit.samples, (mark(k) + mark(k + 1)) / 2)) }
                bounds.append(unit.samples)
                /// Filters residual samples [from, to) of the unit (zeros outside it) with frame k.
                func emit(_ k: Int, from: Int, to: Int) {
                    let base = (unit.frame + k) * width + 2
                    for n in from..<to {
                        var y = n >= 0 && n < unit.samples ? residual[unit.residual + n] : 0
                        for i in 0..<order { y += frames[base + i] * history[i] }
                        y = max(-32768, min(32767, y))
                        for i in stride(from: order - 1, to: 0, by: -1) { history[i] = history[i - 1] }
                        history[0] = y
                        out.append(y / 32768)
                    }
                }
                let boundary = min(max(unit.boundary, 0), unit.frames)
                for (range, voiced) in [(0..<boundary, voicing.0), (boundary..<unit.frames, voicing.1)] where !range.isEmpty {
                    let natural = bounds[range.upperBound] - bounds[range.lowerBound]
                    if voiced {
                        let period = max(40, Int(rate / f0))
                        let count = max(1, Int((Double(natural) * duration / Double(period)).rounded()))
                        for j in 0..<count {
                            let k = range.lowerBound + min(range.count - 1, j * range.count / count)
                            emit(k, from: mark(k) - period / 2, to: mark(k) - period / 2 + period)
                        }
                    } else {
                        let count = max(1, Int((Double(range.count) * duration).rounded()))
                        for j in 0..<count {
                            let k = range.lowerBound + min(range.count - 1, j * range.count / count)
                            emit(k, from: bounds[k], to: max(bounds[k], bounds[k + 1]))
                        }
                    }
                }
            }
        }
    }
}
