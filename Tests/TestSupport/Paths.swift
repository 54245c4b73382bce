public import Foundation

/// Where the repository's files are, found from this source file (no resources, no bundles).
public enum Paths {
    /// The repository root: the first folder above this file that holds `Package.swift`.
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `Samples/` in the repository.
    public static var samples: URL {
        repositoryRoot.appendingPathComponent("Samples")
    }

    /// The sample brand's folder.
    public static var sampleBrand: URL {
        samples.appendingPathComponent("maison-lumiere")
    }

    /// `../shared/`, the read-only outside data (real feeds, reports, conformance suites); `CAMPAIGNCTL_SHARED`
    /// names it when the clone does not sit beside it.
    public static var shared: URL {
        if let folder = ProcessInfo.processInfo.environment["CAMPAIGNCTL_SHARED"], !folder.isEmpty {
            return URL(fileURLWithPath: folder)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// A real feed from `../shared/feeds/real/`.
    public static func realFeed(_ name: String) -> URL {
        shared.appendingPathComponent("feeds/real").appendingPathComponent(name)
    }

    /// The built `campaignctl` binary (debug build folder).
    public static var binary: URL {
        let fromBundle = Bundle.main.bundleURL
        let folder =
            fromBundle.lastPathComponent.hasSuffix("xctest") ? fromBundle.deletingLastPathComponent() : fromBundle
        let candidate = folder.appendingPathComponent("campaignctl")
        if FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        return repositoryRoot.appendingPathComponent(".build/debug/campaignctl")
    }
}

/// A fresh folder under the system's temporary folder, removed when the value is deinitialised.
public final class TemporaryDirectory: @unchecked Sendable {
    /// The folder.
    public let url: URL

    /// Creates the folder.
    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("campaignctl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// A path inside the folder.
    public func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// Writes a file and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes bytes and returns the path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
