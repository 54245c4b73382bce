import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of publishing to a platform: the ids it returned, step by step.
public struct PlatformPublishResult: Sendable {
    public var campaignID: String
    public var revision: Int
    public var digest: String
    /// Placeholder name to remote value (`campaign_id`, `card_uri`, `tweet_id` …).
    public var remoteIDs: [String: String]
    /// Whether this call resumed an interrupted publish.
    public var resumed: Bool
}

/// Lets tests stop a publish between steps, as a crash would.
public struct PublishFaults: Sendable {
    /// Called after a step's request was sent (before its result is stored) and after it is stored;
    /// throwing there leaves the publish exactly as a killed process would.
    public var afterSend: @Sendable (_ position: Int, _ step: String) throws -> Void
    public var afterStore: @Sendable (_ position: Int, _ step: String) throws -> Void

    /// No faults.
    public static let none = PublishFaults(afterSend: { _, _ in }, afterStore: { _, _ in })

    /// Creates fault hooks.
    public init(
        afterSend: @escaping @Sendable (Int, String) throws -> Void,
        afterStore: @escaping @Sendable (Int, String) throws -> Void
    ) {
        self.afterSend = afterSend
        self.afterStore = afterStore
    }
}

extension CampaignStore {
    /// How long one process may hold a campaign's publish before another may take over.
    static let leaseSeconds: TimeInterval = 600

    /// Publishes to an ad platform exactly once, crash-safely.
    ///
    /// 1. One transaction authorizes from raw data (as ``publishCampaign(_:as:outbox:)``), records the
    ///    publish claim, takes a lease on the campaign and stores the plan of requests.
    /// 2. Each request is marked `sending`, sent, and its returned id stored at once.
    /// 3. Run again after a crash, it resumes: the publish claim already covers this digest (which is
    ///    recomputed and compared again), done steps are skipped, and a step left `sending` is first
    ///    looked up on the platform by its marker so an unacknowledged create is not made twice.
    ///
    /// Two processes: the lease lets exactly one proceed; the other is told so.
    public func publish(
        _ id: String,
        as acting: Acting,
        to platform: any AdPlatform,
        faults: PublishFaults = .none
    ) async throws -> (PlatformPublishResult, WitnessMemory) {
        let owner = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(context.makeID())"
        let (start, memory) = try beginPlatformPublish(id, as: acting, owner: owner)
        var ids = start.ids
        do {
            for step in start.steps where step.status != "done" {
                if step.status == "sending", let found = try await platform.find(step.request, ids: ids) {
                    ids[step.request.storesAs ?? "\(step.position)"] = found
                    try storeStep(id, start.revision, step.position, value: found, owner: owner)
                    try faults.afterStore(step.position, step.request.step)
                    continue
                }
                try markSending(id, start.revision, step.position, owner: owner)
                let response = try await platform.send(step.request, ids: ids)
                try faults.afterSend(step.position, step.request.step)
                if let name = step.request.storesAs, let value = response.returnedValue {
                    ids[name] = value
                }
                try storeStep(id, start.revision, step.position, value: response.returnedValue, owner: owner)
                try faults.afterStore(step.position, step.request.step)
            }
        } catch let error as AdPlatformError {
            failPlatformPublish(
                id,
                revision: start.revision,
                actor: acting.name,
                owner: owner,
                reason: error.description
            )
            throw PublishError.stepFailed(campaignID: id, step: "\(error)", reason: error.description)
        } catch {
            // Anything else (a fault, a store error): release the lease so the next run can resume.
            failPlatformPublish(id, revision: start.revision, actor: acting.name, owner: owner, reason: "\(error)")
            throw error
        }
        try finishPlatformPublish(
            id,
            revision: start.revision,
            digest: start.digest,
            ids: ids,
            actor: acting.name,
            owner: owner
        )
        return (
            PlatformPublishResult(
                campaignID: id,
                revision: start.revision,
                digest: start.digest,
                remoteIDs: ids,
                resumed: start.resumed
            ),
            memory
        )
    }

    struct StoredStep {
        var position: Int
        var request: AdRequest
        var status: String
        var value: String?
    }

    struct PlatformPublishStart {
        var revision: Int
        var digest: String
        var steps: [StoredStep]
        var ids: [String: String]
        var resumed: Bool
    }

