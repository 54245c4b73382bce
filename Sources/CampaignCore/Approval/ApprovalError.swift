/// Why an approval, a launch or a policy change was refused. Every refusal is also audited.
public enum ApprovalError: Error, Equatable, Sendable {
    case malformedClaim(reason: String)
    case unknownPerson(String)
    case missingRole(person: String, role: Role)
    case selfApproval(person: String, campaignID: String, revision: Int)
    case alreadySigned(person: String, what: String)
    case notSubmitted(campaignID: String, revision: Int)
    case alreadySubmitted(campaignID: String, revision: Int)
    case rejected(campaignID: String, revision: Int, by: String, reason: String)
    case notEnoughApprovals(campaignID: String, revision: Int, have: Int, need: Int, problems: [String])
    case contentChanged(campaignID: String, revision: Int, stored: String, recomputed: String)
    case staleRevision(campaignID: String, revision: Int, latest: Int)
    case tampered(what: String)
    case policyNotSealed
    case policyGenesisMismatch(pinned: String, found: String)
    case policyRollback(remembered: Int, found: Int)
    case invalidProposal(reason: String)
    case noPendingProposal
    case proposalPending(version: Int)
    case revoked(person: String)
    case invalidTransition(campaignID: String, from: String, action: String)
    case auditLogShrunk(remembered: Int, found: Int)
    case auditLogForked(size: Int)
    case auditLogBroken(seq: Int, reason: String)
}

extension ApprovalError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .malformedClaim(let reason):
            "a stored signed claim is malformed (\(reason)); the database was edited by hand"
        case .unknownPerson(let name):
            "'\(name)' is not a person of the workspace's policy"
        case .missingRole(let person, let role):
            "'\(person)' does not have the \(role.rawValue) role"
        case .selfApproval(let person, let campaign, let revision):
            "'\(person)' authored or submitted revision \(revision) of '\(campaign)' and cannot approve it: "
                + "another person must"
        case .alreadySigned(let person, let what):
            "'\(person)' has already signed \(what)"
        case .notSubmitted(let campaign, let revision):
            "revision \(revision) of '\(campaign)' has not been submitted (campaign submit \(campaign))"
        case .alreadySubmitted(let campaign, let revision):
            "revision \(revision) of '\(campaign)' is already submitted"
        case .rejected(let campaign, let revision, let person, let reason):
            "revision \(revision) of '\(campaign)' was rejected by '\(person)' (\(reason)); submit a new revision"
        case .notEnoughApprovals(let campaign, let revision, let have, let need, let problems):
            "revision \(revision) of '\(campaign)' has \(have) valid approval\(have == 1 ? "" : "s") of \(need) needed"
                + (problems.isEmpty ? "" : " (not counted: \(problems.joined(separator: "; ")))")
        case .contentChanged(let campaign, let revision, let stored, let recomputed):
            "what would go live for revision \(revision) of '\(campaign)' no longer matches what was signed "
                + "(signed \(stored.prefix(16))…, now \(recomputed.prefix(16))…): the catalog or the stored data "
                + "changed; update the campaign and have the new revision approved"
        case .staleRevision(let campaign, let revision, let latest):
            "revision \(revision) of '\(campaign)' is not the latest (\(latest)); earlier approvals are void"
        case .tampered(let what):
            "tampering detected: \(what)"
        case .policyNotSealed:
            "the policy is still in setup mode: every listed person must sign it (campaignctl policy seal) first"
        case .policyGenesisMismatch(let pinned, let found):
            "the workspace's first policy version (\(found.prefix(16))…) is not the one this keystore pinned "
                + "(\(pinned.prefix(16))…): the database was replaced or rewritten"
        case .policyRollback(let remembered, let found):
            "the policy went back from version \(remembered) (seen before) to \(found): rollback refused"
        case .invalidProposal(let reason):
            "invalid policy proposal: \(reason)"
        case .noPendingProposal:
            "no policy proposal is pending"
        case .proposalPending(let version):
            "policy version \(version) is already proposed; approve or supersede it first"
        case .revoked(let person):
            "'\(person)' has been revoked"
        case .invalidTransition(let campaign, let from, let action):
            "campaign '\(campaign)' is \(from): it cannot be \(action)"
        case .auditLogShrunk(let remembered, let found):
            "the audit log has \(found) events but this keystore verified \(remembered) before: it was truncated; "
                + "refusing to sign anything"
        case .auditLogForked(let size):
            "the first \(size) audit events differ from those this keystore verified: the log was rewritten; "
                + "refusing to sign anything"
        case .auditLogBroken(let seq, let reason):
            "the audit log is broken at event #\(seq): \(reason)"
        }
    }
}
