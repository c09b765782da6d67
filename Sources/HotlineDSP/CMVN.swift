/// Cepstral mean (and variance) normalisation over a whole utterance.
public enum CMVN {
    /// Subtracts each column's mean over all frames; with `variance`, also divides by its
    /// standard deviation (columns with none are left at zero mean).
    public static func normalizeUtterance(_ features: inout FeatureMatrix, variance: Bool) {
        let n = features.frameCount, d = features.dimension
        guard n > 0 else { return }
        var mean = [Double](repeating: 0, count: d), square = [Double](repeating: 0, count: d)
        for t in 0..<n {
            for j in 0..<d {
                let v = Double(features.values[t * d + j])
                mean[j] += v
                square[j] += v * v
            }
        }
        for j in 0..<d {
            mean[j] /= Double(n)
            square[j] = square[j] / Double(n) - mean[j] * mean[j]
        }
        for t in 0..<n {
            for j in 0..<d {
                var v = Double(features.values[t * d + j]) - mean[j]
                if variance, square[j] > 1e-20 { v /= square[j].squareRoot() }
                features.values[t * d + j] = Float(v)
            }
        }
    }
}

/// Sliding-window mean (and variance) normalisation after Kaldi's apply-cmvn-sliding:
/// each frame is normalised by the statistics of a window of frames around it (centred)
/// or ending at it (causal: after the first `minWindowFrames`, only past frames count,
/// so a live recognizer can apply it frame by frame).
public enum SlidingCMVN {
    /// Window settings; defaults mirror Kaldi's.
    public struct Options: Sendable, Equatable {
        /// Frames in the window.
        public var windowFrames = 600
        /// Centre the window on the frame (needs look-ahead) instead of ending at it.
        public var center = false
        /// Causal mode: at the start of a stream, wait for this many frames before
        /// normalising (the window then spans frames 0..<minWindowFrames).
        public var minWindowFrames = 100
        /// Also divide by the standard deviation.
        public var normalizeVariance = false

        /// Kaldi's defaults: 600 frames, causal, 100-frame minimum, mean only.
        public init() {}
    }

    /// Normalises a whole matrix (the reference the streaming form must equal).
    public static func apply(_ features: FeatureMatrix, options: Options) -> FeatureMatrix {
        let n = features.frameCount, d = features.dimension
        var out = features
        guard n > 0 else { return out }
        // Prefix sums make each window O(d).
        var sum = [Double](repeating: 0, count: (n + 1) * d), square = sum
        for t in 0..<n {
            for j in 0..<d {
                let v = Double(features.values[t * d + j])
                sum[(t + 1) * d + j] = sum[t * d + j] + v
                square[(t + 1) * d + j] = square[t * d + j] + v * v
            }
        }
        for t in 0..<n {
            let (start, end) = window(for: t, frameCount: n, options: options)
            let count = Double(end - start)
            for j in 0..<d {
                let mean = (sum[end * d + j] - sum[start * d + j]) / count
                var v = Double(features.values[t * d + j]) - mean
                if options.normalizeVariance {
                    let variance = (square[end * d + j] - square[start * d + j]) / count - mean * mean
                    if variance > 1e-20 { v /= variance.squareRoot() }
                }
                out.values[t * d + j] = Float(v)
            }
        }
        return out
    }

    /// Frames `start..<end` whose statistics normalise frame `t` of `frameCount`.
    static func window(for t: Int, frameCount n: Int, options: Options) -> (Int, Int) {
        let w = options.windowFrames
        if options.center {
            var start = t - w / 2, end = start + w
            if start < 0 { end -= start; start = 0 }
            if end > n { start = max(0, start - (end - n)); end = n }
            return (start, end)
        }
        let start = max(0, t - w + 1)
        var end = t + 1
        if end < options.minWindowFrames { end = min(options.minWindowFrames, n) }
        return (start, end)
    }
}
