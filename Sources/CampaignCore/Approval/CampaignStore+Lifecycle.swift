import Crypto
import Foundation

/// What the signatures say about a revision: who authored and submitted it, who validly approved it,
/// and why any other approval does not count.
public struct ApprovalEvaluation: Sendable, Hashable {
    public var campaignID: String
    public var revision: Int
    public var digest: String
    /// The person whose signed claim authored the revision (nil: an automatic revision).
    public var author: String?
    public var submitter: String?
    /// Distinct people whose approvals count, and the claims used (one per person).
    public var approvers: [String]
    public var approvalHashes: [String]
    public var rejection: (person: String, reason: String)?
    /// Approvals that exist but do not count, with the reason.
    public var notCounted: [String]
    public var threshold: Int

    /// Whether the threshold is met and nobody rejected.
    public var isApproved: Bool { rejection == nil && submitter != nil && approvers.count >= threshold }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.campaignID == rhs.campaignID && lhs.revision == rhs.revision && lhs.digest == rhs.digest
            && lhs.approvers == rhs.approvers && lhs.submitter == rhs.submitter
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(campaignID)
        hasher.combine(revision)
        hasher.combine(digest)
    }
}

/// A campaign's state as its signed claims establish it.
public struct CampaignStatus: Sendable {
    public var campaignID: String
    public var name: String
    /// `draft`, `submitted`, `approved`, `rejected`, `published`, `paused`, `ended`.
    public var state: String
    public var latestRevision: Int
    public var latestDigest: String
    public var evaluation: ApprovalEvaluation
    /// The revision live on the platform, when there is one.
    public var publishedRevision: Int?
    public var events: [String]
}

extension CampaignStore {
    // MARK: - Authoring

    /// Signs the authorship of a revision (create and update call it when a person acts).
    static func signAuthorship(
        _ revision: CampaignRevision,
        by acting: Acting,
        workspaceID: String,
        in db: any SQLConnection,
        now: Date,
        nonce: String
    ) throws -> SignedClaim {
        let claim = Claim(
            kind: .campaignAuthor,
            workspaceID: workspaceID,
            signer: acting.name,
            issuedAt: epoch(now),
            nonce: nonce,
            campaignID: revision.campaignID,
            revision: revision.revision,
            manifestDigest: revision.digest
        )
        return try signAndStore(claim, with: acting.signer, in: db, at: now)
    }

    // MARK: - Evaluating signatures

