import Foundation
import HotlineAudio
import HotlineDSP

/// A line on ALSA capture and playback devices: 10 ms frames of 8 kHz samples in and
/// out, whatever rate the devices run at (resampled both ways), optionally paced to real
/// time for devices that keep none (ALSA's file plugin), with the lag of every frame.
final class ALSALine: LineIO {
    let capture: ALSADevice
    let playback: ALSADevice
    /// Playback buffering asked of ALSA; a frame answered later than this would underrun.
    let bufferMs: Int
    private let realtime: Bool
    private let downsampler: Resampler?
    private let upsampler: Resampler?
    private var pending: [Float] = []
    private var deviceFrame: [Int16]
    private var start: UInt64?
    private var frames: UInt64 = 0
    private var available: UInt64 = 0
    /// Time from the last frame's audio being available to its answer being queued, ms.
    private(set) var lastLagMs = 0.0
    /// Frames answered later than the playback buffer allows (would have underrun).
    private(set) var lateFrames = 0

    /// Opens `capture` and `playback` at `sampleRate` with about `bufferMs` of buffering.
    init(capture: String, playback: String, sampleRate: Int, configuration: String?, realtime: Bool, bufferMs: Int = 40) throws {
        self.capture = try ALSADevice(name: capture, direction: .capture, sampleRate: sampleRate, latencyMs: bufferMs,
                                      configuration: configuration)
        self.playback = try ALSADevice(name: playback, direction: .playback, sampleRate: sampleRate, latencyMs: bufferMs,
                                       configuration: configuration)
        self.realtime = realtime
        self.bufferMs = bufferMs
        let lineRate = CallSession.sampleRate
        downsampler = sampleRate == lineRate ? nil : try Resampler(from: sampleRate, to: lineRate)
        upsampler = sampleRate == lineRate ? nil : try Resampler(from: lineRate, to: sampleRate)
        deviceFrame = [Int16](repeating: 0, count: sampleRate / 100)
    }

    /// Opens configured lines' devices, with `configuration` (asoundrc text) instead of
    /// the system's ALSA configuration if given.
    static func opener(configuration: String?) -> LineOpener {
        { line in
            try ALSALine(capture: line.capture, playback: line.playback, sampleRate: line.sampleRate,
                         configuration: configuration, realtime: line.realtime)
        }
    }

    /// Overruns and underruns ALSA reported and recovered.
    var xruns: Int { capture.xrunCount + playback.xrunCount }

    /// The caller's next 10 ms at 8 kHz (blocks until they arrive).
    func read() throws -> [Float] {
        let n = CallSession.frameSamples
        while pending.count < n {
            try capture.read(into: &deviceFrame)
            let samples = PCM16.toFloat(deviceFrame)
            pending += downsampler.map { $0.process(samples) } ?? samples
        }
        let frame = Array(pending[0..<n])
        pending.removeFirst(n)
        let now = DispatchTime.now().uptimeNanoseconds
        if realtime {
            if start == nil { start = now }
            frames += 1
            let due = start! + frames * 10_000_000
            if due > now { usleep(useconds_t((due - now) / 1000)) }
            available = due
        } else {
            available = now
        }
        return frame
    }

    /// Queues 10 ms of hotline audio (8 kHz) for playback.
    func write(_ frame: [Float]) throws {
        try playback.write(PCM16.fromFloat(upsampler.map { $0.process(frame) } ?? frame))
        lastLagMs = Double(DispatchTime.now().uptimeNanoseconds - max(available, 1)) / 1e6
        if realtime, lastLagMs > Double(bufferMs) { lateFrames += 1 }
    }

    /// Lets queued playback finish.
    func drain() throws { try playback.drain() }

    /// Discards the playback ALSA still holds (up to `bufferMs` of a stopped prompt).
    func dropQueuedPlayback() throws { try playback.dropQueued() }
}
