import Metrics

/// What the daemon counts through swift-metrics (hotlined exports them to Prometheus on
/// `/metrics` when its HTTP side is on; without a metrics backend they cost nothing).
public enum DaemonMetrics {
    /// What each metric means, for the `# HELP` lines of the Prometheus exposition.
    public static let help = [
        "hotline_calls_active": "Calls in progress, by line.",
        "hotline_calls_total": "Calls ended, by line and outcome (hangup, transfer, transfer failed, caller hung up, ...).",
        "hotline_late_frames_total": "10 ms frames answered later than the line's playback buffer allows, by line.",
        "hotline_reply_latency_seconds": "Compute time from the end of a caller's turn to the reply being ready, by line.",
        "hotline_turns_total": "Caller turns, by line and input (speech, dtmf, noinput, nomatch, webhook, message).",
        "hotline_recognition_confidence": "Recognizer confidence of spoken turns, by line.",
        "hotline_webhook_failures_total": "Webhook calls that failed, by line.",
        "hotline_synthesis_latency_seconds": "Time from a prompt's text to its first synthesized audio, for prompts not cached.",
        "hotline_webhook_latency_seconds": "Time a webhook's backend took to answer (or to fail), by line.",
        "hotline_store_errors_total": "Writes the call store refused.",
        "hotline_line_reopens_total": "Times a line's device or SIP socket failed and was opened again, by line.",
        "hotline_sip_refused_total": "SIP requests dropped or refused (peer not allowed, malformed, over a limit), by line.",
    ]

    /// A call began on `line`.
    static func callStarted(line: String) {
        Meter(label: "hotline_calls_active", dimensions: [("line", line)]).increment()
    }

    /// A call on `line` ended with `outcome` ("transfer:queue:support" counts as "transfer").
    static func callEnded(line: String, outcome: String, lateFrames: Int, replyLatencyMs: [Double]) {
        Meter(label: "hotline_calls_active", dimensions: [("line", line)]).decrement()
        let kind = outcome.hasPrefix("transfer") ? (outcome.contains(" failed") ? "transfer failed" : "transfer") : outcome
        Counter(label: "hotline_calls_total", dimensions: [("line", line), ("outcome", kind.isEmpty ? "cut off" : kind)]).increment()
        if lateFrames > 0 { Counter(label: "hotline_late_frames_total", dimensions: [("line", line)]).increment(by: lateFrames) }
        let latency = Timer(label: "hotline_reply_latency_seconds", dimensions: [("line", line)])
        for ms in replyLatencyMs { latency.recordNanoseconds(Int64(ms * 1_000_000)) }
    }

    /// A turn of a call on `line`: its kind, and the recognizer's confidence for speech.
    static func turn(line: String, input: String, confidence: Double?, webhookFailed: Bool) {
        Counter(label: "hotline_turns_total", dimensions: [("line", line), ("input", input)]).increment()
        if let confidence { Recorder(label: "hotline_recognition_confidence", dimensions: [("line", line)]).record(confidence) }
        if webhookFailed { Counter(label: "hotline_webhook_failures_total", dimensions: [("line", line)]).increment() }
    }

    /// A webhook on `line` was answered (or failed) after `nanoseconds`.
    static func webhookAnswered(line: String, nanoseconds: UInt64) {
        Timer(label: "hotline_webhook_latency_seconds", dimensions: [("line", line)]).recordNanoseconds(Int64(nanoseconds))
    }

    /// A prompt a caller waits for had its first audio after `nanoseconds`.
    static func synthesisStarted(nanoseconds: UInt64) {
        Timer(label: "hotline_synthesis_latency_seconds").recordNanoseconds(Int64(nanoseconds))
    }

    /// The call store refused a write.
    static func storeError() { Counter(label: "hotline_store_errors_total").increment() }

    /// `line`'s device (or SIP socket) failed and is being opened again.
    static func lineReopened(line: String) { Counter(label: "hotline_line_reopens_total", dimensions: [("line", line)]).increment() }

    /// A SIP line dropped or refused a request (peer not allowed, malformed, over a limit).
    static func sipRefused(line: String) { Counter(label: "hotline_sip_refused_total", dimensions: [("line", line)]).increment() }
}
