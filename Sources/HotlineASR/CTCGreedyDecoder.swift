import Foundation

/// One phone of a best-path CTC decoding.
public struct PhoneSegment: Sendable, Equatable, Codable {
    /// ARPAbet phone.
    public var phone: String
    /// First output frame of the phone's run.
    public var startFrame: Int
    /// One past the last output frame of the run.
    public var endFrame: Int
    /// Mean posterior probability over the run (0-1).
    public var confidence: Float
}

/// Best-path (greedy) CTC decoding: the most likely output per frame, repeats merged,
/// blanks dropped.
public enum CTCGreedyDecoder {
    /// Decodes `logPosteriors` (frames x labels, row-major; label 0 is the blank).
    public static func decode(logPosteriors: [Float], labels: [String]) -> [PhoneSegment] {
        let n = labels.count
        precondition(n > 1 && logPosteriors.count % n == 0)
        var segments: [PhoneSegment] = []
        var previous = 0
        var sum: Float = 0
        for t in 0..<(logPosteriors.count / n) {
            let row = logPosteriors[(t * n)..<((t + 1) * n)]
            var best = 0
            for k in 1..<n where row[row.startIndex + k] > row[row.startIndex + best] { best = k }
            let p = expf(row[row.startIndex + best])
            if best != 0, best == previous, var last = segments.popLast() {
                sum += p
                last.endFrame = t + 1
                last.confidence = sum / Float(last.endFrame - last.startFrame)
                segments.append(last)
            } else if best != 0 {
                sum = p
                segments.append(PhoneSegment(phone: labels[best], startFrame: t, endFrame: t + 1, confidence: p))
            }
            previous = best
        }
        return segments
    }
}
