import CALSA
import HotlineCore

/// An ALSA failure that recovery could not fix.
public struct ALSAError: HotlineError, Equatable {
    /// The PCM device name, e.g. "hw:1,0" or "default".
    public let device: String
    /// What Hotline was doing.
    public let operation: String
    /// ALSA's negative error code.
    public let code: Int32
    public var description: String {
        "ALSA \(device): \(operation) failed: \(String(cString: snd_strerror(code)))"
    }
}

/// An ALSA PCM stream of 16-bit mono samples (the phone line), capture or playback.
///
/// All calls go through `checked`, the one helper that maps ALSA return codes:
/// -EINTR is retried, -EPIPE (overrun/underrun) and -ESTRPIPE (suspend) are recovered
/// with `snd_pcm_recover` and retried, anything else throws `ALSAError`.
public final class ALSADevice {
    /// Which way audio flows.
    public enum Direction: Sendable {
        /// Recording from the line.
        case capture
        /// Playing to the line.
        case playback
    }

    /// The PCM name it was opened with.
    public let name: String
    /// Capture or playback.
    public let direction: Direction
    /// Frames per second actually set.
    public let sampleRate: Int
    private let pcm: OpaquePointer
    /// The device's own configuration, kept while the PCM is open.
    private var configurationTree: OpaquePointer?
    /// Overruns/underruns recovered so far (a health metric).
    public private(set) var xrunCount = 0

    /// Opens `name` at `sampleRate` Hz, mono S16, with about `latencyMs` of buffering
    /// (ALSA resamples if the hardware rate differs). `configuration`, in asoundrc syntax,
    /// defines PCMs for this device only (instead of the system's configuration): a
    /// file-backed line for tests, `pcm.line { type file; slave.pcm null; infile "in.raw" ... }`.
    public init(name: String, direction: Direction, sampleRate: Int = 8000, latencyMs: Int = 40,
                configuration: String? = nil) throws {
        self.name = name
        self.direction = direction
        self.sampleRate = sampleRate
        var handle: OpaquePointer?
        let stream = direction == .capture ? SND_PCM_STREAM_CAPTURE : SND_PCM_STREAM_PLAYBACK
        let opened: Int32
        if let configuration {
            var top: OpaquePointer?
            var input: OpaquePointer?
            guard snd_config_top(&top) >= 0, let top else { throw ALSAError(device: name, operation: "configuring", code: -12) }
            configurationTree = top
            let bytes = Array(configuration.utf8)
            let loaded: Int32 = bytes.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { c in
                    guard snd_input_buffer_open(&input, c.baseAddress, bytes.count) >= 0, let input else { return -22 }
                    defer { snd_input_close(input) }
                    return snd_config_load(top, input)
                }
            }
            guard loaded >= 0 else {
                snd_config_delete(top)
                throw ALSAError(device: name, operation: "reading its configuration", code: loaded)
            }
            opened = snd_pcm_open_lconf(&handle, name, stream, SND_PCM_NONBLOCK, top)
        } else {
            opened = snd_pcm_open(&handle, name, stream, SND_PCM_NONBLOCK)
        }
        // Opened without blocking (a device another program holds is an error now, not a
        // wait), then switched to blocking transfers.
        guard opened >= 0, let handle else {
            if let configurationTree { snd_config_delete(configurationTree) }
            throw ALSAError(device: name, operation: "opening", code: opened)
        }
        pcm = handle
        let blocking = snd_pcm_nonblock(handle, 0)
        guard blocking >= 0 else {
            snd_pcm_close(handle)
            if let configurationTree { snd_config_delete(configurationTree) }
            throw ALSAError(device: name, operation: "switching to blocking transfers", code: blocking)
        }
        let configured = snd_pcm_set_params(handle, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED,
                                            1, UInt32(sampleRate), 1, UInt32(latencyMs * 1000))
        guard configured >= 0 else {
            snd_pcm_close(handle)
            if let configurationTree { snd_config_delete(configurationTree) }
            throw ALSAError(device: name, operation: "setting \(sampleRate) Hz mono S16", code: configured)
        }
    }

    deinit {
        snd_pcm_close(pcm)
        if let configurationTree { snd_config_delete(configurationTree) }
    }

    /// Runs an ALSA transfer, retrying on interruption and recovering from xruns.
    private func checked(_ operation: String, _ call: () -> Int) throws -> Int {
        for _ in 0..<16 {
            let result = call()
            if result >= 0 { return result }
            let code = Int32(result)
            if code == hotline_alsa_eintr() || code == hotline_alsa_eagain() { continue }
            if code == hotline_alsa_epipe() || code == hotline_alsa_estrpipe() {
                xrunCount += 1
                let recovered = snd_pcm_recover(pcm, code, 1)
                if recovered < 0 { throw ALSAError(device: name, operation: "recovering after \(operation)", code: recovered) }
                continue
            }
            throw ALSAError(device: name, operation: operation, code: code)
        }
        throw ALSAError(device: name, operation: "\(operation) (kept failing)", code: hotline_alsa_epipe())
    }

    /// Blocks until `frames.count` samples are captured into `frames`.
    public func read(into frames: inout [Int16]) throws {
        precondition(direction == .capture, "read on a playback device")
        var done = 0
        while done < frames.count {
            let got = try frames.withUnsafeMutableBufferPointer { buffer in
                try checked("reading") { Int(snd_pcm_readi(pcm, buffer.baseAddress! + done, snd_pcm_uframes_t(buffer.count - done))) }
            }
            done += got
        }
    }

    /// Blocks until all of `frames` is queued for playback.
    public func write(_ frames: [Int16]) throws {
        precondition(direction == .playback, "write on a capture device")
        var done = 0
        while done < frames.count {
            let put = try frames.withUnsafeBufferPointer { buffer in
                try checked("writing") { Int(snd_pcm_writei(pcm, buffer.baseAddress! + done, snd_pcm_uframes_t(buffer.count - done))) }
            }
            done += put
        }
    }

    /// Discards queued playback at once (a caller barged in: what the buffer still holds
    /// of the prompt must not play); the device is then ready for more.
    public func dropQueued() throws {
        _ = try checked("dropping queued audio") { Int(snd_pcm_drop(pcm)) }
        _ = try checked("preparing") { Int(snd_pcm_prepare(pcm)) }
    }

    /// Lets queued playback finish; the device is then ready for more.
    public func drain() throws {
        _ = try checked("draining") { Int(snd_pcm_drain(pcm)) }
        _ = try checked("preparing") { Int(snd_pcm_prepare(pcm)) }
    }
}
