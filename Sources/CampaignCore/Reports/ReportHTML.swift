import FeedImport
import Foundation

/// The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched) with spend and revenue
/// per day, ROAS per campaign, the top products, and the table of the requested breakdown. It prints on A4.
///
/// Charts are drawn here as SVG rather than by a charting library: the listed packages have none for server-side
/// SVG, and a script-based one would break the "no script, no network" rule.
public enum ReportHTML {
    /// The table shows at most this many rows; the CSV and JSON exports have them all.
    public static let tableLimit = 2_000

    /// The figures one page needs.
    public struct Figures: Sendable {
        public var query: ReportQuery
        public var brand: String
        public var generatedAt: String
        /// Per day (the `day` breakdown).
        public var byDay: [ReportRow]
        /// Per campaign.
        public var byCampaign: [ReportRow]
        /// Per product (sales only are per product: spend on multi-product cards is per campaign).
        public var byProduct: [ReportRow]
        /// The requested breakdown.
        public var table: [ReportRow]
        /// How many rows the requested breakdown has in all.
        public var tableTotal: Int
    }

    /// Renders the page.
    public static func render(_ figures: Figures) -> String {
        // The main currency (most spend, then most revenue) first.
        var weight: [String: (Int64, Int64)] = [:]
        for row in figures.byCampaign {
            let old = weight[row.currency] ?? (0, 0)
            weight[row.currency] = (old.0 + row.metrics.spendMicros, old.1 + row.revenueMicros)
        }
        let currencies = weight.keys.sorted { left, right in
            let (a, b) = (weight[left] ?? (0, 0), weight[right] ?? (0, 0))
            return a.0 != b.0 ? a.0 > b.0 : a.1 != b.1 ? a.1 > b.1 : left < right
        }
        var body = ""
        body += "<header><h1>\(text(figures.brand)) — campaign report</h1>"
        body += "<p class=\"meta\">\(figures.query.from) to \(figures.query.to) · by "
        body +=
            figures.query.dimensions.isEmpty
            ? "total" : figures.query.dimensions.map(\.rawValue).joined(separator: ", ")
        body += " · generated \(text(figures.generatedAt)) by campaignctl</p></header>\n"
        if currencies.isEmpty {
            body += "<p class=\"empty\">No performance or sales data between these dates.</p>\n"
        }
        for currency in currencies {
            let days = figures.byDay.filter { $0.currency == currency }
            let campaigns = figures.byCampaign.filter { $0.currency == currency }
            let products = figures.byProduct.filter { $0.currency == currency && $0.productID != nil }
            body += "<section class=\"currency\"><h2>Figures in \(currency)</h2>\n"
            body += tiles(total(campaigns, currency: currency))
            body += "<figure><figcaption>Spend and net revenue per day (\(currency))</figcaption>\n"
            body += dailyChart(days, currency: currency, from: figures.query.from, to: figures.query.to)
            body += "</figure>\n"
            body += "<div class=\"pair\"><figure><figcaption>ROAS per campaign</figcaption>\n"
            body += barChart(
                campaigns.map { row in
                    (row.campaignName ?? row.campaignID ?? "—", roasValue(row), row.roas.map { "\($0)×" } ?? "no spend")
                },
                title: "ROAS per campaign in \(currency)"
            )
            body += "</figure><figure><figcaption>Top products by net revenue</figcaption>\n"
            let top = products.sorted {
                net($0) > net($1) || (net($0) == net($1) && ($0.productID ?? "") < ($1.productID ?? ""))
            }
            .prefix(10)
            body += barChart(
                top.map { row in
                    (
                        row.productID ?? "—", Double(net(row)) / 1e6,
                        ReportWriter.formatMoney(net(row), currency: currency)
                    )
                },
                title: "Top products by net revenue in \(currency)"
            )
            body += "</figure></div></section>\n"
        }
        body += table(figures)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(text(figures.brand)) — campaign report \(figures.query.from) to \(figures.query.to)</title>
            <style>\(style)</style>
            </head>
            <body>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }

    // MARK: Parts

    private static func net(_ row: ReportRow) -> Int64 { row.revenueMicros - row.refundsMicros }

    private static func roasValue(_ row: ReportRow) -> Double {
        row.metrics.spendMicros == 0 ? 0 : Double(net(row)) / Double(row.metrics.spendMicros)
    }

    private static func total(_ rows: [ReportRow], currency: String) -> ReportRow {
        var sum = ReportRow(currency: currency)
        for row in rows {
            sum.metrics.impressions += row.metrics.impressions
            sum.metrics.engagements += row.metrics.engagements
            sum.metrics.clicks += row.metrics.clicks
            sum.metrics.linkClicks += row.metrics.linkClicks
            sum.metrics.buyClicks += row.metrics.buyClicks
            sum.metrics.spendMicros += row.metrics.spendMicros
            sum.orders += row.orders
            sum.revenueMicros += row.revenueMicros
            sum.refundsMicros += row.refundsMicros
        }
        return sum
    }

    private static func tiles(_ sum: ReportRow) -> String {
        let money = { (micros: Int64) in ReportWriter.formatMoney(micros, currency: sum.currency) }
        let items: [(String, String)] = [
            ("Spend", money(sum.metrics.spendMicros)),
            ("Net revenue", money(net(sum))),
            ("ROAS", sum.roas.map { "\($0)×" } ?? "—"),
            ("Orders", String(sum.orders)),
            ("Impressions", String(sum.metrics.impressions)),
            ("Clicks", String(sum.metrics.clicks)),
            ("CTR", percent(sum.ctr) ?? "—"),
            ("CPA", sum.cpa ?? "—"),
        ]
        return "<dl class=\"tiles\">"
            + items.map { "<div><dt>\($0.0)</dt><dd>\(text($0.1))</dd></div>" }.joined()
            + "</dl>\n"
    }

