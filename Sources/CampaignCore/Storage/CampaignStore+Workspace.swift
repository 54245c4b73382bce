import Foundation

/// The workspace: one brand per database, with its policy.
public struct Workspace: Sendable, Hashable, Codable {
    public var id: String
    public var brand: String
    public var createdAt: String
    /// The policy in force (or version 1 in setup mode).
    public var policy: PolicyDocument
    /// `setup` until sealed, then `in_force`.
    public var policyState: String

    enum CodingKeys: String, CodingKey {
        case id, brand
        case createdAt = "created_at"
        case policy
        case policyState = "policy_state"
    }
}

/// Why a workspace operation was refused.
public enum WorkspaceError: Error, Equatable, Sendable, CustomStringConvertible {
    case alreadyInitialized(brand: String)
    case notInitialized
    case invalidDomain(String)

    public var description: String {
        switch self {
        case .alreadyInitialized(let brand):
            "this database already holds the workspace of '\(brand)'"
        case .notInitialized:
            "no workspace here yet: run campaignctl init --brand NAME --domain DOMAIN first"
        case .invalidDomain(let domain):
            "'\(domain)' is not a domain name the brand can verify (e.g. maison-lumiere.fr)"
        }
    }
}

extension CampaignStore {
    /// Creates the workspace and policy version 1 in setup mode.
    public func initializeWorkspace(brand: String, domains: [String]) throws -> Workspace {
        var normalised: [String] = []
        for domain in domains {
            let checker = LinkChecker(verifiedDomains: [domain])
            guard let ascii = checker.verifiedDomains.first else {
                throw WorkspaceError.invalidDomain(domain)
            }
            normalised.append(ascii)
        }
        let id = context.makeID()
        let now = Timestamp.string(context.now())
        let policy = PolicyDocument(
            workspaceID: id,
            brand: brand,
            version: 1,
            verifiedDomains: Array(Set(normalised)).sorted()
        )
        let document = try CanonicalJSON(encoding: policy)
        return try write { db in
            if let existing = try db.fetchOne(String.self, sql: "SELECT brand FROM workspace") {
                throw WorkspaceError.alreadyInitialized(brand: existing)
            }
            try db.execute(
                sql: "INSERT INTO workspace (id, brand, created_at) VALUES (?, ?, ?)",
                arguments: [id, brand, now]
            )
            try db.execute(
                sql:
                    "INSERT INTO policy_version (version, document, digest, state, created_at) VALUES (1, ?, ?, 'setup', ?)",
                arguments: [document.canonicalString, document.sha256Hex, now]
            )
            try Self.appendAudit(
                AuditRecord(
                    actor: "system",
                    action: "workspace.init",
                    target: "workspace:\(id)",
                    digest: document.sha256Hex,
                    details: .object([
                        "brand": .string(brand), "domains": .array(policy.verifiedDomains.map { .string($0) }),
                    ])
                ),
                at: now,
                in: db
            )
            return Workspace(id: id, brand: brand, createdAt: now, policy: policy, policyState: "setup")
        }
    }

    /// The workspace and its current policy.
    public func workspace() throws -> Workspace {
        try read { db in try Self.workspace(db) }
    }

    static func workspace(_ db: any SQLConnection) throws -> Workspace {
        guard let row = try db.fetchOne(sql: "SELECT id, brand, created_at FROM workspace") else {
            throw WorkspaceError.notInitialized
        }
        guard
            let policyRow = try db.fetchOne(
                sql: """
                    SELECT document, state FROM policy_version WHERE state IN ('setup', 'in_force')
                    ORDER BY version DESC LIMIT 1
                    """
            )
        else {
            throw WorkspaceError.notInitialized
        }
        let document: String = try policyRow[0]
        let policy = try JSONDecoder().decode(PolicyDocument.self, from: Data(document.utf8))
        return Workspace(
            id: try row[0],
            brand: try row[1],
            createdAt: try row[2],
            policy: policy,
            policyState: try policyRow[1]
        )
    }
}
