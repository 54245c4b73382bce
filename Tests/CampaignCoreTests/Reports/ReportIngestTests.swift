import CampaignCore
import Foundation
import TestSupport
import Testing

@Suite struct ReportSampleTests {
    let fixture: ReportFixture

    init() throws {
        fixture = try ReportFixture()
        try fixture.ingestSamples()
    }

    @Test func totalsPerCampaignMatchTheSampleFiles() throws {
        // Expected figures computed from the sample files by a separate script (Python), not by campaignctl.
        let rows = try fixture.rows([.campaign])
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { ("\($0.campaignID ?? "-")/\($0.currency)", $0) })
        #expect(rows.count == 4)
        let coussin = try #require(byKey["coussin-terracotta/EUR"])
        #expect(coussin.metrics.impressions == 57_076)
        #expect(coussin.metrics.spendMicros == 222_543_217)
        #expect(coussin.metrics.clicks == 654)
        #expect(coussin.orders == 13)
        #expect(coussin.revenueMicros == 702_000_000)
        let linge = try #require(byKey["linge-de-lit/EUR"])
        #expect(linge.metrics.impressions == 136_228)
        #expect(linge.metrics.spendMicros == 535_929_904)
        #expect(linge.orders == 17)
        #expect(linge.revenueMicros == 1_806_000_000)
        #expect(linge.refundsMicros == 144_000_000)
        let bougies = try #require(byKey["bougies-hiver/EUR"])
        #expect(bougies.metrics.impressions == 103_815)
        #expect(bougies.metrics.spendMicros == 403_149_760)
        // 25 sessions; the two charge.succeeded events of the same payments do not count again.
        #expect(bougies.orders == 25)
        #expect(bougies.revenueMicros == 1_852_000_000)
        // The Geneva order is in CHF: its own row, never summed with euros.
        let chf = try #require(byKey["bougies-hiver/CHF"])
        #expect(chf.orders == 1)
        #expect(chf.revenueMicros == 59_000_000)
        #expect(chf.metrics.spendMicros == 0)
        #expect(chf.roas == nil)
    }

    @Test func reingestingStoresNothingTwice() throws {
        let before = try fixture.rows([.day, .campaign, .product])
        let paris = TimeZone(identifier: "Europe/Paris") ?? .current
        for file in [ReportFixture.analytics, ReportFixture.campaignReport, ReportFixture.events] {
            let summary = try fixture.store.ingestReport(
                at: file,
                options: ReportIngestOptions(timeZone: paris),
                actor: "test"
            )
            #expect(summary.stored == 0, "\(file)")
            #expect(summary.unchanged > 0, "\(file)")
        }
        #expect(try fixture.rows([.day, .campaign, .product]) == before)
    }

    @Test func refundsSubtractOnTheirOwnDays() throws {
        let rows = try fixture.rows([.day, .campaign]).filter { $0.campaignID == "linge-de-lit" }
        let refunds = Dictionary(uniqueKeysWithValues: rows.map { ($0.day ?? "", $0.refundsMicros) })
        // A partial refund of 20.00, then the remaining 124.00 of the 144.00 order (previous_attributes).
        #expect(refunds["2026-12-05"] == 20_000_000)
        #expect(refunds["2026-12-06"] == 124_000_000)
        #expect(rows.map(\.refundsMicros).reduce(0, +) == 144_000_000)
    }

    @Test func goldenExports() throws {
        let query = try ReportQuery(dimensions: [.day, .campaign], from: "2026-12-01", to: "2026-12-07")
        assertGolden(try fixture.store.renderReport(query, format: .csv), named: "sample-by-day-campaign.csv")
        let products = try ReportQuery(
            dimensions: [.campaign, .format, .product],
            from: "2026-12-01",
            to: "2026-12-07"
        )
        assertGolden(try fixture.store.renderReport(products, format: .json), named: "sample-by-product.json")
        let campaigns = try ReportQuery(dimensions: [.campaign], from: "2026-12-01", to: "2026-12-07")
        assertGolden(try fixture.store.renderReport(campaigns, format: .html), named: "sample-by-campaign.html")
    }

    @Test func csvIsRFC4180() throws {
        let query = try ReportQuery(dimensions: [.campaign], from: "2026-12-01", to: "2026-12-07")
        let csv = try fixture.store.renderReport(query, format: .csv)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines.first == ReportWriter.columns.joined(separator: ","))
        #expect(lines.last == "")  // every record ends with CRLF
        #expect(!csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        // The campaign name with a comma is quoted.
        #expect(csv.contains(",\"Le lin lavé, du lit à la table\","))
    }

    @Test func jsonIsAnArrayOfObjectsWithTheColumnNames() throws {
        let query = try ReportQuery(
            dimensions: [.day, .campaign, .format, .product],
            from: "2026-12-01",
            to: "2026-12-07"
        )
        let json = try fixture.store.renderReport(query, format: .json)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(try parsed.count == fixture.store.reportRows(query).count)
        for object in parsed {
            #expect(Set(object.keys) == Set(ReportWriter.columns))
        }
        // A ratio over zero is null, never NaN or infinity.
        #expect(parsed.contains { $0["roas"] is NSNull })
        #expect(!json.contains("NaN") && !json.contains("inf"))
    }

    @Test func exportsAreFilteredByDayAndCampaign() throws {
        let one = try fixture.store.reportRows(
            ReportQuery(dimensions: [.day], from: "2026-12-03", to: "2026-12-03", campaigns: ["coussin-terracotta"])
        )
        #expect(one.count == 1)
        #expect(one.first?.day == "2026-12-03")
        let all = try fixture.rows([.day, .campaign]).filter {
            $0.day == "2026-12-03" && $0.campaignID == "coussin-terracotta"
        }
        #expect(one.first?.metrics == all.first?.metrics)
    }

    @Test func ingestIsAudited() throws {
        let events = try fixture.store.auditEvents()
        #expect(events.filter { $0.action == "report.ingest" }.count == 3)
        #expect(try fixture.store.verifyAudit(against: nil).problem == nil)
    }
}

