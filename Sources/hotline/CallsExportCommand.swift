import ArgumentParser
import Foundation
import HotlineCore
import HotlineStore

/// `hotline calls export [--turns] [-o FILE]`: the calls (or every turn) as CSV, for a
/// spreadsheet or a script.
struct CallsExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export calls, or every turn of them, as CSV (RFC 4180).",
        discussion: "The same filters as `calls list`. Standard output unless -o is given.")

    @OptionGroup var store: CallStoreOptions
    @OptionGroup var filter: CallFilterOptions
    @Flag(help: "One row per turn (with its call's id and line) instead of one per call.") var turns = false
    @Option(name: .shortAndLong, help: "Write the CSV to this file.") var output: String?

    func run() throws {
        do {
            let (text, count) = try CallExport.csv(try store.open(), filter.query(), turns: turns)
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                print("\(output): \(count) \(turns ? "turns" : "calls")")
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
