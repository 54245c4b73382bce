import Foundation

/// What copying a workspace to another database did and found.
public struct WorkspaceCopyReport: Sendable, Hashable {
    /// Rows copied from one table.
    public struct Table: Sendable, Hashable {
        public var name: String
        public var rows: Int
    }

    /// Rows copied per table, in copy order.
    public var tables: [Table]
    /// The audit log as verified on the target: its size and Merkle root (equal to the source's).
    public var auditEvents: Int
    public var auditRoot: String
    /// Signed claims whose signature verified on the target.
    public var claimsVerified: Int
    /// The policy version the target's signatures establish (0 without a workspace).
    public var policyVersion: Int
}

/// Why a copy was refused; nothing was written to the target.
public enum WorkspaceCopyError: Error, Equatable, Sendable, CustomStringConvertible {
    case sameDatabase
    case targetNotEmpty(String)
    case verificationFailed(String)

    public var description: String {
        switch self {
        case .sameDatabase:
            "the source and the target are the same database"
        case .targetNotEmpty(let what):
            "the target already holds data (\(what)); copy into an empty database or schema"
        case .verificationFailed(let reason):
            "the copy does not verify on the target, so nothing was written: \(reason)"
        }
    }
}

extension CampaignStore {
    /// Every table, parents before children, with the column that orders it (and its identity key, if any).
    static let copiedTables: [(name: String, order: String, identity: String?)] = [
        ("workspace", "id", nil),
        ("policy_version", "version", "version"),
        ("catalog", "id", "id"),
        ("import_run", "id", "id"),
        ("product", "id", "id"),
        ("product_history", "id", "id"),
        ("diagnostic", "id", "id"),
        ("campaign", "id", nil),
        ("campaign_revision", "campaign_id, revision", nil),
        ("claim", "id", "id"),
        ("audit_event", "seq", "seq"),
        ("notification", "id", nil),
        ("setting", "key", nil),
        ("publish_step", "campaign_id, revision, action, position", nil),
        ("publish_lease", "campaign_id", nil),
        ("report_entity", "id", "id"),
        ("performance", "day, entity, hour, placement", nil),
        ("sale", "event_id", nil),
    ]

    /// Copies the whole workspace (catalog, campaigns, revisions, approvals, policy, audit log, reports) into
    /// `target`, an empty database on either engine, in one transaction there.
    ///
    /// The target is trusted no more than the source: before committing, the audit chain is verified on the
    /// target and must have the source's Merkle root, the policy chain is re-established from its signatures,
    /// and every claim's signature is checked against its signer's key. Any failure rolls the copy back.
    public func copyWorkspace(
        to target: CampaignStore,
        progress: (String, Int) -> Void = { _, _ in }
    ) throws -> WorkspaceCopyReport {
        guard location != target.location else {
            throw WorkspaceCopyError.sameDatabase
        }
        let source = try verifyAudit()
        if let problem = source.problem {
            throw WorkspaceCopyError.verificationFailed("the source's audit log: \(problem)")
        }
        return try read { from in
            try target.write { to in
                for table in Self.copiedTables {
                    if try to.fetchOne(sql: "SELECT 1 FROM \(table.name) LIMIT 1") != nil {
                        throw WorkspaceCopyError.targetNotEmpty("table \(table.name) has rows")
                    }
                }
                var tables: [WorkspaceCopyReport.Table] = []
                for table in Self.copiedTables {
                    let rows = try Self.copy(table.name, orderedBy: table.order, from: from, to: to)
                    progress(table.name, rows)
                    tables.append(WorkspaceCopyReport.Table(name: table.name, rows: rows))
                }
                if to.kind == .postgres {
                    // Copied keys were given explicitly: the next generated ones start after them.
                    for table in Self.copiedTables {
                        guard let column = table.identity else { continue }
                        try to.execute(
                            sql: """
                                SELECT setval(pg_get_serial_sequence('\(table.name)', '\(column)'),
                                    COALESCE((SELECT MAX(\(column)) FROM \(table.name)), 0) + 1, false)
                                """
                        )
                    }
                }
                let audit = try Self.verifyAudit(to, against: nil)
                if let problem = audit.problem {
                    throw WorkspaceCopyError.verificationFailed("the audit log: \(problem)")
                }
                guard audit.size == source.size, audit.root == source.root else {
                    throw WorkspaceCopyError.verificationFailed(
                        "the audit log's root differs from the source's (\(audit.size) vs \(source.size) events)"
                    )
                }
                let hasWorkspace = try to.fetchOne(sql: "SELECT 1 FROM workspace") != nil
                let policy = hasWorkspace ? try Self.verifiedPolicy(to, memory: WitnessMemory()) : nil
                let claims = try Self.verifyEveryClaim(to)
                return WorkspaceCopyReport(
                    tables: tables,
                    auditEvents: audit.size,
                    auditRoot: audit.root,
                    claimsVerified: claims,
                    policyVersion: policy?.document.version ?? 0
                )
            }
        }
    }