    /// Evaluates the claims about one revision and digest for an action (`publish` or `resume`).
    ///
    /// An approval counts only if: its signer is an approver of the policy in force and not revoked,
    /// is neither the submitter nor the author, its signature verifies, it is unexpired, it was made
    /// under the policy version in force, it is for this workspace, campaign, revision, digest and
    /// action, and it has not been spent. Distinct people are counted, never rows or signatures. A
    /// signature that does not verify means the database was edited: the evaluation fails.
    static func evaluate(
        _ db: any SQLConnection,
        campaignID: String,
        revision: Int,
        digest: String,
        action: String,
        policy: VerifiedPolicy,
        now: Date
    ) throws -> ApprovalEvaluation {
        let rows = try claims(
            db,
            sql: "SELECT text, signature FROM claim WHERE campaign_id = ? ORDER BY id",
            arguments: [campaignID]
        )
        var evaluation = ApprovalEvaluation(
            campaignID: campaignID,
            revision: revision,
            digest: digest,
            author: nil,
            submitter: nil,
            approvers: [],
            approvalHashes: [],
            rejection: nil,
            notCounted: [],
            threshold: policy.document.threshold
        )
        var spent = Set<String>()
        var approvals: [(SignedClaim, Claim)] = []
        let workspaceID = policy.document.workspaceID
        for signed in rows {
            let claim = try signed.claim()
            guard claim.workspaceID == workspaceID, claim.campaignID == campaignID else {
                evaluation.notCounted.append("a claim by '\(claim.signer)' is for another workspace or campaign")
                continue
            }
            // Verify every signature we can; a forged or edited claim is tampering, whatever it says.
            if let key = policy.document.person(claim.signer).flatMap({ PolicyChain.publicKey($0.publicKey) }),
                !signed.isValid(for: key)
            {
                throw ApprovalError.tampered(
                    what: "a \(claim.kind.rawValue) claim by '\(claim.signer)' on '\(campaignID)' does not verify"
                )
            }
            if claim.kind == .campaignPublish || claim.kind == .campaignResume {
                spent.formUnion(claim.spends ?? [])
            }
            guard claim.revision == revision, claim.manifestDigest == digest else {
                if claim.kind == .campaignApprove {
                    evaluation.notCounted.append(
                        "'\(claim.signer)' approved revision \(claim.revision ?? 0), not this content"
                    )
                }
                continue
            }
            guard policy.activeKey(of: claim.signer) != nil else {
                evaluation.notCounted.append(
                    "'\(claim.signer)' is \(policy.revoked.contains(claim.signer) ? "revoked" : "not in the policy in force")"
                )
                continue
            }
            switch claim.kind {
            case .campaignAuthor:
                evaluation.author = claim.signer
            case .campaignSubmit:
                if policy.isActive(claim.signer, role: .author) {
                    evaluation.submitter = claim.signer
                }
            case .campaignReject:
                if policy.isActive(claim.signer, role: .approver) {
                    evaluation.rejection = (claim.signer, claim.reason ?? "no reason given")
                }
            case .campaignApprove:
                approvals.append((signed, claim))
            default:
                break
            }
        }
        let nowEpoch = epoch(now)
        for (signed, claim) in approvals {
            let person = claim.signer
            if claim.approves != action {
                evaluation.notCounted.append("'\(person)' approved '\(claim.approves ?? "?")', not '\(action)'")
            } else if !policy.isActive(person, role: .approver) {
                evaluation.notCounted.append("'\(person)' is not an approver")
            } else if person == evaluation.submitter || person == evaluation.author {
                evaluation.notCounted.append("'\(person)' authored or submitted this revision")
            } else if claim.policyVersion != policy.document.version {
                evaluation.notCounted.append(
                    "'\(person)' approved under policy v\(claim.policyVersion ?? 0), not v\(policy.document.version)"
                )
            } else if (claim.expiresAt ?? 0) <= nowEpoch {
                evaluation.notCounted.append("the approval by '\(person)' expired")
            } else if spent.contains(signed.hash) {
                evaluation.notCounted.append("the approval by '\(person)' was already spent")
            } else if evaluation.approvers.contains(person) {
                continue  // the same person twice counts once
            } else {
                evaluation.approvers.append(person)
                evaluation.approvalHashes.append(signed.hash)
            }
        }
        evaluation.approvers.sort()
        return evaluation
    }

    // MARK: - Lifecycle

    /// The latest revision of a campaign, read inside a transaction.
    static func latestRevision(
        _ db: any SQLConnection,
        _ id: String
    ) throws -> (revision: Int, digest: String, manifest: String, yaml: String, file: String) {
        guard
            let row = try db.fetchOne(
                sql: """
                    SELECT revision, digest, manifest, spec_yaml, spec_file FROM campaign_revision
                    WHERE campaign_id = ? ORDER BY revision DESC LIMIT 1
                    """,
                arguments: [id]
            )
        else {
            throw CampaignError.unknownCampaign(id)
        }
        return (try row[0], try row[1], try row[2], try row[3], try row[4])
    }

    static func status(_ db: any SQLConnection, _ id: String) throws -> String {
        guard
            let status = try db.fetchOne(String.self, sql: "SELECT status FROM campaign WHERE id = ?", arguments: [id])
        else {
            throw CampaignError.unknownCampaign(id)
        }
        return status
    }

