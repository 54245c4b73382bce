import FeedImport
import Foundation

/// A campaign and its latest revision.
public struct CampaignSummary: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var format: String
    public var catalog: String
    public var status: String
    public var revision: Int
    public var digest: String
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, format, catalog, status, revision, digest
        case createdAt = "created_at"
    }
}

/// One stored revision: the spec as written, the manifest it resolved to, and its digest.
public struct CampaignRevision: Sendable, Hashable, Codable {
    public var campaignID: String
    public var revision: Int
    public var specFile: String
    public var specYAML: String
    /// The manifest's canonical JSON, exactly as hashed.
    public var manifestJSON: String
    public var digest: String
    public var createdAt: String
    public var author: String?
    /// Why the revision exists (`created`, `spec updated`, `catalog changed`).
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case campaignID = "campaign_id"
        case revision
        case specFile = "spec_file"
        case specYAML = "spec"
        case manifestJSON = "manifest"
        case digest
        case createdAt = "created_at"
        case author, reason
    }

    /// The decoded manifest.
    public func manifest() throws -> CampaignManifest {
        try JSONDecoder().decode(CampaignManifest.self, from: Data(manifestJSON.utf8))
    }
}

/// Why a campaign operation was refused.
public enum CampaignError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spec or what it resolves to has errors (they are in the diagnostics).
    case invalidSpec(file: String, errors: Int)
    case alreadyExists(String)
    case unknownCampaign(String)
    case unknownRevision(campaign: String, revision: Int)
    case idMismatch(campaign: String, specID: String)
    case unreadableSpec(file: String, reason: String)

    public var description: String {
        switch self {
        case .invalidSpec(let file, let errors):
            "\(file): \(errors) error\(errors == 1 ? "" : "s") (see above); nothing was stored"
        case .alreadyExists(let id):
            "a campaign '\(id)' already exists (use campaign update \(id) --spec FILE)"
        case .unknownCampaign(let id):
            "no campaign '\(id)'"
        case .unknownRevision(let id, let revision):
            "campaign '\(id)' has no revision \(revision)"
        case .idMismatch(let campaign, let specID):
            "the spec describes campaign '\(specID)', not '\(campaign)'"
        case .unreadableSpec(let file, let reason):
            "cannot read \(file): \(reason)"
        }
    }
}

/// The catalog as seen inside one database access (so the resolver can run inside a write transaction).
struct DatabaseCatalog: CatalogReading {
    let db: any SQLConnection

    func storedProduct(catalog: String, id: String) throws -> StoredProduct? {
        guard
            let catalogID = try db.fetchOne(
                Int64.self,
                sql: "SELECT id FROM catalog WHERE name = ?",
                arguments: [catalog]
            )
        else {
            return nil
        }
        return try db.fetchOne(
            sql: """
                SELECT \(StoredProduct.columns) FROM product p JOIN catalog c ON c.id = p.catalog_id
                WHERE p.catalog_id = ? AND p.key = ?
                """,
            arguments: [catalogID, ImportSession.key(id)]
        ).map(StoredProduct.init(row:))
    }

    func catalogExists(_ name: String) throws -> Bool {
        try db.fetchOne(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM catalog WHERE name = ?)", arguments: [name])
            ?? false
    }