    /// Streams one table's rows into the same table of the target.
    private static func copy(
        _ table: String,
        orderedBy order: String,
        from: any SQLConnection,
        to: any SQLConnection
    ) throws -> Int {
        var insert: (any SQLStatement)?
        var count = 0
        try from.forEachRow(sql: "SELECT * FROM \(table) ORDER BY \(order)", arguments: []) { row in
            let statement: any SQLStatement
            if let insert {
                statement = insert
            } else {
                let columns = row.columns.joined(separator: ", ")
                statement = try to.prepare(
                    sql: "INSERT INTO \(table) (\(columns)) VALUES (\(sqlPlaceholders(row.columns.count)))"
                )
                insert = statement
            }
            for (index, value) in row.values.enumerated() {
                statement.bind(value, at: Int32(index + 1))
            }
            try statement.execute()
            count += 1
        }
        return count
    }

    /// Checks every stored claim: its columns say what its signed text says, and its signature verifies
    /// under the signer's key in a policy version the chain established (the one it names, if any).
    static func verifyEveryClaim(_ db: any SQLConnection) throws -> Int {
        let documents = try db.fetchAll(sql: "SELECT version, document FROM policy_version").compactMap {
            row -> (Int, PolicyDocument)? in
            let text: String = try row[1]
            return try (try? JSONDecoder().decode(PolicyDocument.self, from: Data(text.utf8))).map { (try row[0], $0) }
        }
        var count = 0
        try db.forEachRow(
            sql:
                "SELECT id, kind, signer, campaign_id, revision, policy_version, text, signature FROM claim ORDER BY id",
            arguments: []
        ) { row in
            let id: Int64 = try row[0]
            let signed = SignedClaim(text: try row[6], signature: try row[7])
            guard let claim = try? signed.claim() else {
                throw WorkspaceCopyError.verificationFailed("claim #\(id) is not a signed claim")
            }
            let kind: String = try row[1]
            let signer: String = try row[2]
            let campaignID: String? = try row[3]
            let revision: Int? = try row[4]
            let policyVersion: Int? = try row[5]
            guard claim.kind.rawValue == kind, claim.signer == signer, claim.campaignID == campaignID,
                claim.revision == revision, claim.policyVersion == policyVersion
            else {
                throw WorkspaceCopyError.verificationFailed("claim #\(id)'s columns differ from its signed text")
            }
            let candidates = documents.filter { claim.policyVersion == nil || $0.0 == claim.policyVersion }
            guard
                candidates.contains(where: { _, document in
                    PolicyChain.publicKey(of: signer, in: document).map(signed.isValid(for:)) == true
                })
            else {
                throw WorkspaceCopyError.verificationFailed(
                    "claim #\(id) by '\(signer)': the signature does not verify"
                )
            }
            count += 1
        }
        return count
    }
}
