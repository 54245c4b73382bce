import Foundation
import TestSupport
import Testing

/// `campaignctl report …` through the built binary, on the sample week.
@Suite struct ReportCommandTests {
    /// The sample workspace with the three campaigns created and the sample reports copied in.
    private func workspace() throws -> CLIRunner {
        let cli = try CLIRunner.sampleWorkspace()
        cli.environment["TZ"] = "Europe/Paris"
        for name in ["coussin-terracotta", "linge-de-lit", "bougies-hiver"] {
            let created = try cli.run(["campaign", "create", "--spec", "\(name).yml"] + cli.person("alice"))
            #expect(created.status == 0, "\(created.stderr)")
        }
        for name in [
            "x-analytics-promoted-tweets-2026-12-01_07.json", "x-ads-campaign-report-2026-12-01_07.csv",
            "stripe-events-2026-12-01_07.jsonl",
        ] {
            _ = try cli.sample("reports/\(name)", as: name)
        }
        return cli
    }

    @Test func ingestThenExportEveryFormat() throws {
        let cli = try workspace()
        let stats = try cli.run(
            "report",
            "ingest",
            "x-analytics-promoted-tweets-2026-12-01_07.json",
            "--map",
            "1mbq3x=coussin-terracotta",
            "--map",
            "1mbq4k=linge-de-lit"
        )
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.contains("14 rows read"))
        #expect(stats.stdout.contains("stored 14 new or changed, 0 already stored"))
        let more = try cli.run(
            "report",
            "ingest",
            "x-ads-campaign-report-2026-12-01_07.csv",
            "stripe-events-2026-12-01_07.jsonl"
        )
        #expect(more.status == 0, "\(more.stderr)")
        #expect(more.stdout.contains("stored 67 (60 attributed to a campaign, 7 not), 0 already stored, 1 skipped"))
        #expect(more.stderr.contains("stripe-events-2026-12-01_07.jsonl:17: note: [event_skipped]"))
        #expect(more.stderr.contains(": warning: [unattributed_sale] item 'evt_"))
        let again = try cli.run("report", "ingest", "stripe-events-2026-12-01_07.jsonl")
        #expect(again.stdout.contains("stored 0 (0 attributed to a campaign, 0 not), 67 already stored"))

        let csv = try cli.run(
            "report",
            "export",
            "--by",
            "day,campaign",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-07",
            "--out",
            "r.csv"
        )
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.hasPrefix("wrote r.csv: CSV, 22 rows by day, campaign, 2026-12-01 to 2026-12-07"))
        let text = try String(contentsOf: cli.folder.url.appendingPathComponent("r.csv"), encoding: .utf8)
        #expect(text.hasPrefix("date,campaign_id,campaign_name,format,product_id,currency,impressions,"))
        #expect(text.contains("\r\n2026-12-04,bougies-hiver,Soirées d'hiver,,,CHF,0,0,0,0,0,0,0.00,1,59000000,59.00,"))

        let json = try cli.run("report", "export", "--by", "product", "--out", "r.json")
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.contains("2026-12-01 to 2026-12-07"))  // default range: the data's
        let parsed = try JSONSerialization.jsonObject(
            with: Data(contentsOf: cli.folder.url.appendingPathComponent("r.json"))
        )
        #expect((parsed as? [[String: Any]])?.isEmpty == false)

        let html = try cli.run("report", "export", "--by", "campaign", "--format", "html", "--out", "r.html")
        #expect(html.status == 0, "\(html.stderr)")
        let page = try String(contentsOf: cli.folder.url.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(page.contains("<svg"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("src=\"http") && !page.contains("url("))
    }

    @Test func badInputExitsWithTheRightCodeAndStoresNothing() throws {
        let cli = try workspace()
        let meta = try cli.run(
            "report",
            "ingest",
            Paths.shared.appendingPathComponent(
                "reports/real/facebook-ads-insights-basic-ad-daily_fivetran-dbt_facebook_ads.csv"
            ).path
        )
        #expect(meta.status == 65)
        #expect(meta.stderr.contains(":1: error: [unsupported_report] this is a Meta Ads Insights export"))
        #expect(meta.stderr.hasSuffix("nothing from this file was stored\n"))
        let missing = try cli.run("report", "ingest", "nope.csv")
        #expect(missing.status == 66)
        #expect(missing.stderr == "error: nope.csv: cannot read: No such file or directory\n")
        let dimension = try cli.run("report", "export", "--by", "day,region", "--out", "x.csv")
        #expect(dimension.status == 64)
        #expect(dimension.stderr == "error: --by: unknown dimension 'region' (day, campaign, format, product)\n")
        let empty = try cli.run("report", "export", "--out", "x.csv")
        #expect(empty.status == 64)
        #expect(empty.stderr.contains("no performance or sales data yet"))
        #expect(!FileManager.default.fileExists(atPath: cli.folder.path("x.csv")))
        let unmapped = try cli.run("report", "ingest", "x-analytics-promoted-tweets-2026-12-01_07.json")
        #expect(unmapped.status == 65)
        #expect(unmapped.stderr.contains("[unmatched_entity] item '1mbq3x'"))
        #expect(unmapped.stderr.contains("pass --map 1mbq3x=CAMPAIGN"))
        let badMap = try cli.run("report", "ingest", "x-ads-campaign-report-2026-12-01_07.csv", "--map", "x")
        #expect(badMap.status == 64)
    }

    @Test func sqlPrintsTheAggregateForTheSqliteTool() throws {
        let cli = try workspace()
        let result = try cli.run(
            "report",
            "export",
            "--by",
            "day,campaign,product",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-07",
            "--sql"
        )
        #expect(result.status == 0)
        #expect(result.stdout.contains("BETWEEN '2026-12-01' AND '2026-12-07'"))
        #expect(result.stdout.hasSuffix(";\n"))
    }

    @Test func helpIsPrintedNotAnInternalError() throws {
        let cli = try CLIRunner()
        for arguments in [["--help"], ["help", "report"], ["report", "export", "--help"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("USAGE:"), "\(arguments)")
        }
    }
}
