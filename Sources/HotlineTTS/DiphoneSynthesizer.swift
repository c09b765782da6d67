import Foundation
import HotlineCore
import HotlineDSP

/// Text to speech by diphone concatenation with residual-excited LPC resynthesis.
///
/// Text -> `TextNormalizer`/`SSML` -> words -> phones (`Lexicon`) -> prosody (`Prosody`
/// rules: a duration factor and an F0 target per phone) -> diphones, each spoken by the
/// unit `UnitSelection` picks (carrier-word diphones at the rules' durations, runs of
/// running speech at their recorded timing) -> pitch-synchronous
/// overlap-add of the LPC residual (TD-PSOLA on the excitation: at each output pitch mark,
/// two periods of residual around the nearest source pitchmark, Hann-windowed, are added
/// in) -> the all-pole filter of the source frame, which runs on across units so joins
/// stay smooth. Voiced stretches take their pitch marks from the F0 contour, each window
/// scaled by √(output period / recorded period) so they keep their recorded power at any
/// pitch; unvoiced ones keep the recorded spacing, and durations come from how many marks
/// a stretch gets. Running speech where the rules leave its pitch and speaking rate alone
/// skips the overlap-add: its residual is filtered as recorded (re-windowing it cost about
/// 5 points of word error through the phone).
public final class DiphoneSynthesizer: Sendable {
    /// The voice.
    public let voice: VoiceDatabase
    /// Pronunciations.
    public let lexicon: Lexicon
    /// Output duration relative to the recorded diphones (the voice's own by default).
    public let durationScale: Double
    /// Raised-cosine rise, 0 ... 1 over `windowSteps` steps (windows of any length index it).
    private let rise: [Float]
    private static let windowSteps = 1024

    /// A synthesizer speaking with `voice`; `durationScale` 1 keeps the recorded timing,
    /// nil takes the voice's `durationScale`.
    public init(voice: VoiceDatabase, lexicon: Lexicon, durationScale: Double? = nil) {
        self.voice = voice
        self.lexicon = lexicon
        self.durationScale = durationScale ?? voice.durationScale
        rise = (0...Self.windowSteps).map { Float(0.5 - 0.5 * cos(Double.pi * Double($0) / Double(Self.windowSteps))) }
    }

    /// The phones (with "pau" for pauses) of spoken tokens.
    public func phones(_ tokens: [SpokenToken]) -> [String] {
        ProsodyRules.targets(tokens, lexicon: lexicon, phones: voice.phones).map(\.phone)
    }

    /// Speech for `tokens` at the voice's rate (16 kHz).
    public func synthesize(_ tokens: [SpokenToken]) -> AudioBuffer {
        var out: [Float] = []
        synthesize(tokens) { out += $0 }
        return AudioBuffer(samples: out, sampleRate: voice.sampleRate)
    }

    /// Speech for plain text or SSML, at `sampleRate`.
    public func say(_ text: String, ssml: Bool = false, sampleRate: Int = 16000) throws -> AudioBuffer {
        try say(ssml ? SSML.parse(text) : TextNormalizer.normalize(text), sampleRate: sampleRate)
    }

    /// Speech for spoken tokens, at `sampleRate`.
    public func say(_ tokens: [SpokenToken], sampleRate: Int = 16000) throws -> AudioBuffer {
        let audio = synthesize(tokens)
        return sampleRate == audio.sampleRate ? audio : try Resampler.resample(audio, to: sampleRate)
    }

    /// Streams speech for `tokens`: `chunk` receives the samples finished after each
    /// diphone (about 50-120 ms of audio), so playback can start before the rest of the
    /// sentence is synthesised. Units are selected a sentence at a time (up to a pause of
    /// `sentencePauseMs` or more), so the first audio comes as soon for a long prompt as
    /// for a short one; a join inside such a pause is silence either way.
    public func synthesize(_ tokens: [SpokenToken], chunk: ([Float]) -> Void) {
        let targets = ProsodyRules.targets(tokens, lexicon: lexicon, phones: voice.phones)
        var renderer = Renderer(synthesizer: self)
        var f0 = targets.first?.f0 ?? 110
        var start = 0
        while start < targets.count - 1 {
            var end = start + 1
            while end < targets.count - 1, targets[end].phone != "pau" || targets[end].pauseMs < Self.sentencePauseMs { end += 1 }
            let chosen = UnitSelection.select(targets[start...end].map(\.phone), voice: voice)
            for i in start..<end {
                guard let index = chosen[i - start] else { continue }
                renderer.render(voice.units[index], halves: (targets[i], targets[i + 1]), f0: &f0, durationScale: durationScale)
                chunk(renderer.take())
            }
            start = end
        }
        renderer.finish()
        chunk(renderer.take())
    }

