// swift-tools-version:6.1

import PackageDescription

let package = Package(
    name: "campaignctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "campaignctl", targets: ["campaignctl"]),
        .library(name: "CampaignCore", targets: ["CampaignCore"]),
        .library(name: "FeedImport", targets: ["FeedImport"]),
    ],
    dependencies: [
        // Versions of the local mirror (see the machine doc); `from:` keeps the same major version.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // sqlite3_config, which is variadic and so out of Swift's reach (GRDB's shim wraps only its log hook).
        .systemLibrary(
            name: "CSQLiteConfig",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "FeedImport", dependencies: ["CLibXML2"]),
        .target(
            name: "CampaignCore",
            dependencies: [
                "FeedImport",
                "CSQLiteConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                // ByteBuffer, TimeAmount and HTTPHeaders appear in async-http-client's API.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // Team mode: the PostgreSQL backend and its TLS settings.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "campaignctl",
            dependencies: [
                "CampaignCore",
                "FeedImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // Data files are read in place through #filePath; they are excluded, not resources.
        .testTarget(
            name: "FeedImportTests",
            dependencies: ["FeedImport", "TestSupport"]
        ),
        .testTarget(
            name: "CampaignCoreTests",
            dependencies: [
                "CampaignCore",
                "FeedImport",
                "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                // Loopback fake X Ads API and webhook receiver; tests only.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Campaigns/Golden", "Reports/Golden"]
        ),
        // Runs the built `campaignctl` binary, as a user would.
        .testTarget(name: "campaignctlTests", dependencies: ["TestSupport"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)

// One place for strictness, as in apple/swift-log.
for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("InternalImportsByDefault"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
