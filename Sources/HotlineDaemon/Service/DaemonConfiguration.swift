import Foundation
import HotlineCore
import HotlineDialogue
import HotlineStore
import HotlineSIP
import HotlineTTS
import Yams

/// What hotlined runs: its phone lines, the models, where calls are kept and its limits.
/// Read from YAML (`Systemd/hotlined.yaml` documents every field); problems are reported
/// as `file:line:column: message (hint)`, all of them at once. Relative paths are
/// resolved against the configuration file's folder.
public struct DaemonConfiguration: Sendable, Equatable {
    /// When a line starts a call.
    public enum Answer: String, Sendable, CaseIterable {
        /// As soon as the line is open, and again after each call (a line whose exchange
        /// only connects audio when a call is up, or a file-backed line).
        case immediately
        /// When the idle line hears speech or a DTMF key.
        case onActivity = "on-activity"
    }

    /// How much the daemon says on standard error.
    public enum LogLevel: String, Sendable, CaseIterable, Comparable {
        case error, warning, info, debug
        public static func < (a: LogLevel, b: LogLevel) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// One phone line and the flow it runs: an ALSA capture/playback pair, or a SIP
    /// endpoint (`sip`) answering many calls at once from a PBX or trunk.
    public struct Line: Sendable, Equatable {
        /// Name in logs and the call store.
        public var name: String
        /// ALSA capture PCM (the caller).
        public var capture: String
        /// ALSA playback PCM (the hotline).
        public var playback: String
        /// Rate the devices are opened at; audio is resampled to and from the 8 kHz line.
        public var sampleRate = 8000
        /// The flow file.
        public var flow: String
        /// When a call starts.
        public var answer = Answer.onActivity
        /// Answer this many calls, then close the line (0: until the daemon stops).
        public var calls = 0
        /// Keep real time on a device that does not (ALSA's file plugin): each 10 ms frame
        /// is taken when it would have arrived, as on a sound card. For tests and benches.
        public var realtime = false
        /// Keys the hotline dials to hand a transferred call on, for a PBX that takes a
        /// blind transfer by DTMF: its transfer code and `{number}`, the target's number
        /// (`tel:NUMBER`, `ext:NNN`), as in "##{number}". Nil: a transfer only ends the call,
        /// and whatever switches the line reads the outcome.
        public var transferKeys: String?

        /// A SIP line's socket, peers, codecs and limits (nil: an ALSA line; capture and
        /// playback are unused on a SIP line).
        public var sip: SIPSettings?
        /// A SIP line's flows by the number called (the Request-URI's user); other
        /// numbers get `flow`.
        public var numbers: [String: String] = [:]

        /// Every flow file the line runs.
        public var flows: [String] { [flow] + numbers.values.sorted() }

        /// A SIP line answering on `sip` with `flow`.
        public init(name: String, sip: SIPSettings, flow: String) {
            self.init(name: name, capture: "", playback: "", flow: flow)
            self.sip = sip
            answer = .immediately
        }

        /// The keys that transfer a call to `target` ("tel:+1 555 0100", "ext:204") on this
        /// line, or nil (no `transferKeys`, or a target with no number to key: sip:, queue:).
        public func keys(transferringTo target: String) -> String? {
            guard let transferKeys, target.hasPrefix("tel:") || target.hasPrefix("ext:") else { return nil }
            let number = target.dropFirst(4).filter { $0.isASCII && $0.isNumber }
            return number.isEmpty ? nil : transferKeys.replacingOccurrences(of: "{number}", with: number)
        }

        /// A line.
        public init(name: String, capture: String, playback: String, flow: String) {
            self.name = name
            self.capture = capture
            self.playback = playback
            self.flow = flow
        }
    }