    /// A pause this long or longer ends a sentence for unit selection.
    static let sentencePauseMs = 300

    /// Pitch-synchronous overlap-add of residual into an excitation ring, then the LPC
    /// filter over every stretch of excitation that no later mark can change.
    struct Renderer {
        let synthesizer: DiphoneSynthesizer
        let voice: VoiceDatabase
        /// Excitation not yet filtered, indexed by output sample & mask.
        var ring = [Float](repeating: 0, count: 4096)
        let mask = 4095
        var filter = LPCSynthesisFilter()
        /// Output time of the last mark, and its frame (row in the voice's frame table).
        var lastMark = 0
        var lastFrame = -1
        /// Output samples before this are filtered.
        var done = 0
        /// Where the current half-diphone starts on the output clock (fractional).
        var clock = 0.0
        var out: [Float] = []
        /// Excitation being filtered (reused).
        var scratch = [Float](repeating: 0, count: 1024)

        init(synthesizer: DiphoneSynthesizer) {
            self.synthesizer = synthesizer
            voice = synthesizer.voice
            out.reserveCapacity(4096)
        }

        mutating func take() -> [Float] {
            defer { out.removeAll(keepingCapacity: true) }
            return out
        }

        /// Renders both halves of `unit`: the first belongs to phone `halves.0`, the second to `halves.1`.
        mutating func render(_ unit: VoiceDatabase.Unit, halves: (ProsodyRules.Target, ProsodyRules.Target), f0: inout Double, durationScale: Double) {
            let width = voice.frameFloats, rate = Double(voice.sampleRate)
            let marks = (0..<unit.frames).map { Int(Double(voice.frames[(unit.frame + $0) * width]) * rate) }
            var bounds = [0]
            for k in 0..<(unit.frames - 1) { bounds.append(min(unit.samples, (marks[k] + marks[k + 1]) / 2)) }
            bounds.append(unit.samples)
            let boundary = min(max(unit.boundary, 0), unit.frames)
            for (range, target) in [(0..<boundary, halves.0), (boundary..<unit.frames, halves.1)] where !range.isEmpty {
                let start = bounds[range.lowerBound], natural = Double(bounds[range.upperBound] - start)
                guard natural > 0 else { continue }
                // Carrier-word diphones take the rules' durations; running speech keeps its own.
                var length = natural * (unit.running ? target.rate : durationScale * target.duration)
                if target.phone == "pau" { length = max(Double(target.pauseMs) * rate / 2000, 80) }
                let end = clock + length
                if unit.running && target.phone != "pau" && target.rate == 1 && target.recordedPitch {
                    copy(unit, marks: marks, bounds: bounds, range: range, at: Int(clock.rounded()))
                    clock = end
                    continue
                }
                // Marks spaced by the target period (voiced) or the recorded one, each taking
                // the source frame at the same relative position in the stretch.
                func frame(at t: Int) -> Int {
                    let position = Double(start) + (Double(t) - clock) / length * natural
                    var k = range.lowerBound
                    while k + 1 < range.upperBound && Double(marks[k + 1]) <= position { k += 1 }
                    if k + 1 < range.upperBound, Double(marks[k + 1]) - position < position - Double(marks[k]) { k += 1 }
                    return k
                }
                func spacing(_ k: Int) -> Int { max(32, marks[k] - (k > 0 ? marks[k - 1] : 0)) }
                while true {
                    var period: Int, k: Int
                    if target.voiced {
                        f0 += 0.25 * (target.f0 - f0)
                        period = max(40, Int(rate / f0))
                        k = frame(at: lastMark + period)
                    } else {
                        period = spacing(frame(at: lastMark + 1))
                        k = frame(at: lastMark + period)
                    }
                    let sourcePeriod = spacing(k)
                    let t = lastMark + period
                    guard Double(t) < end else { break }
                    // A voiced window keeps the recorded power per unit of time at any pitch.
                    let gain = target.voiced ? Float(min(1.5, max(0.5, (Double(period) / Double(sourcePeriod)).squareRoot()))) : 1
                    add(unit, mark: marks[k], halfWidth: min(sourcePeriod, period), gain: gain, at: t, frame: unit.frame + k)
                }
                clock = end
            }
        }