    /// Submits the latest revision for approval: the submitter signs its digest.
    public func submitCampaign(_ id: String, as acting: Acting) throws -> (ApprovalEvaluation, WitnessMemory) {
        try signing(acting, action: "campaign.submit", target: "campaign:\(id)") { db, policy in
            guard policy.isActive(acting.name, role: .author) else {
                throw ApprovalError.missingRole(person: acting.name, role: .author)
            }
            let latest = try Self.latestRevision(db, id)
            let state = try Self.status(db, id)
            guard ["draft", "rejected", "published", "paused"].contains(state) else {
                throw ApprovalError.invalidTransition(campaignID: id, from: state, action: "submitted")
            }
            let before = try Self.evaluate(
                db,
                campaignID: id,
                revision: latest.revision,
                digest: latest.digest,
                action: "publish",
                policy: policy,
                now: context.now()
            )
            if before.submitter != nil && before.rejection == nil {
                throw ApprovalError.alreadySubmitted(campaignID: id, revision: latest.revision)
            }
            let claim = Claim(
                kind: .campaignSubmit,
                workspaceID: policy.document.workspaceID,
                signer: acting.name,
                issuedAt: Self.epoch(context.now()),
                nonce: context.makeID(),
                campaignID: id,
                revision: latest.revision,
                manifestDigest: latest.digest,
                policyVersion: policy.document.version
            )
            let signed = try Self.signAndStore(claim, with: acting.signer, in: db, at: context.now())
            try db.execute(sql: "UPDATE campaign SET status = 'submitted' WHERE id = ?", arguments: [id])
            let after = try Self.evaluate(
                db,
                campaignID: id,
                revision: latest.revision,
                digest: latest.digest,
                action: "publish",
                policy: policy,
                now: context.now()
            )
            return (
                AuditRecord(
                    actor: acting.name,
                    action: "campaign.submit",
                    target: "campaign:\(id)@\(latest.revision)",
                    digest: latest.digest,
                    claim: signed
                ),
                after
            )
        }
    }

    /// Approves the latest revision for `action` (`publish`, or `resume` for a paused campaign).
    public func approveCampaign(
        _ id: String,
        for action: String = "publish",
        as acting: Acting
    ) throws -> (ApprovalEvaluation, WitnessMemory) {
        try signing(acting, action: "campaign.approve", target: "campaign:\(id)") { db, policy in
            guard policy.isSealed else {
                throw ApprovalError.policyNotSealed
            }
            guard policy.isActive(acting.name, role: .approver) else {
                throw policy.revoked.contains(acting.name)
                    ? ApprovalError.revoked(person: acting.name)
                    : ApprovalError.missingRole(person: acting.name, role: .approver)
            }
            let latest = try Self.latestRevision(db, id)
            let state = try Self.status(db, id)
            if action == "resume" {
                guard state == "paused" else {
                    throw ApprovalError.invalidTransition(campaignID: id, from: state, action: "approved for resuming")
                }
            }
            let before = try Self.evaluate(
                db,
                campaignID: id,
                revision: latest.revision,
                digest: latest.digest,
                action: action,
                policy: policy,
                now: context.now()
            )
            if action == "publish" {
                guard before.submitter != nil else {
                    throw ApprovalError.notSubmitted(campaignID: id, revision: latest.revision)
                }
            }
            if let rejection = before.rejection {
                throw ApprovalError.rejected(
                    campaignID: id,
                    revision: latest.revision,
                    by: rejection.person,
                    reason: rejection.reason
                )
            }
            guard acting.name != before.submitter, acting.name != before.author else {
                throw ApprovalError.selfApproval(person: acting.name, campaignID: id, revision: latest.revision)
            }
            guard !before.approvers.contains(acting.name) else {
                throw ApprovalError.alreadySigned(person: acting.name, what: "revision \(latest.revision) of '\(id)'")
            }
            let now = context.now()
            let claim = Claim(
                kind: .campaignApprove,
                workspaceID: policy.document.workspaceID,
                signer: acting.name,
                issuedAt: Self.epoch(now),
                nonce: context.makeID(),
                expiresAt: Self.epoch(now) + Int64(policy.document.approvalLifetimeHours) * 3600,
                campaignID: id,
                revision: latest.revision,
                manifestDigest: latest.digest,
                policyVersion: policy.document.version,
                approves: action
            )
            let signed = try Self.signAndStore(claim, with: acting.signer, in: db, at: now)
            let after = try Self.evaluate(
                db,
                campaignID: id,
                revision: latest.revision,
                digest: latest.digest,
                action: action,
                policy: policy,
                now: now
            )
            if after.isApproved || (action == "resume" && after.approvers.count >= after.threshold) {
                if action == "publish" {
                    try db.execute(sql: "UPDATE campaign SET status = 'approved' WHERE id = ?", arguments: [id])
                }
            }
            return (
                AuditRecord(
                    actor: acting.name,
                    action: "campaign.approve",
                    target: "campaign:\(id)@\(latest.revision)",
                    digest: latest.digest,
                    details: .object([
                        "approves": .string(action), "approvals": .integer(Int64(after.approvers.count)),
                        "threshold": .integer(Int64(after.threshold)),
                    ]),
                    claim: signed
                ),
                after
            )
        }
    }

