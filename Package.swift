// swift-tools-version:6.0
import PackageDescription

/// Hotline: a speech-enabled phone hotline (voice IVR) in one Linux daemon.
/// Module layering follows ../shared/GUIDE.md: a module imports only those above it.
let package = Package(
    name: "Hotline",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hotline", targets: ["hotline"]),
        .executable(name: "hotlined", targets: ["hotlined"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System libraries: one Swift module imports each.
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),

        .target(name: "HotlineCore"),
        .target(name: "HotlineDSP", dependencies: ["HotlineCore", "CFFTW"]),
        .target(name: "HotlineAudio", dependencies: ["HotlineCore", "HotlineDSP", "CALSA", "CSndFile", "COpus"]),
        .target(name: "HotlineNN", dependencies: ["HotlineCore"]),
        .target(name: "HotlineASR", dependencies: ["HotlineCore", "HotlineDSP", "HotlineNN"]),
        .target(name: "HotlineTTS", dependencies: ["HotlineCore", "HotlineDSP"]),
        .target(name: "HotlineDialogue", dependencies: ["HotlineCore", "HotlineASR", "Yams"]),
        .target(name: "HotlineDaemon", dependencies: ["HotlineCore", "HotlineDSP", "HotlineNN", "HotlineASR", "HotlineTTS", "HotlineDialogue"]),

        .executableTarget(name: "hotline", dependencies: [
            "HotlineCore", "HotlineDSP", "HotlineAudio", "HotlineNN", "HotlineASR", "HotlineTTS", "HotlineDialogue", "HotlineDaemon", "Yams",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "hotlined", dependencies: [
            "HotlineCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "HotlineCoreTests", dependencies: ["HotlineCore"]),
        .testTarget(name: "HotlineDSPTests", dependencies: ["HotlineDSP"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HotlineAudioTests", dependencies: ["HotlineAudio", "HotlineDSP"]),
        .testTarget(name: "HotlineNNTests", dependencies: ["HotlineNN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HotlineASRTests", dependencies: ["HotlineASR"]),
        .testTarget(name: "HotlineTTSTests", dependencies: ["HotlineTTS"]),
        .testTarget(name: "HotlineDialogueTests", dependencies: ["HotlineDialogue"]),
        .testTarget(name: "HotlineDaemonTests", dependencies: ["HotlineDaemon"]),
        .testTarget(name: "HotlineCLITests", dependencies: ["hotline", "hotlined"]),
    ]
)
