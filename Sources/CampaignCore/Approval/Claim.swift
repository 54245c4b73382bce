public import Crypto
import Foundation

/// A signed claim by one person: "I approve revision 3 of campaign X, digest D, under policy version 2".
///
/// Everything a signature covers is in the statement: its purpose, the workspace, the subject
/// (campaign, revision, manifest digest, or policy version and digest), the action, the signer,
/// when it was issued and when it expires. The signed bytes are a fixed domain-separation prefix
/// followed by the statement's canonical JSON, so a signature for one purpose, workspace, campaign,
/// revision or action can never be replayed for another.
public struct Claim: Codable, Hashable, Sendable {
    /// What is being stated.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Signing a policy version (sealing v1, or approving a proposal).
        case policySign = "policy.sign"
        /// Proposing the next policy version.
        case policyPropose = "policy.propose"
        /// Revoking a person's key at once (one person suffices: it only removes power).
        case policyRevoke = "policy.revoke"
        /// Authoring a campaign revision.
        case campaignAuthor = "campaign.author"
        /// Submitting a revision for approval.
        case campaignSubmit = "campaign.submit"
        /// Approving a revision for an action (`publish` or `resume`).
        case campaignApprove = "campaign.approve"
        /// Rejecting a revision (one approver blocks it).
        case campaignReject = "campaign.reject"
        /// Launching an approved revision.
        case campaignPublish = "campaign.publish"
        /// The kill switch.
        case campaignPause = "campaign.pause"
        /// Resuming a paused campaign (needs fresh approvals).
        case campaignResume = "campaign.resume"
        /// Ending a campaign for good.
        case campaignEnd = "campaign.end"
        /// Signing an audit checkpoint.
        case auditCheckpoint = "audit.checkpoint"
    }

    /// The domain-separation tag; bumped if the statement format ever changes.
    public static let purpose = "campaignctl/claim/v1"

    public var purpose: String
    public var kind: Kind
    public var workspaceID: String
    /// The person signing.
    public var signer: String
    /// Seconds since 1970.
    public var issuedAt: Int64
    /// Approvals expire; other statements don't.
    public var expiresAt: Int64?
    /// Makes every statement unique even when its fields repeat.
    public var nonce: String
    public var campaignID: String?
    public var revision: Int?
    public var manifestDigest: String?
    public var policyVersion: Int?
    public var policyDigest: String?
    /// For approvals: the action approved (`publish` or `resume`).
    public var approves: String?
    /// For publish and resume: the hashes of the approval statements this action spends.
    public var spends: [String]?
    /// For revocations: the person revoked.
    public var subject: String?
    /// Free text (a rejection's reason).
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case purpose, kind
        case workspaceID = "workspace_id"
        case signer
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
        case nonce
        case campaignID = "campaign_id"
        case revision
        case manifestDigest = "manifest_digest"
        case policyVersion = "policy_version"
        case policyDigest = "policy_digest"
        case approves, spends, subject, reason
    }

    /// Creates a statement with the current purpose tag.
    public init(
        kind: Kind,
        workspaceID: String,
        signer: String,
        issuedAt: Int64,
        nonce: String,
        expiresAt: Int64? = nil,
        campaignID: String? = nil,
        revision: Int? = nil,
        manifestDigest: String? = nil,
        policyVersion: Int? = nil,
        policyDigest: String? = nil,
        approves: String? = nil,
        spends: [String]? = nil,
        subject: String? = nil,
        reason: String? = nil
    ) {
        self.purpose = Self.purpose
        self.kind = kind
        self.workspaceID = workspaceID
        self.signer = signer
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.nonce = nonce
        self.campaignID = campaignID
        self.revision = revision
        self.manifestDigest = manifestDigest
        self.policyVersion = policyVersion
        self.policyDigest = policyDigest
        self.approves = approves
        self.spends = spends
        self.subject = subject
        self.reason = reason
    }

    /// The statement's canonical JSON.
    public func canonical() throws -> CanonicalJSON {
        try CanonicalJSON(encoding: self)
    }

    /// The exact bytes a signature covers: a fixed prefix, then the canonical JSON.
    public func signedBytes() throws -> [UInt8] {
        Array("campaignctl-signature-v1\n".utf8) + (try canonical().canonicalBytes)
    }

    /// SHA-256 of the canonical JSON, hex: the statement's identity (approvals are spent by it).
    public func hash() throws -> String {
        try canonical().sha256Hex
    }
}

/// Anything that can sign as a person: the keystore's keys, or test keys.
public protocol ClaimSigner: Sendable {
    /// The person's name in the policy.
    var name: String { get }
    /// The person's public key.
    var publicKey: Curve25519.Signing.PublicKey { get }
    /// An Ed25519 signature of `message`.
    func sign(_ message: [UInt8]) throws -> [UInt8]
    /// The same key as a signed-note signer, to sign audit checkpoints (nil when it cannot).
    func checkpointSigner() -> NoteSigner?
}

extension ClaimSigner {
    /// By default a signer does not sign checkpoints.
    public func checkpointSigner() -> NoteSigner? {
        nil
    }
}

/// A statement and its signature, as stored (the text is exactly the signed canonical JSON).
public struct SignedClaim: Hashable, Sendable, Codable {
    /// The statement's canonical JSON.
    public var text: String
    /// Base64 Ed25519 signature of the prefix and `text`.
    public var signature: String

    /// Creates a stored statement.
    public init(text: String, signature: String) {
        self.text = text
        self.signature = signature
    }

    /// Signs a statement.
    public static func sign(_ statement: Claim, with signer: some ClaimSigner) throws -> SignedClaim {
        let signature = try signer.sign(statement.signedBytes())
        return SignedClaim(
            text: try statement.canonical().canonicalString,
            signature: Data(signature).base64EncodedString()
        )
    }

    /// Parses the text back into a statement, refusing anything that is not exactly canonical
    /// (an edited row cannot keep a valid signature by reformatting).
    public func claim() throws -> Claim {
        let json: CanonicalJSON
        do {
            json = try CanonicalJSON(parsing: text)
        } catch {
            throw ApprovalError.malformedClaim(reason: "\(error)")
        }
        guard json.canonicalString == text else {
            throw ApprovalError.malformedClaim(reason: "the statement is not in canonical form")
        }
        do {
            let statement = try JSONDecoder().decode(Claim.self, from: Data(text.utf8))
            guard statement.purpose == Claim.purpose else {
                throw ApprovalError.malformedClaim(reason: "unknown purpose '\(statement.purpose)'")
            }
            guard try statement.canonical().canonicalString == text else {
                throw ApprovalError.malformedClaim(reason: "the statement carries unknown fields")
            }
            return statement
        } catch let error as ApprovalError {
            throw error
        } catch {
            throw ApprovalError.malformedClaim(reason: "\(error)")
        }
    }

    /// Whether the signature verifies under `publicKey` for exactly this text.
    public func isValid(for publicKey: Curve25519.Signing.PublicKey) -> Bool {
        guard let signature = Data(base64Encoded: signature), signature.count == 64 else {
            return false
        }
        let message = Array("campaignctl-signature-v1\n".utf8) + Array(text.utf8)
        return publicKey.isValidSignature(signature, for: message)
    }

    /// SHA-256 of the text, hex (equal to ``Claim/hash()`` of the parsed statement).
    public var hash: String {
        Hex.encode(SHA256.hash(data: Data(text.utf8)))
    }
}