@Suite struct ReportRealFixtureTests {
    @Test func fivetranTwitterReportNeedsMappingsAndNamesEveryUnknownCampaign() throws {
        let fixture = try ReportFixture()
        let path = ReportFixture.shared(
            "reports/real/twitter-ads-campaign-report-daily_fivetran-dbt_twitter_source.csv"
        )
        let problems = fixture.problems {
            _ = try fixture.store.ingestReport(at: path, displayName: "twitter.csv", actor: "test")
        }
        #expect(problems.map(\.code) == ["unmatched_entity", "unmatched_entity", "unmatched_entity"])
        #expect(problems.map(\.item) == ["hq0u9", "hpzt7", "fxxpx"])
        #expect(problems.map(\.line) == [2, 3, 5])
        #expect(try fixture.store.reportDateRange() == nil)  // nothing stored
        let summary = try fixture.store.ingestReport(
            at: path,
            displayName: "twitter.csv",
            options: ReportIngestOptions(mappings: [
                EntityMapping(platformID: "hq0u9", campaignID: "coussin-terracotta"),
                EntityMapping(platformID: "hpzt7", campaignID: "linge-de-lit"),
                EntityMapping(platformID: "fxxpx", campaignID: "bougies-hiver"),
            ]),
            actor: "test"
        )
        #expect(summary.read == 4)
        #expect(summary.stored == 4)
        // 252 columns, most unknown to campaignctl: all the metrics it keeps are there, so no warnings.
        #expect(summary.warnings.isEmpty)
        let rows = try fixture.store.reportRows(
            ReportQuery(dimensions: [.day, .campaign], from: "2021-01-01", to: "2022-12-31")
        )
        // `2022-05-20 07:00:00` is local midnight in UTC: the day is 2022-05-20.
        #expect(rows.map(\.day) == ["2021-08-25", "2022-05-13", "2022-05-15", "2022-05-20"])
        let spend: Int64 = 1_371_662 + 59_621_687 + 38_806_426 + 38_735_959
        #expect(rows.map(\.metrics.spendMicros).reduce(0, +) == spend)
        #expect(rows.last?.metrics.linkClicks == 1)
        #expect(rows.allSatisfy { $0.currency == "EUR" })  // no currency column: the campaign's budget currency
    }

    @Test(arguments: [
        ("facebook-ads-insights-basic-ad-daily_fivetran-dbt_facebook_ads.csv", "Meta Ads Insights"),
        ("google-ads-campaign-stats-daily_fivetran-dbt_google_ads.csv", "Google Ads"),
    ])
    func otherPlatformsAreRefusedByName(file: String, platform: String) throws {
        let fixture = try ReportFixture()
        let problems = fixture.problems {
            _ = try fixture.store.ingestReport(at: ReportFixture.shared("reports/real/\(file)"), actor: "test")
        }
        #expect(problems.count == 1)
        #expect(problems.first?.code == "unsupported_report")
        #expect(problems.first?.message.contains(platform) == true)
        #expect(problems.first?.line == 1)
    }

    @Test func stripeCheckoutSessionIsStoredUnattributedThenTheReusedIdIsAConflict() throws {
        let fixture = try ReportFixture()
        let session = ReportFixture.shared(
            "payments/real/stripe-event-checkout.session.completed-payment-mode_stripe-ruby-mock.json"
        )
        let summary = try fixture.store.ingestReport(at: session, displayName: "session.json", actor: "test")
        #expect(summary.kind == .sales)
        #expect(summary.stored == 1)
        #expect(summary.unattributed == 1)
        #expect(summary.warnings.map(\.code) == ["unattributed_sale"])
        #expect(summary.warnings.first?.message.contains("30.00 USD") == true)
        // Both real fixtures carry the zeroed id evt_000000000000000000000000 but different content.
        let charge = ReportFixture.shared("payments/real/stripe-event-charge.succeeded_stripe-ruby-mock.json")
        let problems = fixture.problems {
            _ = try fixture.store.ingestReport(at: charge, displayName: "charge.json", actor: "test")
        }
        #expect(problems.map(\.code) == ["event_id_conflict"])
        #expect(problems.first?.item == "evt_000000000000000000000000")
    }

    @Test func stripeChargeAloneIsStored() throws {
        let fixture = try ReportFixture()
        let charge = ReportFixture.shared("payments/real/stripe-event-charge.succeeded_stripe-ruby-mock.json")
        let summary = try fixture.store.ingestReport(at: charge, actor: "test")
        #expect(summary.stored == 1)
        #expect(summary.unattributed == 1)
        #expect(summary.warnings.first?.message.contains("20.00 USD") == true)
        // Re-ingesting the same file is a duplicate, not a conflict.
        let again = try fixture.store.ingestReport(at: charge, actor: "test")
        #expect(again.stored == 0)
        #expect(again.unchanged == 1)
    }
}
