import ArgumentParser
import HotlineCore

/// `hotline`: the command-line tool for admins and QA.
@main
struct Hotline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline",
        abstract: "Hotline voice IVR: audio tools, flows and call inspection.",
        version: HotlineVersion.string,
        subcommands: [AudioCommand.self, FeaturesCommand.self, DetectCommand.self, FlowCommand.self, ChatCommand.self,
                      NormalizeCommand.self, SayCommand.self, GrammarCommand.self, PhonesCommand.self, RecognizeCommand.self,
                      CallCommand.self, CallsCommand.self, ReplayCommand.self])
}