    /// The lines, at least one.
    public var lines: [Line]
    /// Acoustic model file.
    public var acousticModel = "Models/acoustic/acoustic.hnn"
    /// Voice file.
    public var voice = VoiceDatabase.defaultPath
    /// Lexicon files (CMU format), later ones extending earlier ones.
    public var lexicon = ["Models/lexicon/cmudict-en-us.dict"]
    /// ALSA PCM definitions (asoundrc syntax) used instead of the system's, if set.
    public var alsaConfig: String?
    /// Folder for call recordings (stereo Ogg/Opus), if recording.
    public var recordings: String?
    /// The call store, if calls are stored: a SQLite file, or a `postgres://` URL that
    /// several nodes share.
    public var database: String?
    /// Where flows from the store (`flow: store:NAME`) are written to be loaded: DATA_DIR/flows
    /// (a node that restarts while the store is unreachable runs the copy it has).
    public var flowCache: String?
    /// This node's name in a shared store (`node:`; by default the host's name when the
    /// store is PostgreSQL); each stored call keeps it.
    public var node: String?
    /// Logging level.
    public var logLevel = LogLevel.info
    /// Longest call, seconds.
    public var maxCallSeconds = 600
    /// Most calls in progress at once over all lines; a call beyond it hears that the lines
    /// are busy.
    public var maxConcurrentCalls = 50
    /// A call in which nobody speaks, keys or is prompted this long ends.
    public var silenceHangUpSeconds = 30
    /// Whether flows may name prompt audio, tables and grammars outside their own folder.
    public var flowsMayReadAnywhere = false
    /// Where the HTTP side listens (`/healthz`, `/metrics`, `/api`); nil: no HTTP.
    public var httpListen: SIPEndpoint?
    /// API tokens by name: the lowercase hex SHA-256 of each token (`/api` needs one or a
    /// signed-in user); a token acts as an admin.
    public var apiTokens: [String: String] = [:]
    /// The line whose flow the web chat runs (`http: chat: LINE`; nil: no chat).
    public var chatLine: String?
    /// The console's users by name (`http: users:`), each with a role and a bcrypt hash of
    /// their password (`hotlined --hash-password`).
    public var consoleUsers: [String: ConsoleUser] = [:]

    /// Someone who signs in to the console.
    public struct ConsoleUser: Sendable, Equatable {
        /// What they may do: `admin` everything; `qa` read calls and flows, listen, annotate.
        public enum Role: String, Sendable, CaseIterable, Comparable {
            case qa, admin
            public static func < (a: Role, b: Role) -> Bool { a == .qa && b == .admin }
        }
        public var role: Role
        /// bcrypt hash of the password ($2b$...).
        public var passwordHash: String

        public init(role: Role, passwordHash: String) { (self.role, self.passwordHash) = (role, passwordHash) }
    }

    /// A configuration of `lines` with every other setting at its default.
    public init(lines: [Line]) {
        self.lines = lines
    }

    /// Reads and checks the configuration file at `path`; throws `FlowErrors` listing
    /// every problem.
    public static func load(path: String) throws -> DaemonConfiguration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FlowErrors(diagnostics: [FlowDiagnostic(SourceLocation(file: path, line: 1, column: 1),
                                                          "cannot read the configuration file")])
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try parse(yaml: text, file: path, baseDirectory: folder.isEmpty ? "." : folder)
    }

    /// The name in a `store:NAME` flow reference, or nil for a file.
    public static func storedFlowName(_ reference: String) -> String? {
        reference.hasPrefix("store:") ? String(reference.dropFirst("store:".count)) : nil
    }

    /// Reads configuration YAML; relative paths are resolved against `baseDirectory`.
    public static func parse(yaml: String, file: String, baseDirectory: String = ".") throws -> DaemonConfiguration {
        var reader = ConfigurationReader(file: file, baseDirectory: baseDirectory)
        let configuration = reader.read(yaml)
        guard reader.diagnostics.isEmpty, let configuration else {
            throw FlowErrors(diagnostics: reader.diagnostics.sorted { $0.location < $1.location })
        }
        return configuration
    }
}

/// YAML nodes to a `DaemonConfiguration`, collecting every problem.
private struct ConfigurationReader: YAMLReader {
    let file: String
    let baseDirectory: String
    var diagnostics: [FlowDiagnostic] = []