    func selectProducts(catalog: String, selection: ProductSelection, limit: Int) throws -> [StoredProduct] {
        do {
            let catalogID = try CampaignStore.requireCatalog(catalog, db)
            var conditions = [
                "p.catalog_id = ?", "p.status = 'active'", "p.rejected_import_id IS NULL", "p.price_micros > 0",
                "(p.availability = 'in_stock' OR (p.availability IN ('preorder', 'backorder') AND p.availability_date IS NOT NULL))",
            ]
            var arguments: [any SQLValueConvertible] = [catalogID]
            if let brand = selection.brand {
                conditions.append("p.brand = ?")
                arguments.append(brand.value)
            }
            if let type = selection.productType {
                // A prefix of the category path: "Maison > Décoration" selects its subcategories too.
                // Both engines count code points; the length is cast because PostgreSQL's substr takes an int4.
                conditions.append("(p.product_type = ? OR substr(p.product_type, 1, CAST(? AS INTEGER)) = ?)")
                arguments += [type.value, type.value.unicodeScalars.count + 3, type.value + " > "]
            }
            for (index, label) in selection.customLabels.sorted(by: { $0.key < $1.key }) {
                conditions.append("p.custom_label_\(index) = ?")
                arguments.append(label.value)
            }
            if let minimum = selection.minPrice {
                conditions.append("p.currency = ? AND coalesce(p.sale_price_micros, p.price_micros) >= ?")
                arguments += [minimum.value.currency, minimum.value.micros]
            }
            if let maximum = selection.maxPrice {
                conditions.append("p.currency = ? AND coalesce(p.sale_price_micros, p.price_micros) <= ?")
                arguments += [maximum.value.currency, maximum.value.micros]
            }
            if !selection.availability.isEmpty {
                conditions.append(
                    "p.availability IN (\(selection.availability.map { _ in "?" }.joined(separator: ", ")))"
                )
                arguments += selection.availability.map(\.value.rawValue)
            }
            if let group = selection.itemGroupID {
                conditions.append("p.item_group_id = ?")
                arguments.append(group.value)
            }
            let order: String
            switch selection.order.value {
            case .id: order = "p.key"
            case .title: order = "p.title, p.key"
            case .priceAscending: order = "coalesce(p.sale_price_micros, p.price_micros), p.key"
            case .priceDescending: order = "coalesce(p.sale_price_micros, p.price_micros) DESC, p.key"
            }
            let sql = """
                SELECT \(StoredProduct.columns) FROM product p JOIN catalog c ON c.id = p.catalog_id
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(order) LIMIT \(max(0, limit))
                """
            return try db.fetchAll(sql: sql, arguments: SQLArguments(arguments)).map(
                StoredProduct.init(row:)
            )
        }
    }
}

extension CampaignStore: CatalogReading {
    public func storedProduct(catalog: String, id: String) throws -> StoredProduct? {
        try read { db in try DatabaseCatalog(db: db).storedProduct(catalog: catalog, id: id) }
    }

    public func catalogExists(_ name: String) throws -> Bool {
        try read { db in try DatabaseCatalog(db: db).catalogExists(name) }
    }

    public func selectProducts(catalog: String, selection: ProductSelection, limit: Int) throws -> [StoredProduct] {
        try read { db in
            try DatabaseCatalog(db: db).selectProducts(catalog: catalog, selection: selection, limit: limit)
        }
    }
}

extension CampaignStore {
    /// Parses and resolves a spec against the catalog and the workspace's verified domains.
    public func validateCampaign(
        yaml: String,
        file: String
    ) throws -> (manifest: CampaignManifest?, diagnostics: [CampaignDiagnostic]) {
        try read { db in try Self.resolve(yaml: yaml, file: file, in: db) }
    }

    /// Parses and resolves a spec inside a database access, against the verified policy's domains.
    static func resolve(
        yaml: String,
        file: String,
        in db: any SQLConnection
    ) throws -> (manifest: CampaignManifest?, diagnostics: [CampaignDiagnostic]) {
        let (spec, parseDiagnostics) = CampaignSpec.parse(yaml: yaml, file: file)
        guard let spec else {
            return (nil, parseDiagnostics)
        }
        let domains = try verifiedPolicy(db, memory: WitnessMemory()).document.verifiedDomains
        let resolution = try CampaignResolver(verifiedDomains: domains).resolve(spec, catalog: DatabaseCatalog(db: db))
        let diagnostics = parseDiagnostics + resolution.diagnostics
        return (diagnostics.hasErrors ? nil : resolution.manifest, diagnostics)
    }

    /// Creates a campaign from a spec: revision 1. Nothing is stored when the spec has errors.
    public func createCampaign(
        yaml: String,
        file: String,
        author: Acting?
    ) throws -> (revision: CampaignRevision, diagnostics: [CampaignDiagnostic], memory: WitnessMemory?) {
        let (manifest, diagnostics) = try validateCampaign(yaml: yaml, file: file)
        guard let manifest else {
            throw CampaignValidationFailure(diagnostics: diagnostics, file: file)
        }
        let (revision, memory) = try authoring(
            author,
            action: "campaign.create",
            target: "campaign:\(manifest.campaignID)"
        ) {
            db,
            now in
            if try db.fetchOne(
                Bool.self,
                sql: "SELECT EXISTS (SELECT 1 FROM campaign WHERE id = ?)",
                arguments: [manifest.campaignID]
            ) == true {
                throw CampaignError.alreadyExists(manifest.campaignID)
            }
            try db.execute(
                sql: """
                    INSERT INTO campaign (id, name, catalog, format, status, created_at, created_by)
                    VALUES (?, ?, ?, ?, 'draft', ?, ?)
                    """,
                arguments: [
                    manifest.campaignID, manifest.name, manifest.catalog, manifest.format, Timestamp.string(now),
                    author?.name,
                ]
            )
            return try Self.insertRevision(
                db,
                number: 1,
                manifest: manifest,
                file: file,
                yaml: yaml,
                author: author?.name,
                reason: "created",
                now: Timestamp.string(now)
            )
        }
        return (revision, diagnostics, memory)
    }