    /// Rejects the latest revision: one approver blocks it until a new revision is submitted.
    public func rejectCampaign(
        _ id: String,
        reason: String,
        as acting: Acting
    ) throws -> (ApprovalEvaluation, WitnessMemory) {
        try signing(acting, action: "campaign.reject", target: "campaign:\(id)") { db, policy in
            guard policy.isActive(acting.name, role: .approver) else {
                throw ApprovalError.missingRole(person: acting.name, role: .approver)
            }
            let latest = try Self.latestRevision(db, id)
            let claim = Claim(
                kind: .campaignReject,
                workspaceID: policy.document.workspaceID,
                signer: acting.name,
                issuedAt: Self.epoch(context.now()),
                nonce: context.makeID(),
                campaignID: id,
                revision: latest.revision,
                manifestDigest: latest.digest,
                policyVersion: policy.document.version,
                reason: reason
            )
            let signed = try Self.signAndStore(claim, with: acting.signer, in: db, at: context.now())
            try db.execute(sql: "UPDATE campaign SET status = 'rejected' WHERE id = ?", arguments: [id])
            let after = try Self.evaluate(
                db,
                campaignID: id,
                revision: latest.revision,
                digest: latest.digest,
                action: "publish",
                policy: policy,
                now: context.now()
            )
            return (
                AuditRecord(
                    actor: acting.name,
                    action: "campaign.reject",
                    target: "campaign:\(id)@\(latest.revision)",
                    digest: latest.digest,
                    details: .object(["reason": .string(reason)]),
                    claim: signed
                ),
                after
            )
        }
    }
}

/// What a verified publish or resume is allowed to send: the revision, its recomputed manifest, and the
/// approvals it spends.
public struct PublishAuthorization: Sendable {
    public var campaignID: String
    public var revision: Int
    public var digest: String
    public var manifest: CampaignManifest
    /// The manifest's canonical JSON, exactly as approved.
    public var manifestJSON: String
    public var evaluation: ApprovalEvaluation
    /// The publish (or resume) claim, signed by the person pressing the button.
    public var claim: SignedClaim
}

