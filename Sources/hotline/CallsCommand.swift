import ArgumentParser

/// `hotline calls`: the calls the daemon recorded (for QA).
struct CallsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "List recorded calls and show their turns (from the daemon's call store).",
        subcommands: [CallsListCommand.self, CallsShowCommand.self])
}