    mutating func read(_ yaml: String) -> DaemonConfiguration? {
        guard let root = document(yaml, empty: "the configuration is empty", hint: "it needs at least 'lines'"),
              let top = mapping(root, "the configuration",
                                fields: ["lines", "models", "data_dir", "database", "node", "alsa_config", "log_level", "limits",
                                         "flows_may_read_anywhere", "http"]) else { return nil }
        var configuration = DaemonConfiguration(lines: [])
        if let models = top["models"].flatMap({ mapping($0, "models", fields: ["acoustic", "voice", "lexicon"]) }) {
            if let path = path(models["acoustic"], "models.acoustic") { configuration.acousticModel = path }
            if let path = path(models["voice"], "models.voice") { configuration.voice = path }
            if let node = models["lexicon"] {
                let items = node.sequence.map(Array.init) ?? [node]
                configuration.lexicon = items.compactMap { path($0, "models.lexicon") }
            }
        }
        if let dataDirectory = path(top["data_dir"], "data_dir") {
            configuration.recordings = dataDirectory + "/recordings"
            configuration.database = dataDirectory + "/calls.sqlite"
            configuration.flowCache = dataDirectory + "/flows"
        }
        if let url = top["database"]?.string, CallStore.isPostgreSQL(url) {
            configuration.database = url
        } else if let database = path(top["database"], "database") {
            configuration.database = database
        }
        configuration.node = string(top["node"], "node", nonEmpty: true)
        configuration.alsaConfig = path(top["alsa_config"], "alsa_config")
        if let level = choice(top["log_level"], "log_level", DaemonConfiguration.LogLevel.self) { configuration.logLevel = level }
        if let limits = top["limits"].flatMap({ mapping($0, "limits", fields: ["max_call_seconds", "max_concurrent_calls",
                                                                               "silence_hangup_seconds"]) }) {
            if let n = integer(limits["max_call_seconds"], "max_call_seconds", range: 1...86_400) { configuration.maxCallSeconds = n }
            if let n = integer(limits["max_concurrent_calls"], "max_concurrent_calls", range: 1...10_000) { configuration.maxConcurrentCalls = n }
            if let n = integer(limits["silence_hangup_seconds"], "silence_hangup_seconds", range: 1...3600) { configuration.silenceHangUpSeconds = n }
        }
        if let value = bool(top["flows_may_read_anywhere"], "flows_may_read_anywhere") { configuration.flowsMayReadAnywhere = value }
        if let http = top["http"].flatMap({ mapping($0, "http", fields: ["listen", "tokens", "users", "chat"]) }) {
            if let text = string(http["listen"], "listen", nonEmpty: true) {
                if let address = SIPEndpoint(text) { configuration.httpListen = address } else {
                    error(http["listen"], "'listen' must be an IP address and port, not '\(text)'", hint: "as in 127.0.0.1:8080")
                }
            }
            for (name, hash) in http["tokens"].flatMap({ $0.mapping }) ?? [:] {
                guard let name = string(name, "tokens"), let hash = string(hash, "tokens.\(name)") else { continue }
                if hash.count == 64, hash.allSatisfy(\.isHexDigit) { configuration.apiTokens[name] = hash.lowercased() } else {
                    error(http["tokens"], "token '\(name)' must be the SHA-256 of the token in hex (64 digits)",
                          hint: "printf %s \"$TOKEN\" | sha256sum")
                }
            }
            configuration.chatLine = string(http["chat"], "chat", nonEmpty: true)
            for (nameNode, userNode) in http["users"].flatMap({ $0.mapping }) ?? [:] {
                guard let name = string(nameNode, "users"),
                      let user = mapping(userNode, "users.\(name)", fields: ["role", "password"]) else { continue }
                let role = choice(user["role"], "role", DaemonConfiguration.ConsoleUser.Role.self)
                if user["role"] == nil { error(userNode, "user '\(name)' has no 'role'", hint: "admin or qa") }
                let hash = string(user["password"], "password", nonEmpty: true)
                let isBcrypt = hash.map { $0.count == 60 && ["$2a$", "$2b$", "$2y$"].contains(String($0.prefix(4))) } ?? false
                if !isBcrypt {
                    error(user["password"] ?? userNode, "user '\(name)' needs 'password': a bcrypt hash, never the password itself",
                          hint: "hotlined --hash-password < file-with-the-password")
                }
                if let role, let hash, isBcrypt { configuration.consoleUsers[name] = DaemonConfiguration.ConsoleUser(role: role, passwordHash: hash) }
            }
        }
        guard let linesNode = top["lines"] else {
            error(root, "missing 'lines': list the phone lines to answer")
            return nil
        }
        guard let items = linesNode.sequence, !items.isEmpty else {
            error(linesNode, "'lines' must be a list of at least one line")
            return nil
        }
        var names: Set<String> = []
        for (index, item) in items.enumerated() {
            guard let line = readLine(item, index: index) else { continue }
            if !names.insert(line.name).inserted { error(item, "a second line named '\(line.name)'", hint: "line names must differ") }
            if configuration.database == nil, line.flows.contains(where: { DaemonConfiguration.storedFlowName($0) != nil }) {
                error(item, "line '\(line.name)' runs a flow from the store, but there is no store",
                      hint: "set 'database' (a postgres:// URL several nodes share) or 'data_dir'")
            }
            configuration.lines.append(line)
        }
        if let chat = configuration.chatLine, !names.contains(chat) {
            error(top["http"]?.mapping?["chat"] ?? root, "'chat' names line '\(chat)', which is not one of the lines",
                  hint: suggestion(for: chat, among: names.sorted()))
        }
        return configuration
    }