    /// Re-resolves a campaign, from a new spec or (without one) from its latest spec against the current
    /// catalog. A new revision is stored only when the manifest changed; `revision` is nil when it did not.
    /// Without an author, the revision is attributed to `system` (an automatic refresh); either way every
    /// earlier approval is void, since approvals sign a revision's digest.
    public func updateCampaign(
        id: String,
        yaml newYAML: String?,
        file newFile: String?,
        author: Acting?
    ) throws -> (
        revision: CampaignRevision?, latest: CampaignRevision, diagnostics: [CampaignDiagnostic], memory: WitnessMemory?
    ) {
        let latest = try latestRevision(id)
        let yaml = newYAML ?? latest.specYAML
        let file = newFile ?? latest.specFile
        let (manifest, diagnostics) = try validateCampaign(yaml: yaml, file: file)
        guard let manifest else {
            throw CampaignValidationFailure(diagnostics: diagnostics, file: file)
        }
        guard manifest.campaignID == id else {
            throw CampaignError.idMismatch(campaign: id, specID: manifest.campaignID)
        }
        let digest = try manifest.digest()
        guard digest != latest.digest else {
            return (nil, latest, diagnostics, author?.memory)
        }
        let (revision, memory) = try authoring(author, action: "campaign.update", target: "campaign:\(id)") { db, now in
            let current =
                try db.fetchOne(
                    Int.self,
                    sql: "SELECT max(revision) FROM campaign_revision WHERE campaign_id = ?",
                    arguments: [id]
                ) ?? 0
            let revision = try Self.insertRevision(
                db,
                number: current + 1,
                manifest: manifest,
                file: file,
                yaml: yaml,
                author: author?.name ?? "system",
                reason: newYAML == nil ? "catalog changed" : "spec updated",
                now: Timestamp.string(now)
            )
            // A new revision voids the earlier ones' approvals; the campaign is a draft again unless live.
            try db.execute(
                sql:
                    "UPDATE campaign SET status = 'draft' WHERE id = ? AND status IN ('submitted', 'approved', 'rejected')",
                arguments: [id]
            )
            return revision
        }
        return (revision, revision, diagnostics, memory)
    }

    /// Stores a revision, signed by its author when one acts (witness checks first), and audits it.
    private func authoring(
        _ author: Acting?,
        action: String,
        target: String,
        _ body: (any SQLConnection, Date) throws -> CampaignRevision
    ) throws -> (CampaignRevision, WitnessMemory?) {
        guard let author else {
            let revision = try write { db in
                let now = context.now()
                let revision = try body(db, now)
                try Self.appendAudit(
                    Self.revisionRecord(revision, actor: "system", action: action, claim: nil),
                    at: Timestamp.string(now),
                    in: db
                )
                return revision
            }
            return (revision, nil)
        }
        let (revision, memory) = try signing(author, action: action, target: target) { db, policy in
            guard policy.isActive(author.name, role: .author) else {
                throw ApprovalError.missingRole(person: author.name, role: .author)
            }
            let now = context.now()
            let revision = try body(db, now)
            let claim = try Self.signAuthorship(
                revision,
                by: author,
                workspaceID: policy.document.workspaceID,
                in: db,
                now: now,
                nonce: context.makeID()
            )
            return (Self.revisionRecord(revision, actor: author.name, action: action, claim: claim), revision)
        }
        return (revision, memory)
    }

    private static func revisionRecord(
        _ revision: CampaignRevision,
        actor: String,
        action: String,
        claim: SignedClaim?
    ) -> AuditRecord {
        AuditRecord(
            actor: actor,
            action: action,
            target: "campaign:\(revision.campaignID)@\(revision.revision)",
            digest: revision.digest,
            details: .object(["reason": .string(revision.reason), "spec": .string(revision.specFile)]),
            claim: claim
        )
    }