    private func beginPlatformPublish(
        _ id: String,
        as acting: Acting,
        owner: String
    ) throws -> (PlatformPublishStart, WitnessMemory) {
        try signing(acting, action: "campaign.publish", target: "campaign:\(id)") { db, policy in
            let now = context.now()
            if let lease = try db.fetchOne(
                sql: "SELECT owner, expires_at FROM publish_lease WHERE campaign_id = ?",
                arguments: [id]
            ),
                let expires = Timestamp.date(try lease[1]), expires > now, Self.isAlive(holder: try lease[0])
            {
                throw PublishError.inProgressElsewhere(campaignID: id, owner: try lease[0])
            }
            let settings = try Self.publishSettings(db)
            let latest = try Self.latestRevision(db, id)
            let existing = try Self.storedSteps(db, id, latest.revision)
            let resumed: Bool
            let record: AuditRecord
            if !existing.isEmpty {
                // Resuming: the publish claim already spent the approvals; the content must still match.
                guard let published = try Self.publishedRevision(db, id, policy: policy), published == latest.revision
                else {
                    throw ApprovalError.tampered(what: "publish steps of '\(id)' exist without a valid publish claim")
                }
                let (recomputed, _) = try Self.resolve(yaml: latest.yaml, file: latest.file, in: db)
                let digest = try recomputed?.canonicalJSON().sha256Hex
                guard digest == latest.digest else {
                    throw ApprovalError.contentChanged(
                        campaignID: id,
                        revision: latest.revision,
                        stored: latest.digest,
                        recomputed: digest ?? "invalid now"
                    )
                }
                // Every step done but not finished (a crash after the last one): finishing is all that is left.
                let state = try Self.status(db, id)
                guard existing.contains(where: { $0.status != "done" }) || state == "publishing" else {
                    throw ApprovalError.invalidTransition(
                        campaignID: id,
                        from: "already published at revision \(latest.revision)",
                        action: "published again"
                    )
                }
                resumed = true
                record = AuditRecord(
                    actor: acting.name,
                    action: "campaign.publish_resume",
                    target: "campaign:\(id)@\(latest.revision)",
                    digest: latest.digest,
                    details: .object(["done_steps": .integer(Int64(existing.filter { $0.status == "done" }.count))])
                )
            } else {
                guard settings.target == "x-ads" || settings.target == "outbox" else {
                    throw PublishError.unknownTarget(settings.target)
                }
                let state = try Self.status(db, id)
                guard state != "ended", state != "paused" else {
                    throw ApprovalError.invalidTransition(campaignID: id, from: state, action: "published")
                }
                let authorization = try Self.authorize(
                    db,
                    campaignID: id,
                    action: "publish",
                    acting: acting,
                    policy: policy,
                    now: now,
                    nonce: context.makeID()
                )
                if let published = try Self.publishedRevision(db, id, policy: policy),
                    published >= authorization.revision
                {
                    throw ApprovalError.invalidTransition(
                        campaignID: id,
                        from: "already published at revision \(published)",
                        action: "published again"
                    )
                }
                let claim = try authorization.claim.claim()
                try Self.insert(authorization.claim, claim, in: db, at: Timestamp.string(now))
                let requests = PublishPlan.requests(
                    for: authorization.manifest,
                    revision: authorization.revision,
                    settings: settings
                )
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                for (position, request) in requests.enumerated() {
                    try db.execute(
                        sql: """
                            INSERT INTO publish_step (campaign_id, revision, action, position, request, status, updated_at)
                            VALUES (?, ?, 'publish', ?, ?, 'pending', ?)
                            """,
                        arguments: [
                            id, authorization.revision, position,
                            String(decoding: try encoder.encode(request), as: UTF8.self), Timestamp.string(now),
                        ]
                    )
                }
                try db.execute(sql: "UPDATE campaign SET status = 'publishing' WHERE id = ?", arguments: [id])
                resumed = false
                record = AuditRecord(
                    actor: acting.name,
                    action: "campaign.publish",
                    target: "campaign:\(id)@\(authorization.revision)",
                    digest: authorization.digest,
                    details: .object([
                        "approved_by": .array(authorization.evaluation.approvers.map { .string($0) }),
                        "submitted_by": .string(authorization.evaluation.submitter ?? ""),
                        "spends": .array(authorization.evaluation.approvalHashes.map { .string($0) }),
                        "target": .string("x-ads"),
                        "requests": .integer(Int64(requests.count)),
                    ]),
                    claim: authorization.claim
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO publish_lease (campaign_id, owner, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT (campaign_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                    """,
                arguments: [id, owner, Timestamp.string(now.addingTimeInterval(Self.leaseSeconds))]
            )
            let steps = try Self.storedSteps(db, id, latest.revision)
            var ids: [String: String] = [:]
            for step in steps where step.status == "done" {
                if let name = step.request.storesAs, let value = step.value {
                    ids[name] = value
                }
            }
            return (
                record,
                PlatformPublishStart(
                    revision: latest.revision,
                    digest: latest.digest,
                    steps: steps,
                    ids: ids,
                    resumed: resumed
                )
            )
        }
    }

    static func storedSteps(_ db: any SQLConnection, _ id: String, _ revision: Int) throws -> [StoredStep] {
        try db.fetchAll(
            sql: """
                SELECT position, request, status, returned_value FROM publish_step
                WHERE campaign_id = ? AND revision = ? AND action = 'publish' ORDER BY position
                """,
            arguments: [id, revision]
        ).map { row in
            let text: String = try row[1]
            guard let request = try? JSONDecoder().decode(AdRequest.self, from: Data(text.utf8)) else {
                throw ApprovalError.tampered(what: "a stored publish step of '\(id)' is unreadable")
            }
            return StoredStep(position: try row[0], request: request, status: try row[2], value: try row[3])
        }
    }

    private func markSending(_ id: String, _ revision: Int, _ position: Int, owner: String) throws {
        try write { db in
            try Self.requireLease(db, id, owner: owner)
            try db.execute(
                sql:
                    "UPDATE publish_step SET status = 'sending', updated_at = ? WHERE campaign_id = ? AND revision = ? AND action = 'publish' AND position = ?",
                arguments: [Timestamp.string(context.now()), id, revision, position]
            )
        }
    }

    private func storeStep(_ id: String, _ revision: Int, _ position: Int, value: String?, owner: String) throws {
        try write { db in
            try Self.requireLease(db, id, owner: owner)
            try db.execute(
                sql: """
                    UPDATE publish_step SET status = 'done', returned_value = ?, updated_at = ?
                    WHERE campaign_id = ? AND revision = ? AND action = 'publish' AND position = ?
                    """,
                arguments: [value, Timestamp.string(context.now()), id, revision, position]
            )
            try db.execute(
                sql: "UPDATE publish_lease SET expires_at = ? WHERE campaign_id = ?",
                arguments: [Timestamp.string(context.now().addingTimeInterval(Self.leaseSeconds)), id]
            )
        }
    }

    /// Whether a lease holder (`host:pid:id`) may still be running: on this host, its process must exist.
    static func isAlive(holder: String) -> Bool {
        let parts = holder.split(separator: ":")
        guard parts.count >= 3, let pid = Int32(parts[1]), String(parts[0]) == ProcessInfo.processInfo.hostName else {
            return true
        }
        return kill(pid, 0) == 0 || errno != ESRCH
    }

    private static func requireLease(_ db: any SQLConnection, _ id: String, owner: String) throws {
        let holder = try db.fetchOne(
            String.self,
            sql: "SELECT owner FROM publish_lease WHERE campaign_id = ?",
            arguments: [id]
        )
        guard holder == owner else {
            throw PublishError.inProgressElsewhere(campaignID: id, owner: holder ?? "nobody")
        }
    }

    private func finishPlatformPublish(
        _ id: String,
        revision: Int,
        digest: String,
        ids: [String: String],
        actor: String,
        owner: String
    ) throws {
        try write { db in
            try Self.requireLease(db, id, owner: owner)
            try db.execute(sql: "DELETE FROM publish_lease WHERE campaign_id = ?", arguments: [id])
            try db.execute(sql: "UPDATE campaign SET status = 'published' WHERE id = ?", arguments: [id])
            let event = try Self.appendAudit(
                AuditRecord(
                    actor: actor,
                    action: "campaign.published",
                    target: "campaign:\(id)@\(revision)",
                    digest: digest,
                    details: .object(["remote_ids": .object(ids.mapValues { .string($0) })])
                ),
                at: Timestamp.string(context.now()),
                in: db
            )
            try Self.queueNotifications(
                for: event,
                policy: try Self.verifiedPolicy(db, memory: WitnessMemory()),
                in: db,
                at: Timestamp.string(context.now()),
                makeID: context.makeID
            )
        }
    }

    private func failPlatformPublish(_ id: String, revision: Int, actor: String, owner: String, reason: String) {
        _ = try? write { db in
            try db.execute(
                sql: "DELETE FROM publish_lease WHERE campaign_id = ? AND owner = ?",
                arguments: [id, owner]
            )
            try Self.appendAudit(
                AuditRecord(
                    actor: actor,
                    action: "campaign.publish_step",
                    target: "campaign:\(id)@\(revision)",
                    outcome: "failed",
                    details: .object(["reason": .string(reason)])
                ),
                at: Timestamp.string(context.now()),
                in: db
            )
        }
    }
}