extension CampaignStore {
    /// Re-verifies everything from raw stored data: the manifest is recomputed from the stored spec and
    /// the current catalog, its digest compared with the signed one, every signature checked against the
    /// policy in force. Rows edited or inserted by hand enable nothing.
    static func authorize(
        _ db: any SQLConnection,
        campaignID id: String,
        action: String,
        acting: Acting,
        policy: VerifiedPolicy,
        now: Date,
        nonce: String
    ) throws -> PublishAuthorization {
        guard policy.isSealed else {
            throw ApprovalError.policyNotSealed
        }
        guard [Role.author, .approver, .admin].contains(where: { policy.isActive(acting.name, role: $0) }) else {
            throw ApprovalError.unknownPerson(acting.name)
        }
        let latest = try latestRevision(db, id)
        // The stored manifest must hash to the stored digest …
        guard (try? CanonicalJSON(parsing: latest.manifest).sha256Hex) == latest.digest else {
            throw ApprovalError.tampered(
                what: "the stored manifest of '\(id)' revision \(latest.revision) does not hash to its digest"
            )
        }
        // … and recomputing it from the stored spec and today's catalog must give the same bytes.
        let (recomputed, diagnostics) = try resolve(yaml: latest.yaml, file: latest.file, in: db)
        guard let recomputed else {
            let errors = diagnostics.filter { $0.severity == .error }.map(\.description)
            throw ApprovalError.contentChanged(
                campaignID: id,
                revision: latest.revision,
                stored: latest.digest,
                recomputed: "invalid now (\(errors.prefix(3).joined(separator: "; ")))"
            )
        }
        let canonical = try recomputed.canonicalJSON()
        guard canonical.sha256Hex == latest.digest, recomputed.campaignID == id else {
            throw ApprovalError.contentChanged(
                campaignID: id,
                revision: latest.revision,
                stored: latest.digest,
                recomputed: canonical.sha256Hex
            )
        }
        let evaluation = try evaluate(
            db,
            campaignID: id,
            revision: latest.revision,
            digest: latest.digest,
            action: action,
            policy: policy,
            now: now
        )
        if let rejection = evaluation.rejection {
            throw ApprovalError.rejected(
                campaignID: id,
                revision: latest.revision,
                by: rejection.person,
                reason: rejection.reason
            )
        }
        if action == "publish", evaluation.submitter == nil {
            throw ApprovalError.notSubmitted(campaignID: id, revision: latest.revision)
        }
        guard evaluation.approvers.count >= evaluation.threshold else {
            throw ApprovalError.notEnoughApprovals(
                campaignID: id,
                revision: latest.revision,
                have: evaluation.approvers.count,
                need: evaluation.threshold,
                problems: evaluation.notCounted
            )
        }
        let claim = Claim(
            kind: action == "resume" ? .campaignResume : .campaignPublish,
            workspaceID: policy.document.workspaceID,
            signer: acting.name,
            issuedAt: epoch(now),
            nonce: nonce,
            campaignID: id,
            revision: latest.revision,
            manifestDigest: latest.digest,
            policyVersion: policy.document.version,
            spends: evaluation.approvalHashes
        )
        return PublishAuthorization(
            campaignID: id,
            revision: latest.revision,
            digest: latest.digest,
            manifest: recomputed,
            manifestJSON: canonical.canonicalString,
            evaluation: evaluation,
            claim: try SignedClaim.sign(claim, with: acting.signer)
        )
    }

    /// The revision a valid publish claim put live (nil when never published).
    static func publishedRevision(_ db: any SQLConnection, _ id: String, policy: VerifiedPolicy) throws -> Int? {
        let rows = try claims(
            db,
            sql: "SELECT text, signature FROM claim WHERE campaign_id = ? AND kind = 'campaign.publish' ORDER BY id",
            arguments: [id]
        )
        var revision: Int?
        for signed in rows {
            let claim = try signed.claim()
            guard claim.workspaceID == policy.document.workspaceID, claim.campaignID == id,
                let key = policy.document.person(claim.signer).flatMap({ PolicyChain.publicKey($0.publicKey) })
            else {
                continue
            }
            guard signed.isValid(for: key) else {
                throw ApprovalError.tampered(what: "a publish claim on '\(id)' does not verify")
            }
            revision = max(revision ?? 0, claim.revision ?? 0)
        }
        return revision
    }

