import Foundation
import TestSupport
import Testing

@testable import CampaignCore

/// `campaignctl migrate`: a workspace copied to another database verifies there, or nothing is written.
@Suite struct WorkspaceCopyTests {
    /// A sealed workspace with a published campaign and a submitted one.
    private func source() throws -> ApprovalFixture {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        try f.publish("coussin-terracotta", by: f.alice)
        try f.createAndSubmit("bougies-hiver")
        return f
    }

    private func emptyTarget() throws -> (TemporaryDirectory, CampaignStore) {
        let folder = try TemporaryDirectory()
        return (folder, try TestEngine.openStore(folder, file: "target.sqlite", context: .test()))
    }

    @Test func everythingIsCopiedVerifiedAndTheTargetCarriesOn() throws {
        let f = try source()
        // The folder is kept to the end: the target's file carries on (a file whose folder is gone takes no journal).
        let (folder, target) = try emptyTarget()
        defer { withExtendedLifetime(folder) {} }
        let report = try f.store.copyWorkspace(to: target)
        let before = try f.store.verifyAudit()
        #expect(report.auditEvents == before.size && report.auditRoot == before.root)
        #expect(report.policyVersion == 1)
        #expect(report.claimsVerified == (try f.store.scalar("SELECT COUNT(*) FROM claim") ?? -1))
        #expect(report.tables.first { $0.name == "product" }?.rows == 35)
        #expect(try target.verifyAudit().root == before.root)
        #expect(try target.campaigns() == (try f.store.campaigns()))
        #expect(try target.verifiedPolicy() == (try f.store.verifiedPolicy()))
        // The copy is a working workspace: new rows get keys after the copied ones, the chain goes on.
        let day2 = try target.importFeed(
            at: Paths.sampleBrand.appendingPathComponent("catalog-day2.xml").path,
            options: ImportOptions(catalog: "maison-lumiere", displayName: "catalog-day2.xml")
        )
        #expect(day2.importID == 2)
        #expect(try target.verifyAudit().isIntact)
        #expect(try target.verifyAudit().size > before.size)
    }

    @Test func aForgedSignatureInTheSourceIsNotCopied() throws {
        let f = try source()
        // Someone with access to the source swaps bob's approval text for one naming another revision.
        let text: String = try #require(try f.scalar("SELECT text FROM claim WHERE kind = 'campaign.approve'"))
        try f.tamper(
            "UPDATE claim SET text = ? WHERE kind = 'campaign.approve'",
            [text.replacingOccurrences(of: "\"revision\":1", with: "\"revision\":2")]
        )
        let (_, target) = try emptyTarget()
        let error = #expect(throws: WorkspaceCopyError.self) { try f.store.copyWorkspace(to: target) }
        guard case .verificationFailed(let reason)? = error else {
            Issue.record("expected a verification failure, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("claim #"))
        // Nothing was written.
        #expect(try target.scalar("SELECT COUNT(*) FROM workspace") == 0)
        #expect(try target.scalar("SELECT COUNT(*) FROM product") == 0)
    }

    @Test func anEditedAuditLogInTheSourceIsRefusedBeforeCopying() throws {
        let f = try source()
        try f.tamper("UPDATE audit_event SET event = replace(event, 'alice', 'mallory') WHERE seq = 3")
        let (_, target) = try emptyTarget()
        let error = #expect(throws: WorkspaceCopyError.self) { try f.store.copyWorkspace(to: target) }
        #expect(error.map { "\($0)" }?.contains("the source's audit log") == true)
        #expect(try target.scalar("SELECT COUNT(*) FROM claim") == 0)
    }

    @Test func aTargetThatHoldsDataIsRefused() throws {
        let f = try source()
        let (_, target) = try emptyTarget()
        _ = try target.initializeWorkspace(brand: "Other", domains: ["other.example"])
        #expect(throws: WorkspaceCopyError.targetNotEmpty("table workspace has rows")) {
            try f.store.copyWorkspace(to: target)
        }
        #expect(throws: WorkspaceCopyError.sameDatabase) { try f.store.copyWorkspace(to: f.store) }
    }
}
