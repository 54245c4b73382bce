public import Crypto
import Foundation

/// The policy as established by signatures, not by what the database says is "in force".
public struct VerifiedPolicy: Sendable, Hashable {
    /// The document in force (version 1 in setup mode until sealed).
    public var document: PolicyDocument
    /// Its digest, recomputed from its canonical bytes.
    public var digest: String
    /// The digest of version 1 (what keystores pin).
    public var genesisDigest: String
    /// Whether version 1 was sealed by every person it lists.
    public var isSealed: Bool
    /// People whose keys were revoked by a valid one-person revocation.
    public var revoked: Set<String>
    /// The proposed next version, when one is pending.
    public var pending: PolicyDocument?
    /// Who has validly signed the pending proposal (or, in setup mode, version 1).
    public var pendingSigners: [String]

    /// The person's public key in the policy in force, unless revoked.
    public func activeKey(of person: String) -> Curve25519.Signing.PublicKey? {
        guard !revoked.contains(person), let entry = document.person(person) else {
            return nil
        }
        return PolicyChain.publicKey(entry.publicKey)
    }

    /// Whether the person holds the role and is not revoked.
    public func isActive(_ person: String, role: Role) -> Bool {
        !revoked.contains(person) && document.has(person, role: role)
    }
}

/// A stored policy version: its number and its document's canonical JSON.
public struct StoredPolicyVersion: Sendable, Hashable {
    public var version: Int
    public var text: String

    /// Creates a stored version.
    public init(version: Int, text: String) {
        self.version = version
        self.text = text
    }
}

/// Verifies the policy chain like TUF clients verify root metadata: version 1 is sealed by every person
/// it lists; version N+1 takes effect only when signed by the threshold of version N's approvers other
/// than the proposer AND by the threshold of version N+1's approvers; versions go up by exactly one.
///
/// Thresholds count distinct people, never keys, rows or signatures (TUF's recurring bug, §1.1 of the
/// security model). A signature that does not verify is not ignored: it means the database was edited,
/// and verification fails.
public enum PolicyChain {
    /// TUF's `max_root_rotations`: a bound on the walk.
    public static let maximumVersions = 10_000

    /// Verifies `versions` and the policy claims, against the genesis digest a keystore pinned and the
    /// highest version it has seen (rollback protection).
    public static func verify(
        versions: [StoredPolicyVersion],
        claims: [SignedClaim],
        workspaceID: String,
        pinnedGenesis: String?,
        rememberedVersion: Int
    ) throws -> VerifiedPolicy {
        let sorted = versions.sorted { $0.version < $1.version }
        guard let first = sorted.first, first.version == 1 else {
            throw ApprovalError.tampered(what: "the policy has no version 1")
        }
        guard sorted.count <= maximumVersions else {
            throw ApprovalError.tampered(what: "the policy chain is longer than \(maximumVersions) versions")
        }
        for (index, stored) in sorted.enumerated() where stored.version != index + 1 {
            throw ApprovalError.tampered(what: "policy versions skip from \(index) to \(stored.version)")
        }
        let parsed = try claims.map { claim -> (SignedClaim, Claim) in (claim, try claim.claim()) }
            .filter { $0.1.workspaceID == workspaceID }
        let genesis = try document(first, workspaceID: workspaceID)
        guard genesis.document.previousDigest == nil else {
            throw ApprovalError.tampered(what: "policy version 1 names a previous version")
        }
        if let pinnedGenesis, pinnedGenesis != genesis.digest {
            throw ApprovalError.policyGenesisMismatch(pinned: pinnedGenesis, found: genesis.digest)
        }
        // Version 1: every listed person (at least two) signs it.
        try requireValid(parsed, version: 1, digest: genesis.digest, under: [genesis.document])
        let sealers = try signers(of: 1, digest: genesis.digest, in: parsed, keys: genesis.document)
        let everyone = Set(genesis.document.people.map(\.name))
        let sealed = everyone.count >= 2 && everyone.isSubset(of: sealers)
        var current = genesis
        var result = VerifiedPolicy(
            document: genesis.document,
            digest: genesis.digest,
            genesisDigest: genesis.digest,
            isSealed: sealed,
            revoked: [],
            pending: nil,
            pendingSigners: sealed ? [] : Array(sealers).sorted()
        )
        if sealed {
            for stored in sorted.dropFirst() {
                let next = try document(stored, workspaceID: workspaceID)
                guard next.document.previousDigest == current.digest else {
                    throw ApprovalError.tampered(
                        what: "policy version \(stored.version) does not follow version \(stored.version - 1)"
                    )
                }
                let proposers = parsed.filter { (_, claim: Claim) -> Bool in
                    claim.kind == .policyPropose && claim.policyVersion == stored.version
                        && claim.policyDigest == next.digest
                }
                let proposer = try proposers.first.map { claim, statement -> String in
                    guard let key = publicKey(of: statement.signer, in: current.document), claim.isValid(for: key)
                    else {
                        throw ApprovalError.tampered(
                            what: "the proposal of policy version \(stored.version) is not validly signed"
                        )
                    }
                    return statement.signer
                }
                try requireValid(
                    parsed,
                    version: stored.version,
                    digest: next.digest,
                    under: [current.document, next.document]
                )
                let oldSide = try signers(of: stored.version, digest: next.digest, in: parsed, keys: current.document)
                let newSide = try signers(of: stored.version, digest: next.digest, in: parsed, keys: next.document)
                let oldApprovers = Set(current.document.people(with: .approver).map(\.name))
                let newApprovers = Set(next.document.people(with: .approver).map(\.name))
                let oldCount = oldSide.intersection(oldApprovers).subtracting(proposer.map { [$0] } ?? []).count
                let newCount = newSide.intersection(newApprovers).count
                guard proposer != nil, oldCount >= current.document.threshold, newCount >= next.document.threshold
                else {
                    result.pending = next.document
                    result.pendingSigners = Array(oldSide.union(newSide)).sorted()
                    break
                }
                current = next
                result.document = next.document
                result.digest = next.digest
            }
        }
        if result.document.version < rememberedVersion {
            throw ApprovalError.policyRollback(remembered: rememberedVersion, found: result.document.version)
        }
        // One-person revocations by anyone who may approve or administer.
        for (claim, statement) in parsed where statement.kind == .policyRevoke {
            guard let subject = statement.subject else {
                continue
            }
            guard let key = publicKey(of: statement.signer, in: result.document), claim.isValid(for: key) else {
                throw ApprovalError.tampered(what: "a revocation of '\(subject)' is not validly signed")
            }
            let document = result.document
            if document.has(statement.signer, role: Role.approver) || document.has(statement.signer, role: Role.admin) {
                result.revoked.insert(subject)
            }
        }
        return result
    }

