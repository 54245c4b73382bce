import Crypto
import Foundation

/// One entry of the tamper-evident audit log.
public struct AuditEvent: Codable, Hashable, Sendable {
    /// 1, 2, 3 … with no gap.
    public var seq: Int
    public var time: String
    /// The person acting, or `system`.
    public var actor: String
    /// `import`, `campaign.create`, `campaign.approve`, `policy.seal` …
    public var action: String
    /// What it acted on (`campaign:bougies-hiver@2`, `catalog:maison-lumiere`, `policy:v2`).
    public var target: String
    /// `ok`, `refused` or `failed`: refused and failed attempts are logged too.
    public var outcome: String
    /// The digest concerned (manifest, policy, feed file).
    public var digest: String?
    /// What else matters (reason, counts, approvals spent …).
    public var details: CanonicalJSON
    /// The signed claim behind the action, when there is one.
    public var claim: SignedClaim?
    /// The previous entry's leaf hash (empty for the first): the hash chain.
    public var previous: String

    enum CodingKeys: String, CodingKey {
        case seq, time, actor, action, target, outcome, digest, details, claim, previous
    }

    /// The canonical bytes that are hashed: RFC 9162 leaf hash = SHA-256(0x00 ‖ bytes).
    public func canonicalBytes() throws -> [UInt8] {
        try CanonicalJSON(encoding: self).canonicalBytes
    }
}

/// What is appended: an event without its position in the chain.
struct AuditRecord {
    var actor: String
    var action: String
    var target: String
    var outcome = "ok"
    var digest: String?
    var details: CanonicalJSON = .object([:])
    var claim: SignedClaim?
}

/// The outcome of checking the log.
public struct AuditVerification: Sendable, Hashable {
    /// How many events the log holds.
    public var size: Int
    /// The Merkle root (RFC 9162) of all leaves, hex.
    public var root: String
    /// The first problem found, naming the event; nil when the log is intact.
    public var problem: String?
    /// The sequence number of the first bad event.
    public var firstBadSeq: Int?

    /// Whether the log is intact.
    public var isIntact: Bool { problem == nil }
}

/// What one person's CLI remembers about a workspace, to act as a witness (security model §1.4, R6, R11).
public struct WitnessMemory: Codable, Hashable, Sendable {
    /// The digest of policy version 1, pinned on first use.
    public var genesisPolicyDigest: String?
    /// The highest policy version verified.
    public var policyVersion: Int
    /// The audit log size last verified.
    public var checkpointSize: Int
    /// The Merkle root of that many events, hex.
    public var checkpointRoot: String?

    /// Nothing remembered yet.
    public init(
        genesisPolicyDigest: String? = nil,
        policyVersion: Int = 0,
        checkpointSize: Int = 0,
        checkpointRoot: String? = nil
    ) {
        self.genesisPolicyDigest = genesisPolicyDigest
        self.policyVersion = policyVersion
        self.checkpointSize = checkpointSize
        self.checkpointRoot = checkpointRoot
    }
}

