import Foundation
import HotlineCore
import HotlineDSP

/// A diphone voice in Hotline's format (Models/voices/NAME/NAME.voice, made by
/// tools/make-rms-voice.py or tools/import-kal-voice.py): per diphone, LPC frames at
/// pitchmarks and the LPC residual as mu-law at 16 kHz.
public final class VoiceDatabase: Sendable {
    /// The voice the hotline speaks with unless configured otherwise (relative to the
    /// repository root): diphones of flite's rms, clearer on a phone line than kal16.
    public static let defaultPath = "Models/voices/rms/rms.voice"

    /// The file of the voice named `name` (a flow's `voice:`): Models/voices/NAME/NAME.voice.
    public static func path(named name: String) -> String { "Models/voices/\(name)/\(name).voice" }

    /// One diphone: where its frames and residual are, and for a diphone cut from running
    /// speech, its neighbours there.
    public struct Unit: Sendable, Decodable {
        public let name: String
        let frame: Int
        let frames: Int
        let boundary: Int
        let residual: Int
        let samples: Int
        /// The phone before the diphone and the one after it in the recording (running
        /// speech only; nil for diphones said in a carrier word).
        let left: String?
        let right: String?
        /// The unit that follows this one in the same recording, if the voice has it.
        public let next: Int?
        /// Whether the unit was cut from running speech (it keeps its recorded timing).
        public var running: Bool { left != nil }
    }

    struct Header: Decodable {
        let name: String
        let sample_rate: Int
        let lpc_order: Int
        let frame_floats: Int
        let duration_scale: Double?
        /// "reflection16" (version 2): frames stored in 2 + 2 x order bytes, see `decodeFrames`.
        let frame_encoding: String?
        let phones: [String]
        let units: [Unit]
    }

    /// A voice file that cannot be used.
    public struct LoadError: HotlineError {
        public var description: String
    }

    /// Voice name.
    public let name: String
    /// Output rate, Hz.
    public let sampleRate: Int
    /// LPC order.
    public let order: Int
    /// Phones the voice has.
    public let phones: Set<String>
    /// How much the synthesizer shortens the recorded diphones by default (header field
    /// "duration_scale"). Voices without it are kal's slow, deliberate diphones: at 1.0 the
    /// prompts of Flows/hotline.yaml come out at 115 words per minute, and 0.75 brings them
    /// to about 155, a usual IVR pace.
    public let durationScale: Double
    /// Every unit, in file order.
    public let units: [Unit]
    /// Per diphone name, the indices of its units; the first is the carrier-word diphone.
    let candidates: [String: [Int]]
    /// Frames: time (s from unit start), gain, then `order` coefficients.
    let frames: [Float]
    let frameFloats: Int
    /// Residual samples decoded to int16 scale.
    let residual: [Float]

    /// Reads a voice file.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: DataFile.resolve(path)), data.count > 12,
              data.prefix(4) == Data("HVOX".utf8) else {
            throw LoadError(description: "\(path): not a Hotline voice file (missing, or no HVOX magic)")
        }
        func u32(_ at: Int) -> Int { data[at..<(at + 4)].withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) } }
        let version = u32(4)
        guard version == 1 || version == 2 else { throw LoadError(description: "\(path): voice format version \(version) is not supported") }
        let headerLength = u32(8)
        guard 12 + headerLength <= data.count else { throw LoadError(description: "\(path): truncated header") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data[12..<(12 + headerLength)])
        } catch {
            throw LoadError(description: "\(path): damaged header (\(error))")
        }
        let frameStart = (12 + headerLength + 3) / 4 * 4
        let frameCount = header.units.map { $0.frame + $0.frames }.max() ?? 0
        let compact = version == 2
        guard compact == (header.frame_encoding == "reflection16"), header.frame_floats == 2 + header.lpc_order else {
            throw LoadError(description: "\(path): version \(version) with frame encoding \(header.frame_encoding ?? "float32") and \(header.frame_floats) floats per frame is not a layout Hotline reads")
        }
        let frameBytes = compact ? 2 + 2 * header.lpc_order : 4 * header.frame_floats
        let residualStart = frameStart + frameCount * frameBytes
        let residualCount = header.units.map { $0.residual + $0.samples }.max() ?? 0
        guard residualStart + residualCount <= data.count else { throw LoadError(description: "\(path): truncated data") }
        name = header.name
        sampleRate = header.sample_rate
        order = header.lpc_order
        frameFloats = header.frame_floats
        phones = Set(header.phones)
        durationScale = header.duration_scale ?? 0.75
        units = header.units
        candidates = Dictionary(grouping: header.units.indices, by: { header.units[$0].name })
        frames = data[frameStart..<residualStart].withUnsafeBytes { raw in
            compact ? Self.decodeFrames(raw, count: frameCount, order: header.lpc_order, sampleRate: header.sample_rate)
                : (0..<(frameCount * header.frame_floats)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        // 10 million bytes for the rms voice: decoded through raw buffers (a closure over
        // `Data` pays an exclusivity check per byte, which was half of `hotline say`'s start).
        let table = G711.decodeTable(.muLaw).map(Float.init)
        residual = [Float](unsafeUninitializedCapacity: residualCount) { out, initialized in
            data.withUnsafeBytes { raw in
                table.withUnsafeBufferPointer { table in
                    let bytes = raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + residualStart
                    for i in 0..<residualCount { out[i] = table[Int(bytes[i])] }
                }
            }
            initialized = residualCount
        }
    }

    /// Frames of a version 2 voice ("reflection16"), each the mark's time from its unit's
    /// start in samples (uint16) and the LPC filter's reflection coefficients as int16
    /// (k x 32767), into the in-memory layout of version 1: time in s, gain 1, then the
    /// predictor coefficients a1...a_order (x[n] ~ sum a_k x[n-k]), by the Levinson-Durbin
    /// step-up, as tools/voice_file.py computes them.
    static func decodeFrames(_ raw: UnsafeRawBufferPointer, count: Int, order: Int, sampleRate: Int) -> [Float] {
        let width = 2 + order, bytes = 2 + 2 * order
        var out = [Float](repeating: 0, count: count * width)
        var a = [Double](repeating: 0, count: order), stepped = a
        for f in 0..<count {
            let at = f * bytes
            out[f * width] = Float(Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))) / Double(sampleRate))
            out[f * width + 1] = 1
            for i in 0..<order {
                let k = Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: at + 2 + 2 * i, as: Int16.self))) / 32767
                for j in 0..<i { stepped[j] = a[j] - k * a[i - 1 - j] }
                for j in 0..<i { a[j] = stepped[j] }
                a[i] = k
            }
            for i in 0..<order { out[f * width + 2 + i] = Float(a[i]) }
        }
        return out
    }

    /// The diphone `name` ("h-eh"), if the voice has it (its first unit).
    public func unit(_ name: String) -> Unit? { candidates[name].map { units[$0[0]] } }
}
