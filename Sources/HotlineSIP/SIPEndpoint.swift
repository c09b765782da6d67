import Foundation

/// A UDP peer: an IP address (v4 dotted or v6) and a port.
public struct SIPEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// "127.0.0.1:5080" or "[::1]:5080"; nil when it is not such a text.
    public init?(_ text: String) {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()) else { return nil }
            self.port = port
        } else {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]) else { return nil }
            host = String(parts[0])
            self.port = port
        }
        guard (0...65535).contains(port), IPNetwork.bytes(of: host) != nil else { return nil }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Where a SIP URI's host and port point (sip:user@10.0.0.2:5062;transport=udp), if
    /// its host is an IP address (no DNS at run time); port 5060 when it names none.
    public static func of(uri: String) -> SIPEndpoint? {
        guard let colon = uri.firstIndex(of: ":") else { return nil }
        var rest = uri[uri.index(after: colon)...]
        if let at = rest.firstIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        let hostPort = rest.prefix { $0 != ";" && $0 != "?" && $0 != ">" }
        if let endpoint = SIPEndpoint(String(hostPort)) { return endpoint }
        let host = hostPort.hasPrefix("[") ? String(hostPort.dropFirst().dropLast()) : String(hostPort)
        return IPNetwork.bytes(of: host) == nil ? nil : SIPEndpoint(host: host, port: 5060)
    }
}

/// An IP network ("10.0.0.0/8", "192.168.1.7", "::1/128") that peers are allowed from.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    private let address: [UInt8]
    private let prefixLength: Int
    public let description: String

    /// Reads "ADDRESS" or "ADDRESS/BITS"; nil when it is neither.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPNetwork.bytes(of: String(first)) else { return nil }
        let bits = parts.count == 2 ? Int(parts[1]) : address.count * 8
        guard let bits, (0...address.count * 8).contains(bits) else { return nil }
        self.address = address
        prefixLength = bits
        description = text
    }

    /// Whether `host` (an IP address) lies in this network.
    public func contains(_ host: String) -> Bool {
        guard var candidate = IPNetwork.bytes(of: host) else { return false }
        if candidate.count == 16, address.count == 4, candidate[..<12].elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) {
            candidate = Array(candidate[12...])   // an IPv4 peer seen on an IPv6 socket
        }
        guard candidate.count == address.count else { return false }
        var bits = prefixLength
        for (a, b) in zip(address, candidate) where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if a & mask != b & mask { return false }
            bits -= 8
        }
        return true
    }

    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address's bytes; nil for anything else.
    static func bytes(of host: String) -> [UInt8]? {
        let v4 = host.split(separator: ".", omittingEmptySubsequences: false)
        if v4.count == 4, !host.contains(":") {
            let bytes = v4.compactMap { $0.count <= 3 && !$0.isEmpty ? UInt8($0) : nil }
            return bytes.count == 4 ? bytes : nil
        }
        guard host.contains(":") else { return nil }
        if let lastColon = host.lastIndex(of: ":"), host[lastColon...].contains("."),   // ::ffff:10.1.2.3
           let v4 = bytes(of: String(host[host.index(after: lastColon)...])), v4.count == 4 {
            let groups = String(UInt16(v4[0]) << 8 | UInt16(v4[1]), radix: 16) + ":" + String(UInt16(v4[2]) << 8 | UInt16(v4[3]), radix: 16)
            return bytes(of: host[...lastColon] + groups)
        }
        let halves = host.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            let values = items.compactMap { $0.count <= 4 ? UInt16($0, radix: 16) : nil }
            return values.count == items.count ? values : nil
        }
        guard let head = groups(halves[0]), let tail = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
        let missing = 8 - head.count - tail.count
        guard halves.count == 2 ? missing >= 1 : missing == 0 else { return nil }
        let all = head + [UInt16](repeating: 0, count: halves.count == 2 ? missing : 0) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
