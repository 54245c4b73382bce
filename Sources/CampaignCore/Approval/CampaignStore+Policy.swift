import Crypto
import Foundation

/// A change to the policy, proposed as version N+1.
public enum PolicyChange: Sendable, Hashable {
    case addPerson(name: String, roles: [Role], publicKey: String)
    case removePerson(String)
    case setRoles(name: String, roles: [Role])
    case rotateKey(name: String, publicKey: String)
    case setThreshold(Int)
    case addDomain(String)
    case removeDomain(String)
    case addChannel(PolicyDocument.Channel)
    case removeChannel(target: String)
    case setApprovalLifetime(hours: Int)
}

/// A policy version as stored, with who signed it.
public struct PolicyVersionInfo: Sendable, Hashable {
    public var version: Int
    public var digest: String
    public var state: String
    public var document: PolicyDocument
    public var signers: [String]
    public var proposer: String?
}

/// Who is acting: their signing key and what their keystore remembers about this workspace.
public struct Acting: Sendable {
    public var signer: any ClaimSigner
    public var memory: WitnessMemory

    /// Creates an actor.
    public init(signer: any ClaimSigner, memory: WitnessMemory) {
        self.signer = signer
        self.memory = memory
    }

    /// The person's name.
    public var name: String { signer.name }
}

extension CampaignStore {
    // MARK: - Reading the verified policy

    /// The policy established by signatures, checked against a keystore's memory (genesis pin, rollback).
    public func verifiedPolicy(memory: WitnessMemory = WitnessMemory()) throws -> VerifiedPolicy {
        try read { db in try Self.verifiedPolicy(db, memory: memory) }
    }

    static func verifiedPolicy(_ db: any SQLConnection, memory: WitnessMemory) throws -> VerifiedPolicy {
        guard let workspaceID = try db.fetchOne(String.self, sql: "SELECT id FROM workspace") else {
            throw WorkspaceError.notInitialized
        }
        let versions = try db.fetchAll(sql: "SELECT version, document FROM policy_version ORDER BY version")
            .map { StoredPolicyVersion(version: try $0[0], text: try $0[1]) }
        let claims = try Self.claims(
            db,
            sql: "SELECT text, signature FROM claim WHERE kind LIKE 'policy.%' ORDER BY id"
        )
        return try PolicyChain.verify(
            versions: versions,
            claims: claims,
            workspaceID: workspaceID,
            pinnedGenesis: memory.genesisPolicyDigest,
            rememberedVersion: memory.policyVersion
        )
    }

