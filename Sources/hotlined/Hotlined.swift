import ArgumentParser
import HotlineCore

/// `hotlined`: the Hotline daemon. This release parses its options and reports its
/// version; answering calls arrives with the daemon issue.
@main
struct Hotlined: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotlined",
        abstract: "The Hotline voice IVR daemon.",
        version: HotlineVersion.string)

    @Option(help: "Path of the daemon configuration (YAML).")
    var config: String = "/etc/hotline/hotlined.yaml"

    @Flag(help: "Check the configuration and exit.")
    var checkConfig = false

    func run() throws {
        print("hotlined \(HotlineVersion.string): configuration \(config)")
        print("hotlined: answering calls is not built yet; nothing to run")
    }
}
