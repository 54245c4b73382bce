import Crypto
import FeedImport
import Foundation
import TestSupport
import Testing

@testable import CampaignCore

/// Every approval rule, attacked with the real verifier (security model R1–R13; issue #4's list).
@Suite struct ApprovalAttackTests {
    @Test func theHappyPathNeedsTwoDistinctPeople() throws {
        let f = try ApprovalFixture()
        let revision = try f.createAndSubmit()
        #expect(throws: ApprovalError.self) { try f.publish("coussin-terracotta", by: f.alice) }
        let evaluation = try f.approve("coussin-terracotta", by: f.bob)
        #expect(evaluation.approvers == ["bob"])
        #expect(evaluation.isApproved)
        let published = try f.publish("coussin-terracotta", by: f.alice)
        #expect(published.revision == revision.revision)
        #expect(published.digest == revision.digest)
        #expect(try f.store.campaignStatus("coussin-terracotta").state == "published")
    }

    @Test func theSubmitterCannotApproveTheirOwnCampaign() throws {
        let f = try ApprovalFixture()
        // Give alice the approver role too, through a properly approved policy change.
        _ = try f.store.proposePolicy([.setRoles(name: "alice", roles: [.author, .approver])], as: f.acting(f.dave))
        _ = try f.store.approvePolicy(as: f.acting(f.bob))
        #expect(try f.store.verifiedPolicy().document.has("alice", role: .approver))
        try f.createAndSubmit()
        #expect(throws: ApprovalError.selfApproval(person: "alice", campaignID: "coussin-terracotta", revision: 1)) {
            try f.approve("coussin-terracotta", by: f.alice)
        }
        // The refusal is audited.
        let last = try #require(try f.store.auditEvents().last)
        #expect(last.action == "campaign.approve")
        #expect(last.outcome == "refused")
        #expect(last.actor == "alice")
    }

    @Test func onePersonApprovingTwiceCountsOnce() throws {
        let f = try ApprovalFixture()
        _ = try f.store.proposePolicy([.setThreshold(2)], as: f.acting(f.dave))
        // bob (other than the proposer) meets version 1's threshold; dave and bob meet version 2's.
        _ = try f.store.approvePolicy(as: f.acting(f.bob))
        #expect(try f.store.verifiedPolicy().document.threshold == 2)
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        #expect(throws: ApprovalError.alreadySigned(person: "bob", what: "revision 1 of 'coussin-terracotta'")) {
            try f.approve("coussin-terracotta", by: f.bob)
        }
        // A second copy of bob's approval row, inserted behind the tool's back, still counts once.
        try f.tamper(
            "INSERT INTO claim (kind, signer, campaign_id, revision, text, signature, created_at) SELECT kind, signer, campaign_id, revision, text, signature, created_at FROM claim WHERE kind = 'campaign.approve'"
        )
        let status = try f.store.campaignStatus("coussin-terracotta")
        #expect(status.evaluation.approvers == ["bob"])
        #expect(throws: ApprovalError.self) { try f.publish("coussin-terracotta", by: f.alice) }
        try f.approve("coussin-terracotta", by: f.carol)
        #expect(try f.publish("coussin-terracotta", by: f.alice).evaluation.approvers == ["bob", "carol"])
    }

    @Test func anApprovalUnderASecondKeyIsTampering() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        // bob signs with a key that is not his in the policy (a second device the policy never enrolled).
        let otherBob = TestSigner("bob")
        #expect(throws: ApprovalError.tampered(what: "the key of 'bob' in this keystore is not the one in the policy"))
        {
            _ = try f.store.approveCampaign("coussin-terracotta", as: Acting(signer: otherBob, memory: WitnessMemory()))
        }
        #expect(throws: ApprovalError.self) { try f.publish("coussin-terracotta", by: f.alice) }
        // Even written straight into the database, the second key's approval is refused as tampering.
        let workspace = try f.store.workspace()
        let revision = try f.store.campaignRevision("coussin-terracotta")
        let claim = Claim(
            kind: .campaignApprove,
            workspaceID: workspace.id,
            signer: "bob",
            issuedAt: 1_795_000_000,
            nonce: "n",
            expiresAt: 1_895_000_000,
            campaignID: "coussin-terracotta",
            revision: 1,
            manifestDigest: revision.digest,
            policyVersion: 1,
            approves: "publish"
        )
        let signed = try SignedClaim.sign(claim, with: otherBob)
        try f.tamper(
            "INSERT INTO claim (kind, signer, campaign_id, revision, text, signature, created_at) VALUES ('campaign.approve', 'bob', 'coussin-terracotta', 1, ?, ?, 'x')",
            [signed.text, signed.signature]
        )
        #expect(
            throws: ApprovalError.tampered(
                what: "a campaign.approve claim by 'bob' on 'coussin-terracotta' does not verify"
            )
        ) {
            try f.publish("coussin-terracotta", by: f.alice)
        }
    }

    @Test func anApprovalCannotBeReplayedOnAnotherCampaignRevisionOrAction() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit("coussin-terracotta")
        try f.createAndSubmit("bougies-hiver")
        try f.approve("coussin-terracotta", by: f.bob)
        // Copy bob's approval row onto the other campaign: its signed text still names coussin-terracotta.
        try f.tamper(
            "INSERT INTO claim (kind, signer, campaign_id, revision, text, signature, created_at) SELECT kind, signer, 'bougies-hiver', revision, text, signature, created_at FROM claim WHERE kind = 'campaign.approve'"
        )
        let status = try f.store.campaignStatus("bougies-hiver")
        #expect(status.evaluation.approvers.isEmpty)
        #expect(throws: ApprovalError.self) { try f.publish("bougies-hiver", by: f.alice) }
        // An approval for `resume` does not allow `publish`.
        let fresh = try ApprovalFixture()
        try fresh.createAndSubmit()
        #expect(
            throws: ApprovalError.invalidTransition(
                campaignID: "coussin-terracotta",
                from: "submitted",
                action: "approved for resuming"
            )
        ) {
            try fresh.approve("coussin-terracotta", by: fresh.bob, for: "resume")
        }
    }

    @Test func anApprovalFromAnotherWorkspaceDoesNotCount() throws {
        let f = try ApprovalFixture()
        let g = try ApprovalFixture(workspace: "other")
        try f.createAndSubmit()
        try g.createAndSubmit()
        try g.approve("coussin-terracotta", by: g.bob)
        // Carry g's approval row into f's database: other workspace id, other keys.
        let text: String = try #require(try g.scalar("SELECT text FROM claim WHERE kind = 'campaign.approve'"))
        let signature: String = try #require(
            try g.scalar("SELECT signature FROM claim WHERE kind = 'campaign.approve'")
        )
        try f.tamper(
            "INSERT INTO claim (kind, signer, campaign_id, revision, text, signature, created_at) VALUES ('campaign.approve', 'bob', 'coussin-terracotta', 1, ?, ?, 'x')",
            [text, signature]
        )
        #expect(try f.store.campaignStatus("coussin-terracotta").evaluation.approvers.isEmpty)
        #expect(throws: ApprovalError.self) { try f.publish("coussin-terracotta", by: f.alice) }
    }

    @Test func aSpecChangeAfterApprovalVoidsIt() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        let yaml = try sampleSpec("coussin-terracotta").replacingOccurrences(of: "daily: 40.00", with: "daily: 400.00")
        let updated = try f.store.updateCampaign(
            id: "coussin-terracotta",
            yaml: yaml,
            file: "c.yml",
            author: f.acting(f.alice)
        )
        f.remember(f.alice, updated.memory)
        #expect(updated.revision?.revision == 2)
        let error = #expect(throws: ApprovalError.self) { try f.publish("coussin-terracotta", by: f.alice) }
        #expect(error == .notSubmitted(campaignID: "coussin-terracotta", revision: 2))
        let (_, memory) = try f.store.submitCampaign("coussin-terracotta", as: f.acting(f.alice))
        f.remember(f.alice, memory)
        let status = try f.store.campaignStatus("coussin-terracotta")
        #expect(status.evaluation.approvers.isEmpty)
        #expect(status.evaluation.notCounted == ["'bob' approved revision 1, not this content"])
    }

    @Test func aCatalogPriceChangeAfterApprovalBlocksThePublish() throws {
        let f = try ApprovalFixture()
        let revision = try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        _ = try f.store.importFeed(
            at: Paths.sampleBrand.appendingPathComponent("catalog-day2.xml").path,
            options: ImportOptions(catalog: "maison-lumiere")
        )
        let error = #expect(throws: ApprovalError.self) { try f.publish("coussin-terracotta", by: f.alice) }
        guard case .contentChanged(_, 1, let stored, let recomputed) = error else {
            Issue.record("expected contentChanged, got \(String(describing: error))")
            return
        }
        #expect(stored == revision.digest)
        #expect(recomputed != revision.digest)
    }

    @Test func aForgedSignatureIsTamperingAndEnablesNothing() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        // Flip a bit of bob's signature.
        let signature: String = try #require(
            try f.scalar("SELECT signature FROM claim WHERE kind = 'campaign.approve'")
        )
        var bytes = try #require(Data(base64Encoded: signature))
        bytes[0] ^= 0x01
        try f.tamper("UPDATE claim SET signature = ? WHERE kind = 'campaign.approve'", [bytes.base64EncodedString()])
        #expect(
            throws: ApprovalError.tampered(
                what: "a campaign.approve claim by 'bob' on 'coussin-terracotta' does not verify"
            )
        ) {
            try f.publish("coussin-terracotta", by: f.alice)
        }
    }

    @Test func anApprovalRowInsertedDirectlyIntoSQLiteIsTampering() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        // Mallory writes a plausible approval by carol, signed with a key of her own.
        let mallory = TestSigner("carol")
        let workspace = try f.store.workspace()
        let revision = try f.store.campaignRevision("coussin-terracotta")
        let claim = Claim(
            kind: .campaignApprove,
            workspaceID: workspace.id,
            signer: "carol",
            issuedAt: 1_795_000_000,
            nonce: "n",
            expiresAt: 1_895_000_000,
            campaignID: "coussin-terracotta",
            revision: 1,
            manifestDigest: revision.digest,
            policyVersion: 1,
            approves: "publish"
        )
        let signed = try SignedClaim.sign(claim, with: mallory)
        try f.tamper(
            "INSERT INTO claim (kind, signer, campaign_id, revision, text, signature, created_at) VALUES ('campaign.approve', 'carol', 'coussin-terracotta', 1, ?, ?, 'x')",
            [signed.text, signed.signature]
        )
        try f.tamper("UPDATE campaign SET status = 'approved'")
        #expect(
            throws: ApprovalError.tampered(
                what: "a campaign.approve claim by 'carol' on 'coussin-terracotta' does not verify"
            )
        ) {
            try f.publish("coussin-terracotta", by: f.alice)
        }
    }

    @Test(arguments: ["price_micros", "link"])
    func aPriceOrLinkEditedInSQLiteAfterApprovalBlocksThePublish(column: String) throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        if column == "price_micros" {
            try f.tamper("UPDATE product SET price_micros = 1000000 WHERE product_id = 'ML-COU-LIN-45-TER'")
        } else {
            try f.tamper(
                "UPDATE product SET link = 'https://www.maison-lumiere.fr.evil.example/p' WHERE product_id = 'ML-COU-LIN-45-TER'"
            )
        }
        let error = #expect(throws: ApprovalError.self) { try f.publish("coussin-terracotta", by: f.alice) }
        guard case .contentChanged = error else {
            Issue.record("expected contentChanged, got \(String(describing: error))")
            return
        }
        // Editing the stored manifest itself (to match) breaks its digest instead.
        try f.tamper("UPDATE campaign_revision SET manifest = replace(manifest, '39000000', '1000000')")
        #expect(
            throws: ApprovalError.tampered(
                what: "the stored manifest of 'coussin-terracotta' revision 1 does not hash to its digest"
            )
        ) {
            try f.publish("coussin-terracotta", by: f.alice)
        }
    }

    @Test func aRevokedKeyStopsCountingAtOnce() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        // One person suffices to revoke (it only removes power).
        let (policy, memory) = try f.store.revokePerson("bob", reason: "laptop stolen", as: f.acting(f.carol))
        f.remember(f.carol, memory)
        #expect(policy.revoked == ["bob"])
        let error = #expect(throws: ApprovalError.self) { try f.publish("coussin-terracotta", by: f.alice) }
        #expect(
            error
                == .notEnoughApprovals(
                    campaignID: "coussin-terracotta",
                    revision: 1,
                    have: 0,
                    need: 1,
                    problems: ["'bob' is revoked"]
                )
        )
        #expect(throws: ApprovalError.revoked(person: "bob")) { try f.approve("coussin-terracotta", by: f.bob) }
    }

    @Test func anExpiredApprovalDoesNotCount() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        f.clock.advance(by: 72 * 3600 + 1)
        let error = #expect(throws: ApprovalError.self) { try f.publish("coussin-terracotta", by: f.alice) }
        #expect(
            error
                == .notEnoughApprovals(
                    campaignID: "coussin-terracotta",
                    revision: 1,
                    have: 0,
                    need: 1,
                    problems: ["the approval by 'bob' expired"]
                )
        )
    }

    @Test func approvalsAreSpentByTheActionTheyAllowed() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        try f.publish("coussin-terracotta", by: f.alice)
        #expect(throws: ApprovalError.self) { try f.publish("coussin-terracotta", by: f.alice) }
        // Pause (one person), then resuming needs fresh approvals: bob's publish approval is spent.
        f.remember(
            f.carol,
            try f.store.pauseCampaign("coussin-terracotta", reason: "price check", as: f.acting(f.carol))
        )
        let error = #expect(throws: ApprovalError.self) {
            _ = try f.store.resumeCampaign("coussin-terracotta", as: f.acting(f.alice))
        }
        #expect(
            error
                == .notEnoughApprovals(
                    campaignID: "coussin-terracotta",
                    revision: 1,
                    have: 0,
                    need: 1,
                    problems: ["'bob' approved 'publish', not 'resume'"]
                )
        )
        try f.approve("coussin-terracotta", by: f.carol, for: "resume")
        let (resumed, _) = try f.store.resumeCampaign("coussin-terracotta", as: f.acting(f.alice))
        #expect(resumed.evaluation.approvers == ["carol"])
        #expect(try f.store.campaignStatus("coussin-terracotta").state == "published")
    }

    @Test func aSinglePersonCanPauseAtOnceAndItIsAudited() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        try f.publish("coussin-terracotta", by: f.alice)
        f.remember(
            f.alice,
            try f.store.pauseCampaign("coussin-terracotta", reason: "looks wrong", as: f.acting(f.alice))
        )
        #expect(try f.store.campaignStatus("coussin-terracotta").state == "paused")
        let pause = try #require(try f.store.auditEvents().last)
        #expect(pause.action == "campaign.pause")
        #expect(pause.actor == "alice")
        #expect(pause.claim != nil)
    }

    @Test func aRejectionBlocksUntilANewRevision() throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        let (_, memory) = try f.store.rejectCampaign("coussin-terracotta", reason: "wrong photo", as: f.acting(f.carol))
        f.remember(f.carol, memory)
        #expect(
            throws: ApprovalError.rejected(
                campaignID: "coussin-terracotta",
                revision: 1,
                by: "carol",
                reason: "wrong photo"
            )
        ) {
            try f.approve("coussin-terracotta", by: f.bob)
        }
    }

    @Test func nothingIsPublishedBeforeThePolicyIsSealed() throws {
        let f = try ApprovalFixture(seal: false)
        _ = try f.store.sealPolicy(as: f.acting(f.alice))
        _ = try f.store.sealPolicy(as: f.acting(f.bob))
        #expect(try !f.store.verifiedPolicy().isSealed)
        let created = try f.store.createCampaign(
            yaml: sampleSpec("coussin-terracotta"),
            file: "c.yml",
            author: f.acting(f.alice)
        )
        f.remember(f.alice, created.memory)
        _ = try f.store.submitCampaign("coussin-terracotta", as: f.acting(f.alice))
        #expect(throws: ApprovalError.policyNotSealed) { try f.approve("coussin-terracotta", by: f.bob) }
    }

    @Test func twoPublishersAtOnceMakeExactlyOnePublish() async throws {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        let store = f.store
        let alice = f.acting(f.alice)
        let carol = f.acting(f.carol)
        async let first = Result { try store.publishCampaign("coussin-terracotta", as: alice) }
        async let second = Result { try store.publishCampaign("coussin-terracotta", as: carol) }
        let results = await [first, second]
        #expect(results.filter { (try? $0.get()) != nil }.count == 1)
        let publishes: Int? = try f.scalar("SELECT count(*) FROM claim WHERE kind = 'campaign.publish'")
        #expect(publishes == 1)
    }
}