    /// The people whose valid `policy.sign`/`policy.propose` claims cover (version, digest), with their keys in `keys`.
    /// A claim by a listed person whose signature fails under every key they have is tampering.
    private static func signers(
        of version: Int,
        digest: String,
        in claims: [(SignedClaim, Claim)],
        keys document: PolicyDocument
    ) throws -> Set<String> {
        var names = Set<String>()
        for (claim, statement) in claims
        where (statement.kind == .policySign || statement.kind == .policyPropose)
            && statement.policyVersion == version && statement.policyDigest == digest
        {
            guard let key = publicKey(of: statement.signer, in: document) else {
                continue
            }
            if claim.isValid(for: key) {
                names.insert(statement.signer)
            }
        }
        return names
    }

    /// Fails when a claim over (version, digest) by a person listed in `documents` verifies under none of
    /// that person's keys there: a forged or edited row, not a mere stale signature.
    private static func requireValid(
        _ claims: [(SignedClaim, Claim)],
        version: Int,
        digest: String,
        under documents: [PolicyDocument]
    ) throws {
        for (claim, statement) in claims
        where (statement.kind == .policySign || statement.kind == .policyPropose)
            && statement.policyVersion == version && statement.policyDigest == digest
        {
            let keys = documents.compactMap { publicKey(of: statement.signer, in: $0) }
            guard !keys.isEmpty else {
                continue
            }
            if !keys.contains(where: { claim.isValid(for: $0) }) {
                throw ApprovalError.tampered(
                    what: "a signature of policy version \(version) by '\(statement.signer)' does not verify"
                )
            }
        }
    }

    private static func document(
        _ stored: StoredPolicyVersion,
        workspaceID: String
    ) throws -> (document: PolicyDocument, digest: String) {
        let json: CanonicalJSON
        do {
            json = try CanonicalJSON(parsing: stored.text)
        } catch {
            throw ApprovalError.tampered(what: "policy version \(stored.version) is not valid JSON")
        }
        guard let document = try? JSONDecoder().decode(PolicyDocument.self, from: Data(stored.text.utf8)),
            document.version == stored.version, document.workspaceID == workspaceID
        else {
            throw ApprovalError.tampered(what: "policy version \(stored.version) is not a policy of this workspace")
        }
        return (document, json.sha256Hex)
    }

    static func publicKey(of person: String, in document: PolicyDocument) -> Curve25519.Signing.PublicKey? {
        document.person(person).flatMap { publicKey($0.publicKey) }
    }

    static func publicKey(_ base64: String) -> Curve25519.Signing.PublicKey? {
        guard let bytes = Data(base64Encoded: base64), bytes.count == 32 else {
            return nil
        }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
    }
}