    mutating func readLine(_ node: Node, index: Int) -> DaemonConfiguration.Line? {
        guard let fields = mapping(node, "a line", fields: ["name", "capture", "playback", "sample_rate", "flow", "answer",
                                                             "calls", "realtime", "transfer_keys", "sip", "numbers"]) else { return nil }
        if let sipNode = fields["sip"] { return readSIPLine(node, fields, sipNode, index: index) }
        let capture = string(fields["capture"], "capture", nonEmpty: true)
        let flow = flowReference(fields["flow"], "flow")
        if fields["capture"] == nil { error(node, "line \(index + 1) has no 'capture' ALSA device", hint: "or a 'sip' section") }
        if fields["flow"] == nil { error(node, "line \(index + 1) has no 'flow'") }
        guard let capture, let flow else { return nil }
        let name = lineName(fields, node, index: index)
        if let numbers = fields["numbers"] { error(numbers, "'numbers' is for SIP lines", hint: "an ALSA line runs its one 'flow'") }
        var line = DaemonConfiguration.Line(name: name, capture: capture,
                                            playback: string(fields["playback"], "playback", nonEmpty: true) ?? capture, flow: flow)
        if let rate = integer(fields["sample_rate"], "sample_rate", range: 8000...192_000) { line.sampleRate = rate }
        if let answer = choice(fields["answer"], "answer", DaemonConfiguration.Answer.self) { line.answer = answer }
        if let calls = integer(fields["calls"], "calls", range: 0...Int.max) { line.calls = calls }
        if let value = bool(fields["realtime"], "realtime") { line.realtime = value }
        if let keys = transferKeys(fields) { line.transferKeys = keys }
        return line
    }

    /// A flow: a file (resolved against the configuration's folder), or `store:NAME`, the
    /// version of flow NAME in force in the call store (`hotline flow publish`).
    mutating func flowReference(_ node: Node?, _ field: String) -> String? {
        guard let text = node?.string, let name = DaemonConfiguration.storedFlowName(text) else { return path(node, field) }
        if !FlowVersion.isValidName(name) {
            error(node, "'\(field)' names no stored flow: '\(text)'", hint: "store:NAME, as published by hotline flow publish --name NAME")
        }
        return text
    }

