import CFFTW
import Foundation

/// A forward real-to-complex FFT of one fixed size through FFTW (single precision).
///
/// The plan and both buffers are made once and reused: `transform()` allocates nothing.
/// Write the signal into `input` (`size` floats; whatever is not written stays as it
/// was, so zero padding written once stays zero), call `transform()`, then read
/// `output`: `size / 2 + 1` complex bins interleaved as `[re0, im0, re1, im1, ...]`,
/// bin `k` at frequency `k * sampleRate / size`, unnormalised (FFTW's convention:
/// X[k] = sum x[n] e^(-2 pi i k n / size)).
public final class RealFFT {
    /// Transform length in samples.
    public let size: Int
    /// Complex bins in the output (`size / 2 + 1`).
    public var binCount: Int { size / 2 + 1 }
    /// The time-domain input, `size` floats, SIMD-aligned.
    public let input: UnsafeMutableBufferPointer<Float>
    /// The spectrum, `2 * binCount` floats (interleaved re/im), SIMD-aligned.
    public let output: UnsafeMutableBufferPointer<Float>
    private let plan: fftwf_plan

    /// FFTW's planner is not thread-safe; plans are made and destroyed under this lock.
    private static let plannerLock = NSLock()

    /// How hard FFTW searches for a fast plan. The first plan of a size and rigor costs
    /// the search once per process (FFTW keeps its wisdom); later ones are immediate.
    public enum Planning: Sendable {
        /// FFTW_MEASURE: a few milliseconds.
        case measure
        /// FFTW_PATIENT: 50-150 ms for 128-256 points, 10-30% faster transforms here.
        case patient

        var flags: UInt32 { self == .measure ? UInt32(FFTW_MEASURE) : UInt32(FFTW_PATIENT) }
    }

    /// Plans a transform of `size` points (any size; powers of two are fastest).
    public init(size: Int, planning: Planning = .measure) {
        precondition(size >= 2, "FFT size must be at least 2")
        self.size = size
        let inputRaw = fftwf_malloc(size * MemoryLayout<Float>.stride)!
        let outputRaw = fftwf_malloc((size / 2 + 1) * 2 * MemoryLayout<Float>.stride)!
        input = UnsafeMutableBufferPointer(start: inputRaw.bindMemory(to: Float.self, capacity: size), count: size)
        output = UnsafeMutableBufferPointer(start: outputRaw.bindMemory(to: Float.self, capacity: (size / 2 + 1) * 2),
                                            count: (size / 2 + 1) * 2)
        Self.plannerLock.lock()
        // Measuring plans scribble on the buffers; they are cleared below.
        plan = fftwf_plan_dft_r2c_1d(Int32(size), input.baseAddress,
                                     outputRaw.assumingMemoryBound(to: fftwf_complex.self), planning.flags)
        Self.plannerLock.unlock()
        input.initialize(repeating: 0)
        output.initialize(repeating: 0)
    }

    deinit {
        Self.plannerLock.lock()
        fftwf_destroy_plan(plan)
        Self.plannerLock.unlock()
        fftwf_free(input.baseAddress)
        fftwf_free(output.baseAddress)
    }

    /// Transforms `input` into `output`.
    @inline(__always)
    public func transform() {
        fftwf_execute(plan)
    }
}