    /// The kill switch: any author or approver pauses a live campaign at once, recorded and notified;
    /// with an outbox, the pause request is written there too.
    public func pauseCampaign(
        _ id: String,
        reason: String,
        as acting: Acting,
        outbox: Outbox? = nil
    ) throws -> WitnessMemory {
        let (_, memory) = try signing(acting, action: "campaign.pause", target: "campaign:\(id)") { db, policy in
            guard policy.isActive(acting.name, role: .author) || policy.isActive(acting.name, role: .approver) else {
                throw ApprovalError.missingRole(person: acting.name, role: .approver)
            }
            let state = try Self.status(db, id)
            guard state == "published" || state == "publishing" else {
                throw ApprovalError.invalidTransition(campaignID: id, from: state, action: "paused")
            }
            var record = try Self.stateClaim(
                .campaignPause,
                id: id,
                reason: reason,
                acting: acting,
                policy: policy,
                db: db,
                now: context.now(),
                nonce: context.makeID()
            )
            try db.execute(sql: "UPDATE campaign SET status = 'paused' WHERE id = ?", arguments: [id])
            if let outbox, let claim = record.claim {
                let latest = try Self.latestRevision(db, id)
                let bundle = Outbox.Bundle(
                    action: "pause",
                    campaignID: id,
                    revision: latest.revision,
                    requests: [PublishPlan.statusChange(paused: true)],
                    manifestJSON: latest.manifest,
                    digest: latest.digest,
                    claims: [claim],
                    checkpoint: try Self.checkpointText(db, signer: acting.signer.checkpointSigner())
                )
                let path = try outbox.write(
                    bundle,
                    sequence: outbox.count(campaignID: id, revision: latest.revision, action: "pause") + 1
                )
                record.details = .object(["reason": .string(reason), "delivery": .object(["outbox": .string(path)])])
            }
            return (record, ())
        }
        return memory
    }

    /// Ends a campaign for good (one person, like pausing).
    public func endCampaign(_ id: String, reason: String, as acting: Acting) throws -> WitnessMemory {
        let (_, memory) = try signing(acting, action: "campaign.end", target: "campaign:\(id)") { db, policy in
            guard policy.isActive(acting.name, role: .author) || policy.isActive(acting.name, role: .approver) else {
                throw ApprovalError.missingRole(person: acting.name, role: .approver)
            }
            let state = try Self.status(db, id)
            guard state != "ended" else {
                throw ApprovalError.invalidTransition(campaignID: id, from: state, action: "ended")
            }
            let record = try Self.stateClaim(
                .campaignEnd,
                id: id,
                reason: reason,
                acting: acting,
                policy: policy,
                db: db,
                now: context.now(),
                nonce: context.makeID()
            )
            try db.execute(sql: "UPDATE campaign SET status = 'ended' WHERE id = ?", arguments: [id])
            return (record, ())
        }
        return memory
    }

    static func stateClaim(
        _ kind: Claim.Kind,
        id: String,
        reason: String,
        acting: Acting,
        policy: VerifiedPolicy,
        db: any SQLConnection,
        now: Date,
        nonce: String
    ) throws -> AuditRecord {
        let latest = try latestRevision(db, id)
        let claim = Claim(
            kind: kind,
            workspaceID: policy.document.workspaceID,
            signer: acting.name,
            issuedAt: epoch(now),
            nonce: nonce,
            campaignID: id,
            revision: latest.revision,
            manifestDigest: latest.digest,
            policyVersion: policy.document.version,
            reason: reason
        )
        let signed = try signAndStore(claim, with: acting.signer, in: db, at: now)
        return AuditRecord(
            actor: acting.name,
            action: kind.rawValue,
            target: "campaign:\(id)@\(latest.revision)",
            digest: latest.digest,
            details: .object(["reason": .string(reason)]),
            claim: signed
        )
    }