    /// The line's name ("lineN" by default), checked: it becomes part of recording file names.
    mutating func lineName(_ fields: Node.Mapping, _ node: Node, index: Int) -> String {
        let name = string(fields["name"], "name", nonEmpty: true) ?? "line\(index + 1)"
        if name.hasPrefix(".") || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            error(fields["name"] ?? node, "line name '\(name)' may hold only letters, digits, '-', '_' and '.', not first",
                  hint: "it names the line's recordings")
        }
        return name
    }

    /// A line with a `sip` section: where it listens, whom it answers, and its flows by number.
    mutating func readSIPLine(_ node: Node, _ fields: Node.Mapping, _ sipNode: Node, index: Int) -> DaemonConfiguration.Line? {
        for alsaOnly in ["capture", "playback", "sample_rate", "answer", "realtime"] {
            if let field = fields[alsaOnly] { error(field, "'\(alsaOnly)' is for ALSA lines, not a SIP line") }
        }
        let flow = flowReference(fields["flow"], "flow")
        if fields["flow"] == nil { error(node, "line \(index + 1) has no 'flow'") }
        guard let sip = mapping(sipNode, "sip", fields: ["listen", "advertise", "allow", "codecs", "max_calls", "answer_after_ms",
                                                          "media_timeout_seconds", "users", "realm", "rtp_ports"]),
              let listenText = string(sip["listen"], "listen", nonEmpty: true) else {
            if sipNode.mapping != nil { error(sipNode, "the 'sip' section has no 'listen' address", hint: "as in 127.0.0.1:5080") }
            return nil
        }
        guard let listen = SIPEndpoint(listenText) else {
            error(sip["listen"], "'listen' must be an IP address and port, not '\(listenText)'", hint: "as in 0.0.0.0:5060 or [::1]:5080")
            return nil
        }
        var settings = SIPSettings(listen: listen)
        if let host = string(sip["advertise"], "advertise", nonEmpty: true) {
            if IPNetwork(host) == nil || host.contains("/") { error(sip["advertise"], "'advertise' must be an IP address, not '\(host)'") }
            settings.advertisedHost = host
        }
        if let allow = sip["allow"] {
            settings.allowedPeers = strings(allow, "allow").compactMap { text in
                if let network = IPNetwork(text) { return network }
                error(allow, "'allow' holds '\(text)', not an IP address or network", hint: "as in 10.0.0.0/8 or 192.0.2.7")
                return nil
            }
        }
        if let codecs = sip["codecs"] {
            let names = strings(codecs, "codecs")
            if names.isEmpty { error(codecs, "'codecs' must name PCMU, PCMA or both") }
            settings.codecs = names.compactMap { text in
                if let codec = RTPAudioCodec(rawValue: text.uppercased()) { return codec }
                error(codecs, "'codecs' holds '\(text)', not PCMU or PCMA")
                return nil
            }
        }
        if let n = integer(sip["max_calls"], "max_calls", range: 1...10_000) { settings.maxCalls = n }
        if let n = integer(sip["answer_after_ms"], "answer_after_ms", range: 0...60_000) { settings.answerAfterMs = n }
        if let n = integer(sip["media_timeout_seconds"], "media_timeout_seconds", range: 1...3600) { settings.mediaTimeoutSeconds = n }
        if let realm = string(sip["realm"], "realm", nonEmpty: true) { settings.realm = realm }
        if let text = string(sip["rtp_ports"], "rtp_ports") {
            let bounds = text.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if bounds.count == 2, 1024 <= bounds[0], bounds[0] + 1 < bounds[1], bounds[1] <= 65535 {
                settings.rtpPorts = bounds[0]...bounds[1]
            } else {
                error(sip["rtp_ports"], "'rtp_ports' must be a range of UDP ports FIRST-LAST (1024-65535, at least two), not '\(text)'",
                      hint: "as in 10000-20000")
            }
        }
        if let users = sip["users"] {
            if let map = users.mapping, !map.isEmpty {
                for (name, password) in map {
                    if let name = string(name, "users"), let password = string(password, "users.\(name)", nonEmpty: true) {
                        settings.users[name] = password
                    }
                }
            } else {
                error(users, "'users' must map user names to passwords", hint: "as in { pbx: s3cret }")
            }
        }
        guard let flow else { return nil }
        var line = DaemonConfiguration.Line(name: lineName(fields, node, index: index), sip: settings, flow: flow)
        if let calls = integer(fields["calls"], "calls", range: 0...Int.max) { line.calls = calls }
        line.transferKeys = transferKeys(fields)   // keyed as RFC 4733 events instead of a REFER
        if let numbers = fields["numbers"] {
            guard let map = numbers.mapping else {
                error(numbers, "'numbers' must map numbers called to flow files", hint: "as in \"5000\": Flows/hotline.yaml")
                return line
            }
            for (key, value) in map {
                if let number = string(key, "numbers"), let path = flowReference(value, "numbers.\(number)") { line.numbers[number] = path }
            }
        }
        return line
    }

    /// A line's `transfer_keys`, checked.
    mutating func transferKeys(_ fields: Node.Mapping) -> String? {
        guard let keys = string(fields["transfer_keys"], "transfer_keys") else { return nil }
        let rest = keys.replacingOccurrences(of: "{number}", with: "")
        guard keys.contains("{number}"), rest.allSatisfy({ "0123456789*#ABCD".contains($0) }) else {
            error(fields["transfer_keys"], "transfer_keys '\(keys)' must be DTMF keys and {number}", hint: "as in \"##{number}\"")
            return nil
        }
        return keys
    }
}
