import ArgumentParser

/// `hotline audio`: inspect and convert sound files.
struct AudioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Inspect and convert sound files.",
        subcommands: [AudioInfoCommand.self, AudioConvertCommand.self])
}