    /// The campaign's state, with the evaluation of its latest revision's approvals.
    public func campaignStatus(_ id: String, memory: WitnessMemory = WitnessMemory()) throws -> CampaignStatus {
        try read { db in
            let policy = try Self.verifiedPolicy(db, memory: memory)
            let latest = try Self.latestRevision(db, id)
            let state = try Self.status(db, id)
            let action = state == "paused" ? "resume" : "publish"
            let evaluation = try Self.evaluate(
                db,
                campaignID: id,
                revision: latest.revision,
                digest: latest.digest,
                action: action,
                policy: policy,
                now: context.now()
            )
            let name =
                try db.fetchOne(String.self, sql: "SELECT name FROM campaign WHERE id = ?", arguments: [id]) ?? id
            let events = try db.fetchAll(
                String.self,
                sql: "SELECT event FROM audit_event WHERE event LIKE ? ORDER BY seq",
                arguments: ["%\"target\":\"campaign:\(id)%"]
            ).compactMap { text -> String? in
                guard let event = try? JSONDecoder().decode(AuditEvent.self, from: Data(text.utf8)) else {
                    return nil
                }
                return "#\(event.seq) \(event.time) \(event.actor) \(event.action) \(event.outcome)"
            }
            return CampaignStatus(
                campaignID: id,
                name: name,
                state: state,
                latestRevision: latest.revision,
                latestDigest: latest.digest,
                evaluation: evaluation,
                publishedRevision: try Self.publishedRevision(db, id, policy: policy),
                events: events
            )
        }
    }
}

extension CampaignStore {
    /// Launches the latest revision once approved by the threshold of distinct people other than its
    /// author and submitter; spends the approvals and writes the outbox bundle, all or nothing.
    public func publishCampaign(
        _ id: String,
        as acting: Acting,
        outbox: Outbox? = nil
    ) throws -> (PublishAuthorization, WitnessMemory) {
        try transition(id, action: "publish", as: acting) { db, authorization in
            guard let outbox else {
                return .object([:])
            }
            let path = try outbox.write(
                try Self.bundle(
                    db,
                    authorization: authorization,
                    action: "publish",
                    requests: PublishPlan.requests(
                        for: authorization.manifest,
                        revision: authorization.revision,
                        settings: try Self.publishSettings(db)
                    ),
                    acting: acting
                )
            )
            return .object(["outbox": .string(path)])
        }
    }

    /// Resumes a paused campaign; like publishing, it needs fresh approvals (for `resume`) by others.
    public func resumeCampaign(
        _ id: String,
        as acting: Acting,
        outbox: Outbox? = nil
    ) throws -> (PublishAuthorization, WitnessMemory) {
        try transition(id, action: "resume", as: acting) { db, authorization in
            guard let outbox else {
                return .object([:])
            }
            let sequence = outbox.count(campaignID: id, revision: authorization.revision, action: "resume") + 1
            let path = try outbox.write(
                try Self.bundle(
                    db,
                    authorization: authorization,
                    action: "resume",
                    requests: [PublishPlan.statusChange(paused: false)],
                    acting: acting
                ),
                sequence: sequence
            )
            return .object(["outbox": .string(path)])
        }
    }