        /// Adds the residual of `unit`'s marks `range` as it was recorded, starting at output
        /// time `t`, and filters each mark's stretch with its frame as the analysis did: no
        /// overlap-add, so running speech at its recorded pitch and timing comes back as
        /// recorded.
        mutating func copy(_ unit: VoiceDatabase.Unit, marks: [Int], bounds: [Int], range: Range<Int>, at t: Int) {
            let start = bounds[range.lowerBound]
            for k in range {
                // A mark's own stretch, then the filter up to the mark (the ring holds 4,096
                // samples, less than a long half: copying it whole first could wrap).
                voice.residual.withUnsafeBufferPointer { residual in
                    ring.withUnsafeMutableBufferPointer { ring in
                        for n in bounds[k]..<bounds[k + 1] { ring[(t + n - start) & mask] += residual[unit.residual + n] }
                    }
                }
                flush(to: max(t + marks[k] - start, lastMark + 1), nextFrame: unit.frame + k)
            }
        }

        /// Adds the windowed residual around source pitchmark `mark`, scaled by `gain`, at
        /// output time `t`, then filters the excitation that is now final (up to `t`: later
        /// marks reach back no further than their own previous mark).
        mutating func add(_ unit: VoiceDatabase.Unit, mark: Int, halfWidth: Int, gain: Float, at t: Int, frame: Int) {
            let steps = DiphoneSynthesizer.windowSteps
            voice.residual.withUnsafeBufferPointer { residual in
                synthesizer.rise.withUnsafeBufferPointer { rise in
                    ring.withUnsafeMutableBufferPointer { ring in
                        let from = max(-halfWidth, -mark), to = min(halfWidth, unit.samples - mark)
                        guard from < to else { return }
                        let scale = Float(steps) / Float(halfWidth)
                        for i in from..<to {
                            let w = gain * rise[Int(Float(halfWidth - abs(i)) * scale)]
                            ring[(t + i) & mask] += w * residual[unit.residual + mark + i]
                        }
                    }
                }
            }
            flush(to: t, nextFrame: frame)
        }

        /// Filters the excitation in [done, t): the first half with the previous mark's
        /// frame, the rest with `nextFrame`'s.
        mutating func flush(to t: Int, nextFrame: Int) {
            let middle = lastFrame < 0 ? done : (done + t) / 2
            filterStretch(done, middle, frame: lastFrame)
            filterStretch(middle, t, frame: nextFrame)
            done = t
            lastMark = t
            lastFrame = nextFrame
        }

        mutating func filterStretch(_ from: Int, _ to: Int, frame: Int) {
            guard to > from, frame >= 0 else { return }
            let count = to - from, start = out.count
            out.append(contentsOf: repeatElement(0, count: count))
            if scratch.count < count { scratch = [Float](repeating: 0, count: count) }
            scratch.withUnsafeMutableBufferPointer { e in
                ring.withUnsafeMutableBufferPointer { ring in
                    for n in 0..<count {
                        e[n] = ring[(from + n) & mask]
                        ring[(from + n) & mask] = 0
                    }
                }
                voice.frames.withUnsafeBufferPointer { frames in
                    out.withUnsafeMutableBufferPointer { o in
                        filter.process(e.baseAddress!, count: count, coefficients: frames.baseAddress! + frame * voice.frameFloats + 2, into: o.baseAddress! + start)
                        for n in start..<o.count { o[n] *= 1 / 32768 }
                    }
                }
            }
        }

        /// Lets the last mark's residual and the filter ring out (20 ms).
        mutating func finish() {
            guard lastFrame >= 0 else { return }
            let t = done + 320
            filterStretch(done, t, frame: lastFrame)
            done = t
        }
    }
}