    private static func insertRevision(
        _ db: any SQLConnection,
        number: Int,
        manifest: CampaignManifest,
        file: String,
        yaml: String,
        author: String?,
        reason: String,
        now: String
    ) throws -> CampaignRevision {
        let canonical = try manifest.canonicalJSON()
        let revision = CampaignRevision(
            campaignID: manifest.campaignID,
            revision: number,
            specFile: file,
            specYAML: yaml,
            manifestJSON: canonical.canonicalString,
            digest: canonical.sha256Hex,
            createdAt: now,
            author: author,
            reason: reason
        )
        try db.execute(
            sql: """
                INSERT INTO campaign_revision (campaign_id, revision, spec_file, spec_yaml, manifest, digest, created_at, author, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                revision.campaignID, revision.revision, revision.specFile, revision.specYAML, revision.manifestJSON,
                revision.digest, revision.createdAt, revision.author, revision.reason,
            ]
        )
        return revision
    }

    /// Every campaign with its latest revision.
    public func campaigns() throws -> [CampaignSummary] {
        try read { db in
            try db.fetchAll(
                sql: """
                    SELECT c.id, c.name, c.format, c.catalog, c.status, r.revision, r.digest, c.created_at
                    FROM campaign c JOIN campaign_revision r ON r.campaign_id = c.id
                    WHERE r.revision = (SELECT max(revision) FROM campaign_revision WHERE campaign_id = c.id)
                    ORDER BY c.id
                    """
            ).map {
                CampaignSummary(
                    id: try $0[0],
                    name: try $0[1],
                    format: try $0[2],
                    catalog: try $0[3],
                    status: try $0[4],
                    revision: try $0[5],
                    digest: try $0[6],
                    createdAt: try $0[7]
                )
            }
        }
    }

    /// One revision (the latest when `revision` is nil).
    public func campaignRevision(_ id: String, revision: Int? = nil) throws -> CampaignRevision {
        guard let revision else {
            return try latestRevision(id)
        }
        return try read { db in
            guard
                try db.fetchOne(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM campaign WHERE id = ?)", arguments: [id])
                    == true
            else {
                throw CampaignError.unknownCampaign(id)
            }
            guard
                let row = try db.fetchOne(
                    sql: Self.revisionSQL + " WHERE campaign_id = ? AND revision = ?",
                    arguments: [id, revision]
                )
            else {
                throw CampaignError.unknownRevision(campaign: id, revision: revision)
            }
            return try Self.revision(row)
        }
    }

    /// Every revision of a campaign, oldest first.
    public func campaignRevisions(_ id: String) throws -> [CampaignRevision] {
        try read { db in
            let rows = try db.fetchAll(
                sql: Self.revisionSQL + " WHERE campaign_id = ? ORDER BY revision",
                arguments: [id]
            )
            guard !rows.isEmpty else {
                throw CampaignError.unknownCampaign(id)
            }
            return try rows.map(Self.revision)
        }
    }

    func latestRevision(_ id: String) throws -> CampaignRevision {
        try read { db in
            guard
                let row = try db.fetchOne(
                    sql: Self.revisionSQL + " WHERE campaign_id = ? ORDER BY revision DESC LIMIT 1",
                    arguments: [id]
                )
            else {
                throw CampaignError.unknownCampaign(id)
            }
            return try Self.revision(row)
        }
    }

    private static let revisionSQL = """
        SELECT campaign_id, revision, spec_file, spec_yaml, manifest, digest, created_at, author, reason FROM campaign_revision
        """

    private static func revision(_ row: SQLRow) throws -> CampaignRevision {
        CampaignRevision(
            campaignID: try row[0],
            revision: try row[1],
            specFile: try row[2],
            specYAML: try row[3],
            manifestJSON: try row[4],
            digest: try row[5],
            createdAt: try row[6],
            author: try row[7],
            reason: try row[8]
        )
    }
}

/// A spec whose diagnostics include errors: thrown so that callers print them and exit 65.
public struct CampaignValidationFailure: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [CampaignDiagnostic]
    public var file: String

    /// Creates a failure from the diagnostics (at least one of them an error).
    public init(diagnostics: [CampaignDiagnostic], file: String) {
        self.diagnostics = diagnostics
        self.file = file
    }

    public var description: String {
        CampaignError.invalidSpec(file: file, errors: diagnostics.filter { $0.severity == .error }.count).description
    }
}
