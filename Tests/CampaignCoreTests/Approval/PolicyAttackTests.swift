import Crypto
import Foundation
import TestSupport
import Testing

@testable import CampaignCore

/// The policy is guarded like TUF's root role: every attack on it, with the real chain verifier.
@Suite struct PolicyAttackTests {
    @Test func sealingNeedsEveryListedPerson() throws {
        let f = try ApprovalFixture(seal: false)
        for person in [f.alice, f.bob, f.carol] {
            _ = try f.store.sealPolicy(as: f.acting(person))
            #expect(try !f.store.verifiedPolicy().isSealed)
        }
        let (policy, _) = try f.store.sealPolicy(as: f.acting(f.dave))
        #expect(policy.isSealed)
        #expect(try f.store.workspace().policyState == "in_force")
    }

    @Test func aChangeSignedOnlyByItsProposerDoesNotTakeEffect() throws {
        let f = try ApprovalFixture()
        let (policy, _) = try f.store.proposePolicy([.addDomain("evil.example")], as: f.acting(f.dave))
        #expect(policy.document.version == 1)
        #expect(policy.pending?.version == 2)
        #expect(policy.document.verifiedDomains == ["maison-lumiere.fr"])
        // The proposer signing again changes nothing.
        #expect(throws: ApprovalError.alreadySigned(person: "dave", what: "policy version 2")) {
            _ = try f.store.approvePolicy(as: f.acting(f.dave))
        }
    }

    @Test func aSockPuppetApproverHasNoPowerUntilTheThresholdSigns() throws {
        let f = try ApprovalFixture()
        let mallory = TestSigner("mallory")
        _ = try f.store.proposePolicy(
            [.addPerson(name: "mallory", roles: [.approver], publicKey: mallory.publicKeyBase64)],
            as: f.acting(f.dave)
        )
        try f.createAndSubmit()
        #expect(throws: ApprovalError.missingRole(person: "mallory", role: .approver)) {
            _ = try f.store.approveCampaign("coussin-terracotta", as: Acting(signer: mallory, memory: WitnessMemory()))
        }
        // Mallory signs the proposal that enrols her: that covers the new side only, not the old one.
        let (policy, _) = try f.store.approvePolicy(as: Acting(signer: mallory, memory: WitnessMemory()))
        #expect(policy.document.person("mallory") == nil)
        #expect(policy.pendingSigners == ["dave", "mallory"])
        #expect(throws: ApprovalError.missingRole(person: "mallory", role: .approver)) {
            _ = try f.store.approveCampaign("coussin-terracotta", as: Acting(signer: mallory, memory: WitnessMemory()))
        }
    }

    @Test func loweringTheThresholdNeedsTheOldThreshold() throws {
        let f = try ApprovalFixture()
        _ = try f.store.proposePolicy([.setThreshold(2)], as: f.acting(f.dave))
        _ = try f.store.approvePolicy(as: f.acting(f.bob))
        #expect(try f.store.verifiedPolicy().document.threshold == 2)
        // Back to 1: version 3 needs two of version 2's approvers other than the proposer.
        _ = try f.store.proposePolicy([.setThreshold(1)], as: f.acting(f.dave))
        _ = try f.store.approvePolicy(as: f.acting(f.bob))
        #expect(try f.store.verifiedPolicy().document.threshold == 2)
        _ = try f.store.approvePolicy(as: f.acting(f.carol))
        #expect(try f.store.verifiedPolicy().document.threshold == 1)
        #expect(try f.store.verifiedPolicy().document.version == 3)
    }

    @Test func aKeyRotationNeedsTheNewKeyToo() throws {
        let f = try ApprovalFixture()
        let newBob = TestSigner("bob")
        _ = try f.store.proposePolicy(
            [.rotateKey(name: "bob", publicKey: newBob.publicKeyBase64)],
            as: f.acting(f.dave)
        )
        _ = try f.store.approvePolicy(as: f.acting(f.carol))
        // carol (old side) and dave (new side, proposer) suffice at threshold 1; bob's new key now counts.
        let policy = try f.store.verifiedPolicy()
        #expect(policy.document.version == 2)
        #expect(policy.document.person("bob")?.publicKey == newBob.publicKeyBase64)
        try f.createAndSubmit()
        #expect(throws: ApprovalError.tampered(what: "the key of 'bob' in this keystore is not the one in the policy"))
        {
            try f.approve("coussin-terracotta", by: f.bob)
        }
        let (evaluation, _) = try f.store.approveCampaign(
            "coussin-terracotta",
            as: Acting(signer: newBob, memory: WitnessMemory())
        )
        #expect(evaluation.approvers == ["bob"])
    }

    @Test func aRolledBackPolicyIsRefusedByAKeystoreThatSawANewerOne() throws {
        let f = try ApprovalFixture()
        _ = try f.store.proposePolicy([.setThreshold(2)], as: f.acting(f.dave))
        let (_, memory) = try f.store.approvePolicy(as: f.acting(f.bob))
        #expect(memory.policyVersion == 2)
        // Restore an old backup: version 2 and its signatures disappear.
        try f.tamper("DELETE FROM claim WHERE policy_version = 2")
        try f.tamper("DELETE FROM policy_version WHERE version = 2")
        #expect(try f.store.verifiedPolicy().document.version == 1)
        #expect(throws: ApprovalError.policyRollback(remembered: 2, found: 1)) {
            _ = try f.store.verifiedPolicy(memory: memory)
        }
    }

    @Test func aReplacedGenesisIsRefusedByAKeystoreThatPinnedTheFirstOne() throws {
        let f = try ApprovalFixture()
        let pinned = try f.store.verifiedPolicy().genesisDigest
        // An attacker with the database rewrites version 1 to list their own keys (and re-signs it).
        try f.tamper(
            "UPDATE policy_version SET document = replace(document, 'maison-lumiere.fr', 'evil.example') WHERE version = 1"
        )
        let error = #expect(throws: ApprovalError.self) {
            _ = try f.store.verifiedPolicy(memory: WitnessMemory(genesisPolicyDigest: pinned, policyVersion: 1))
        }
        guard case .policyGenesisMismatch(let expected, _) = error else {
            Issue.record("expected a genesis mismatch, got \(String(describing: error))")
            return
        }
        #expect(expected == pinned)
    }

    @Test func aDomainEditedIntoThePolicyInSQLiteUnsealsIt() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.tamper(
            "UPDATE policy_version SET document = replace(document, 'maison-lumiere.fr', 'evil.example') WHERE version = 1"
        )
        // The seal signatures cover the old digest: nothing is in force, nothing can be published.
        let policy = try f.store.verifiedPolicy()
        #expect(!policy.isSealed)
        #expect(throws: ApprovalError.policyNotSealed) { try f.approve("coussin-terracotta", by: f.bob) }
    }

    @Test func aForgedPolicySignatureIsTampering() throws {
        let f = try ApprovalFixture()
        let signature: String = try #require(
            try f.scalar("SELECT signature FROM claim WHERE kind = 'policy.sign' AND signer = 'bob'")
        )
        var bytes = try #require(Data(base64Encoded: signature))
        bytes[10] ^= 0x80
        try f.tamper(
            "UPDATE claim SET signature = ? WHERE kind = 'policy.sign' AND signer = 'bob'",
            [bytes.base64EncodedString()]
        )
        #expect(throws: ApprovalError.tampered(what: "a signature of policy version 1 by 'bob' does not verify")) {
            _ = try f.store.verifiedPolicy()
        }
    }

    @Test func versionsGoUpByExactlyOne() throws {
        let f = try ApprovalFixture()
        try f.tamper(
            "INSERT INTO policy_version (version, document, digest, state, created_at) SELECT 3, document, digest, 'in_force', created_at FROM policy_version WHERE version = 1"
        )
        #expect(throws: ApprovalError.tampered(what: "policy versions skip from 1 to 3")) {
            _ = try f.store.verifiedPolicy()
        }
    }

    @Test func anUnsealedPolicyCannotGetProposals() throws {
        let f = try ApprovalFixture(seal: false)
        #expect(throws: ApprovalError.policyNotSealed) {
            _ = try f.store.proposePolicy([.setThreshold(2)], as: f.acting(f.dave))
        }
    }
}
