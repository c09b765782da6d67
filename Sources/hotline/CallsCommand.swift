import ArgumentParser

/// `hotline calls`: the calls the daemon recorded (for QA).
struct CallsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "List, show, listen to, export and add up recorded calls (from the daemon's call store).",
        subcommands: [CallsListCommand.self, CallsShowCommand.self, CallsExportCommand.self, CallsAudioCommand.self,
                      CallsTestCaseCommand.self, CallsStatsCommand.self, CallsAnnotateCommand.self, CallsAccuracyCommand.self])
}
