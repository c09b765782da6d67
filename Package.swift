// swift-tools-version:6.0
import PackageDescription

/// Hotline: a speech-enabled phone hotline (voice IVR) in one Linux daemon.
/// Module layering follows ../shared/GUIDE.md: a module imports only those above it.
/// The signal-processing, network and search modules are compiled with optimisation in
/// debug builds too: unoptimised SIMD code runs 10-50 times slower, which would make the
/// tests that run whole calls through them take minutes.
let optimizedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Hotline",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hotline", targets: ["hotline"]),
        .executable(name: "hotlined", targets: ["hotlined"]),
        .executable(name: "hotline-bench", targets: ["hotline-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
    ],
    targets: [
        // System libraries: one Swift module imports each.
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),

        .target(name: "HotlineCore", swiftSettings: optimizedEvenInDebug),
        .target(name: "HotlineDSP", dependencies: ["HotlineCore", "CFFTW"], swiftSettings: optimizedEvenInDebug),
        .target(name: "HotlineAudio", dependencies: ["HotlineCore", "HotlineDSP", "CALSA", "CSndFile", "COpus"]),
        .target(name: "HotlineNN", dependencies: ["HotlineCore"], swiftSettings: optimizedEvenInDebug),
        .target(name: "HotlineASR", dependencies: ["HotlineCore", "HotlineDSP", "HotlineNN"], swiftSettings: optimizedEvenInDebug),
        .target(name: "HotlineTTS", dependencies: ["HotlineCore", "HotlineDSP"], swiftSettings: optimizedEvenInDebug),
        .target(name: "HotlineDialogue", dependencies: ["HotlineCore", "HotlineASR", "Yams"]),
        .target(name: "HotlineStore", dependencies: ["HotlineCore", "HotlineAudio",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .target(name: "HotlineSIP", dependencies: ["HotlineCore", "HotlineDSP",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .target(name: "HotlineDaemon", dependencies: ["HotlineStore", "HotlineSIP", "HotlineCore", "HotlineDSP", "HotlineAudio", "HotlineNN", "HotlineASR", "HotlineTTS", "HotlineDialogue", "Yams",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),

        // The HTTP side of the daemon: health and Prometheus metrics (the console grows here).
        .target(name: "HotlineConsole", dependencies: ["HotlineDaemon", "HotlineDialogue", "HotlineStore", "HotlineAudio",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),

        .executableTarget(name: "hotline", dependencies: [
            "HotlineCore", "HotlineDSP", "HotlineAudio", "HotlineNN", "HotlineASR", "HotlineTTS", "HotlineDialogue", "HotlineStore", "HotlineDaemon", "Yams",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "hotlined", dependencies: [
            "HotlineCore", "HotlineAudio", "HotlineNN", "HotlineTTS", "HotlineDialogue", "HotlineStore", "HotlineSIP", "HotlineDaemon", "HotlineConsole",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Kernel timings for the scripts in bench/ (not a command users type).
        .executableTarget(name: "hotline-bench", dependencies: [
            "HotlineCore", "HotlineDSP", "HotlineNN", "HotlineTTS",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "HotlineCoreTests", dependencies: ["HotlineCore"]),
        .testTarget(name: "HotlineDSPTests", dependencies: ["HotlineDSP", "HotlineTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HotlineAudioTests", dependencies: ["HotlineAudio", "HotlineDSP", "HotlineTestSupport"]),
        .testTarget(name: "HotlineNNTests", dependencies: ["HotlineNN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HotlineASRTests", dependencies: ["HotlineASR"]),
        .testTarget(name: "HotlineTTSTests", dependencies: ["HotlineTTS"]),
        .testTarget(name: "HotlineDialogueTests", dependencies: ["HotlineDialogue"]),
        .testTarget(name: "HotlineStoreTests", dependencies: ["HotlineStore", "HotlineTestSupport"]),
        .testTarget(name: "HotlineSIPTests", dependencies: ["HotlineSIP", "HotlineTestSupport"]),
        .testTarget(name: "HotlineDaemonTests", dependencies: ["HotlineDaemon", "HotlineDialogue", "HotlineTestSupport"]),
        .testTarget(name: "HotlineConsoleTests", dependencies: ["HotlineConsole",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .testTarget(name: "HotlineCLITests", dependencies: ["hotline", "hotlined", "HotlineTestSupport"]),
        // What several test targets share: the fuzz suites' seeded mutator, signal measures, an in-memory line.
        .target(name: "HotlineTestSupport", dependencies: ["HotlineDaemon"], path: "Tests/HotlineTestSupport"),
    ]
)