extension CampaignStore {
    /// Appends an event in the caller's transaction, chained to the last one.
    @discardableResult
    static func appendAudit(_ record: AuditRecord, at time: String, in db: any SQLConnection) throws -> AuditEvent {
        let last = try db.fetchOne(sql: "SELECT seq, leaf_hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        let seq = (try last?[0] as Int? ?? 0) + 1
        let event = AuditEvent(
            seq: seq,
            time: time,
            actor: record.actor,
            action: record.action,
            target: record.target,
            outcome: record.outcome,
            digest: record.digest,
            details: record.details,
            claim: record.claim,
            previous: try last?[1] ?? ""
        )
        let bytes = try event.canonicalBytes()
        try db.execute(
            sql: "INSERT INTO audit_event (seq, event, leaf_hash) VALUES (?, ?, ?)",
            arguments: [seq, String(decoding: bytes, as: UTF8.self), Hex.encode(MerkleTree.leafHash(bytes))]
        )
        return event
    }

    /// Records a refused or failed attempt in its own transaction (the attempt's own changes were rolled back).
    func auditRefusal(actor: String, action: String, target: String, error: any Error) {
        _ = try? write { db in
            let event = try Self.appendAudit(
                AuditRecord(
                    actor: actor,
                    action: action,
                    target: target,
                    outcome: "refused",
                    details: .object(["reason": .string("\(error)")])
                ),
                at: Timestamp.string(context.now()),
                in: db
            )
            // Refused attempts on campaigns notify everyone too (a hijacked account probing is news).
            if let policy = try? Self.verifiedPolicy(db, memory: WitnessMemory()) {
                try Self.queueNotifications(
                    for: event,
                    policy: policy,
                    in: db,
                    at: Timestamp.string(context.now()),
                    makeID: context.makeID
                )
            }
        }
    }

    /// The log, oldest first (optionally only the last `limit` events).
    public func auditEvents(limit: Int? = nil) throws -> [AuditEvent] {
        try read { db in
            var sql = "SELECT event FROM audit_event ORDER BY seq"
            if let limit {
                sql =
                    "SELECT event FROM (SELECT seq, event FROM audit_event ORDER BY seq DESC LIMIT \(max(0, limit))) AS recent ORDER BY seq"
            }
            return try db.fetchAll(String.self, sql: sql).map { text in
                guard let event = try? JSONDecoder().decode(AuditEvent.self, from: Data(text.utf8)) else {
                    throw ApprovalError.tampered(what: "an audit event is not valid JSON")
                }
                return event
            }
        }
    }

    /// Checks the chain from the first event and, when given, the remembered checkpoint.
    ///
    /// Names the first event that was edited (its bytes no longer hash to the chain), deleted (a gap),
    /// reordered (a sequence number out of place) or truncated (fewer events than remembered).
    public func verifyAudit(against memory: WitnessMemory? = nil) throws -> AuditVerification {
        try read { db in try Self.verifyAudit(db, against: memory) }
    }

    static func verifyAudit(_ db: any SQLConnection, against memory: WitnessMemory?) throws -> AuditVerification {
        let rows = try db.fetchAll(sql: "SELECT seq, event, leaf_hash FROM audit_event ORDER BY seq")
        var leaves: [[UInt8]] = []
        leaves.reserveCapacity(rows.count)
        var previous = ""
        var problem: (Int, String)?
        for (index, row) in rows.enumerated() {
            let seq: Int = try row[0]
            let text: String = try row[1]
            let stored: String = try row[2]
            let expected = index + 1
            let leaf = MerkleTree.leafHash(Array(text.utf8))
            leaves.append(leaf)
            guard problem == nil else {
                continue
            }
            if seq != expected {
                problem = (
                    expected,
                    seq > expected ? "event #\(expected) is missing: it was deleted" : "event #\(seq) is out of place"
                )
                continue
            }
            guard let event = try? JSONDecoder().decode(AuditEvent.self, from: Data(text.utf8)),
                (try? event.canonicalBytes()) == Array(text.utf8)
            else {
                problem = (seq, "event #\(seq) is not in canonical form: it was edited")
                continue
            }
            if event.seq != seq {
                problem = (seq, "event #\(seq) carries sequence number \(event.seq): the log was reordered")
            } else if Hex.encode(leaf) != stored {
                problem = (seq, "event #\(seq) was edited: its hash no longer matches")
            } else if event.previous != previous {
                problem = (
                    seq - 1,
                    seq == 1
                        ? "event #1 points to a predecessor: the log's start was cut"
                        : "event #\(seq - 1) was edited, deleted or reordered: event #\(seq) no longer chains to it"
                )
            }
            previous = stored
        }
        var result = AuditVerification(
            size: rows.count,
            root: Hex.encode(MerkleTree.rootHash(leafHashes: leaves)),
            problem: problem?.1,
            firstBadSeq: problem?.0
        )
        if result.problem == nil, let memory, memory.checkpointSize > 0 {
            if rows.count < memory.checkpointSize {
                result.problem =
                    "the log has \(rows.count) events but \(memory.checkpointSize) were verified before: "
                    + "events after #\(rows.count) were truncated"
                result.firstBadSeq = rows.count + 1
            } else if let root = memory.checkpointRoot,
                Hex.encode(MerkleTree.rootHash(leafHashes: Array(leaves.prefix(memory.checkpointSize)))) != root
            {
                result.problem =
                    "the first \(memory.checkpointSize) events differ from those verified before: "
                    + "the log was rewritten (a fork)"
                result.firstBadSeq = 1
            }
        }
        return result
    }

    /// A signed tree head in the C2SP checkpoint form, signed by `signer`.
    public func auditCheckpoint(signer: NoteSigner) throws -> (note: String, verification: AuditVerification) {
        let workspace = try workspace()
        let verification = try verifyAudit()
        if let problem = verification.problem {
            throw ApprovalError.auditLogBroken(seq: verification.firstBadSeq ?? 0, reason: problem)
        }
        let root = try Self.bytes(hex: verification.root)
        let checkpoint = try Checkpoint(origin: "campaignctl/\(workspace.id)", size: verification.size, rootHash: root)
        return (try checkpoint.signed(by: [signer]), verification)
    }

    static func bytes(hex: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = hexValue(high), let l = hexValue(low) else {
                throw ApprovalError.tampered(what: "'\(hex.prefix(16))…' is not hexadecimal")
            }
            bytes.append(h << 4 | l)
        }
        return bytes
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case 0x30...0x39: character - 0x30
        case 0x61...0x66: character - 0x61 + 10
        default: nil
        }
    }
}
