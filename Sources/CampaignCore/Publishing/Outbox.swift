import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The default publishing target: each publish, pause or resume writes one bundle folder holding the
/// requests the X Ads API would receive, the manifest, its digest, the signed claims that allowed it and
/// an audit checkpoint. Nothing needs credentials or network; a person or a separate executor replays it.
public struct Outbox: Sendable {
    /// The outbox folder.
    public let directory: String

    /// An outbox in `directory` (created when first written to).
    public init(directory: String) {
        self.directory = directory
    }

    /// What goes into a bundle.
    public struct Bundle: Sendable {
        /// `publish`, `pause` or `resume`.
        public var action: String
        public var campaignID: String
        public var revision: Int
        public var requests: [AdRequest]
        public var manifestJSON: String
        public var digest: String
        /// The signed claims behind the action (authorship, submission, approvals, the action itself).
        public var claims: [SignedClaim]
        /// The audit log's signed tree head (C2SP checkpoint), or its unsigned body.
        public var checkpoint: String

        /// Creates a bundle.
        public init(
            action: String,
            campaignID: String,
            revision: Int,
            requests: [AdRequest],
            manifestJSON: String,
            digest: String,
            claims: [SignedClaim],
            checkpoint: String
        ) {
            self.action = action
            self.campaignID = campaignID
            self.revision = revision
            self.requests = requests
            self.manifestJSON = manifestJSON
            self.digest = digest
            self.claims = claims
            self.checkpoint = checkpoint
        }
    }

    /// Why the outbox could not be written.
    public enum OutboxError: Error, Equatable, Sendable, CustomStringConvertible {
        case cannotWrite(path: String, reason: String)
        case conflictingBundle(path: String)

        public var description: String {
            switch self {
            case .cannotWrite(let path, let reason):
                "cannot write the outbox bundle \(path): \(reason)"
            case .conflictingBundle(let path):
                "the outbox already holds \(path) with other content; it was not overwritten"
            }
        }
    }

    /// The folder of a bundle: `<campaign>/r<revision>-<action>[-<n>]`.
    public func path(campaignID: String, revision: Int, action: String, sequence: Int? = nil) -> String {
        let name = "r\(revision)-\(action)" + (sequence.map { "-\($0)" } ?? "")
        return (directory as NSString).appendingPathComponent("\(campaignID)/\(name)")
    }

    /// Writes a bundle atomically (a temporary folder renamed into place) and returns its path.
    ///
    /// Writing the same bundle again is a no-op (a publish retried after a crash between writing the
    /// bundle and committing the database); a different bundle under the same name is refused.
    @discardableResult
    public func write(_ bundle: Bundle, sequence: Int? = nil) throws -> String {
        let target = path(
            campaignID: bundle.campaignID,
            revision: bundle.revision,
            action: bundle.action,
            sequence: sequence
        )
        let files = try contents(of: bundle)
        let manager = FileManager.default
        if manager.fileExists(atPath: target) {
            let existing =
                (try? String(contentsOfFile: (target as NSString).appendingPathComponent("digest.txt"), encoding: .utf8))
            guard existing == files["digest.txt"] else {
                throw OutboxError.conflictingBundle(path: target)
            }
            return target
        }
        let parent = (target as NSString).deletingLastPathComponent
        let temporary = (parent as NSString).appendingPathComponent(
            ".tmp-\((target as NSString).lastPathComponent)-\(UUID().uuidString)"
        )
        do {
            try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            for (name, text) in files.sorted(by: { $0.key < $1.key }) {
                try Data(text.utf8).write(
                    to: URL(fileURLWithPath: (temporary as NSString).appendingPathComponent(name))
                )
            }
            guard rename(temporary, target) == 0 else {
                throw OutboxError.cannotWrite(path: target, reason: String(cString: strerror(errno)))
            }
        } catch let error as OutboxError {
            try? manager.removeItem(atPath: temporary)
            throw error
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw OutboxError.cannotWrite(path: target, reason: "\(error)")
        }
        return target
    }

    /// Bundles already written for a campaign and action (to number pauses and resumes).
    public func count(campaignID: String, revision: Int, action: String) -> Int {
        let folder = (directory as NSString).appendingPathComponent(campaignID)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("r\(revision)-\(action)") }.count
    }

    private func contents(of bundle: Bundle) throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let requests = String(decoding: try encoder.encode(bundle.requests), as: UTF8.self) + "\n"
        let claims = String(decoding: try encoder.encode(bundle.claims), as: UTF8.self) + "\n"
        let readme = """
            campaignctl outbox bundle: \(bundle.action) of campaign '\(bundle.campaignID)' revision \(bundle.revision)

            requests.json   the X Ads API requests, in order ({placeholders} are ids returned by earlier requests)
            manifest.json   exactly what was approved (canonical JSON); its SHA-256 is digest.txt
            claims.json     the signed claims that allowed it (Ed25519, verifiable with the policy's public keys)
            checkpoint.txt  the audit log's tree head when it was written (C2SP checkpoint)

            """
        return [
            "README.txt": readme,
            "requests.json": requests,
            "manifest.json": bundle.manifestJSON + "\n",
            "digest.txt": bundle.digest + "\n",
            "claims.json": claims,
            "checkpoint.txt": bundle.checkpoint,
        ]
    }
}