    static func claims(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> [SignedClaim] {
        try db.fetchAll(sql: sql, arguments: arguments).map { SignedClaim(text: try $0[0], signature: try $0[1]) }
    }

    /// Every policy version with its signers, oldest first.
    public func policyHistory() throws -> [PolicyVersionInfo] {
        try read { db in
            let claims = try Self.claims(
                db,
                sql: "SELECT text, signature FROM claim WHERE kind LIKE 'policy.%' ORDER BY id"
            )
            let parsed = claims.compactMap { claim in (try? claim.claim()).map { (claim, $0) } }
            return try db.fetchAll(sql: "SELECT version, document, state FROM policy_version ORDER BY version").map {
                row in
                let text: String = try row[1]
                let document = try JSONDecoder().decode(PolicyDocument.self, from: Data(text.utf8))
                let digest = try CanonicalJSON(parsing: text).sha256Hex
                let mine = parsed.filter { $0.1.policyVersion == document.version && $0.1.policyDigest == digest }
                return PolicyVersionInfo(
                    version: try row[0],
                    digest: digest,
                    state: try row[2],
                    document: document,
                    signers: Array(Set(mine.map(\.1.signer))).sorted(),
                    proposer: mine.first { $0.1.kind == .policyPropose }?.1.signer
                )
            }
        }
    }

    // MARK: - Setup mode

    /// Adds a person to policy version 1 while it is in setup mode (after sealing, propose a change instead).
    public func addPerson(name: String, roles: [Role], publicKey: String, actor: String) throws -> PolicyDocument {
        try Self.validate(personName: name)
        guard PolicyChain.publicKey(publicKey) != nil else {
            throw ApprovalError.invalidProposal(reason: "'\(publicKey.prefix(20))…' is not an Ed25519 public key")
        }
        guard !roles.isEmpty else {
            throw ApprovalError.invalidProposal(reason: "give '\(name)' at least one role (author, approver, admin)")
        }
        return try write { db in
            let policy = try Self.verifiedPolicy(db, memory: WitnessMemory())
            guard !policy.isSealed else {
                throw ApprovalError.invalidProposal(
                    reason: "the policy is sealed; propose the change instead (campaignctl policy propose --add-user)"
                )
            }
            var document = policy.document
            guard document.person(name) == nil else {
                throw ApprovalError.invalidProposal(reason: "'\(name)' is already in the policy")
            }
            guard !document.people.contains(where: { $0.publicKey == publicKey }) else {
                throw ApprovalError.invalidProposal(reason: "that key already belongs to someone: one key, one person")
            }
            document.people.append(
                PolicyDocument.Person(name: name, publicKey: publicKey, roles: roles.map(\.rawValue))
            )
            document.people.sort { $0.name < $1.name }
            let canonical = try CanonicalJSON(encoding: document)
            try db.execute(
                sql: "UPDATE policy_version SET document = ?, digest = ? WHERE version = 1",
                arguments: [canonical.canonicalString, canonical.sha256Hex]
            )
            try Self.appendAudit(
                AuditRecord(
                    actor: actor,
                    action: "policy.user_add",
                    target: "policy:v1",
                    digest: canonical.sha256Hex,
                    details: .object([
                        "person": .string(name), "roles": .array(roles.map { .string($0.rawValue) }),
                        "public_key": .string(publicKey),
                    ])
                ),
                at: Timestamp.string(context.now()),
                in: db
            )
            return document
        }
    }

    /// Signs policy version 1 (setup mode); the last of the listed people to sign seals it.
    public func sealPolicy(as acting: Acting) throws -> (policy: VerifiedPolicy, memory: WitnessMemory) {
        try signing(acting, action: "policy.seal", target: "policy:v1") { db, policy in
            guard !policy.isSealed else {
                throw ApprovalError.alreadySigned(person: acting.name, what: "the sealed policy")
            }
            guard policy.document.person(acting.name) != nil else {
                throw ApprovalError.unknownPerson(acting.name)
            }
            guard try Self.isKey(acting, registeredIn: policy.document) else {
                throw ApprovalError.tampered(
                    what: "the key of '\(acting.name)' in this keystore is not the one in the policy"
                )
            }
            guard !policy.pendingSigners.contains(acting.name) else {
                throw ApprovalError.alreadySigned(person: acting.name, what: "policy version 1")
            }
            let claim = Claim(
                kind: .policySign,
                workspaceID: policy.document.workspaceID,
                signer: acting.name,
                issuedAt: Self.epoch(context.now()),
                nonce: context.makeID(),
                policyVersion: 1,
                policyDigest: policy.digest
            )
            let signed = try Self.signAndStore(claim, with: acting.signer, in: db, at: context.now())
            let after = try Self.verifiedPolicy(db, memory: WitnessMemory())
            if after.isSealed {
                try db.execute(sql: "UPDATE policy_version SET state = 'in_force' WHERE version = 1")
            }
            return (
                AuditRecord(
                    actor: acting.name,
                    action: after.isSealed ? "policy.sealed" : "policy.seal_sign",
                    target: "policy:v1",
                    digest: policy.digest,
                    details: .object([
                        "signed_by": .array(
                            after.isSealed
                                ? after.document.people.map { .string($0.name) }
                                : after.pendingSigners.map { .string($0) }
                        )
                    ]),
                    claim: signed
                ),
                after
            )
        }
    }

    // MARK: - Proposals

    /// Proposes version N+1 of the policy; it takes effect once the thresholds of N and N+1 have signed.
    public func proposePolicy(
        _ changes: [PolicyChange],
        as acting: Acting
    ) throws -> (policy: VerifiedPolicy, memory: WitnessMemory) {
        try signing(acting, action: "policy.propose", target: "policy") { db, policy in
            guard policy.isSealed else {
                throw ApprovalError.policyNotSealed
            }
            guard policy.isActive(acting.name, role: .admin) else {
                throw ApprovalError.missingRole(person: acting.name, role: .admin)
            }
            if let pending = policy.pending {
                throw ApprovalError.proposalPending(version: pending.version)
            }
            var document = policy.document
            document.version += 1
            document.previousDigest = policy.digest
            for change in changes {
                try Self.apply(change, to: &document)
            }
            try Self.validate(document)
            let canonical = try CanonicalJSON(encoding: document)
            // A proposal left unapproved before is superseded by this one (versions stay exactly N+1).
            try db.execute(
                sql: "DELETE FROM policy_version WHERE version = ? AND state = 'proposed'",
                arguments: [document.version]
            )
            try db.execute(
                sql:
                    "INSERT INTO policy_version (version, document, digest, state, proposed_by, created_at) VALUES (?, ?, ?, 'proposed', ?, ?)",
                arguments: [
                    document.version, canonical.canonicalString, canonical.sha256Hex, acting.name,
                    Timestamp.string(context.now()),
                ]
            )
            let claim = Claim(
                kind: .policyPropose,
                workspaceID: document.workspaceID,
                signer: acting.name,
                issuedAt: Self.epoch(context.now()),
                nonce: context.makeID(),
                policyVersion: document.version,
                policyDigest: canonical.sha256Hex
            )
            let signed = try Self.signAndStore(claim, with: acting.signer, in: db, at: context.now())
            let after = try Self.verifiedPolicy(db, memory: WitnessMemory())
            return (
                AuditRecord(
                    actor: acting.name,
                    action: "policy.propose",
                    target: "policy:v\(document.version)",
                    digest: canonical.sha256Hex,
                    details: .object(["changes": .array(changes.map { .string(Self.describe($0)) })]),
                    claim: signed
                ),
                after
            )
        }
    }

    /// Signs the pending proposal; when both thresholds are met it takes effect at once.
    public func approvePolicy(as acting: Acting) throws -> (policy: VerifiedPolicy, memory: WitnessMemory) {
        try signing(acting, action: "policy.approve", target: "policy") { db, policy in
            guard let pending = policy.pending else {
                throw ApprovalError.noPendingProposal
            }
            let inOld = policy.isActive(acting.name, role: .approver)
            let inNew = pending.has(acting.name, role: .approver)
            guard inOld || inNew else {
                throw ApprovalError.missingRole(person: acting.name, role: .approver)
            }
            guard !policy.pendingSigners.contains(acting.name) else {
                throw ApprovalError.alreadySigned(person: acting.name, what: "policy version \(pending.version)")
            }
            let digest = try pending.digest()
            let claim = Claim(
                kind: .policySign,
                workspaceID: pending.workspaceID,
                signer: acting.name,
                issuedAt: Self.epoch(context.now()),
                nonce: context.makeID(),
                policyVersion: pending.version,
                policyDigest: digest
            )
            let signed = try Self.signAndStore(claim, with: acting.signer, in: db, at: context.now())
            let after = try Self.verifiedPolicy(db, memory: WitnessMemory())
            let tookEffect = after.document.version == pending.version
            if tookEffect {
                try db.execute(
                    sql: "UPDATE policy_version SET state = 'superseded' WHERE version < ?",
                    arguments: [pending.version]
                )
                try db.execute(
                    sql: "UPDATE policy_version SET state = 'in_force' WHERE version = ?",
                    arguments: [pending.version]
                )
            }
            return (
                AuditRecord(
                    actor: acting.name,
                    action: tookEffect ? "policy.in_force" : "policy.approve",
                    target: "policy:v\(pending.version)",
                    digest: digest,
                    claim: signed
                ),
                after
            )
        }
    }

    /// Revokes a person's key at once: one approver or admin suffices, because it only removes power.
    public func revokePerson(
        _ name: String,
        reason: String,
        as acting: Acting
    ) throws -> (policy: VerifiedPolicy, memory: WitnessMemory) {
        try signing(acting, action: "policy.revoke", target: "person:\(name)") { db, policy in
            guard policy.isActive(acting.name, role: .approver) || policy.isActive(acting.name, role: .admin) else {
                throw ApprovalError.missingRole(person: acting.name, role: .approver)
            }
            guard policy.document.person(name) != nil else {
                throw ApprovalError.unknownPerson(name)
            }
            let claim = Claim(
                kind: .policyRevoke,
                workspaceID: policy.document.workspaceID,
                signer: acting.name,
                issuedAt: Self.epoch(context.now()),
                nonce: context.makeID(),
                policyVersion: policy.document.version,
                subject: name,
                reason: reason
            )
            let signed = try Self.signAndStore(claim, with: acting.signer, in: db, at: context.now())
            let after = try Self.verifiedPolicy(db, memory: WitnessMemory())
            return (
                AuditRecord(
                    actor: acting.name,
                    action: "policy.revoke",
                    target: "person:\(name)",
                    details: .object(["reason": .string(reason)]),
                    claim: signed
                ),
                after
            )
        }
    }

    // MARK: - The signing discipline

    /// Runs a signing operation: witness checks first (policy chain against the pinned genesis and the
    /// remembered version; audit log against the remembered checkpoint), then the operation and its audit
    /// event in one transaction, then notifications. Refusals are audited in their own transaction.
    func signing<Result>(
        _ acting: Acting,
        action: String,
        target: String,
        _ body: (any SQLConnection, VerifiedPolicy) throws -> (AuditRecord, Result)
    ) throws -> (Result, WitnessMemory) {
        do {
            return try write { db in
                let (policy, _) = try Self.witnessCheck(db, memory: acting.memory)
                // The key this person signs with must be the one the policy lists for them (a second,
                // unenrolled key is not theirs as far as approvals go).
                if let listed = policy.document.person(acting.name) ?? policy.pending?.person(acting.name),
                    listed.publicKey != acting.signer.publicKey.rawRepresentation.base64EncodedString(),
                    policy.pending?.person(acting.name)?.publicKey
                        != acting.signer.publicKey.rawRepresentation.base64EncodedString()
                {
                    throw ApprovalError.tampered(
                        what: "the key of '\(acting.name)' in this keystore is not the one in the policy"
                    )
                }
                let (record, result) = try body(db, policy)
                let event = try Self.appendAudit(record, at: Timestamp.string(context.now()), in: db)
                try Self.queueNotifications(
                    for: event,
                    policy: try Self.verifiedPolicy(db, memory: WitnessMemory()),
                    in: db,
                    at: Timestamp.string(context.now()),
                    makeID: context.makeID
                )
                let verification = try Self.verifyAudit(db, against: nil)
                let latest = try Self.verifiedPolicy(db, memory: WitnessMemory())
                var memory = acting.memory
                memory.genesisPolicyDigest = latest.genesisDigest
                memory.policyVersion = max(memory.policyVersion, latest.document.version)
                memory.checkpointSize = verification.size
                memory.checkpointRoot = verification.root
                return (result, memory)
            }
        } catch {
            auditRefusal(actor: acting.name, action: action, target: target, error: error)
            throw error
        }
    }

    /// Verifies the policy chain and the audit log against what this person's keystore remembers.
    static func witnessCheck(
        _ db: any SQLConnection,
        memory: WitnessMemory
    ) throws -> (VerifiedPolicy, AuditVerification) {
        let policy = try verifiedPolicy(db, memory: memory)
        let verification = try verifyAudit(db, against: memory)
        if let problem = verification.problem {
            if verification.size < memory.checkpointSize {
                throw ApprovalError.auditLogShrunk(remembered: memory.checkpointSize, found: verification.size)
            }
            if problem.contains("fork") {
                throw ApprovalError.auditLogForked(size: memory.checkpointSize)
            }
            throw ApprovalError.auditLogBroken(seq: verification.firstBadSeq ?? 0, reason: problem)
        }
        return (policy, verification)
    }

    /// Signs `claim` and stores it: how every action someone signs is recorded.
    static func signAndStore(
        _ claim: Claim,
        with signer: any ClaimSigner,
        in db: any SQLConnection,
        at now: Date
    ) throws -> SignedClaim {
        let signed = try SignedClaim.sign(claim, with: signer)
        try insert(signed, claim, in: db, at: Timestamp.string(now))
        return signed
    }

    static func insert(_ signed: SignedClaim, _ claim: Claim, in db: any SQLConnection, at time: String) throws {
        try db.execute(
            sql: """
                INSERT INTO claim (kind, signer, campaign_id, revision, policy_version, text, signature, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                claim.kind.rawValue, claim.signer, claim.campaignID, claim.revision, claim.policyVersion, signed.text,
                signed.signature, time,
            ]
        )
    }

    static func isKey(_ acting: Acting, registeredIn document: PolicyDocument) throws -> Bool {
        document.person(acting.name)?.publicKey == acting.signer.publicKey.rawRepresentation.base64EncodedString()
    }

    static func epoch(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    static func validate(personName name: String) throws {
        let valid =
            (1...32).contains(name.utf8.count) && name.utf8.first.map { (0x61...0x7A).contains($0) } == true
            && name.utf8.allSatisfy {
                (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
            }
        guard valid else {
            throw ApprovalError.invalidProposal(
                reason: "'\(name)' is not a valid person name (a-z first, then a-z, 0-9, '.', '_', '-')"
            )
        }
    }

    private static func apply(_ change: PolicyChange, to document: inout PolicyDocument) throws {
        switch change {
        case .addPerson(let name, let roles, let key):
            try validate(personName: name)
            guard document.person(name) == nil else {
                throw ApprovalError.invalidProposal(reason: "'\(name)' is already in the policy")
            }
            guard PolicyChain.publicKey(key) != nil else {
                throw ApprovalError.invalidProposal(reason: "the key for '\(name)' is not an Ed25519 public key")
            }
            document.people.append(PolicyDocument.Person(name: name, publicKey: key, roles: roles.map(\.rawValue)))
        case .removePerson(let name):
            guard document.person(name) != nil else {
                throw ApprovalError.unknownPerson(name)
            }
            document.people.removeAll { $0.name == name }
        case .setRoles(let name, let roles):
            guard let index = document.people.firstIndex(where: { $0.name == name }) else {
                throw ApprovalError.unknownPerson(name)
            }
            document.people[index].roles = roles.map(\.rawValue)
        case .rotateKey(let name, let key):
            guard let index = document.people.firstIndex(where: { $0.name == name }) else {
                throw ApprovalError.unknownPerson(name)
            }
            guard PolicyChain.publicKey(key) != nil else {
                throw ApprovalError.invalidProposal(reason: "the new key for '\(name)' is not an Ed25519 public key")
            }
            document.people[index].publicKey = key
        case .setThreshold(let threshold):
            document.threshold = threshold
        case .addDomain(let domain):
            guard let ascii = LinkChecker(verifiedDomains: [domain]).verifiedDomains.first else {
                throw ApprovalError.invalidProposal(reason: "'\(domain)' is not a domain name")
            }
            document.verifiedDomains = Array(Set(document.verifiedDomains + [ascii])).sorted()
        case .removeDomain(let domain):
            document.verifiedDomains.removeAll { $0 == domain.lowercased() }
        case .addChannel(let channel):
            document.channels.append(channel)
        case .removeChannel(let target):
            document.channels.removeAll { $0.target == target }
        case .setApprovalLifetime(let hours):
            document.approvalLifetimeHours = hours
        }
        document.people.sort { $0.name < $1.name }
    }

    private static func validate(_ document: PolicyDocument) throws {
        let approvers = document.people(with: .approver).count
        guard document.people.count >= 2 else {
            throw ApprovalError.invalidProposal(reason: "two-person approval needs at least two people")
        }
        guard document.threshold >= 1, document.threshold <= approvers else {
            throw ApprovalError.invalidProposal(
                reason:
                    "the threshold (\(document.threshold)) must be between 1 and the number of approvers (\(approvers))"
            )
        }
        guard Set(document.people.map(\.publicKey)).count == document.people.count else {
            throw ApprovalError.invalidProposal(reason: "one key is listed for two people: one key, one person")
        }
        guard (1...720).contains(document.approvalLifetimeHours) else {
            throw ApprovalError.invalidProposal(reason: "the approval lifetime must be 1 to 720 hours")
        }
        guard !document.verifiedDomains.isEmpty else {
            throw ApprovalError.invalidProposal(reason: "at least one verified domain is needed")
        }
        for channel in document.channels where channel.kind != "webhook" && channel.kind != "command" {
            throw ApprovalError.invalidProposal(
                reason: "unknown notification channel kind '\(channel.kind)' (webhook or command)"
            )
        }
    }

    static func describe(_ change: PolicyChange) -> String {
        switch change {
        case .addPerson(let name, let roles, _): "add \(name) as \(roles.map(\.rawValue).joined(separator: "+"))"
        case .removePerson(let name): "remove \(name)"
        case .setRoles(let name, let roles): "set \(name)'s roles to \(roles.map(\.rawValue).joined(separator: "+"))"
        case .rotateKey(let name, _): "rotate \(name)'s key"
        case .setThreshold(let threshold): "set the threshold to \(threshold)"
        case .addDomain(let domain): "verify domain \(domain)"
        case .removeDomain(let domain): "unverify domain \(domain)"
        case .addChannel(let channel): "add \(channel.kind) channel \(channel.target)"
        case .removeChannel(let target): "remove channel \(target)"
        case .setApprovalLifetime(let hours): "set the approval lifetime to \(hours) h"
        }
    }
}
