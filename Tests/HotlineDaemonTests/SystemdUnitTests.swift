import Foundation
import Testing

/// The committed unit keeps its hardening (docs/security.md).
@Suite struct SystemdUnitTests {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Systemd/hotlined.service").standardized.path

    /// The unit's `[Service]` settings; a key given twice keeps every value.
    static func serviceSettings() throws -> [String: [String]] {
        var settings: [String: [String]] = [:], section = ""
        for line in try String(contentsOfFile: unit, encoding: .utf8).split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("[") { section = text; continue }
            guard section == "[Service]", !text.hasPrefix("#"), let eq = text.firstIndex(of: "=") else { continue }
            settings[String(text[..<eq]), default: []].append(String(text[text.index(after: eq)...]))
        }
        return settings
    }

    @Test func theUnitIsHardened() throws {
        let s = try Self.serviceSettings()
        let expected: [String: String] = [
            "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
            "ProtectProc": "invisible", "ProcSubset": "pid", "StateDirectoryMode": "0750", "UMask": "0027",
            "CapabilityBoundingSet": "", "MemoryDenyWriteExecute": "yes", "RestrictRealtime": "yes",
            "IPAddressDeny": "any", "DevicePolicy": "closed", "User": "hotline",
        ]
        for (key, value) in expected { #expect(s[key] == [value], "\(key)") }
        #expect(s["SystemCallFilter"] == ["@system-service", "~@privileged"])
        #expect(s["ReadWritePaths"] == ["/var/lib/hotline"])
    }

    @Test func systemdRatesItsExposureAtMostTwo() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else { return }   // no systemd on this machine
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyze)
        process.arguments = ["security", "--offline=true", "--threshold=20", Self.unit]
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = try #require(output.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(output)")
        let score = try #require(line.split(separator: " ").compactMap { Double($0) }.first)
        #expect(score <= 2.0, "\(line)")
    }
}
