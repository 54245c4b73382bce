import Foundation

/// A live campaign whose catalog data changed under it.
public struct DriftReport: Sendable, Codable, Hashable {
    public var campaignID: String
    /// The live revision.
    public var revision: Int
    /// Field by field (`cards[0].product.price_micros: 39000000 → 34000000`), or the resolution errors
    /// when a product became unusable (out of stock, removed, rejected).
    public var changes: [String]
    /// Whether the campaign was paused because of it.
    public var paused: Bool
    /// The new revision prepared for approval (nil when the spec no longer resolves).
    public var newRevision: Int?

    enum CodingKeys: String, CodingKey {
        case campaignID = "campaign_id"
        case revision, changes, paused
        case newRevision = "new_revision"
    }
}

/// What `publish verify` found.
public struct TargetVerification: Sendable, Codable, Hashable {
    public var campaignID: String
    public var revision: Int
    public var matches: Bool
    public var problems: [String]
    public var paused: Bool

    enum CodingKeys: String, CodingKey {
        case campaignID = "campaign_id"
        case revision, matches, problems, paused
    }
}

extension CampaignStore {
    /// The fields of a manifest a catalog change can touch: drift in any of them pauses a live campaign.
    static let driftFields = [
        "price_micros", "sale_price_micros", "link", "image_link", "title", "availability", "price_display",
        "original_price_display",
    ]

    /// Checks every live campaign against the current catalog (run after each import).
    ///
    /// A campaign whose products changed in a field its manifest uses, or became out of stock or
    /// removed, is paused at once by `system` (pausing needs one person and reduces risk), everyone is
    /// notified, and a new revision is prepared for approval when the spec still resolves.
    public func detectDrift(pauseLive: Bool = true, outbox: Outbox? = nil) throws -> [DriftReport] {
        try write { db in
            let policy = try Self.verifiedPolicy(db, memory: WitnessMemory())
            var reports: [DriftReport] = []
            let live = try db.fetchAll(
                String.self,
                sql: "SELECT id FROM campaign WHERE status IN ('published', 'publishing') ORDER BY id"
            )
            for id in live {
                let latest = try Self.latestRevision(db, id)
                let (manifest, diagnostics) = try Self.resolve(yaml: latest.yaml, file: latest.file, in: db)
                var changes: [String]
                if let manifest {
                    let canonical = try manifest.canonicalJSON()
                    guard canonical.sha256Hex != latest.digest else {
                        continue
                    }
                    changes = CampaignManifest.changes(from: try CanonicalJSON(parsing: latest.manifest), to: canonical)
                        .map(\.description)
                } else {
                    changes = diagnostics.filter { $0.severity == .error }.map {
                        "\($0.code): \($0.productID.map { "product '\($0)': " } ?? "")\($0.message)"
                    }
                }
                var report = DriftReport(
                    campaignID: id,
                    revision: latest.revision,
                    changes: changes,
                    paused: false,
                    newRevision: nil
                )
                let now = Timestamp.string(context.now())
                if pauseLive {
                    try db.execute(sql: "UPDATE campaign SET status = 'paused' WHERE id = ?", arguments: [id])
                    report.paused = true
                    if let outbox {
                        let bundle = Outbox.Bundle(
                            action: "pause",
                            campaignID: id,
                            revision: latest.revision,
                            requests: [PublishPlan.statusChange(paused: true)],
                            manifestJSON: latest.manifest,
                            digest: latest.digest,
                            claims: [],
                            checkpoint: try Self.checkpointText(db, signer: nil)
                        )
                        try outbox.write(
                            bundle,
                            sequence: outbox.count(campaignID: id, revision: latest.revision, action: "pause") + 1
                        )
                    }
                }
                if let manifest {
                    let canonical = try manifest.canonicalJSON()
                    let number = latest.revision + 1
                    try db.execute(
                        sql: """
                            INSERT INTO campaign_revision (campaign_id, revision, spec_file, spec_yaml, manifest, digest, created_at, author, reason)
                            VALUES (?, ?, ?, ?, ?, ?, ?, 'system', 'catalog drift')
                            """,
                        arguments: [
                            id, number, latest.file, latest.yaml, canonical.canonicalString, canonical.sha256Hex, now,
                        ]
                    )
                    report.newRevision = number
                }
                let event = try Self.appendAudit(
                    AuditRecord(
                        actor: "system",
                        action: "campaign.drift",
                        target: "campaign:\(id)@\(latest.revision)",
                        digest: latest.digest,
                        details: .object([
                            "changes": .array(changes.map { .string($0) }),
                            "paused": .bool(report.paused),
                            "new_revision": report.newRevision.map { .integer(Int64($0)) } ?? .null,
                        ])
                    ),
                    at: now,
                    in: db
                )
                try Self.queueNotifications(for: event, policy: policy, in: db, at: now, makeID: context.makeID)
                let encoded = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
                try db.execute(
                    sql: """
                        INSERT INTO setting (key, value) VALUES (?, ?)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value
                        """,
                    arguments: ["drift:\(id)", encoded]
                )
                reports.append(report)
            }
            return reports
        }
    }

