import CampaignCore
import Foundation
import TestSupport
import Testing

/// Bad and awkward report files: each is refused with located problems and nothing stored, or read correctly.
@Suite struct ReportBadInputTests {
    let fixture: ReportFixture

    init() throws {
        fixture = try ReportFixture()
    }

    private static let header =
        "campaign_id,campaign_name,date,placement,impressions,engagements,clicks,url_clicks,card_engagements,"
        + "billed_charge_local_micro\r\n"

    private func ingest(_ name: String, _ text: String, mappings: [EntityMapping] = []) throws -> ReportIngestSummary {
        try fixture.store.ingestReport(
            at: try fixture.file(name, text),
            displayName: name,
            options: ReportIngestOptions(mappings: mappings, timeZone: TimeZone(identifier: "UTC") ?? .current),
            actor: "test"
        )
    }

    private func problems(_ name: String, _ text: String, mappings: [EntityMapping] = []) -> [ReportProblem] {
        fixture.problems { _ = try ingest(name, text, mappings: mappings) }
    }

    private var storedRows: Int {
        (try? fixture.store.reportRows(ReportQuery(dimensions: [.day], from: "2000-01-01", to: "2099-12-31")).count)
            ?? -1
    }

    @Test func badMetricsAreLocatedAndNothingIsStored() {
        let text =
            Self.header
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-01,ALL_ON_TWITTER,100,5,4,3,2,1000000\r\n"
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-02,ALL_ON_TWITTER,1e3,5,4,3,2,1000000\r\n"
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-31x,ALL_ON_TWITTER,100,5,4,3,2,1000000\r\n"
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-04,ALL_ON_TWITTER,100,5,4,3,2,-5\r\n"
        let found = problems("bad.csv", text)
        #expect(found.map(\.code) == ["invalid_metric", "invalid_date", "invalid_metric"])
        #expect(found.map(\.line) == [3, 4, 5])
        #expect(found.first?.description.hasPrefix("bad.csv:3: error: [invalid_metric] item 'c1': ") == true)
        #expect(storedRows == 0)
    }

    @Test func aRowRepeatedInOneFileCountsOnceWithItsLastFigures() throws {
        // Both engines: SQLite's upsert keeps the last copy; PostgreSQL's would refuse the statement.
        let text =
            Self.header
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-01,ALL_ON_TWITTER,100,5,4,3,2,1000000\r\n"
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-02,ALL_ON_TWITTER,50,5,4,3,2,1000000\r\n"
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-01,ALL_ON_TWITTER,120,5,4,3,2,1000000\r\n"
        _ = try ingest("repeated.csv", text)
        let rows = try fixture.rows([.day], from: "2026-12-01", to: "2026-12-02")
        #expect(rows.map(\.metrics.impressions) == [120, 50])
    }

    @Test func daysAndPlacementsAreReadForEachRowWhenTheyRepeat() throws {
        // The reader keeps the last spellings it parsed: each row must still get its own day and placement.
        let text =
            Self.header
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-01,ALL_ON_TWITTER,1,0,0,0,0,0\r\n"
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-01,PUBLISHER_NETWORK,2,0,0,0,0,0\r\n"
            + "c1,Coussin [cctl coussin-terracotta r1],\"2026-12-01\",,4,0,0,0,0,0\r\n"
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-02,PUBLISHER_NETWORK,8,0,0,0,0,0\r\n"
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-02,ALL_ON_TWITTER,16,0,0,0,0,0\r\n"
        let summary = try ingest("repeats.csv", text)
        // The third row's empty placement is ALL_ON_TWITTER: it restates the first row (4 replaces 1).
        #expect(summary.read == 5)
        let rows = try fixture.rows([.day], from: "2026-12-01", to: "2026-12-02")
        #expect(rows.map(\.metrics.impressions) == [6, 24])
        let bad = problems(
            "near.csv",
            Self.header
                + "c1,Coussin [cctl coussin-terracotta r1],2026-12-01,ALL_ON_TWITTER,1,0,0,0,0,0\r\n"
                + "c1,Coussin [cctl coussin-terracotta r1],2026-12-0,ALL_ON_TWITTER,1,0,0,0,0,0\r\n"
                + "c1,Coussin [cctl coussin-terracotta r1],2026-12-011,ALL_ON_TWITTER,1,0,0,0,0,0\r\n"
        )
        #expect(bad.map(\.code) == ["invalid_date", "invalid_date"])
        #expect(bad.map(\.line) == [3, 4])
    }

