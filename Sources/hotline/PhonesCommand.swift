import ArgumentParser
import Foundation
import HotlineASR
import HotlineAudio
import HotlineCore
import HotlineDSP
import HotlineNN

/// `hotline phones FILE...`: the acoustic model's greedy CTC phone sequence with timing.
struct PhonesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phones",
        abstract: "Print the phones the acoustic model hears in sound files (greedy CTC), with times.",
        discussion: """
            Audio at other rates is resampled to the model's rate (8 kHz) and fed in 20 ms chunks, \
            as on a live line. Text output: one line per file, phones with start times in ms. \
            --json: one object per file and line: {"file","phones":[{"phone","startMs","endMs","confidence"}]}.
            """)

    @Argument(help: "Sound files.") var files: [String]
    @Option(help: "Acoustic model file.") var model = "Models/acoustic/acoustic.hnn"
    @Flag(help: "One JSON object per file and line.") var json = false

    struct Phone: Encodable {
        var phone: String
        var startMs: Int
        var endMs: Int
        var confidence: Float
    }

    struct Result: Encodable {
        var file: String
        var phones: [Phone]
    }

    func run() throws {
        let acoustic: AcousticModel
        do { acoustic = try AcousticModel(contentsOf: URL(fileURLWithPath: model)) } catch let error as HotlineError {
            printError(error)
            throw ExitCode.failure
        }
        var failures = 0
        for file in files {
            do {
                let result = try phones(in: file, model: acoustic)
                if json {
                    print(try jsonLine(result))
                } else {
                    print("\(file): " + result.phones.map { "\($0.phone)@\($0.startMs)" }.joined(separator: " "))
                }
            } catch let error as HotlineError {
                failures += 1
                printError(error)
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    func phones(in file: String, model: AcousticModel) throws -> Result {
        let frontEnd = try AcousticFrontEnd(model: model)
        let audio = try readAudio(file, sampleRate: frontEnd.sampleRate)
        let chunk = frontEnd.sampleRate / 50
        var posteriors: [Float] = []
        var i = 0
        while i < audio.samples.count {
            posteriors += frontEnd.accept(Array(audio.samples[i..<min(i + chunk, audio.samples.count)]))
            i += chunk
        }
        posteriors += frontEnd.finish()
        let ms = frontEnd.secondsPerOutputFrame * 1000
        let segments = posteriors.isEmpty ? [] : CTCGreedyDecoder.decode(logPosteriors: posteriors, labels: model.phones)
        return Result(file: file, phones: segments.map {
            Phone(phone: $0.phone, startMs: Int(Double($0.startFrame) * ms), endMs: Int(Double($0.endFrame) * ms),
                  confidence: ($0.confidence * 1000).rounded() / 1000)
        })
    }
}
