import HotlineCore

/// One SIP request or response (RFC 3261 section 7): its start line, its headers in
/// order (names as received; compact forms expanded), and its body.
public struct SIPMessage: Sendable, Equatable {
    /// A request's method and Request-URI, or a response's status.
    public enum StartLine: Sendable, Equatable {
        case request(method: String, uri: String)
        case response(code: Int, reason: String)
    }

    public var startLine: StartLine
    /// Headers in order; a name may repeat (Via, Record-Route).
    public var headers: [(name: String, value: String)]
    /// The body (SDP), Content-Length bytes of it.
    public var body: [UInt8]

    /// A message; Content-Length is written by `bytes`, not kept here.
    public init(_ startLine: StartLine, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    public static func == (a: SIPMessage, b: SIPMessage) -> Bool {
        a.startLine == b.startLine && a.body == b.body
            && a.headers.map { [$0.name, $0.value] } == b.headers.map { [$0.name, $0.value] }
    }

    /// The request's method, or nil for a response.
    public var method: String? { if case .request(let method, _) = startLine { method } else { nil } }
    /// The response's status code, or nil for a request.
    public var statusCode: Int? { if case .response(let code, _) = startLine { code } else { nil } }
    /// The request's Request-URI.
    public var requestURI: String? { if case .request(_, let uri) = startLine { uri } else { nil } }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Every value of header `name`, comma-separated values split apart (Via, Record-Route).
    public func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.flatMap { SIPMessage.splitList($0.value) }
    }

    /// Replaces every header `name` with one holding `value` (or removes it when nil).
    public mutating func setHeader(_ name: String, _ value: String?) {
        let wanted = name.lowercased()
        let at = headers.firstIndex { $0.name.lowercased() == wanted }
        headers.removeAll { $0.name.lowercased() == wanted }
        if let value { headers.insert((name, value), at: min(at ?? headers.count, headers.count)) }
    }

    /// Call-ID.
    public var callID: String? { header("Call-ID") }
    /// CSeq's number and method.
    public var cseq: (number: UInt32, method: String)? {
        guard let parts = header("CSeq")?.split(whereSeparator: { $0 == " " || $0 == "\t" }), parts.count == 2,
              let number = UInt32(parts[0]) else { return nil }
        return (number, String(parts[1]).uppercased())
    }
    /// The tag parameter of From.
    public var fromTag: String? { header("From").flatMap { SIPMessage.parameter("tag", in: $0) } }
    /// The tag parameter of To.
    public var toTag: String? { header("To").flatMap { SIPMessage.parameter("tag", in: $0) } }
    /// The top Via's branch.
    public var branch: String? { headerValues("Via").first.flatMap { SIPMessage.parameter("branch", in: $0) } }

