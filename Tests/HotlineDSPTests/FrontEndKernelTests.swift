import Foundation
import HotlineDSP
import Testing

/// Every SIMD kernel of the front end against its plain scalar reference.
@Suite struct FrontEndKernelTests {
    static func random(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in Float.random(in: -scale...scale, using: &g) }
    }

    static func close(_ a: [Float], _ b: [Float], relative: Float) -> Bool {
        zip(a, b).allSatisfy { abs($0 - $1) <= relative * max(1, abs($0), abs($1)) }
    }

    @Test(arguments: [200, 201, 9, 8, 400])
    func framePreparation(count: Int) {
        let input = Self.random(count, seed: UInt64(count), scale: 20000).map { $0 + 3000 }   // with DC
        let window = (0..<count).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(count - 1))) }
        for removeDC in [true, false] {
            var a = [Float](repeating: 0, count: count), b = a
            let ea = FramePreparation.scalar(input, count: count, removeDC: removeDC, preemphasis: 0.97, window: window, into: &a)
            let eb = FramePreparation.simd(input, count: count, removeDC: removeDC, preemphasis: 0.97, window: window, into: &b)
            #expect(abs(ea - eb) <= 1e-5 * ea)
            #expect(Self.close(a, b, relative: 1e-4))
        }
    }

    @Test(arguments: [128, 129, 5])
    func powerSpectrum(bins: Int) {
        let spectrum = Self.random(2 * bins, seed: 3, scale: 1000)
        for magnitude in [false, true] {
            var a = [Float](repeating: 0, count: bins), b = a
            PowerSpectrum.scalar(spectrum, bins: bins, magnitude: magnitude, into: &a)
            PowerSpectrum.simd(spectrum, bins: bins, magnitude: magnitude, into: &b)
            #expect(Self.close(a, b, relative: 1e-6))
        }
    }

    @Test(arguments: [23, 40, 80])
    func melFilterbank(bins: Int) throws {
        let bank = try MelFilterbank(options: MelOptions(binCount: bins), fftSize: 512, sampleRate: 16000)
        // apply reads whole 8-lane groups: the spectrum is zero-padded past its 256 bins.
        let power = Self.random(256, seed: 9, scale: 1e6).map(abs) + [Float](repeating: 0, count: bank.paddedInputCount - 256)
        var a = [Float](repeating: 0, count: bins), b = a
        bank.applyScalar(power, into: &a)
        bank.apply(power, into: &b)
        #expect(Self.close(a, b, relative: 1e-5))
        #expect(bank.firstBin[0] >= 1)   // 0 Hz is below the 20 Hz edge
    }

    @Test func vectorLogMatchesFoundation() {
        var values = Self.random(1000, seed: 11, scale: 1).map { pow(10, $0 * 30) }   // 1e-30 ... 1e30
        values += [0, -5, Float.ulpOfOne, 1, 2, .greatestFiniteMagnitude]
        var a = values, b = values
        VectorLog.scalar(&a, count: a.count, floor: Float.ulpOfOne)
        VectorLog.simd(&b, count: b.count, floor: Float.ulpOfOne)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 2e-6 * max(1, abs($0)) })
    }

    @Test(arguments: [(23, 13), (40, 13), (40, 40), (10, 1)])
    func cepstralTransform(bins: Int, ceps: Int) {
        let transform = CepstralTransform(bins: bins, ceps: ceps, lifter: 22)
        let input = Self.random(bins, seed: 5, scale: 20)
        var a = [Float](repeating: 0, count: ceps), b = a
        transform.applyScalar(input, into: &a)
        transform.apply(input, into: &b)
        #expect(Self.close(a, b, relative: 1e-5))
    }

    @Test func cepstralRowZeroIsTheScaledMean() {
        // Kaldi's orthonormal DCT: c0 = sum(x) / sqrt(N), and the lifter leaves c0 alone.
        let transform = CepstralTransform(bins: 23, ceps: 13, lifter: 22)
        let input = [Float](repeating: 2, count: 23)
        var out = [Float](repeating: 0, count: 13)
        transform.apply(input, into: &out)
        #expect(abs(out[0] - 2 * 23 / Float(23).squareRoot()) < 1e-4)
        #expect(out[1...].allSatisfy { abs($0) < 1e-4 })
    }

    @Test(arguments: [256, 200, 16])
    func realFFTMatchesANaiveDFT(size: Int) {
        let fft = RealFFT(size: size)
        let signal = Self.random(size, seed: UInt64(size), scale: 1)
        for i in 0..<size { fft.input[i] = signal[i] }
        fft.transform()
        #expect(fft.binCount == size / 2 + 1)
        for k in 0..<fft.binCount {
            var re = 0.0, im = 0.0
            for n in 0..<size {
                let angle = -2 * Double.pi * Double(k * n) / Double(size)
                re += Double(signal[n]) * cos(angle)
                im += Double(signal[n]) * sin(angle)
            }
            #expect(abs(Double(fft.output[2 * k]) - re) < 1e-3 && abs(Double(fft.output[2 * k + 1]) - im) < 1e-3)
        }
    }
}
