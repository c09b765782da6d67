import ArgumentParser
import HotlineCore
import HotlineTTS

/// The voice and pronunciations a command speaks with (`say`, `normalize --phones`).
struct VoiceOptions: ParsableArguments {
    @Option(help: "Voice file.") var voice = VoiceDatabase.defaultPath
    @Option(help: "Lexicon files (CMU format); later ones override earlier ones.") var lexicon = ["Models/lexicon/cmudict-en-us.dict"]
    @Option(help: "An admin's lexicon (CMU format, WORD PH ON ES per line), read after the others so its words win; repeatable.") var userLexicon: [String] = []

    /// The synthesizer these options name.
    func synthesizer() throws -> DiphoneSynthesizer {
        DiphoneSynthesizer(voice: try VoiceDatabase(path: voice), lexicon: try Lexicon(paths: lexicon + userLexicon))
    }
}

/// Warns on standard error about the words of `tokens` the lexicon had to guess (each once
/// in `warned`), with the phones guessed, so an admin can add them to a user lexicon.
func warnAboutGuessedWords(_ tokens: [SpokenToken], of synthesizer: DiphoneSynthesizer, warned: inout Set<String>) {
    let guessed = tokens.guessedWords(synthesizer.lexicon).filter { warned.insert($0.word).inserted }
    if !guessed.isEmpty { printError("warning: " + GuessedWord.warning(guessed)) }
}
