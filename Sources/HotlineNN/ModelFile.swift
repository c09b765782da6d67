import Foundation
import HotlineCore

/// A model file in Hotline's own format (`.hnn`), written by tools/train/export.py.
///
/// Layout (little-endian): the magic `HNN1`, a UInt32 format version, a UInt32 header
/// length, a JSON header (architecture, front-end options, phone set, training summary
/// and a tensor table), then float32 tensors, each starting on a 64-byte boundary.
public struct ModelFile: Sendable {
    /// The format version this reader understands.
    public static let formatVersion: UInt32 = 1

    /// One entry of the tensor table.
    public struct TensorEntry: Codable, Sendable {
        /// Name as in the training framework (`gru.weight_ih_l0`).
        public var name: String
        /// Dimensions, outermost first.
        public var shape: [Int]
        /// Byte offset from the start of the data section.
        public var offset: Int
        /// Number of float32 values.
        public var count: Int { shape.reduce(1, *) }
    }

    /// Layer sizes of the CNN+GRU acoustic model.
    public struct Architecture: Codable, Sendable, Equatable {
        /// Filterbank bins per input frame.
        public var bins: Int
        /// Channels of both convolutions.
        public var channels: Int
        /// GRU hidden size.
        public var hidden: Int
        /// GRU layers.
        public var layers: Int
        /// Outputs: CTC blank plus phones.
        public var outputs: Int
        /// Input frames per output frame (stride of the second convolution).
        public var timeStride: Int
        /// Frequency positions after both convolutions.
        public var convBins: Int
    }

    /// The front end the model was trained on (kaldi-native-fbank options).
    public struct FrontEnd: Codable, Sendable, Equatable {
        /// Feature kind; only "fbank" is produced by the exporter.
        public var kind: String
        /// Sample rate in Hz.
        public var sampleRate: Double
        /// Mel bins.
        public var bins: Int
        /// Frame length in ms.
        public var frameLengthMs: Double
        /// Frame shift in ms.
        public var frameShiftMs: Double
        /// Dither (0 = off).
        public var dither: Float
        /// Pre-emphasis coefficient.
        public var preemphasis: Float
        /// Lowest mel frequency in Hz.
        public var lowFrequency: Double
        /// Highest mel frequency in Hz (0 = Nyquist).
        public var highFrequency: Double
        /// Kaldi's snip-edges framing.
        public var snipEdges: Bool
    }

    struct Header: Codable {
        var kind: String
        var architecture: Architecture
        var frontEnd: FrontEnd
        var phones: [String]
        var tensors: [TensorEntry]
    }

    /// Model kind, "ctc-acoustic-model".
    public let kind: String
    /// Layer sizes.
    public let architecture: Architecture
    /// Front-end options the model expects.
    public let frontEnd: FrontEnd
    /// Output labels; index 0 is the CTC blank.
    public let phones: [String]
    /// The raw JSON header, for tools that show the training summary.
    public let headerJSON: Data
    private let tensors: [String: [Float]]

    /// Reads and checks a model file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: DataFile.resolve(url.relativePath))) } catch {
            throw ModelFileError(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        try self.init(data: data, path: url.path)
    }

    /// Parses a model file held in memory; `path` only names it in errors.
    public init(data: Data, path: String) throws {
        func fail(_ reason: String) -> ModelFileError { ModelFileError(path: path, reason: reason) }
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        guard bytes.count >= 12, bytes[0..<4] == [0x48, 0x4E, 0x4E, 0x31] else {
            throw fail("not a Hotline model file (no HNN1 magic)")
        }
        guard u32(4) == Self.formatVersion else {
            throw fail("format version \(u32(4)); this build reads version \(Self.formatVersion)")
        }
        let headerLength = Int(u32(8))
        guard 12 + headerLength <= bytes.count else { throw fail("truncated header") }
        let json = Data(bytes[12..<(12 + headerLength)])
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: json) } catch {
            throw fail("bad header: \(error)")
        }
        let dataStart = (12 + headerLength + 63) / 64 * 64
        var tensors: [String: [Float]] = [:]
        for entry in header.tensors {
            let start = dataStart + entry.offset, end = start + entry.count * 4
            guard entry.offset >= 0, entry.shape.allSatisfy({ $0 > 0 }), end <= bytes.count else {
                throw fail("tensor \(entry.name) lies outside the file (truncated?)")
            }
            tensors[entry.name] = bytes.withUnsafeBytes { raw in
                (0..<entry.count).map { i in
                    Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)))
                }
            }
        }
        kind = header.kind
        architecture = header.architecture
        frontEnd = header.frontEnd
        phones = header.phones
        headerJSON = json
        self.tensors = tensors
        guard phones.count == architecture.outputs else {
            throw fail("\(phones.count) phone names for \(architecture.outputs) outputs")
        }
    }

    /// The values of tensor `name`, checked against the expected shape.
    public func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        guard let values = tensors[name] else {
            throw ModelFileError(path: "model", reason: "missing tensor \(name)")
        }
        guard values.count == shape.reduce(1, *) else {
            throw ModelFileError(path: "model", reason: "tensor \(name) has \(values.count) values, expected shape \(shape)")
        }
        return values
    }
}

/// A model file that cannot be used, with the reason.
public struct ModelFileError: HotlineError {
    /// The file.
    public var path: String
    /// What is wrong.
    public var reason: String
    /// One line naming the file.
    public var description: String { "\(path): \(reason)" }
}