    /// The last drift detected on a campaign, if any.
    public func drift(of id: String) throws -> DriftReport? {
        try read { db in
            try db.fetchOne(String.self, sql: "SELECT value FROM setting WHERE key = ?", arguments: ["drift:\(id)"])
                .flatMap { try? JSONDecoder().decode(DriftReport.self, from: Data($0.utf8)) }
        }
    }

    /// Compares what the outbox holds for the live revision with the approved manifest; any difference
    /// (someone edited the bundle, or the platform copy) pauses the campaign and notifies everyone.
    public func verifyTarget(_ id: String, outbox: Outbox) throws -> TargetVerification {
        try write { db in
            let policy = try Self.verifiedPolicy(db, memory: WitnessMemory())
            guard let revision = try Self.publishedRevision(db, id, policy: policy) else {
                throw ApprovalError.invalidTransition(
                    campaignID: id,
                    from: try Self.status(db, id),
                    action: "verified on the platform"
                )
            }
            guard
                let row = try db.fetchOne(
                    sql: "SELECT manifest, digest FROM campaign_revision WHERE campaign_id = ? AND revision = ?",
                    arguments: [id, revision]
                )
            else {
                throw CampaignError.unknownRevision(campaign: id, revision: revision)
            }
            let approvedManifest: String = try row[0]
            let approvedDigest: String = try row[1]
            var problems: [String] = []
            let folder = outbox.path(campaignID: id, revision: revision, action: "publish")
            func file(_ name: String) -> String? {
                try? String(contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8)
            }
            if let manifest = file("manifest.json") {
                let text = manifest.hasSuffix("\n") ? String(manifest.dropLast()) : manifest
                if text != approvedManifest {
                    if let held = try? CanonicalJSON(parsing: text),
                        let approved = try? CanonicalJSON(parsing: approvedManifest)
                    {
                        problems += CampaignManifest.changes(from: approved, to: held).map { "manifest.json: \($0)" }
                    } else {
                        problems.append("manifest.json is not the approved manifest")
                    }
                }
            } else {
                problems.append("the outbox has no bundle for revision \(revision) (\(folder))")
            }
            if let digest = file("digest.txt"), digest.trimmingCharacters(in: .whitespacesAndNewlines) != approvedDigest
            {
                problems.append(
                    "digest.txt is \(digest.prefix(16))…, the approved digest is \(approvedDigest.prefix(16))…"
                )
            }
            if let requests = file("requests.json") {
                let manifest = try JSONDecoder().decode(CampaignManifest.self, from: Data(approvedManifest.utf8))
                let expected = PublishPlan.requests(
                    for: manifest,
                    revision: revision,
                    settings: try Self.publishSettings(db)
                )
                if let held = try? JSONDecoder().decode([AdRequest].self, from: Data(requests.utf8)) {
                    if held != expected {
                        for (index, pair) in zip(held, expected).enumerated() where pair.0 != pair.1 {
                            problems.append(
                                "requests.json: request \(index + 1) (\(pair.1.step)) differs from what was approved"
                            )
                        }
                        if held.count != expected.count {
                            problems.append(
                                "requests.json holds \(held.count) requests, \(expected.count) were approved"
                            )
                        }
                    }
                } else {
                    problems.append("requests.json is unreadable")
                }
            }
            var verification = TargetVerification(
                campaignID: id,
                revision: revision,
                matches: problems.isEmpty,
                problems: problems,
                paused: false
            )
            let now = Timestamp.string(context.now())
            if !problems.isEmpty {
                if try Self.status(db, id) == "published" {
                    try db.execute(sql: "UPDATE campaign SET status = 'paused' WHERE id = ?", arguments: [id])
                    verification.paused = true
                }
                let event = try Self.appendAudit(
                    AuditRecord(
                        actor: "system",
                        action: "publish.mismatch",
                        target: "campaign:\(id)@\(revision)",
                        outcome: "failed",
                        digest: approvedDigest,
                        details: .object([
                            "problems": .array(problems.map { .string($0) }), "paused": .bool(verification.paused),
                        ])
                    ),
                    at: now,
                    in: db
                )
                try Self.queueNotifications(for: event, policy: policy, in: db, at: now, makeID: context.makeID)
            } else {
                try Self.appendAudit(
                    AuditRecord(
                        actor: "system",
                        action: "publish.verify",
                        target: "campaign:\(id)@\(revision)",
                        digest: approvedDigest
                    ),
                    at: now,
                    in: db
                )
            }
            return verification
        }
    }

    /// Ids of the campaigns currently live (for `pause --all`).
    public func liveCampaigns() throws -> [String] {
        try read { db in
            try db.fetchAll(
                String.self,
                sql: "SELECT id FROM campaign WHERE status IN ('published', 'publishing') ORDER BY id"
            )
        }
    }
}
