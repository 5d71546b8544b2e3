// swift-tools-version: 6.0
import PackageDescription

// One target per subsystem (see docs/ARCHITECTURE.md). Leaves (WharfAPI, OCI, Archive)
// never import Engine; executables are thin shells over libraries.
let strict: [SwiftSetting] = [
    .unsafeFlags(["-warnings-as-errors"], .when(configuration: .release)),
]

let package = Package(
    name: "Wharf",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wharfd", targets: ["wharfd"]),
        .executable(name: "wharf", targets: ["wharf"]),
        .executable(name: "wharf-shim", targets: ["wharf-shim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .target(name: "CWharf", linkerSettings: [.linkedLibrary("util"), .linkedLibrary("dl")]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "WharfCore", dependencies: ["CWharf"], swiftSettings: strict),
        .target(name: "WharfAPI", dependencies: ["WharfCore"], swiftSettings: strict),
        .target(name: "WharfClient", dependencies: ["WharfAPI", "CWharf"], swiftSettings: strict),
        .target(name: "OCI", dependencies: ["WharfCore", "CWharf"], swiftSettings: strict),
        .target(name: "Archive", dependencies: ["CZlib", "CWharf", "WharfCore"], swiftSettings: strict),
        .target(name: "ImageStore", dependencies: ["OCI", "Archive", "CWharf", "WharfCore"], swiftSettings: strict),
        .target(name: "Runtime", dependencies: ["OCI", "CWharf", "WharfCore"], swiftSettings: strict),
        // The Dockerfile language: parser, variable substitution, .dockerignore (a leaf).
        .target(name: "Dockerfile", dependencies: ["WharfCore"], swiftSettings: strict),
        // The OCI distribution client (pull, push, auth); a leaf: it never imports Engine.
        .target(name: "Registry", dependencies: [
            "OCI", "WharfCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: strict),
        .target(name: "Engine", dependencies: [
            "WharfAPI", "OCI", "Archive", "ImageStore", "Runtime", "Registry", "CWharf",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // The classic builder: Dockerfile steps over the engine (containers for RUN, layers
        // written directly for COPY/ADD, one image per step as the cache).
        .target(name: "Builder", dependencies: [
            "Dockerfile", "Engine", "ImageStore", "OCI", "Archive", "WharfAPI", "WharfCore",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "APIServer", dependencies: [
            "WharfAPI", "Engine",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "WharfCLI", dependencies: [
            "WharfAPI", "WharfClient", "CWharf", "WharfCore", "Archive", "Dockerfile",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        .executableTarget(name: "wharfd", dependencies: [
            "APIServer", "Engine", "Builder", "WharfAPI", "WharfCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .executableTarget(name: "wharf", dependencies: ["WharfCLI"], swiftSettings: strict),
        .executableTarget(name: "wharf-shim", dependencies: ["Runtime", "CWharf", "WharfCore"], swiftSettings: strict),

        .testTarget(name: "WharfCoreTests", dependencies: ["WharfCore"]),
        .testTarget(name: "WharfAPITests", dependencies: ["WharfAPI"]),
        .testTarget(name: "OCITests", dependencies: ["OCI"]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive"]),
        .testTarget(name: "ImageStoreTests", dependencies: ["ImageStore", "OCI", "Archive"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "OCI"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "OCI"]),
        .testTarget(name: "DockerfileTests", dependencies: ["Dockerfile", "WharfCore"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "WharfAPI"]),
        .testTarget(name: "APIServerTests", dependencies: ["APIServer", "Engine", "WharfAPI", "WharfClient"]),
        .testTarget(name: "WharfCLITests", dependencies: ["WharfCLI", "WharfClient", "WharfAPI"]),
    ],
    swiftLanguageModes: [.v6]
)
