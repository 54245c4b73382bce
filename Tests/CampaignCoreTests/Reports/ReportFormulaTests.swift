import Foundation
import Testing

@testable import CampaignCore

/// The documented formulas on hand-computed cases, and the calendar arithmetic under them.
@Suite struct ReportFormulaTests {
    /// 1,234 impressions, 37 clicks, 19.87 EUR spend, 3 orders, 150.00 revenue, 30.00 refunds.
    let row = ReportRow(
        currency: "EUR",
        metrics: PerformanceMetrics(
            impressions: 1_234,
            engagements: 50,
            clicks: 37,
            linkClicks: 30,
            buyClicks: 20,
            spendMicros: 19_870_000
        ),
        orders: 3,
        revenueMicros: 150_000_000,
        refundsMicros: 30_000_000
    )

    @Test func ratiosByHand() {
        #expect(row.ctr == "0.029984")  // 37 / 1234 = 0.02998379…
        #expect(row.cpm == "16.1021")  // 19.87 / 1234 × 1000 = 16.10210…
        #expect(row.cpc == "0.5370")  // 19.87 / 37 = 0.537027…
        #expect(row.cpa == "6.6233")  // 19.87 / 3 = 6.623333…
        #expect(row.roas == "6.0393")  // (150 − 30) / 19.87 = 6.039255…
    }

    @Test func ratiosOverZeroAreEmpty() {
        let empty = ReportRow(currency: "EUR")
        #expect(empty.ctr == nil)
        #expect(empty.cpm == nil)
        #expect(empty.cpc == nil)
        #expect(empty.cpa == nil)
        #expect(empty.roas == nil)
        // Spend and no sales: ROAS is 0, CPA empty.
        let spendOnly = ReportRow(
            currency: "EUR",
            metrics: PerformanceMetrics(
                impressions: 10,
                engagements: 0,
                clicks: 0,
                linkClicks: 0,
                buyClicks: 0,
                spendMicros: 5_000_000
            )
        )
        #expect(spendOnly.roas == "0.0000")
        #expect(spendOnly.cpa == nil)
        #expect(spendOnly.cpc == nil)
    }

    @Test func roundingIsHalfToEvenAndNegativeROASIsSigned() {
        #expect(ReportRatio.format(1, 8, places: 2) == "0.12")  // 0.125 → 0.12
        #expect(ReportRatio.format(3, 8, places: 2) == "0.38")  // 0.375 → 0.38
        #expect(ReportRatio.format(-1, 3, places: 4) == "-0.3333")
        #expect(ReportRatio.format(-1, 1_000_000, places: 4) == "0.0000")  // no "-0.0000"
        // Refunds larger than revenue over a period: ROAS below zero, as it is.
        let refunded = ReportRow(
            currency: "EUR",
            metrics: PerformanceMetrics(
                impressions: 1,
                engagements: 0,
                clicks: 0,
                linkClicks: 0,
                buyClicks: 0,
                spendMicros: 10_000_000
            ),
            revenueMicros: 0,
            refundsMicros: 25_000_000
        )
        #expect(refunded.roas == "-2.5000")
    }

    @Test func hugeFiguresDoNotOverflow() {
        let big = ReportRow(
            currency: "EUR",
            metrics: PerformanceMetrics(
                impressions: 1,
                engagements: 0,
                clicks: 1,
                linkClicks: 0,
                buyClicks: 0,
                spendMicros: Int64.max
            )
        )
        #expect(big.cpm == "9223372036854775.8070")
    }

    @Test func moneyIsRoundedToMinorUnits() {
        #expect(ReportWriter.formatMoney(58_480_994, currency: "EUR") == "58.48")
        #expect(ReportWriter.formatMoney(58_485_000, currency: "EUR") == "58.48")  // half to even
        #expect(ReportWriter.formatMoney(58_495_000, currency: "EUR") == "58.50")
        #expect(ReportWriter.formatMoney(-1_005_000, currency: "EUR") == "-1.00")
        #expect(ReportWriter.formatMoney(4_500_400_000, currency: "JPY") == "4500")
        #expect(ReportWriter.formatMoney(12_345_600, currency: "KWD") == "12.346")
    }

    @Test func calendarRoundTripsAndInfersTheOffset() {
        for day in [-1, 0, 59, 365, 10_957, 20_423, 2_932_896] {
            let text = ReportCalendar.dayString(daysSinceEpoch: day)
            #expect(ReportCalendar.epoch(text) == Int64(day) * 86_400, "\(text)")
        }
        #expect(ReportCalendar.dayString(daysSinceEpoch: 20_423) == "2025-12-01")
        #expect(ReportCalendar.isDay("2024-02-29"))
        #expect(!ReportCalendar.isDay("2026-02-29"))
        #expect(!ReportCalendar.isDay("2026-13-01"))
        #expect(ReportCalendar.epoch("2026-12-01T00:00:00+01:00") == ReportCalendar.epoch("2026-11-30T23:00:00Z"))
        #expect(ReportCalendar.epoch("2026-12-01 07:00:00.376Z") == ReportCalendar.epoch("2026-12-01T07:00:00Z"))
        // Los Angeles (07:00Z), Paris (23:00Z the day before), Tokyo (15:00Z the day before).
        for (start, offset) in [("2022-05-20T07:00:00Z", -7), ("2026-11-30T23:00:00Z", 1), ("2026-11-30T15:00:00Z", 9)]
        {
            let epoch = ReportCalendar.epoch(start) ?? 0
            #expect(ReportCalendar.offset(ofLocalMidnight: epoch) == Int64(offset * 3_600), "\(start)")
            #expect(ReportCalendar.local(epoch, offset: Int64(offset * 3_600)).hour == 0)
        }
    }

    @Test func dimensionsParseInAnyOrderAndRejectUnknownNames() throws {
        #expect(try ReportDimension.parseList("product, day") == [.day, .product])
        #expect(try ReportDimension.parseList("date,campaign,format") == [.day, .campaign, .format])
        #expect(throws: ReportError.self) { _ = try ReportDimension.parseList("day,region") }
        #expect(throws: ReportError.self) { _ = try ReportQuery(dimensions: [], from: "2026-12-08", to: "2026-12-01") }
        #expect(throws: ReportError.self) { _ = try ReportQuery(dimensions: [], from: "2026-12-1", to: "2026-12-01") }
    }

    @Test func csvReaderHandlesRFC4180Cases() throws {
        let text = "a,\"b,c\",\"d\"\"e\"\r\n\r\n\"multi\nline\",,x\n1,2"
        let reader = CSVRecordReader(bytes: Array(text.utf8), displayName: "t.csv")
        var records: [[String]] = []
        var lines: [Int] = []
        while try reader.next() {
            records.append((0..<reader.fieldCount).map { reader.string($0) })
            lines.append(reader.line)
        }
        #expect(records == [["a", "b,c", "d\"e"], ["multi\nline", "", "x"], ["1", "2"]])
        #expect(lines == [1, 3, 5])
    }

    @Test func csvIntegersAcceptBIToolDecimalsOnly() throws {
        let reader = CSVRecordReader(bytes: Array("12, 7 ,12.0,12.5,,-3,99999999999999999999".utf8), displayName: "t")
        #expect(try reader.next())
        #expect((0..<7).map { reader.integer($0) } == [12, 7, 12, nil, 0, nil, nil])
    }
}
