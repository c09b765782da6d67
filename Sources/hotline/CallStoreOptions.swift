import ArgumentParser
import Foundation
import HotlineCore
import HotlineStore

/// Which calls the QA commands take (`calls list`, `calls export`).
struct CallFilterOptions: ParsableArguments {
    @Option(help: "Only calls answered at or after this time (ISO 8601, e.g. 2026-11-29 or 2026-11-29T10:00).") var since: String?
    @Option(help: "Only calls answered before this time.") var until: String?
    @Option(help: "Only calls on this line.") var line: String?
    @Option(help: "Only calls whose outcome starts with this: transfer, hangup, 'caller hung up', or 'cut off' for calls that never ended.")
    var outcome: String?
    @Flag(help: "Only calls where the caller struggled: a no-match or no-input turn, a transfer, or a call a crash cut off.") var struggled = false
    @Option(help: "Only calls this hotlined node answered (a store several nodes share).") var node: String?
    @Option(help: "Only calls that ran this flow (its file as stored, or store:NAME).") var flow: String?
    @Option(help: "Only calls that ran this version of their flow (12 hex digits).") var flowVersion: String?
    @Option(help: "Only calls with a turn the flow read exactly so: an intent ('menu option 2') or a slot value ('size = large').")
    var interpretation: String?
    @Option(help: "Only calls with a spoken turn heard with less confidence than this (0-1).") var confidenceBelow: Double?

    func validate() throws {
        for (option, value) in [("--since", since), ("--until", until)] {
            guard let value else { continue }
            guard value.range(of: #"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$"#, options: .regularExpression) != nil else {
                throw ValidationError("\(option) '\(value)' is not a time: write 2026-11-29, 2026-11-29T10:00 or 2026-11-29T10:00:30")
            }
        }
    }

    /// The store query these options make.
    func query() -> CallQuery {
        var query = CallQuery(since: since, until: until, line: line, outcome: outcome == "cut off" ? "" : outcome, struggled: struggled,
                              node: node)
        (query.flow, query.flowVersion, query.interpretation, query.confidenceBelow) = (flow, flowVersion, interpretation, confidenceBelow)
        return query
    }
}

/// The call store the QA commands read (`calls list`, `calls show`, `replay`).
struct CallStoreOptions: ParsableArguments {
    @Option(help: "The daemon's call store: data_dir/calls.sqlite, hotlined's --database, or a shared store's postgres://USER@HOST:PORT/DATABASE.")
    var db = "/var/lib/hotline/calls.sqlite"

    /// The store; a path with no database is an error, not a new empty one.
    func open() throws -> CallStore {
        guard CallStore.isPostgreSQL(db) || FileManager.default.fileExists(atPath: db) else {
            throw InvalidArgument("\(db): no call database there (hotlined keeps it as data_dir/calls.sqlite, or at --database)")
        }
        return try CallStore(location: db)
    }
}
