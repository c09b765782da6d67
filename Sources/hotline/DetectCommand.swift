import ArgumentParser
import Foundation
import HotlineAudio
import HotlineCore
import HotlineDSP

/// `hotline detect FILE...`: line events (DTMF keys, call-progress tones, speech) in files.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Report DTMF keys, call-progress tones and speech in sound files, one event per line.",
        discussion: "Audio at other rates is resampled to 8 kHz and fed to the detectors in 10 ms chunks, as on a live line.")

    enum Detector: String, ExpressibleByArgument, CaseIterable { case dtmf, tone, speech }

    @Argument(help: "Sound files.") var files: [String]
    @Flag(help: "One JSON object per event and line.") var json = false
    @Option(help: "Detectors to run, comma-separated: dtmf,tone,speech (default: all).", transform: { list in
        try list.split(separator: ",").map { name in
            guard let d = Detector(rawValue: String(name)) else { throw ValidationError("unknown detector '\(name)': use dtmf, tone or speech") }
            return d
        }
    })
    var only: [Detector] = Detector.allCases
    @Option(help: "Call-progress tone table: \(CallProgressPlan.allCases.map(\.rawValue).joined(separator: ", ")).")
    var tones: CallProgressPlan = .northAmerica
    @Flag(help: "Only print, per file, how many events of each type were found.") var count = false

    struct Event: Encodable {
        var file: String
        var type: String
        var digit: String?
        var name: String?
        var startMs: Int
        var endMs: Int?
    }

    func run() throws {
        var failures = 0
        for file in files {
            do {
                let events = try detect(in: file)
                if count {
                    let types = Dictionary(grouping: events, by: \.type).mapValues(\.count)
                    print("\(file): " + Detector.allCases.filter(only.contains).map { "\($0.rawValue) \(types[$0.rawValue] ?? 0)" }.joined(separator: ", "))
                    continue
                }
                for event in events { print(json ? try jsonLine(event) : describe(event)) }
            } catch let error as HotlineError {
                failures += 1
                printError(error)
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    private func describe(_ e: Event) -> String {
        let what = e.digit.map { "dtmf \($0)" } ?? e.name.map { "tone \($0)" } ?? e.type
        return "\(e.file): \(what) \(e.startMs)" + (e.endMs.map { "-\($0)" } ?? "") + " ms"
    }

    func detect(in file: String) throws -> [Event] {
        let audio = try readAudio(file, sampleRate: 8000)
        let ms = { (sample: Int) in sample / 8 }
        let dtmf = only.contains(.dtmf) ? DTMFDetector() : nil
        let progress = only.contains(.tone) ? CallProgressDetector(plan: tones) : nil
        let vad = only.contains(.speech) ? try VoiceActivityDetector() : nil
        var speech = SpeechSegmentTracker()
        var events: [Event] = []
        func record(_ dtmfEvents: [DTMFEvent]) {
            for case .ended(let d) in dtmfEvents {
                events.append(Event(file: file, type: "dtmf", digit: String(d.key), startMs: ms(d.startSample), endMs: ms(d.endSample)))
            }
        }
        func record(_ toneEvents: [CallProgressEvent]) {
            for e in toneEvents {
                events.append(Event(file: file, type: "tone", name: e.tone.rawValue, startMs: ms(e.startSample), endMs: nil))
            }
        }
        func record(_ segments: [SpeechSegment]) {
            for s in segments {
                events.append(Event(file: file, type: "speech", startMs: ms(s.startSample), endMs: ms(s.endSample)))
            }
        }
        var i = 0
        while i < audio.samples.count {
            let chunk = Array(audio.samples[i..<min(i + 80, audio.samples.count)])
            if let dtmf { record(dtmf.process(chunk)) }
            if let progress { record(progress.process(chunk)) }
            if let vad { record(speech.add(vad.process(chunk))) }
            i += 80
        }
        if let dtmf { record(dtmf.finish()) }
        if vad != nil { record(speech.finish()) }
        return events.sorted { $0.startMs < $1.startMs }
    }
}

extension CallProgressPlan: ExpressibleByArgument {}
