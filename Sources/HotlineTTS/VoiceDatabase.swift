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
        guard u32(4) == 1 else { throw LoadError(description: "\(path): voice format version \(u32(4)) is not supported") }
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
        let residualStart = frameStart + frameCount * header.frame_floats * 4
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
            (0..<(frameCount * header.frame_floats)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
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

    /// The diphone `name` ("h-eh"), if the voice has it (its first unit).
    public func unit(_ name: String) -> Unit? { candidates[name].map { units[$0[0]] } }
}