    /// Publish and resume share one discipline: authorize from raw data, record the claim, deliver, audit.
    private func transition(
        _ id: String,
        action: String,
        as acting: Acting,
        deliver: (any SQLConnection, PublishAuthorization) throws -> CanonicalJSON
    ) throws -> (PublishAuthorization, WitnessMemory) {
        try signing(acting, action: "campaign.\(action)", target: "campaign:\(id)") { db, policy in
            let state = try Self.status(db, id)
            if action == "resume" {
                guard state == "paused" else {
                    throw ApprovalError.invalidTransition(campaignID: id, from: state, action: "resumed")
                }
            } else {
                guard state != "ended" else {
                    throw ApprovalError.invalidTransition(campaignID: id, from: state, action: "published")
                }
                // A paused campaign takes a new revision by publishing it; the same revision needs `resume`.
                if state == "paused",
                    try Self.publishedRevision(db, id, policy: policy) == Self.latestRevision(db, id).revision
                {
                    throw ApprovalError.invalidTransition(
                        campaignID: id,
                        from: state,
                        action: "published again (resume it)"
                    )
                }
            }
            let authorization = try Self.authorize(
                db,
                campaignID: id,
                action: action,
                acting: acting,
                policy: policy,
                now: context.now(),
                nonce: context.makeID()
            )
            if action == "publish", let published = try Self.publishedRevision(db, id, policy: policy),
                published >= authorization.revision
            {
                throw ApprovalError.invalidTransition(
                    campaignID: id,
                    from: "already published at revision \(published)",
                    action: "published again"
                )
            }
            if action == "resume" {
                let others = authorization.evaluation.approvers.filter { $0 != acting.name }
                guard others.count >= authorization.evaluation.threshold else {
                    throw ApprovalError.selfApproval(
                        person: acting.name,
                        campaignID: id,
                        revision: authorization.revision
                    )
                }
            }
            let claim = try authorization.claim.claim()
            try Self.insert(authorization.claim, claim, in: db, at: Timestamp.string(context.now()))
            let delivery = try deliver(db, authorization)
            try db.execute(sql: "UPDATE campaign SET status = 'published' WHERE id = ?", arguments: [id])
            return (
                AuditRecord(
                    actor: acting.name,
                    action: "campaign.\(action)",
                    target: "campaign:\(id)@\(authorization.revision)",
                    digest: authorization.digest,
                    details: .object([
                        "approved_by": .array(authorization.evaluation.approvers.map { .string($0) }),
                        "submitted_by": .string(authorization.evaluation.submitter ?? ""),
                        "spends": .array(authorization.evaluation.approvalHashes.map { .string($0) }),
                        "delivery": delivery,
                    ]),
                    claim: authorization.claim
                ),
                authorization
            )
        }
    }

    /// The outbox bundle of an authorized action: requests, manifest, digest, claims and a checkpoint.
    static func bundle(
        _ db: any SQLConnection,
        authorization: PublishAuthorization,
        action: String,
        requests: [AdRequest],
        acting: Acting
    ) throws -> Outbox.Bundle {
        let rows = try claims(
            db,
            sql: "SELECT text, signature FROM claim WHERE campaign_id = ? AND revision = ? ORDER BY id",
            arguments: [authorization.campaignID, authorization.revision]
        )
        let spent = Set(authorization.evaluation.approvalHashes)
        var used: [SignedClaim] = []
        for row in rows {
            let claim = try row.claim()
            guard claim.manifestDigest == authorization.digest else {
                continue
            }
            switch claim.kind {
            case .campaignAuthor, .campaignSubmit:
                used.append(row)
            case .campaignApprove where spent.contains(row.hash):
                used.append(row)
            default:
                break
            }
        }
        used.append(authorization.claim)
        return Outbox.Bundle(
            action: action,
            campaignID: authorization.campaignID,
            revision: authorization.revision,
            requests: requests,
            manifestJSON: authorization.manifestJSON,
            digest: authorization.digest,
            claims: used,
            checkpoint: try checkpointText(db, signer: acting.signer.checkpointSigner())
        )
    }

    /// The audit log's tree head as a C2SP checkpoint, signed when a signer is given.
    static func checkpointText(_ db: any SQLConnection, signer: NoteSigner?) throws -> String {
        let verification = try verifyAudit(db, against: nil)
        let workspaceID = try db.fetchOne(String.self, sql: "SELECT id FROM workspace") ?? "unknown"
        let checkpoint = try Checkpoint(
            origin: "campaignctl/\(workspaceID)",
            size: verification.size,
            rootHash: try bytes(hex: verification.root)
        )
        if let signer {
            return try checkpoint.signed(by: [signer])
        }
        return checkpoint.body
    }

    /// The workspace's publishing settings.
    static func publishSettings(_ db: any SQLConnection) throws -> PublishSettings {
        guard let text = try db.fetchOne(String.self, sql: "SELECT value FROM setting WHERE key = 'publish'") else {
            return PublishSettings()
        }
        return (try? JSONDecoder().decode(PublishSettings.self, from: Data(text.utf8))) ?? PublishSettings()
    }
}
