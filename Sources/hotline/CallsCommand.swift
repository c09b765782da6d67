import ArgumentParser

/// `hotline calls`: the calls the daemon recorded (for QA).
struct CallsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "List, show, export and listen to recorded calls (from the daemon's call store).",
        subcommands: [CallsListCommand.self, CallsShowCommand.self, CallsExportCommand.self, CallsAudioCommand.self,
                      CallsTestCaseCommand.self])
}
