import Foundation
import HotlineCore

/// The call-progress tones Hotline supervises on analogue lines.
public enum CallProgressTone: String, Sendable, CaseIterable, Codable {
    /// Dial tone: the far end hung up and the exchange offers a new call.
    case dial
    /// Busy (slow cadence).
    case busy
    /// Reorder / congestion (fast busy).
    case reorder
    /// Ringback (the far end is being rung).
    case ringback
}

/// One tone of a national plan: its frequencies and its cadence.
public struct CallProgressToneSpec: Sendable, Equatable {
    /// Which tone this is.
    public var tone: CallProgressTone
    /// One or two frequencies, Hz, played together.
    public var frequenciesHz: [Double]
    /// On time of one cycle, ms; nil for a continuous tone.
    public var onMs: Double?
    /// Off time of one cycle, ms (ignored for continuous tones).
    public var offMs: Double
    /// Complete on/off cycles (or, for a continuous tone, multiples of 1 s) that confirm it.
    public var confirmCycles: Int

    /// Describes one tone.
    public init(tone: CallProgressTone, frequenciesHz: [Double], onMs: Double?, offMs: Double = 0, confirmCycles: Int) {
        self.tone = tone
        self.frequenciesHz = frequenciesHz
        self.onMs = onMs
        self.offMs = offMs
        self.confirmCycles = confirmCycles
    }
}

/// National tone tables.
public enum CallProgressPlan: String, Sendable, CaseIterable, Codable {
    /// North America (ANSI T1.401 / LSSGR precise tones).
    case northAmerica = "na"
    /// ETSI ES 201 970 recommendation (425 Hz).
    case etsi

    /// The plan's tones.
    public var tones: [CallProgressToneSpec] {
        switch self {
        case .northAmerica:
            return [CallProgressToneSpec(tone: .dial, frequenciesHz: [350, 440], onMs: nil, confirmCycles: 1),
                    CallProgressToneSpec(tone: .busy, frequenciesHz: [480, 620], onMs: 500, offMs: 500, confirmCycles: 2),
                    CallProgressToneSpec(tone: .reorder, frequenciesHz: [480, 620], onMs: 250, offMs: 250, confirmCycles: 2),
                    CallProgressToneSpec(tone: .ringback, frequenciesHz: [440, 480], onMs: 2000, offMs: 4000, confirmCycles: 1)]
        case .etsi:
            return [CallProgressToneSpec(tone: .dial, frequenciesHz: [425], onMs: nil, confirmCycles: 1),
                    CallProgressToneSpec(tone: .busy, frequenciesHz: [425], onMs: 500, offMs: 500, confirmCycles: 2),
                    CallProgressToneSpec(tone: .reorder, frequenciesHz: [425], onMs: 250, offMs: 250, confirmCycles: 2),
                    CallProgressToneSpec(tone: .ringback, frequenciesHz: [425], onMs: 1000, offMs: 4000, confirmCycles: 1)]
        }
    }
}

/// A call-progress tone whose cadence was confirmed.
public struct CallProgressEvent: Sendable, Equatable {
    /// The tone.
    public var tone: CallProgressTone
    /// First sample of the tone's first confirming burst.
    public var startSample: Int
    /// Sample at which the cadence was confirmed.
    public var confirmedSample: Int
}

/// Call-progress tone detector for disconnect supervision: 20 ms Goertzel windows every
/// 10 ms decide, per frequency set of the plan, whether that tone is on; the on/off
/// durations are then matched against each tone's cadence (within `tolerance`), and a
/// tone is reported once when `confirmCycles` cycles in a row match. It is reported
/// again only after the line has been quiet (or another tone) for a while.
public final class CallProgressDetector {
    /// The tone table.
    public let tones: [CallProgressToneSpec]
    /// Allowed relative error on each on and off time (0.25 = +-25%).
    public var tolerance = 0.25
    /// Quietest tone component accepted, dBm0.
    public var minimumLevelDbm0 = -40.0
    /// Share of the window's energy the tone's components must carry.
    public var minimumPurity: Float = 0.7

    private let sampleRate: Int
    private let windowSize: Int
    private let hopSize: Int
    /// Distinct frequency sets, and per set the bank indices of its frequencies.
    private let frequencySets: [[Double]]
    private let setBins: [[Int]]
    private let bank: GoertzelBank
    private var powers: [Float]
    private var buffer: [Float] = []
    private var bufferStart = 0
    private var received = 0
    private var nextWindowEnd: Int
    /// Per frequency set: completed on/off segments (on?, duration in samples, start sample), newest last.
    private var segments: [[(on: Bool, length: Int, start: Int)]]
    private var reported: Set<CallProgressTone> = []

    /// A detector for `plan` at `sampleRate` Hz.
    public convenience init(plan: CallProgressPlan, sampleRate: Int = 8000) {
        self.init(tones: plan.tones, sampleRate: sampleRate)
    }