    @Test func manyDistinctDaysAndPlacementsAreStoredExactly() throws {
        // More distinct texts than the SQLite writer keeps pinned (16), within one 64-row statement and across them.
        var text = Self.header
        for row in 0..<150 {
            let day = "2026-11-" + (row % 30 < 9 ? "0" : "") + String(row % 30 + 1)
            text += "c1,Coussin [cctl coussin-terracotta r1],\(day),PLACEMENT_\(row),\(row + 1),0,0,0,0,0\r\n"
        }
        _ = try ingest("distinct.csv", text)
        #expect(try fixture.store.scalar("SELECT COUNT(*) FROM performance") as Int64? == 150)
        let wrong: Int64? = try fixture.store.scalar(
            """
            SELECT COUNT(*) FROM performance
            WHERE placement <> 'PLACEMENT_' || (impressions - 1)
                OR CAST(substr(day, 9, 2) AS INTEGER) <> (impressions - 1) % 30 + 1 OR currency <> 'EUR'
            """
        )
        #expect(wrong == 0)
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlinesAreRead() throws {
        let text =
            Self.header
            + "c1,\"Coussin, \"\"terracotta\"\"\nligne 2 [cctl coussin-terracotta r1]\",2026-12-01,,100,5,4,3,2,1000000\r\n"
            + "c1,\"Coussin [cctl coussin-terracotta r1]\",2026-12-02,,200,5,4,3,2,2000000"  // no final newline
        let summary = try ingest("quoted.csv", text)
        #expect(summary.read == 2)
        #expect(summary.campaigns == ["coussin-terracotta"])
        let rows = try fixture.rows([.campaign], from: "2026-12-01", to: "2026-12-02")
        #expect(rows.first?.metrics.impressions == 300)
        #expect(rows.first?.productID == nil)
    }

    @Test func unterminatedQuoteNamesItsLine() {
        let text = Self.header + "c1,\"Coussin [cctl coussin-terracotta r1],2026-12-01,,100,5,4,3,2,1000000\r\n"
        let found = problems("open-quote.csv", text)
        #expect(found.map(\.code) == ["unterminated_quote"])
        #expect(found.first?.line == 2)
    }

    @Test func aByteOrderMarkAndLFLinesAreFine() throws {
        let text =
            "\u{FEFF}" + Self.header.replacingOccurrences(of: "\r\n", with: "\n")
            + "c1,Coussin [cctl coussin-terracotta r1],2026-12-01,,100,5,4,3,2,1000000\n"
        #expect(try ingest("bom.csv", text).stored == 1)
    }

    @Test func missingRequiredColumnsAreNamed() {
        let found = problems("thin.csv", "campaign_id,date,clicks\r\nc1,2026-12-01,4\r\n")
        #expect(found.map(\.code) == ["not_an_x_ads_report"])
        #expect(found.first?.message.contains("impressions, billed_charge_local_micro") == true)
    }

    @Test func missingOptionalMetricsAreWarnedAndZero() throws {
        let text =
            "campaign_id,campaign_name,date,impressions,billed_charge_local_micro\r\n"
            + "c1,x [cctl coussin-terracotta r1],2026-12-01,100,1000000\r\n"
        let summary = try ingest("minimal.csv", text)
        #expect(summary.warnings.map(\.code) == Array(repeating: "missing_metric_column", count: 4))
    }

    @Test func markerNamingAnUnknownCampaignIsRefused() {
        let text = Self.header + "c1,Old [cctl retired-campaign r3],2026-12-01,,100,5,4,3,2,1000000\r\n"
        #expect(problems("old.csv", text).map(\.code) == ["unknown_campaign"])
    }

    @Test func mappingToAProductTheCampaignDoesNotFeatureIsRefused() throws {
        let text = Self.header + "c1,,2026-12-01,,100,5,4,3,2,1000000\r\n"
        #expect(throws: ReportError.self) {
            _ = try ingest(
                "m.csv",
                text,
                mappings: [
                    EntityMapping(platformID: "c1", campaignID: "coussin-terracotta", productID: "ML-TAP-BER-160")
                ]
            )
        }
        #expect(throws: ReportError.self) {
            _ = try EntityMapping(parsing: "c1")
        }
        #expect(try EntityMapping(parsing: "c1=linge-de-lit/ML-LIN-TAI-65-NAT").productID == "ML-LIN-TAI-65-NAT")
    }

    @Test func productCardEntitiesCarryTheirProduct() throws {
        let text = Self.header + "c1,x [cctl coussin-terracotta r1],2026-12-01,,100,5,4,3,2,1000000\r\n"
        _ = try ingest("card.csv", text)
        let rows = try fixture.rows([.product], from: "2026-12-01", to: "2026-12-01")
        #expect(rows.map(\.productID) == ["ML-COU-LIN-45-TER"])
    }

    @Test func twoLevelsForOneCampaignAreRefused() throws {
        _ = try ingest(
            "campaign-level.csv",
            Self.header + "c1,x [cctl linge-de-lit r1],2026-12-01,,100,5,4,3,2,1000000\r\n"
        )
        let analytics = analytics(entity: "PROMOTED_TWEET", granularity: "DAY", id: "t1", values: [10, 20])
        let found = problems(
            "tweets.json",
            analytics,
            mappings: [EntityMapping(platformID: "t1", campaignID: "linge-de-lit")]
        )
        #expect(found.map(\.code) == ["entity_level_conflict"])
    }

    @Test func hourAndDayRowsForOneEntityAreRefused() throws {
        let mapping = [EntityMapping(platformID: "t1", campaignID: "linge-de-lit")]
        _ = try ingest(
            "hours.json",
            analytics(entity: "PROMOTED_TWEET", granularity: "HOUR", id: "t1", values: [1, 2]),
            mappings: mapping
        )
        let found = problems(
            "days.json",
            analytics(entity: "PROMOTED_TWEET", granularity: "DAY", id: "t1", values: [3])
        )
        #expect(found.map(\.code) == ["granularity_conflict"])
    }

    @Test func hourlyAnalyticsAreDatedInTheAccountsTimeZone() throws {
        // Starts at 23:00Z = midnight in Paris: buckets 0…24 are Paris hours 0…23 of Dec 1, then 0 of Dec 2.
        let values = Array(1...25)
        _ = try ingest(
            "hourly.json",
            analytics(entity: "PROMOTED_TWEET", granularity: "HOUR", id: "t1", values: values),
            mappings: [EntityMapping(platformID: "t1", campaignID: "linge-de-lit")]
        )
        let rows = try fixture.rows([.day], from: "2026-12-01", to: "2026-12-02")
        #expect(rows.map(\.day) == ["2026-12-01", "2026-12-02"])
        #expect(rows.map(\.metrics.impressions) == [Int64(values.prefix(24).reduce(0, +)), 25])
    }

    @Test(arguments: [
        ("TOTAL", "PROMOTED_TWEET", "unsupported_granularity"),
        ("DAY", "ACCOUNT", "unsupported_entity"),
    ])
    func analyticsThatCannotBeDatedOrAttributedAreRefused(granularity: String, entity: String, code: String) {
        let found = problems("a.json", analytics(entity: entity, granularity: granularity, id: "t1", values: [1]))
        #expect(found.map(\.code) == [code])
    }

    @Test func segmentedAnalyticsAreRefused() {
        let text = """
            {"data_type": "stats", "time_series_length": 1,
             "data": [{"id": "t1", "id_data": [{"segment": {"segment_name": "Paris"}, "metrics": {"impressions": [1]}},
                                               {"segment": {"segment_name": "Lyon"}, "metrics": {"impressions": [2]}}]}],
             "request": {"params": {"entity": "PROMOTED_TWEET", "granularity": "DAY",
                                    "start_time": "2026-11-30T23:00:00Z", "segmentation_type": "CITIES"}}}
            """
        #expect(problems("seg.json", text).map(\.code) == ["segmented_analytics"])
    }

    @Test func seriesOfTheWrongLengthAreRefused() {
        let text = analytics(entity: "PROMOTED_TWEET", granularity: "DAY", id: "t1", values: [1, 2, 3])
            .replacingOccurrences(of: "\"time_series_length\": 3", with: "\"time_series_length\": 4")
        #expect(
            problems("short.json", text, mappings: [EntityMapping(platformID: "t1", campaignID: "linge-de-lit")])
                .map(\.code) == ["series_length_mismatch"]
        )
    }

    @Test func invalidJSONLinesNameTheLine() {
        let text =
            "{\"id\": \"evt_1\", \"object\": \"event\", \"type\": \"customer.created\", \"created\": 1, \"data\": {\"object\": {}}}\n{\"id\": \"evt_2\",\n"
        let found = problems("broken.jsonl", text)
        #expect(found.map(\.code) == ["invalid_json"])
        #expect(found.first?.line == 2)
    }

    @Test func aFileMixingStatsAndEventsIsRefused() {
        let stats = analytics(entity: "PROMOTED_TWEET", granularity: "DAY", id: "t1", values: [1])
            .replacingOccurrences(of: "\n", with: " ")
        let event = Self.event(id: "evt_1", type: "checkout.session.completed", object: Self.session(amount: 1000))
        let found = problems(
            "mixed.jsonl",
            stats + "\n" + event + "\n",
            mappings: [EntityMapping(platformID: "t1", campaignID: "linge-de-lit")]
        )
        #expect(found.map(\.code) == ["mixed_file"])
        #expect(found.first?.line == 2)
        #expect(storedRows == 0)
    }

    @Test func unknownJSONIsNamed() {
        #expect(problems("x.json", "{\"hello\": 1}").map(\.code) == ["unsupported_json"])
        #expect(problems("x.json", "[1, 2]").map(\.code) == ["unexpected_json"])
        #expect(problems("empty.csv", "\n\n").map(\.code) == ["empty_report"])
    }

    @Test func anUnreadableFileIsNotADataError() {
        #expect(throws: ReportError.unreadable(file: "/nonexistent/x.csv", reason: "No such file or directory")) {
            _ = try fixture.store.ingestReport(at: "/nonexistent/x.csv", actor: "test")
        }
    }

    // MARK: Sales

    @Test func sessionAndChargeOfOnePaymentCountOnceInEitherOrder() throws {
        let session = Self.event(
            id: "evt_s",
            type: "checkout.session.completed",
            object: Self.session(amount: 4500, intent: "pi_1", metadata: #"{"campaign_id": "linge-de-lit"}"#)
        )
        let charge = Self.event(
            id: "evt_c",
            type: "charge.succeeded",
            object: Self.charge(amount: 4500, intent: "pi_1")
        )
        _ = try ingest("charge-first.jsonl", charge + "\n")
        _ = try ingest("session-second.jsonl", session + "\n")
        let rows = try fixture.rows([.campaign], from: "2026-12-01", to: "2026-12-31")
        #expect(rows.map(\.orders) == [1])
        #expect(rows.map(\.revenueMicros) == [45_000_000])
    }

    @Test func aRefundBeforeItsSaleIsAttributedWhenTheSaleArrives() throws {
        let refund = Self.event(
            id: "evt_r",
            type: "charge.refunded",
            object: Self.charge(amount: 4500, intent: "pi_9", refunded: 4500),
            previous: #"{"amount_refunded": 0}"#
        )
        let summary = try ingest("refund.jsonl", refund + "\n")
        #expect(summary.unattributed == 1)
        let session = Self.event(
            id: "evt_s9",
            type: "checkout.session.completed",
            object: Self.session(amount: 4500, intent: "pi_9", reference: "linge-de-lit__ML-LIN-TAI-65-NAT")
        )
        _ = try ingest("session.jsonl", session + "\n")
        let rows = try fixture.rows([.campaign, .product], from: "2026-12-01", to: "2026-12-31")
        #expect(rows.map(\.productID) == ["ML-LIN-TAI-65-NAT"])
        #expect(rows.map(\.refundsMicros) == [45_000_000])
        #expect(rows.map(\.roas) == [nil])  // no spend
    }

    @Test func zeroAndThreeDecimalCurrenciesUseStripesExponents() throws {
        let yen = Self.event(
            id: "evt_jpy",
            type: "checkout.session.completed",
            object: Self.session(amount: 4500, currency: "jpy", metadata: #"{"campaign_id": "linge-de-lit"}"#)
        )
        let dinar = Self.event(
            id: "evt_kwd",
            type: "checkout.session.completed",
            object: Self.session(amount: 12_340, currency: "kwd", metadata: #"{"campaign_id": "linge-de-lit"}"#)
        )
        _ = try ingest("fx.jsonl", yen + "\n" + dinar + "\n")
        let rows = try fixture.rows([.campaign], from: "2026-12-01", to: "2026-12-31")
        #expect(rows.map(\.currency) == ["JPY", "KWD"])
        #expect(rows.map(\.revenueMicros) == [4_500_000_000, 12_340_000])
    }

    @Test func unpaidSessionsAndOtherTypesAreSkippedWithAReason() throws {
        var unpaid = Self.session(amount: 1000)
        unpaid = unpaid.replacingOccurrences(of: "\"paid\"", with: "\"unpaid\"")
        let text =
            Self.event(id: "evt_u", type: "checkout.session.completed", object: unpaid) + "\n"
            + Self.event(id: "evt_p", type: "payout.paid", object: "{\"id\": \"po_1\"}") + "\n"
        let summary = try ingest("skip.jsonl", text)
        #expect(summary.stored == 0)
        #expect(summary.skipped.map(\.item) == ["evt_u", "evt_p"])
        #expect(summary.skipped.first?.message.contains("async_payment_succeeded") == true)
    }

    @Test func anEventMissingItsAmountIsRefused() {
        let text = Self.event(
            id: "evt_x",
            type: "charge.succeeded",
            object: "{\"id\": \"ch_1\", \"currency\": \"eur\"}"
        )
        let found = problems("x.jsonl", text + "\n")
        #expect(found.map(\.code) == ["invalid_event"])
        #expect(found.first?.item == "evt_x")
    }

    @Test func attributionToAnUnknownCampaignIsKeptOutOfFigures() throws {
        let text = Self.event(
            id: "evt_o",
            type: "checkout.session.completed",
            object: Self.session(amount: 1000, reference: "black-friday-2025")
        )
        let summary = try ingest("old.jsonl", text + "\n")
        #expect(summary.warnings.map(\.code).contains("unknown_campaign"))
        #expect(summary.unattributed == 1)
        #expect(try fixture.store.reportDateRange() == nil)
    }

    @Test func aStripeListAndAJSONArrayAreRead() throws {
        let one = Self.event(
            id: "evt_a",
            type: "checkout.session.completed",
            object: Self.session(amount: 1000, metadata: #"{"campaign_id": "linge-de-lit"}"#)
        )
        let two = Self.event(
            id: "evt_b",
            type: "checkout.session.completed",
            object: Self.session(amount: 2000, metadata: #"{"campaign_id": "linge-de-lit"}"#)
        )
        #expect(
            try ingest("list.json", "{\"object\": \"list\",\n \"data\": [\(one)], \"has_more\": false}").stored == 1
        )
        #expect(try ingest("array.json", "[\n\(one),\n\(two)]").stored == 1)
    }

    // MARK: Builders

    func analytics(entity: String, granularity: String, id: String, values: [Int]) -> String {
        let list = values.map(String.init).joined(separator: ", ")
        return """
            {"data_type": "stats", "time_series_length": \(values.count),
             "data": [{"id": "\(id)", "id_data": [{"segment": null, "metrics": {
                "impressions": [\(list)], "clicks": [\(list)], "billed_charge_local_micro": [\(list)],
                "engagements": null, "url_clicks": [\(list)], "card_engagements": [\(list)]}}]}],
             "request": {"params": {"entity": "\(entity)", "granularity": "\(granularity)",
                "placement": "ALL_ON_TWITTER", "start_time": "2026-11-30T23:00:00Z", "end_time": "2026-12-07T23:00:00Z"}}}
            """
    }

    static func event(id: String, type: String, object: String, previous: String? = nil) -> String {
        let previousPart = previous.map { ", \"previous_attributes\": \($0)" } ?? ""
        return "{\"id\": \"\(id)\", \"object\": \"event\", \"type\": \"\(type)\", \"created\": 1796216400, "
            + "\"data\": {\"object\": \(object)\(previousPart)}}"
    }

    static func session(
        amount: Int,
        currency: String = "eur",
        intent: String = "pi_x",
        reference: String? = nil,
        metadata: String = "{}"
    ) -> String {
        let referencePart = reference.map { "\"\($0)\"" } ?? "null"
        return
            "{\"id\": \"cs_1\", \"object\": \"checkout.session\", \"mode\": \"payment\", \"payment_status\": \"paid\", "
            + "\"amount_total\": \(amount), \"currency\": \"\(currency)\", \"payment_intent\": \"\(intent)\", "
            + "\"client_reference_id\": \(referencePart), \"metadata\": \(metadata)}"
    }

    static func charge(amount: Int, intent: String, refunded: Int = 0) -> String {
        "{\"id\": \"ch_\(intent)\", \"object\": \"charge\", \"amount\": \(amount), \"currency\": \"eur\", "
            + "\"payment_intent\": \"\(intent)\", \"amount_refunded\": \(refunded), \"captured\": true, \"metadata\": {}}"
    }
}
