import FeedImport
import Foundation

/// A dimension a report is broken down by.
public enum ReportDimension: String, Sendable, CaseIterable, Hashable {
    case day
    case campaign
    case format
    case product

    /// Parses `day,campaign,format,product` (any combination, any order; the output order is always this one).
    public static func parseList(_ text: String) throws(ReportError) -> [ReportDimension] {
        var found: Set<ReportDimension> = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let dimension = ReportDimension(rawValue: name == "date" ? "day" : name) else {
                throw .invalidOption("--by: unknown dimension '\(name)' (day, campaign, format, product)")
            }
            found.insert(dimension)
        }
        return allCases.filter(found.contains)
    }
}

/// What to export.
public struct ReportQuery: Sendable, Hashable {
    public var dimensions: [ReportDimension]
    /// First and last day, inclusive (`YYYY-MM-DD`).
    public var from: String
    public var to: String
    /// Only these campaigns (all when empty).
    public var campaigns: [String]

    /// Creates a query; dates must be `YYYY-MM-DD` with `from` ≤ `to`.
    public init(dimensions: [ReportDimension], from: String, to: String, campaigns: [String] = []) throws(ReportError) {
        guard ReportCalendar.isDay(from) else {
            throw .invalidOption("--from '\(from)': expected a date YYYY-MM-DD")
        }
        guard ReportCalendar.isDay(to) else {
            throw .invalidOption("--to '\(to)': expected a date YYYY-MM-DD")
        }
        guard from <= to else {
            throw .invalidOption("--from \(from) is after --to \(to)")
        }
        self.dimensions = ReportDimension.allCases.filter(dimensions.contains)
        self.from = from
        self.to = to
        self.campaigns = campaigns
    }

    /// The aggregate as one SQL statement over the store's tables (parameters `?1` from, `?2` to): the same text
    /// campaignctl runs, printed by `report export --sql` so the sqlite3 command-line tool can run it too.
    public var sql: String {
        func keys(day: String, campaign: String, product: String) -> [String] {
            dimensions.map { dimension in
                switch dimension {
                case .day: "\(day) AS k_day"
                case .campaign: "\(campaign) AS k_campaign"
                case .format: "c.format AS k_format"
                case .product: "\(product) AS k_product"
                }
            }
        }
        let names = dimensions.map { "k_\($0.rawValue)" }
        let needsCampaign = dimensions.contains(.format)
        let filter =
            campaigns.isEmpty
            ? ""
            : " AND %@ IN ("
                + campaigns.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }
                .joined(separator: ", ") + ")"
        let perfKeys =
            keys(day: "p.day", campaign: "e.campaign_id", product: "e.product_id") + ["p.currency AS currency"]
        let saleKeys =
            keys(day: "s.day", campaign: "s.campaign_id", product: "s.product_id") + ["s.currency AS currency"]
        let group = (names + ["currency"]).joined(separator: ", ")
        // SQLite sorts NULL first, PostgreSQL last: spelled out, both give the same order.
        let order = (names + ["currency"]).map { "\($0) NULLS FIRST" }.joined(separator: ", ")
        let perf = """
            SELECT \(perfKeys.joined(separator: ", ")),
                SUM(p.impressions) AS impressions, SUM(p.engagements) AS engagements, SUM(p.clicks) AS clicks,
                SUM(p.link_clicks) AS link_clicks, SUM(p.buy_clicks) AS buy_clicks, SUM(p.spend_micros) AS spend_micros,
                0 AS orders, 0 AS revenue_micros, 0 AS refunds_micros
            FROM performance p JOIN report_entity e ON e.id = p.entity\(needsCampaign ? " JOIN campaign c ON c.id = e.campaign_id" : "")
            WHERE p.day BETWEEN ?1 AND ?2\(filter.replacingOccurrences(of: "%@", with: "e.campaign_id"))
            GROUP BY \(group)
            """
        let sales = """
            SELECT \(saleKeys.joined(separator: ", ")),
                0, 0, 0, 0, 0, 0, SUM(s.orders), SUM(s.amount_micros), SUM(s.refund_micros)
            FROM sale s\(needsCampaign ? " JOIN campaign c ON c.id = s.campaign_id" : "")
            WHERE s.counted = 1 AND s.campaign_id IS NOT NULL AND s.day BETWEEN ?1 AND ?2\(filter.replacingOccurrences(of: "%@", with: "s.campaign_id"))
            GROUP BY \(group)
            """
        let sums = [
            "impressions", "engagements", "clicks", "link_clicks", "buy_clicks", "spend_micros", "orders",
            "revenue_micros", "refunds_micros",
        ].map { "SUM(\($0)) AS \($0)" }
        return """
            SELECT \((names + ["currency"] + sums).joined(separator: ", "))
            FROM (\(perf)
            UNION ALL
            \(sales)) AS parts
            GROUP BY \(group)
            ORDER BY \(order)
            """
    }
}

/// One line of a report: the figures for one combination of the chosen dimensions, in one currency.
public struct ReportRow: Sendable, Hashable {
    public var day: String?
    public var campaignID: String?
    public var campaignName: String?
    public var format: String?
    public var productID: String?
    public var currency: String
    public var metrics: PerformanceMetrics
    public var orders: Int64
    public var revenueMicros: Int64
    public var refundsMicros: Int64

