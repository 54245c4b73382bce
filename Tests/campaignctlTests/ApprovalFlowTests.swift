import Foundation
import TestSupport
import Testing

/// The two-person flow through the built binary: two people, two keystores, one database.
@Suite struct ApprovalFlowTests {
    /// The sample workspace with the product card created and submitted by alice.
    private func submitted() throws -> CLIRunner {
        let cli = try CLIRunner.sampleWorkspace()
        try cli.run(["campaign", "create", "--spec", "coussin-terracotta.yml"] + cli.person("alice"))
        let submitted = try cli.run(["campaign", "submit", "coussin-terracotta"] + cli.person("alice"))
        #expect(submitted.status == 0, "\(submitted.stderr)")
        return cli
    }

    @Test func theAuthorCannotApproveAndEveryAttemptIsAudited() throws {
        let cli = try submitted()
        let result = try cli.run(["campaign", "approve", "coussin-terracotta", "--yes"] + cli.person("alice"))
        #expect(result.status == 77)
        #expect(result.stderr == "error: 'alice' does not have the approver role\n")
        let log = try cli.run("audit", "log").stdout
        #expect(log.contains(" alice campaign.approve campaign:coussin-terracotta refused"))
    }

    @Test func approveShowsWhatIsSignedAndAsksFirst() throws {
        let cli = try submitted()
        let declined = try cli.run(["campaign", "approve", "coussin-terracotta"] + cli.person("bob"), input: "no\n")
        #expect(declined.status == 1)
        #expect(declined.stdout.contains("You are about to sign revision 1 of 'coussin-terracotta' for publishing:"))
        #expect(declined.stdout.contains("(what the browser opens)"))
        #expect(declined.stderr == "error: not signed: you did not confirm\n")
        let accepted = try cli.run(["campaign", "approve", "coussin-terracotta"] + cli.person("bob"), input: "yes\n")
        #expect(accepted.status == 0)
        #expect(accepted.stdout.hasSuffix("approved revision 1 of 'coussin-terracotta': 1 of 1 approval(s) (bob)\n"))
    }

    @Test func publishingWritesTheOutboxBundleAndDayTwoDriftPausesIt() throws {
        let cli = try submitted()
        try cli.run(["campaign", "approve", "coussin-terracotta", "--yes"] + cli.person("bob"))
        let published = try cli.run(["campaign", "publish", "coussin-terracotta"] + cli.person("alice"))
        #expect(published.status == 0, "\(published.stderr)")
        let bundle = cli.folder.url.appendingPathComponent("outbox/coussin-terracotta/r1-publish")
        let files = try FileManager.default.contentsOfDirectory(atPath: bundle.path).sorted()
        #expect(
            files == ["README.txt", "checkpoint.txt", "claims.json", "digest.txt", "manifest.json", "requests.json"]
        )
        assertGolden(
            try String(contentsOf: bundle.appendingPathComponent("requests.json"), encoding: .utf8),
            named: "outbox-requests.json"
        )
        assertGolden(
            try String(contentsOf: bundle.appendingPathComponent("manifest.json"), encoding: .utf8),
            named: "outbox-manifest.json"
        )
        let claims = try String(contentsOf: bundle.appendingPathComponent("claims.json"), encoding: .utf8)
        #expect(
            claims.contains("campaign.approve") && claims.contains("campaign.publish")
                && claims.contains("campaign.submit")
        )
        #expect(try cli.run("publish", "verify", "coussin-terracotta").status == 0)
        // Publishing twice is refused: the approval was spent.
        let again = try cli.run(["campaign", "publish", "coussin-terracotta"] + cli.person("alice"))
        #expect(again.status == 77)
        // Day 2 lowers the cushion's price: the live campaign is paused and revision 2 prepared.
        let day2 = try cli.run(
            "import",
            try cli.sample("catalog-day2.xml", as: "day2.xml"),
            "--catalog",
            "maison-lumiere"
        )
        #expect(
            day2.stderr.contains(
                "drift: campaign 'coussin-terracotta' revision 1 uses data that changed; it was paused"
            )
        )
        #expect(day2.stderr.contains("  cards[0].product.price_micros: 39000000 → 34000000\n"))
        let status = try cli.run("campaign", "status", "coussin-terracotta").stdout
        #expect(status.hasPrefix("campaign 'coussin-terracotta' (Coussin terracotta – hiver 2026): paused\n"))
        #expect(status.contains("drift detected on revision 1 (paused); revision 2 prepared for approval:"))
        #expect(
            FileManager.default.fileExists(
                atPath: cli.folder.path("outbox/coussin-terracotta/r1-pause-1/requests.json")
            )
        )
    }

    @Test func publishVerifyCatchesACardChangedOnTheTargetAndPauses() throws {
        let cli = try submitted()
        try cli.run(["campaign", "approve", "coussin-terracotta", "--yes"] + cli.person("bob"))
        try cli.run(["campaign", "publish", "coussin-terracotta"] + cli.person("alice"))
        // Someone edits the card's Buy destination where the platform copy lives.
        let requests = cli.folder.path("outbox/coussin-terracotta/r1-publish/requests.json")
        let original = try String(contentsOfFile: requests, encoding: .utf8)
        try original.replacingOccurrences(
            of: "https://checkout.maison-lumiere.fr/pay/",
            with: "https://checkout.evil.example/pay/"
        )
        .write(toFile: requests, atomically: true, encoding: .utf8)
        let result = try cli.run("publish", "verify", "coussin-terracotta")
        #expect(result.status == 77)
        #expect(result.stderr.contains("request 9 (card) differs from what was approved"))
        #expect(result.stderr.contains("the campaign was paused and everyone notified"))
        #expect(try cli.run("campaign", "status", "coussin-terracotta").stdout.contains("): paused\n"))
    }

    @Test func pauseAllStopsEveryLiveCampaignWithOnePerson() throws {
        let cli = try submitted()
        try cli.run(["campaign", "approve", "coussin-terracotta", "--yes"] + cli.person("bob"))
        try cli.run(["campaign", "publish", "coussin-terracotta"] + cli.person("alice"))
        let paused = try cli.run(["pause", "--all"] + cli.person("bob"))
        #expect(paused.status == 0)
        #expect(paused.stdout == "paused 'coussin-terracotta'; everyone was notified; resuming needs fresh approvals\n")
        #expect(try cli.run(["pause", "--all"] + cli.person("bob")).stdout == "no live campaign to pause\n")
    }

    @Test func aKeyReadableByOthersIsRefused() throws {
        let cli = try submitted()
        let key = cli.folder.path("keys/bob/bob.key")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let result = try cli.run(["campaign", "approve", "coussin-terracotta", "--yes"] + cli.person("bob"))
        #expect(result.status == 77)
        #expect(result.stderr.contains("too open"))
    }

    @Test func aTruncatedLogMakesTheWitnessRefuseToSign() throws {
        let cli = try submitted()
        try cli.run(["audit", "verify"] + cli.person("bob"))
        // Cut the log behind everyone's back.
        try cli.tamper("DELETE FROM audit_event WHERE seq > 5")
        let result = try cli.run(["campaign", "approve", "coussin-terracotta", "--yes"] + cli.person("bob"))
        #expect(result.status == 77)
        #expect(result.stderr.contains("it was truncated; refusing to sign anything"))
    }
}
