import Crypto
import Foundation

/// One published version of a flow as the store keeps it. Every version is kept; the
/// newest of a name is the one in force (a rollback publishes an older one again).
public struct FlowVersion: Sendable, Equatable, Encodable {
    /// Row id: the order of publishing.
    public var id: Int64
    /// The flow's name, as lines name it (`flow: store:NAME`).
    public var name: String
    /// The first 12 hex digits of the content's SHA-256, as each stored call keeps it.
    public var version: String
    /// The flow's YAML.
    public var content: String
    /// When it was published (ISO 8601).
    public var publishedAt: String
    /// Who published it.
    public var publishedBy: String

    /// Whether `name` can name a stored flow: letters, digits, '-', '_' and '.', not first
    /// (it becomes a file name on every node: no paths).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// The version name of a flow file's bytes: the first 12 hex digits of their SHA-256.
    public static func version(of bytes: Data) -> String {
        String(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined().prefix(12))
    }
}

extension CallStore {
    /// The channel on which PostgreSQL tells every node that a flow was published (the
    /// notice's payload is its name).
    static let flowsChannel = "hotline_flows"

    /// Keeps `content` as the newest version of flow `name`, in force from now on, and
    /// tells every node listening (`watchFlows`). Publishing the version already in force
    /// changes nothing and returns it.
    @discardableResult
    public func publishFlow(name: String, content: String, by publisher: String, at date: Date = Date()) throws -> FlowVersion {
        guard FlowVersion.isValidName(name) else {
            throw CallStoreError(description: "'\(name)' cannot name a flow: use letters, digits, '-', '_' and '.', not first")
        }
        let version = FlowVersion.version(of: Data(content.utf8))
        if let current = try activeFlow(name), current.version == version { return current }
        let rows = try database.write("""
            INSERT INTO flow_versions (name, version, content, published_at, published_by) VALUES (?, ?, ?, ?, ?) RETURNING *
            """, [SQLValue(name), SQLValue(version), SQLValue(content), SQLValue(ISO8601DateFormatter().string(from: date)),
                  SQLValue(publisher)])
        guard let row = rows.first else { throw CallStoreError(description: "\(location): flow \(name) was not stored") }
        try database.notify(Self.flowsChannel, name)
        return try Self.flowVersion(row)
    }

    /// Puts an earlier version of flow `name` back in force (published anew, so the history
    /// keeps the rollback): `version`, or the newest that differs from the one in force.
    /// Returns the version now in force and the one it replaced.
    @discardableResult
    public func rollbackFlow(_ name: String, to version: String? = nil, by publisher: String) throws -> (now: FlowVersion, was: FlowVersion) {
        let versions = try flowVersions(name)
        guard let current = versions.first else { throw CallStoreError(description: "flow '\(name)' was never published to \(location)") }
        guard let earlier = version.map({ wanted in versions.first { $0.version == wanted } }) ?? versions.first(where: { $0.version != current.version })
        else {
            throw CallStoreError(description: version.map { "flow '\(name)' has no version \($0)" } ?? "flow '\(name)' has no earlier version")
        }
        guard earlier.version != current.version else {
            throw CallStoreError(description: "version \(current.version) of flow '\(name)' is already in force")
        }
        return (try publishFlow(name: name, content: earlier.content, by: publisher), current)
    }

    /// The version of flow `name` in force (the newest), or nil when none was published.
    public func activeFlow(_ name: String) throws -> FlowVersion? {
        try database.read("SELECT * FROM flow_versions WHERE name = ? ORDER BY id DESC LIMIT 1", [SQLValue(name)])
            .first.map(Self.flowVersion)
    }

    /// Every version of flow `name`, newest first.
    public func flowVersions(_ name: String) throws -> [FlowVersion] {
        try database.read("SELECT * FROM flow_versions WHERE name = ? ORDER BY id DESC", [SQLValue(name)]).map(Self.flowVersion)
    }

    /// Calls `changed` with a flow's name each time one is published by any node (with ""
    /// after a lost connection came back: look at every flow again); nil for SQLite, whose
    /// single machine reloads on SIGHUP.
    public func watchFlows(_ changed: @escaping @Sendable (String) -> Void) throws -> StoreWatch? {
        try database.listen(Self.flowsChannel, changed)
    }

    private static func flowVersion(_ row: SQLRow) throws -> FlowVersion {
        FlowVersion(id: Int64(try row.int("id")), name: try row.string("name"), version: try row.string("version"),
                    content: try row.string("content"), publishedAt: try row.string("published_at"),
                    publishedBy: try row.string("published_by"))
    }
}