    /// Creates a row.
    public init(
        day: String? = nil,
        campaignID: String? = nil,
        campaignName: String? = nil,
        format: String? = nil,
        productID: String? = nil,
        currency: String,
        metrics: PerformanceMetrics = PerformanceMetrics(),
        orders: Int64 = 0,
        revenueMicros: Int64 = 0,
        refundsMicros: Int64 = 0
    ) {
        self.day = day
        self.campaignID = campaignID
        self.campaignName = campaignName
        self.format = format
        self.productID = productID
        self.currency = currency
        self.metrics = metrics
        self.orders = orders
        self.revenueMicros = revenueMicros
        self.refundsMicros = refundsMicros
    }

    // MARK: Ratios (documented in the README; nil when the denominator is zero)

    /// Click-through rate: clicks ÷ impressions, 6 decimals.
    public var ctr: String? { ReportRatio.format(Int128(metrics.clicks), Int128(metrics.impressions), places: 6) }
    /// Cost per thousand impressions: spend ÷ impressions × 1000, in currency units, 4 decimals.
    public var cpm: String? {
        ReportRatio.format(Int128(metrics.spendMicros) * 1_000, Int128(metrics.impressions) * 1_000_000, places: 4)
    }
    /// Cost per click: spend ÷ clicks, in currency units, 4 decimals.
    public var cpc: String? {
        ReportRatio.format(Int128(metrics.spendMicros), Int128(metrics.clicks) * 1_000_000, places: 4)
    }
    /// Cost per acquisition: spend ÷ orders, in currency units, 4 decimals.
    public var cpa: String? {
        ReportRatio.format(Int128(metrics.spendMicros), Int128(orders) * 1_000_000, places: 4)
    }
    /// Return on ad spend: (revenue − refunds) ÷ spend, 4 decimals.
    public var roas: String? {
        ReportRatio.format(Int128(revenueMicros) - Int128(refundsMicros), Int128(metrics.spendMicros), places: 4)
    }
}

/// Exact decimal ratios: integer arithmetic, rounded half to even, so the figures never depend on floating point.
enum ReportRatio {
    static func format(_ numerator: Int128, _ denominator: Int128, places: Int) -> String? {
        guard denominator != 0 else {
            return nil
        }
        var scale: Int128 = 1
        for _ in 0..<places {
            scale *= 10
        }
        let negative = (numerator < 0) != (denominator < 0)
        let n = numerator.magnitude * UInt128(scale)
        let d = denominator.magnitude
        var (quotient, remainder) = n.quotientAndRemainder(dividingBy: d)
        if remainder * 2 > d || (remainder * 2 == d && quotient % 2 == 1) {
            quotient += 1
        }
        let units = quotient / UInt128(scale)
        let fraction = String(quotient % UInt128(scale))
        var text = (negative && quotient != 0 ? "-" : "") + String(units)
        if places > 0 {
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return text
    }
}

extension CampaignStore {
    /// Runs the aggregate and hands each row to `body`, in order (day, campaign, format, product, currency).
    /// Rows never mix currencies: a campaign selling in two currencies has a row for each.
    public func exportReport(_ query: ReportQuery, body: (ReportRow) throws -> Void) throws {
        try read { db in
            var names: [String: String] = [:]
            for row in try db.fetchAll(sql: "SELECT id, name FROM campaign") {
                names[try row[0]] = try row[1]
            }
            try db.forEachRow(sql: query.sql, arguments: [query.from, query.to]) { row in
                var output = ReportRow(currency: "")
                var index = 0
                for dimension in query.dimensions {
                    let value: String? = try row[index]
                    switch dimension {
                    case .day: output.day = value
                    case .campaign:
                        output.campaignID = value
                        output.campaignName = value.flatMap { names[$0] }
                    case .format: output.format = value
                    case .product: output.productID = value
                    }
                    index += 1
                }
                output.currency = try row[index]
                output.metrics = PerformanceMetrics(
                    impressions: try row[index + 1],
                    engagements: try row[index + 2],
                    clicks: try row[index + 3],
                    linkClicks: try row[index + 4],
                    buyClicks: try row[index + 5],
                    spendMicros: try row[index + 6]
                )
                output.orders = try row[index + 7]
                output.revenueMicros = try row[index + 8]
                output.refundsMicros = try row[index + 9]
                try body(output)
            }
        }
    }

    /// The first and last day with performance or sales data, or nil when there is none.
    public func reportDateRange() throws -> (first: String, last: String)? {
        try read { db in
            let row = try db.fetchOne(
                sql: """
                    SELECT MIN(first), MAX(last) FROM (
                        SELECT MIN(day) AS first, MAX(day) AS last FROM performance
                        UNION ALL SELECT MIN(day), MAX(day) FROM sale WHERE counted = 1 AND campaign_id IS NOT NULL) AS span
                    """
            )
            guard let row, let first: String = try row[0], let last: String = try row[1] else {
                return nil
            }
            return (first, last)
        }
    }

    /// All rows of the aggregate.
    public func reportRows(_ query: ReportQuery) throws -> [ReportRow] {
        var rows: [ReportRow] = []
        try exportReport(query) { rows.append($0) }
        return rows
    }
}