    /// Grouped bars: spend (dark) and net revenue (light) for every day of the range.
    private static func dailyChart(_ rows: [ReportRow], currency: String, from: String, to: String) -> String {
        guard let start = ReportCalendar.epoch(from), let end = ReportCalendar.epoch(to) else {
            return ""
        }
        let dayCount = Int((end - start) / 86_400) + 1
        var byDay: [String: ReportRow] = [:]
        for row in rows {
            if let day = row.day {
                byDay[day] = row
            }
        }
        let days = (0..<min(dayCount, 400)).map {
            ReportCalendar.dayString(daysSinceEpoch: Int(start / 86_400) + $0)
        }
        let values = days.map { day -> (Double, Double) in
            let row = byDay[day]
            return (Double(row?.metrics.spendMicros ?? 0) / 1e6, Double(row.map(net) ?? 0) / 1e6)
        }
        let maxValue = max(values.map { max($0.0, $0.1) }.max() ?? 0, 0.01)
        let (top, step) = niceScale(maxValue)
        let width = 760.0
        let height = 260.0
        let left = 64.0
        let bottom = 40.0
        let plotWidth = width - left - 12
        let plotHeight = height - bottom - 16
        let slot = plotWidth / Double(max(days.count, 1))
        let bar = max(min(slot * 0.38, 18), 0.8)
        var svg = """
            <svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="t-\(currency)-daily" \
            xmlns="http://www.w3.org/2000/svg">
            <title id="t-\(currency)-daily">Spend and net revenue per day in \(currency)</title>

            """
        var tick = 0.0
        while tick <= top + step / 2 {
            let y = 16 + plotHeight - tick / top * plotHeight
            svg += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(width - 12))\" y2=\"\(f(y))\"/>"
            svg +=
                "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(axis(tick))</text>\n"
            tick += step
        }
        let labelEvery = max(1, Int((Double(days.count) / 10).rounded(.up)))
        for (index, day) in days.enumerated() {
            let x = left + Double(index) * slot + slot / 2
            let (spend, revenue) = values[index]
            let spendHeight = spend / top * plotHeight
            let revenueHeight = max(revenue, 0) / top * plotHeight
            svg += "<rect class=\"spend\" x=\"\(f(x - bar))\" y=\"\(f(16 + plotHeight - spendHeight))\" "
            svg += "width=\"\(f(bar))\" height=\"\(f(spendHeight))\"><title>\(day) spend "
            svg += "\(ReportWriter.formatMoney(Int64((spend * 1e6).rounded()), currency: currency))</title></rect>"
            svg += "<rect class=\"revenue\" x=\"\(f(x))\" y=\"\(f(16 + plotHeight - revenueHeight))\" "
            svg += "width=\"\(f(bar))\" height=\"\(f(revenueHeight))\"><title>\(day) net revenue "
            svg += "\(ReportWriter.formatMoney(Int64((revenue * 1e6).rounded()), currency: currency))</title></rect>\n"
            if index % labelEvery == 0 {
                svg += "<text class=\"axis\" x=\"\(f(x))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\">"
                svg += "\(day.dropFirst(5))</text>\n"
            }
        }
        svg += "<line class=\"base\" x1=\"\(f(left))\" y1=\"\(f(16 + plotHeight))\" x2=\"\(f(width - 12))\" "
        svg += "y2=\"\(f(16 + plotHeight))\"/>\n"
        let legendY = height - 8
        svg += "<rect class=\"spend\" x=\"\(f(left))\" y=\"\(f(legendY - 9))\" width=\"10\" height=\"10\"/>"
        svg += "<text class=\"legend\" x=\"\(f(left + 14))\" y=\"\(f(legendY))\">Spend</text>"
        svg += "<rect class=\"revenue\" x=\"\(f(left + 70))\" y=\"\(f(legendY - 9))\" width=\"10\" height=\"10\"/>"
        svg += "<text class=\"legend\" x=\"\(f(left + 84))\" y=\"\(f(legendY))\">Net revenue</text>\n"
        svg += "</svg>\n"
        return svg
    }

    /// Horizontal bars with a label and a value text.
    private static func barChart(_ items: [(label: String, value: Double, shown: String)], title: String) -> String {
        guard !items.isEmpty else {
            return "<p class=\"empty\">No data.</p>\n"
        }
        let width = 370.0
        let rowHeight = 26.0
        let labelWidth = 150.0
        let valueWidth = 80.0
        let height = Double(items.count) * rowHeight + 8
        let maxValue = max(items.map(\.value).max() ?? 0, 0.0001)
        var svg = """
            <svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" xmlns="http://www.w3.org/2000/svg">
            <title>\(text(title))</title>

            """
        for (index, item) in items.enumerated() {
            let y = 4 + Double(index) * rowHeight
            let length = max(item.value, 0) / maxValue * (width - labelWidth - valueWidth)
            let label = item.label.count > 22 ? String(item.label.prefix(21)) + "…" : item.label
            svg += "<text class=\"label\" x=\"\(f(labelWidth - 6))\" y=\"\(f(y + 16))\" text-anchor=\"end\">"
            svg += "\(text(label))<title>\(text(item.label))</title></text>"
            svg += "<rect class=\"bar\" x=\"\(f(labelWidth))\" y=\"\(f(y + 4))\" width=\"\(f(length))\" height=\"16\"/>"
            svg +=
                "<text class=\"value\" x=\"\(f(labelWidth + length + 4))\" y=\"\(f(y + 16))\">\(text(item.shown))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    private static func table(_ figures: Figures) -> String {
        let dimensions = figures.query.dimensions
        var headers: [String] = []
        for dimension in dimensions {
            switch dimension {
            case .day: headers.append("Date")
            case .campaign: headers.append("Campaign")
            case .format: headers.append("Format")
            case .product: headers.append("Product")
            }
        }
        headers += [
            "Cur.", "Impr.", "Clicks", "CTR", "Spend", "CPC", "Orders", "Revenue", "Refunds", "CPA", "ROAS",
        ]
        var html = "<section class=\"table\"><h2>Breakdown by "
        html += dimensions.isEmpty ? "total" : dimensions.map(\.rawValue).joined(separator: " × ")
        html += "</h2>\n<table>\n<thead><tr>"
        html += headers.enumerated().map { index, name in
            index < dimensions.count + 1
                ? "<th scope=\"col\">\(name)</th>" : "<th scope=\"col\" class=\"n\">\(name)</th>"
        }.joined()
        html += "</tr></thead>\n<tbody>\n"
        for row in figures.table {
            var cells: [String] = []
            for dimension in dimensions {
                switch dimension {
                case .day: cells.append(row.day ?? "—")
                case .campaign: cells.append(row.campaignName ?? row.campaignID ?? "—")
                case .format: cells.append(row.format ?? "—")
                case .product: cells.append(row.productID ?? "(campaign-level)")
                }
            }
            let money = { (micros: Int64) in ReportWriter.formatMoney(micros, currency: row.currency) }
            let ctr: String = percent(row.ctr) ?? ""
            var numbers: [String] = [String(row.metrics.impressions), String(row.metrics.clicks), ctr]
            numbers += [money(row.metrics.spendMicros), row.cpc ?? "", String(row.orders)]
            numbers += [money(row.revenueMicros), money(row.refundsMicros), row.cpa ?? "", row.roas ?? ""]
            html += "<tr>" + cells.map { "<td>\(text($0))</td>" }.joined() + "<td>\(row.currency)</td>"
            html += numbers.map { "<td class=\"n\">\(text($0))</td>" }.joined() + "</tr>\n"
        }
        html += "</tbody>\n</table>\n"
        if figures.tableTotal > figures.table.count {
            html +=
                "<p class=\"note\">The first \(figures.table.count) of \(figures.tableTotal) rows; the CSV and JSON "
            html += "exports have them all.</p>\n"
        }
        html += "<p class=\"note\">CTR = clicks ÷ impressions · CPC = spend ÷ clicks · CPA = spend ÷ orders · "
        html += "ROAS = (revenue − refunds) ÷ spend. Spend on carousel and collection cards is per campaign, so "
        html += "per-product rows of those campaigns carry sales only.</p></section>\n"
        return html
    }

    // MARK: Helpers

    /// A ratio as a percentage with two decimals.
    private static func percent(_ ratio: String?) -> String? {
        guard let ratio, let value = Double(ratio) else {
            return nil
        }
        return String(format: "%.2f %%", value * 100)
    }

    /// A round axis maximum and tick step for `value`.
    static func niceScale(_ value: Double) -> (top: Double, step: Double) {
        let rough = value / 4
        let magnitude = pow(10, floor(log10(rough)))
        let residual = rough / magnitude
        let nice: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10
        let step = nice * magnitude
        return ((value / step).rounded(.up) * step, step)
    }

    private static func axis(_ value: Double) -> String {
        value >= 1000
            ? String(format: "%.0f", value)
            : value >= 10 ? String(format: "%.0f", value) : String(format: "%.2g", value)
    }

    private static func f(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    static func text(_ value: some StringProtocol) -> String {
        var output = ""
        for character in value {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }

    static let style = """
        *, *::before, *::after { box-sizing: border-box; }
        body {
          margin: 0; background: #fff; color: #0f1419;
          font: 14px/1.4 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial,
            "Liberation Sans", "DejaVu Sans", sans-serif;
        }
        main { max-width: 1100px; margin: 0 auto; padding: 24px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 10px; }
        .meta, .note, .empty { color: #536471; margin: 0; }
        .note { font-size: 12px; margin-top: 8px; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 8px; margin: 0 0 16px; }
        .tiles div { border: 1px solid #e1e8ed; border-radius: 8px; padding: 8px 10px; }
        .tiles dt { font-size: 12px; color: #536471; }
        .tiles dd { margin: 2px 0 0; font-size: 18px; font-weight: 700; font-variant-numeric: tabular-nums; }
        figure { margin: 0 0 16px; break-inside: avoid; }
        figcaption { font-weight: 600; margin-bottom: 4px; }
        svg { width: 100%; height: auto; display: block; }
        .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
        .grid { stroke: #e1e8ed; stroke-width: 1; }
        .base { stroke: #8899a6; stroke-width: 1; }
        .axis, .legend, .label, .value { font: 11px sans-serif; fill: #536471; }
        .label { fill: #0f1419; }
        .spend { fill: #1f3a5f; }
        .revenue { fill: #e07b39; }
        .bar { fill: #2e7d6b; }
        table { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
        th, td { padding: 4px 6px; border-bottom: 1px solid #e1e8ed; text-align: left; white-space: nowrap; }
        th { background: #f5f8fa; position: sticky; top: 0; }
        .n { text-align: right; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; }
        @media (max-width: 760px) { .pair { grid-template-columns: 1fr; } }
        @media print {
          @page { size: A4 landscape; margin: 12mm; }
          main { max-width: none; padding: 0; }
          th { position: static; }
          section.currency { break-after: page; }
          .tiles div { border-color: #ccd6dd; }
        }
        """
}

extension CampaignStore {
    /// Writes the export in `format` to `path` (through a temporary file, renamed into place); returns the rows
    /// written (for HTML, the table's rows). `progress` gets the rows written so far, now and then.
    public func writeReport(
        _ query: ReportQuery,
        format: ReportFormat,
        to path: String,
        brand: String? = nil,
        progress: ((Int) -> Void)? = nil
    ) throws -> Int {
        let output = try ReportOutput(path: path)
        do {
            let rows = try writeReport(query, format: format, into: output, brand: brand, progress: progress)
            try output.commit()
            return rows
        } catch {
            output.discard()
            throw error
        }
    }

    /// The export as bytes in memory (tests, small reports).
    public func renderReport(_ query: ReportQuery, format: ReportFormat, brand: String? = nil) throws -> String {
        let output = ReportOutput()
        _ = try writeReport(query, format: format, into: output, brand: brand, progress: nil)
        return String(decoding: output.bytes, as: UTF8.self)
    }

    private func writeReport(
        _ query: ReportQuery,
        format: ReportFormat,
        into output: ReportOutput,
        brand: String?,
        progress: ((Int) -> Void)?
    ) throws -> Int {
        switch format {
        case .csv, .json:
            var writer = ReportWriter(format: format, output: output)
            var count = 0
            try exportReport(query) { row in
                try writer.write(row)
                count += 1
                if count % 100_000 == 0 {
                    progress?(count)
                }
            }
            try writer.finish()
            return count
        case .html:
            func rows(_ dimensions: [ReportDimension]) throws -> [ReportRow] {
                try reportRows(
                    ReportQuery(dimensions: dimensions, from: query.from, to: query.to, campaigns: query.campaigns)
                )
            }
            var table: [ReportRow] = []
            var total = 0
            try exportReport(query) { row in
                if table.count < ReportHTML.tableLimit {
                    table.append(row)
                }
                total += 1
            }
            let figures = ReportHTML.Figures(
                query: query,
                brand: brand ?? (try? workspace().brand) ?? "campaignctl",
                generatedAt: Timestamp.string(context.now()),
                byDay: try rows([.day]),
                byCampaign: try rows([.campaign]),
                byProduct: try rows([.product]),
                table: table,
                tableTotal: total
            )
            output.append(ReportHTML.render(figures))
            try output.flush()
            return table.count
        }
    }
}