    /// The message as sent on the wire, with Content-Length.
    public var bytes: [UInt8] {
        var text: String
        switch startLine {
        case .request(let method, let uri): text = "\(method) \(uri) SIP/2.0\r\n"
        case .response(let code, let reason): text = "SIP/2.0 \(code) \(reason)\r\n"
        }
        for (name, value) in headers where name.lowercased() != "content-length" { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(body.count)\r\n\r\n"
        return Array(text.utf8) + body
    }

    /// Reads one datagram's message; throws `SIPParseError` saying what is wrong (the
    /// caller answers a request with 400 and drops anything else).
    public static func parse(_ data: [UInt8]) throws -> SIPMessage {
        guard let split = headerEnd(data) else { throw SIPParseError("no blank line after the headers") }
        guard let head = String(validating: data[..<split.headers], as: UTF8.self) else {
            throw SIPParseError("the headers are not UTF-8")
        }
        var lines: [Substring] = []
        for raw in head.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.first == " " || line.first == "\t", !lines.isEmpty {   // folded header (section 7.3.1)
                lines[lines.count - 1] = Substring(lines[lines.count - 1] + " " + line.drop { $0 == " " || $0 == "\t" })
            } else {
                lines.append(line)
            }
        }
        while lines.first?.isEmpty == true { lines.removeFirst() }   // keep-alive CRLFs before a message
        guard let first = lines.first else { throw SIPParseError("empty message") }
        var message = SIPMessage(try startLine(first))
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw SIPParseError("header line without ':': \(line.prefix(40))") }
            let name = line[..<colon].trimmed()
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw SIPParseError("bad header name: \(name.prefix(40))")
            }
            message.headers.append((compactForms[name.lowercased()] ?? name, line[line.index(after: colon)...].trimmed()))
        }
        let rest = data[split.body...]
        if let lengthText = message.header("Content-Length") {
            guard let length = Int(lengthText), length >= 0 else { throw SIPParseError("bad Content-Length: \(lengthText)") }
            guard rest.count >= length else { throw SIPParseError("the body is shorter than its Content-Length \(length)") }
            message.body = Array(rest.prefix(length))
        } else {
            message.body = Array(rest)   // over UDP the datagram ends the body (section 18.3)
        }
        for required in ["Via", "From", "To", "Call-ID", "CSeq"] where message.header(required) == nil {
            throw SIPParseError("missing \(required)")
        }
        guard let cseq = message.cseq else { throw SIPParseError("bad CSeq: \(message.header("CSeq") ?? "")") }
        if let method = message.method, cseq.method != method { throw SIPParseError("CSeq method \(cseq.method) is not \(method)") }
        return message
    }

    private static func startLine(_ line: Substring) throws -> StartLine {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        if line.hasPrefix("SIP/2.0 ") {
            guard parts.count >= 2, let code = Int(parts[1]), (100...699).contains(code) else {
                throw SIPParseError("bad status line: \(line.prefix(60))")
            }
            return .response(code: code, reason: parts.count > 2 ? String(parts[2]) : "")
        }
        guard parts.count == 3, parts[2] == "SIP/2.0",
              parts[0].allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isLetter) }), parts[1].contains(":") else {
            throw SIPParseError("bad request line: \(line.prefix(60))")
        }
        return .request(method: String(parts[0]), uri: String(parts[1]))
    }

    /// Where the headers end and the body starts (after CRLFCRLF, or LFLF from a lax peer).
    private static func headerEnd(_ data: [UInt8]) -> (headers: Int, body: Int)? {
        var i = 0
        while i + 1 < data.count {
            if data[i] == 10 {
                if data[i + 1] == 10 { return (i, i + 2) }
                if data[i + 1] == 13, i + 2 < data.count, data[i + 2] == 10 { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// Compact header names (RFC 3261 section 7.3.3 and later RFCs).
    private static let compactForms = ["v": "Via", "f": "From", "t": "To", "i": "Call-ID", "m": "Contact",
                                       "l": "Content-Length", "c": "Content-Type", "k": "Supported", "s": "Subject",
                                       "e": "Content-Encoding", "o": "Event", "r": "Refer-To", "b": "Referred-By"]

    /// Splits a header value at commas outside quotes and angle brackets.
    static func splitList(_ value: String) -> [String] {
        var parts: [String] = [], current = "", quoted = false, angle = 0
        for c in value {
            switch c {
            case "\"": quoted.toggle()
            case "<" where !quoted: angle += 1
            case ">" where !quoted: angle = max(0, angle - 1)
            case "," where !quoted && angle == 0:
                parts.append(current.trimmed())
                current = ""
                continue
            default: break
            }
            current.append(c)
        }
        let last = current.trimmed()
        if !last.isEmpty { parts.append(last) }
        return parts
    }

    /// A `;name=value` parameter of a header value (outside its <URI>), or nil.
    public static func parameter(_ name: String, in value: String) -> String? {
        // After a <URI>, every ;item is a header parameter; in a bare addr-spec, the first item is the URI.
        let items = value.lastIndex(of: ">").map { value[value.index(after: $0)...].split(separator: ";") }
            ?? Array(value.split(separator: ";").dropFirst())
        for item in items {
            let pair = item.split(separator: "=", maxSplits: 1)
            if pair.first?.trimmed().lowercased() == name {
                return pair.count > 1 ? pair[1].trimmed() : ""
            }
        }
        return nil
    }

    /// The URI inside a name-addr ("Alice" <sip:alice@host>;tag=1) or the addr-spec itself.
    public static func uri(in value: String) -> String {
        if let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            return String(value[value.index(after: open)..<close])
        }
        return String(value.split(separator: ";").first ?? "").trimmed()
    }

    /// The user part of a SIP URI ("5551234" of sip:5551234@host), or nil.
    public static func user(of uri: String) -> String? {
        guard let colon = uri.firstIndex(of: ":"), let at = uri.firstIndex(of: "@"), colon < at else { return nil }
        let user = uri[uri.index(after: colon)..<at]
        return String(user.split(separator: ";").first ?? user)
    }
}

/// A SIP message that cannot be read: what is wrong with it.
public struct SIPParseError: HotlineError, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension StringProtocol {
    func trimmed(_ set: String = " \t") -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
