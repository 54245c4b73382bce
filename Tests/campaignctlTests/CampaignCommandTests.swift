import Foundation
import TestSupport
import Testing

extension CLIRunner {
    /// A workspace for the sample brand with its day-1 catalog and the sample campaign specs copied in.
    /// `database`: a SQLite file in the run's folder instead of the test engine's database.
    static func sampleWorkspace(sqliteFile database: String? = nil) throws -> CLIRunner {
        let cli = try CLIRunner()
        if let database {
            cli.environment["CAMPAIGNCTL_DATABASE"] = cli.folder.path(database)
        }
        try cli.run("init", "--brand", "Maison Lumière", "--domain", "maison-lumiere.fr")
        try cli.run("user", "add", "alice", "--role", "author", "--keystore", cli.folder.path("keys/alice"))
        try cli.run("user", "add", "bob", "--role", "approver", "--keystore", cli.folder.path("keys/bob"))
        try cli.run(["policy", "seal"] + cli.person("alice"))
        try cli.run(["policy", "seal"] + cli.person("bob"))
        try cli.run("import", try cli.sample("catalog-day1.xml", as: "day1.xml"), "--catalog", "maison-lumiere")
        for name in ["coussin-terracotta", "bougies-hiver", "linge-de-lit", "broken"] {
            _ = try cli.sample("campaigns/\(name).yml", as: "\(name).yml")
        }
        return cli
    }
}

@Suite struct CampaignCommandTests {
    @Test func validateReportsEveryProblemLocatedAndExits65() throws {
        let cli = try CLIRunner.sampleWorkspace()
        let result = try cli.run("campaign", "validate", "--spec", "broken.yml")
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.contains { $0.hasPrefix("broken.yml:9: error: [product_out_of_stock] product 'ML-COU-LIN-45-OCR':") }
        )
        #expect(lines.contains { $0.hasPrefix("broken.yml:19: error: [link_userinfo] product 'ML-COU-LIN-45-TER':") })
        #expect(
            lines.contains {
                $0.hasPrefix("broken.yml:12: error: [text_too_long] product 'ML-COU-LIN-45-TER': the text is 352")
            }
        )
        #expect(lines.last == "error: broken.yml: 5 errors (see above); nothing was stored")
    }

    @Test func createShowAndPreviewACampaign() throws {
        let cli = try CLIRunner.sampleWorkspace()
        let created = try cli.run(["campaign", "create", "--spec", "bougies-hiver.yml"] + cli.person("alice"))
        #expect(created.status == 0)
        #expect(created.stdout.hasPrefix("created campaign 'bougies-hiver' revision 1, digest "))
        let shown = try cli.run("campaign", "show", "bougies-hiver", "--json")
        #expect(shown.status == 0)
        assertGolden(shown.stdout, named: "campaign-show-bougies-hiver.json")
        let preview = try cli.run("campaign", "preview", "bougies-hiver", "--html", "preview.html")
        #expect(preview.status == 0)
        let html = try String(contentsOfFile: cli.folder.path("preview.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") || html.hasPrefix("<!doctype html>"))
        #expect(html.contains("Bougie parfumée"))
        #expect(!html.contains("<script"))
        let list = try cli.run("campaign", "list")
        #expect(list.stdout.hasPrefix("bougies-hiver\tdraft\tcarousel\trev 1\t"))
    }

    @Test func theNextDaysPriceChangeMakesANewRevisionAndTheDiffShowsIt() throws {
        let cli = try CLIRunner.sampleWorkspace()
        try cli.run("campaign", "create", "--spec", "coussin-terracotta.yml")
        let same = try cli.run("campaign", "update", "coussin-terracotta")
        #expect(same.stdout.hasPrefix("campaign 'coussin-terracotta': no change, revision 1 stays"))
        try cli.run("import", try cli.sample("catalog-day2.xml", as: "day2.xml"), "--catalog", "maison-lumiere")
        let updated = try cli.run("campaign", "update", "coussin-terracotta")
        #expect(updated.status == 0)
        #expect(updated.stdout.hasPrefix("campaign 'coussin-terracotta': new revision 2 (catalog changed), digest "))
        let diff = try cli.run("campaign", "diff", "coussin-terracotta")
        #expect(diff.stdout.hasPrefix("campaign 'coussin-terracotta': revision 1 → 2, 3 change(s)\n"))
        #expect(diff.stdout.contains("  cards[0].product.price_micros: 39000000 → 34000000\n"))
    }

    @Test func aCampaignNeedsAWorkspace() throws {
        let cli = try CLIRunner()
        try cli.folder.write("c.yml", "name: x\n")
        let result = try cli.run("campaign", "validate", "--spec", "c.yml")
        #expect(result.status == 1)
        #expect(
            result.stderr == "error: no workspace here yet: run campaignctl init --brand NAME --domain DOMAIN first\n"
        )
    }
}
