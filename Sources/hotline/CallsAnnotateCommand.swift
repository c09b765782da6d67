import ArgumentParser
import Foundation
import HotlineCore
import HotlineStore

/// `hotline calls annotate ID --turn N "WORDS"`: what the caller really said in a turn.
struct CallsAnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate", abstract: "Write down what the caller really said in a turn (for calls accuracy).")

    @Argument(help: "The call's id.") var id: Int64
    @Option(help: "The turn, 1-based, as calls show numbers them.") var turn: Int
    @Argument(help: "What the caller said (\"\" when nothing).") var said: String
    @Option(help: "Who annotates (default: $USER).") var by: String?
    @OptionGroup var store: CallStoreOptions

    func run() throws {
        do {
            try store.open().annotate(call: id, turn: turn, said: said, by: by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown")
        } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
