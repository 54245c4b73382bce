/// The workspace's policy, like TUF's root role: who may do what, and the rules that guard launches.
///
/// Versioned: version 1 is created by `init` in setup mode; every later version is a proposal that
/// takes effect only when signed by the threshold of the version in force and of itself.
public struct PolicyDocument: Codable, Hashable, Sendable {
    /// A person of the workspace and their public key.
    public struct Person: Codable, Hashable, Sendable {
        /// Unique, lower-case name (`alice`).
        public var name: String
        /// Ed25519 public key, base64 of the 32 raw bytes.
        public var publicKey: String
        /// `author`, `approver`, `admin`.
        public var roles: [String]

        enum CodingKeys: String, CodingKey {
            case name
            case publicKey = "public_key"
            case roles
        }

        /// Creates a person.
        public init(name: String, publicKey: String, roles: [String]) {
            self.name = name
            self.publicKey = publicKey
            self.roles = roles
        }
    }

    /// Where notifications go.
    public struct Channel: Codable, Hashable, Sendable {
        /// `webhook` or `command`.
        public var kind: String
        /// The URL (webhook) or the command line (command).
        public var target: String
        /// For webhooks: the name of the environment variable holding the HMAC secret (never the secret).
        public var secretEnv: String?

        enum CodingKeys: String, CodingKey {
            case kind, target
            case secretEnv = "secret_env"
        }

        /// Creates a channel.
        public init(kind: String, target: String, secretEnv: String? = nil) {
            self.kind = kind
            self.target = target
            self.secretEnv = secretEnv
        }
    }

    public var workspaceID: String
    public var brand: String
    public var version: Int
    /// The digest of version `version - 1` (nil for version 1): versions form a chain.
    public var previousDigest: String?
    public var people: [Person]
    /// Approvals needed from people other than the submitter (1: two people in all).
    public var threshold: Int
    /// Destinations must be on one of these domains or their subdomains.
    public var verifiedDomains: [String]
    public var channels: [Channel]
    /// How long an approval stays valid.
    public var approvalLifetimeHours: Int

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case brand, version
        case previousDigest = "previous_digest"
        case people, threshold
        case verifiedDomains = "verified_domains"
        case channels
        case approvalLifetimeHours = "approval_lifetime_hours"
    }

    /// Creates a document.
    public init(
        workspaceID: String,
        brand: String,
        version: Int,
        previousDigest: String? = nil,
        people: [Person] = [],
        threshold: Int = 1,
        verifiedDomains: [String],
        channels: [Channel] = [],
        approvalLifetimeHours: Int = 72
    ) {
        self.workspaceID = workspaceID
        self.brand = brand
        self.version = version
        self.previousDigest = previousDigest
        self.people = people
        self.threshold = threshold
        self.verifiedDomains = verifiedDomains
        self.channels = channels
        self.approvalLifetimeHours = approvalLifetimeHours
    }

    /// SHA-256 of the canonical JSON, hex.
    public func digest() throws -> String {
        try CanonicalJSON(encoding: self).sha256Hex
    }

    /// The person with that name.
    public func person(_ name: String) -> Person? {
        people.first { $0.name == name }
    }

    /// Whether the person holds the role.
    public func has(_ name: String, role: Role) -> Bool {
        person(name)?.roles.contains(role.rawValue) ?? false
    }

    /// The people holding a role.
    public func people(with role: Role) -> [Person] {
        people.filter { $0.roles.contains(role.rawValue) }
    }
}

/// What a person may do.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Writes, updates and submits campaigns.
    case author
    /// Approves or rejects others' submissions and policy changes.
    case approver
    /// Proposes policy changes.
    case admin
}
