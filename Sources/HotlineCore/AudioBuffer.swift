/// Mono audio as `Float32` samples in [-1, 1], carried with its sample rate.
///
/// This is the one in-process audio representation (see GUIDE.md): every module
/// passes `AudioBuffer`s, converting to int16 or codecs only at its own boundary.
public struct AudioBuffer: Sendable, Equatable {
    /// The samples, nominally in [-1, 1].
    public var samples: [Float]
    /// Samples per second.
    public var sampleRate: Int

    /// Wraps `samples` recorded at `sampleRate` Hz.
    public init(samples: [Float], sampleRate: Int) {
        precondition(sampleRate > 0, "sample rate must be positive")
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// `durationMs` of digital silence at `sampleRate` Hz.
    public static func silence(durationMs: Double, sampleRate: Int) -> AudioBuffer {
        AudioBuffer(samples: [Float](repeating: 0, count: sampleCount(forMs: durationMs, sampleRate: sampleRate)),
                    sampleRate: sampleRate)
    }

    /// Number of samples.
    public var frameCount: Int { samples.count }

    /// Length in milliseconds.
    public var durationMs: Double { Double(samples.count) * 1000 / Double(sampleRate) }
}

/// Number of whole samples in `ms` milliseconds at `sampleRate` Hz (rounded to nearest).
public func sampleCount(forMs ms: Double, sampleRate: Int) -> Int {
    Int((ms * Double(sampleRate) / 1000).rounded())
}

/// Milliseconds spanned by `samples` samples at `sampleRate` Hz.
public func milliseconds(forSamples samples: Int, sampleRate: Int) -> Double {
    Double(samples) * 1000 / Double(sampleRate)
}
