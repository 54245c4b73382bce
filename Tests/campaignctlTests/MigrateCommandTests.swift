import Foundation
import TestSupport
import Testing

/// `campaignctl migrate`: a laptop's SQLite workspace moves to the team's server (another SQLite file when
/// no `CAMPAIGNCTL_TEST_PG` server is given) and reads the same there.
@Suite struct MigrateCommandTests {
    @Test func aLaptopWorkspaceMovesToTheTeamServerAndCarriesOn() throws {
        let cli = try CLIRunner.sampleWorkspace(sqliteFile: "laptop.sqlite")
        let laptop = cli.folder.path("laptop.sqlite")
        for id in ["coussin-terracotta", "bougies-hiver"] {
            try cli.run(["campaign", "create", "--spec", "\(id).yml"] + cli.person("alice"))
            try cli.run(["campaign", "submit", id] + cli.person("alice"))
        }
        try cli.run(["campaign", "approve", "coussin-terracotta", "--yes"] + cli.person("bob"))
        try cli.run(["campaign", "publish", "coussin-terracotta"] + cli.person("alice"))

        // A password in the URL (the test server trusts loopback and ignores it) is never printed.
        let team =
            CLIRunner.postgresURL.map { url in
                TestPostgres.freshSchemaURL(
                    url.replacingOccurrences(of: "postgres://postgres@", with: "postgres://postgres:s3cret@"),
                    prefix: "migrated_"
                ).url
            } ?? "sqlite:" + cli.folder.path("team.sqlite")
        let migrated = try cli.run("migrate", "--from", "sqlite:" + laptop, "--to", team)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        // Two seals, two creates, two submits, an approval and a publish.
        #expect(migrated.stdout.contains("copied claim: 8 row(s)\n"))
        #expect(migrated.stdout.contains("policy v1 established by its signatures, 8 claim signature(s) valid\n"))
        #expect(!(migrated.stdout + migrated.stderr).contains("s3cret"))

        let reads = [
            ["audit", "log"], ["catalog", "products", "--catalog", "maison-lumiere", "--json"],
            ["campaign", "show", "coussin-terracotta", "--json"], ["policy", "show"],
        ]
        let before = try reads.map { try cli.run($0).stdout }
        cli.environment["CAMPAIGNCTL_DATABASE"] = team.hasPrefix("sqlite:") ? String(team.dropFirst(7)) : team
        #expect(try reads.map { try cli.run($0).stdout } == before)
        // The team carries on from there: bob's approval and alice's publish of the second campaign.
        let approved = try cli.run(["campaign", "approve", "bougies-hiver", "--yes"] + cli.person("bob"))
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(try cli.run(["campaign", "publish", "bougies-hiver"] + cli.person("alice")).status == 0)
        #expect(try cli.run(["audit", "verify"] + cli.person("bob")).status == 0)
        // Copying again into the now busy target is refused.
        let again = try cli.run("migrate", "--from", "sqlite:" + laptop, "--to", team)
        #expect(again.status == 64)
        #expect(again.stderr.hasPrefix("error: the target already holds data (table workspace has rows)"))
    }
}
