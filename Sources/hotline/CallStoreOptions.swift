import ArgumentParser
import Foundation
import HotlineCore
import HotlineStore

/// The call store the QA commands read (`calls list`, `calls show`, `replay`).
struct CallStoreOptions: ParsableArguments {
    @Option(help: "The daemon's call store: data_dir/calls.sqlite, or hotlined's --database.")
    var db = "/var/lib/hotline/calls.sqlite"

    /// The store; a path with no database is an error, not a new empty one.
    func open() throws -> CallStore {
        guard FileManager.default.fileExists(atPath: db) else {
            throw InvalidArgument("\(db): no call database there (hotlined keeps it as data_dir/calls.sqlite, or at --database)")
        }
        return try CallStore(path: db)
    }
}
