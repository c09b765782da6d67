import Foundation
import HotlineDSP
import HotlineSIP

/// One SIP call as a `LineIO`: the caller's RTP played out of the jitter buffer one
/// 10 ms frame every 10 ms of the clock, the hotline's frames sent as RTP as soon as
/// they are answered, keys from RFC 4733 or SIP INFO, and the caller's BYE or silent
/// media as the end of the call.
final class SIPCallLine: LineIO {
    let call: SIPCall
    private let mediaTimeoutMs: Int
    private var nextFrameNs: UInt64 = 0
    private var frameTakenNs: UInt64 = 0
    private var pressed: [Character: Int] = [:]   // key -> the sample its press began at
    /// A frame answered this long after its audio was due reaches the caller late: 40 ms,
    /// the smallest jitter buffer phones and gateways commonly keep (two 20 ms packets),
    /// and the playback buffer an ALSA line has.
    let bufferMs = 40
    private(set) var lastLagMs = 0.0
    private(set) var lateFrames = 0
    let xruns = 0

    init(_ call: SIPCall, mediaTimeoutSeconds: Int) {
        self.call = call
        mediaTimeoutMs = mediaTimeoutSeconds * 1000
    }

    /// How far behind the clock a call may fall before it stops catching up (the
    /// frames it missed are dropped, not played fast), ns.
    private static let resyncNs: UInt64 = 200_000_000

    func read() throws -> [Float] {
        let now = DispatchTime.now().uptimeNanoseconds
        if nextFrameNs == 0 || now > nextFrameNs + Self.resyncNs { nextFrameNs = now }
        if now < nextFrameNs { Thread.sleep(forTimeInterval: Double(nextFrameNs - now) / 1e9) }
        frameTakenNs = max(now, nextFrameNs)
        nextFrameNs += 10_000_000
        return call.nextFrame()
    }

    func write(_ frame: [Float]) throws {
        call.send(frame)
        lastLagMs = Double(DispatchTime.now().uptimeNanoseconds - frameTakenNs) / 1e6
        if lastLagMs > Double(bufferMs) { lateFrames += 1 }
    }

    func drain() throws {}              // frames leave as they are written: nothing queued
    func dropQueuedPlayback() throws {}

    var callerLeft: CallOutcome? {
        if call.endReason != nil { return .callerHungUp }
        return call.mediaTimedOut(nowMs: SIPTransport.nowMs, timeoutMs: mediaTimeoutMs) ? .lineLost : nil
    }

    /// A REFER to the flow's target: sip: as given, tel: with its digits, ext:N as N at the
    /// PBX the call came from; a queue: (or other) target has no address to refer to.
    func transfer(to target: String) -> String? {
        let uri: String
        if target.hasPrefix("sip:") || target.hasPrefix("sips:") {
            uri = target
        } else if target.hasPrefix("tel:") {
            uri = "tel:" + target.dropFirst(4).filter { $0 == "+" || $0.isNumber }
        } else if target.hasPrefix("ext:") {
            uri = "sip:\(target.dropFirst(4).filter(\.isNumber))@\(SIPEndpoint(host: call.incoming.source.host, port: call.incoming.source.port))"
        } else {
            return nil
        }
        let (accepted, code) = call.transfer(to: uri)
        return accepted ? nil : "REFER to \(uri) failed (\(code))"
    }

    func sendKeys(_ keys: String) -> Int? { call.sendKeys(keys) }

    /// Keys count as signals once the caller's phone has signalled one (RFC 4733, INFO):
    /// from then on a tone it also plays in the audio is not a second press. Until then,
    /// tones in the audio are keys (a phone or gateway that sends keys in-band only).
    private(set) var signalsKeys = false

    func takeKeys(atSample sample: Int) -> [DTMFEvent] {
        let events = call.takeKeys()
        if !events.isEmpty { signalsKeys = true }
        return events.map { event in
            switch event {
            case .began(let key):
                pressed[key] = sample
                return .began(key: key, startSample: sample)
            case .ended(let key, let durationSamples):
                let start = pressed.removeValue(forKey: key) ?? max(0, sample - durationSamples)
                return .ended(DTMFDigit(key: key, startSample: start, endSample: sample))
            }
        }
    }
}