    /// A detector for a custom tone table.
    public init(tones: [CallProgressToneSpec], sampleRate: Int = 8000) {
        self.tones = tones
        self.sampleRate = sampleRate
        windowSize = sampleRate / 50
        hopSize = sampleRate / 100
        nextWindowEnd = windowSize
        var sets: [[Double]] = []
        for t in tones where !sets.contains(t.frequenciesHz) { sets.append(t.frequenciesHz) }
        frequencySets = sets
        let all = Array(Set(sets.flatMap { $0 })).sorted()
        setBins = sets.map { set in set.map { all.firstIndex(of: $0)! } }
        bank = GoertzelBank(frequencies: all, sampleRate: Double(sampleRate))
        powers = [Float](repeating: 0, count: all.count)
        segments = Array(repeating: [], count: sets.count)
    }

    /// Feeds samples; returns tones confirmed by them.
    public func process(_ samples: [Float]) -> [CallProgressEvent] {
        buffer += samples
        received += samples.count
        var events: [CallProgressEvent] = []
        while nextWindowEnd <= received {
            let onSets = analyze(windowEndingAt: nextWindowEnd)
            for s in frequencySets.indices {
                extend(set: s, on: onSets.contains(s), at: nextWindowEnd - hopSize)
                events += confirm(set: s, now: nextWindowEnd)
            }
            nextWindowEnd += hopSize
        }
        let keep = nextWindowEnd - windowSize - bufferStart
        if keep > 4096 {
            buffer.removeFirst(keep)
            bufferStart += keep
        }
        return events
    }

    /// Which frequency sets are on in the window.
    private func analyze(windowEndingAt end: Int) -> Set<Int> {
        var energy: Float = 0
        buffer.withUnsafeBufferPointer { all in
            let window = all.baseAddress! + (end - windowSize - bufferStart)
            energy = DotProduct.simd(window, window, count: windowSize)
            powers.withUnsafeMutableBufferPointer { bank.powers(window, count: windowSize, into: $0.baseAddress!) }
        }
        guard energy > 0 else { return [] }
        let n = Float(windowSize)
        let minimumAmplitude = Float(LineLevel.sineAmplitude(dbm0: minimumLevelDbm0))
        var on: Set<Int> = []
        for (s, bins) in setBins.enumerated() {
            let components = bins.map { powers[$0] }
            guard components.allSatisfy({ 2 * $0.squareRoot() / n >= minimumAmplitude }) else { continue }
            // Two components must be within 10 dB of each other (a single tone is not a pair).
            if components.count == 2, max(components[0], components[1]) > 10 * min(components[0], components[1]) { continue }
            if 2 * components.reduce(0, +) / n >= minimumPurity * energy { on.insert(s) }
        }
        return on
    }

    /// Adds one hop of `on`/off to the set's segment list.
    private func extend(set s: Int, on: Bool, at sample: Int) {
        if var last = segments[s].last, last.on == on {
            last.length += hopSize
            segments[s][segments[s].count - 1] = last
        } else {
            segments[s].append((on, hopSize, sample))
            if segments[s].count > 16 { segments[s].removeFirst(segments[s].count - 16) }
        }
        // A long silence (or another sound) ends any reported tone on this set.
        if let last = segments[s].last, !last.on, last.length > 8 * sampleRate {
            for t in tones where t.frequenciesHz == frequencySets[s] { reported.remove(t.tone) }
        }
    }

    private func matches(_ length: Int, _ ms: Double) -> Bool {
        let expected = ms * Double(sampleRate) / 1000
        return abs(Double(length) - expected) <= tolerance * expected + Double(hopSize)
    }

    private func confirm(set s: Int, now: Int) -> [CallProgressEvent] {
        var events: [CallProgressEvent] = []
        let list = segments[s]
        for spec in tones where spec.frequenciesHz == frequencySets[s] && !reported.contains(spec.tone) {
            guard let last = list.last else { continue }
            if let onMs = spec.onMs {
                // Cadenced: the newest segments must end with `confirmCycles` matching
                // on/off pairs, checked when the last matching off turns back on.
                guard last.on, last.length == hopSize else { continue }
                let needed = 2 * spec.confirmCycles
                guard list.count >= needed + 1 else { continue }
                let cycles = list[(list.count - 1 - needed)..<(list.count - 1)]
                var ok = true
                for (k, segment) in cycles.enumerated() {
                    let expectOn = k % 2 == 0
                    if segment.on != expectOn || !matches(segment.length, expectOn ? onMs : spec.offMs) { ok = false; break }
                }
                if ok {
                    events.append(CallProgressEvent(tone: spec.tone, startSample: cycles.first!.start, confirmedSample: now))
                    reported.insert(spec.tone)
                }
            } else if last.on, last.length >= spec.confirmCycles * sampleRate {
                events.append(CallProgressEvent(tone: spec.tone, startSample: last.start, confirmedSample: now))
                reported.insert(spec.tone)
            }
        }
        return events
    }
}
