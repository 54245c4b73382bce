import ArgumentParser
import CampaignCore
import Foundation
import Logging

extension CampaignCtl {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Marketing reports: ingest ad performance and sales, export CSV, JSON or an HTML report.",
            subcommands: [Ingest.self, Export.self, Webhook.self, Entities.self]
        )
    }
}

extension CampaignCtl.Report {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Store X Ads performance (analytics JSON, report CSV) or Stripe events (JSON, JSON lines).",
            discussion: """
                The kind is read from the file. Each file is one transaction: stored whole, or (exit 65, every \
                problem listed as file:line: error: [code] …) not at all. Ingesting a file again stores nothing \
                twice: rows are keyed by entity, day and placement, events by id. Performance rows reach a \
                campaign through the ids campaignctl's publish recorded, the [cctl id rN] marker in entity names, \
                or --map. Sales are attributed through metadata.campaign_id/product_id, client_reference_id \
                (CAMPAIGN or CAMPAIGN__PRODUCT), or utm_id/utm_content on the success URL.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Report or events files (.csv, .json, .jsonl; gzip allowed).")
        var files: [String]

        @Option(
            name: .customLong("map"),
            help: ArgumentHelp(
                "Tie an X entity id to a campaign (and product); kept for later ingests.",
                valueName: "ID=CAMPAIGN[/PRODUCT]"
            )
        )
        var mappings: [String] = []

        @Option(help: "The ad account's currency, when neither the file nor the campaign says it.")
        var currency: String?

        @Option(help: "The time zone that dates sales (default: this computer's).")
        var timezone: String?

        @Flag(help: "Print the summaries as JSON.")
        var json = false

        func run() throws {
            let store = try global.openStore()
            let mappings = try self.mappings.map { text throws(ReportError) in try EntityMapping(parsing: text) }
            let showProgress = Output.stderrIsTerminal && !json
            let options = ReportIngestOptions(
                mappings: mappings,
                currency: currency?.uppercased(),
                timeZone: try ReportOptions.timeZone(timezone),
                progress: showProgress ? Self.showProgress : nil
            )
            var summaries: [ReportIngestSummaryOutput] = []
            for file in files {
                let started = Date()
                let summary = try store.ingestReport(at: file, options: options, actor: ReportOptions.actor)
                if showProgress {
                    Output.endProgress()
                }
                let seconds = Date().timeIntervalSince(started)
                summaries.append(ReportIngestSummaryOutput(summary, seconds: seconds))
                guard !json else {
                    continue
                }
                Self.printGrouped(summary.skipped, severity: "note", totals: ["event_skipped": summary.skippedCount])
                Self.printGrouped(summary.warnings, severity: "warning")
                Output.line(Self.describe(summary, seconds: seconds))
            }
            if json {
                try Output.json(summaries)
            }
        }

        /// Up to 10 of each code, then how many more: a million-event file must not bury its summary.
        static func printGrouped(_ problems: [ReportProblem], severity: String, totals: [String: Int] = [:]) {
            var shown: [String: Int] = [:]
            for problem in problems {
                shown[problem.code, default: 0] += 1
                if shown[problem.code, default: 0] <= 10 {
                    Output.error(problem.formatted(severity: severity))
                }
            }
            for (code, listed) in shown.sorted(by: { $0.key < $1.key }) {
                let count = max(listed, totals[code] ?? 0)
                if count > 10 {
                    Output.error("… and \(Output.grouped(count - 10)) more [\(code)] \(severity)s")
                }
            }
        }

        @Sendable static func showProgress(bytes: Int64, size: Int64?) {
            var text = "\(Output.fixed(Double(bytes) / 1_048_576, places: 1)) MB"
            if let size, size > 0 {
                text += " of \(Output.fixed(Double(size) / 1_048_576, places: 1)) MB"
            }
            Output.progress(text)
        }

        static func describe(_ summary: ReportIngestSummary, seconds: Double) -> String {
            let rate = seconds > 0 ? " in \(Output.fixed(seconds, places: 2)) s" : ""
            switch summary.kind {
            case .performance:
                let days = summary.firstDay.map { " from \($0) to \(summary.lastDay ?? $0)" } ?? ""
                return "\(summary.file): ad performance, \(Output.grouped(summary.read)) rows read\(rate)\n"
                    + "  stored \(Output.grouped(summary.stored)) new or changed, \(Output.grouped(summary.unchanged)) "
                    + "already stored; \(summary.entities) \(summary.entities == 1 ? "entity" : "entities") of "
                    + "\(summary.campaigns.joined(separator: ", "))\(days)"
            case .sales:
                return "\(summary.file): payment events, \(Output.grouped(summary.read)) read\(rate)\n"
                    + "  stored \(Output.grouped(summary.stored)) (\(Output.grouped(summary.attributed)) attributed to "
                    + "a campaign, \(Output.grouped(summary.unattributed)) not), \(Output.grouped(summary.unchanged)) "
                    + "already stored, \(Output.grouped(summary.skippedCount)) skipped (not sales)"
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export the figures per day, campaign, format and/or product as CSV, JSON or an HTML report.",
            discussion: """
                Columns: \(ReportWriter.columns.joined(separator: ", ")). Money is in integer micros plus a \
                formatted column; ctr = clicks/impressions, cpm = spend/impressions×1000, cpc = spend/clicks, \
                cpa = spend/orders, roas = (revenue−refunds)/spend, empty when the denominator is zero. Each row \
                has one currency: currencies are never summed together.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "Dimensions, comma-separated: day, campaign, format, product (any combination).")
        var by = "day,campaign"

        @Option(help: "First day (YYYY-MM-DD; default: the first day with data).")
        var from: String?

        @Option(help: "Last day, inclusive (default: the last day with data).")
        var to: String?

        @Option(help: "csv, json or html (default: from --out's extension).")
        var format: String?

        @Option(help: "The file to write (replaced atomically).")
        var out: String?

        @Option(name: .customLong("campaign"), help: "Only this campaign (repeatable).")
        var campaigns: [String] = []

        @Flag(help: "Print the SQL of the aggregate instead of running it (to compare with the sqlite3 tool).")
        var sql = false

        func run() throws {
            let store = try global.openStore()
            let dimensions = try ReportDimension.parseList(by)
            let range = try store.reportDateRange()
            guard let from = from ?? range?.first, let to = to ?? range?.last else {
                throw ReportError.invalidOption("no performance or sales data yet: campaignctl report ingest FILE")
            }
            let query = try ReportQuery(dimensions: dimensions, from: from, to: to, campaigns: campaigns)
            if sql {
                Output.line(
                    query.sql.replacingOccurrences(of: "?1", with: "'\(from)'").replacingOccurrences(
                        of: "?2",
                        with: "'\(to)'"
                    ) + ";"
                )
                return
            }
            guard let out else {
                throw ValidationError("--out FILE is required (or --sql)")
            }
            let format = try ReportOptions.format(format, out: out)
            let started = Date()
            let showProgress = Output.stderrIsTerminal
            let rows = try store.writeReport(
                query,
                format: format,
                to: out,
                progress: showProgress ? { Output.progress("\(Output.grouped($0)) rows") } : nil
            )
            if showProgress {
                Output.endProgress()
            }
            let seconds = Output.fixed(Date().timeIntervalSince(started), places: 2)
            Output.line(
                "wrote \(out): \(format.rawValue.uppercased()), \(Output.grouped(rows)) rows by "
                    + "\(dimensions.isEmpty ? "total" : dimensions.map(\.rawValue).joined(separator: ", ")), "
                    + "\(from) to \(to), in \(seconds) s"
            )
        }
    }

    struct Webhook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "webhook",
            abstract: "Receive Stripe webhooks live: verify Stripe-Signature, store each event once.",
            discussion: """
                The endpoint's signing secret (whsec_…) comes from CAMPAIGNCTL_STRIPE_WEBHOOK_SECRET, never from \
                the command line. It listens on loopback by default: put it behind your HTTPS reverse proxy. \
                Answers 200 to stored and already-stored events, 400 to unsigned, wrongly signed, stale (over 5 \
                minutes) or future-dated ones. Stop it with Ctrl-C.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The TCP port.") var port = 8787
        @Option(help: "The address to listen on.") var host = "127.0.0.1"
        @Option(help: "The time zone that dates sales (default: this computer's).") var timezone: String?

        func run() async throws {
            guard let secret = ProcessInfo.processInfo.environment["CAMPAIGNCTL_STRIPE_WEBHOOK_SECRET"],
                !secret.isEmpty
            else {
                throw ReportError.invalidOption(
                    "set CAMPAIGNCTL_STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_…)"
                )
            }
            let store = try global.openStore()
            var logger = Logger(label: "campaignctl.webhook") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = global.verbose ? .debug : .warning
            let server = StripeWebhookServer(
                store: store,
                secret: secret,
                host: host,
                port: port,
                timeZone: try ReportOptions.timeZone(timezone),
                logger: logger,
                onDelivery: { delivery in
                    Output.line("\(delivery.status) \(delivery.eventID ?? "-") \(delivery.outcome)")
                }
            )
            try await server.run { port in
                Output.line("listening on http://\(host):\(port)/ for Stripe events (Ctrl-C to stop)")
            }
        }
    }

    struct Entities: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "entities",
            abstract: "List the X entity ids tied to campaigns (from publishes, markers and --map)."
        )

        @OptionGroup var global: GlobalOptions

        func run() throws {
            for entity in try global.openStore().reportEntities() {
                let product = entity.productID.map { "/\($0)" } ?? ""
                Output.line("\(entity.platformID)\t\(entity.level)\t\(entity.campaignID)\(product)")
            }
        }
    }
}

/// Helpers shared by the report commands.
enum ReportOptions {
    /// Who ingests, for the audit log: the login name.
    static var actor: String {
        "os:" + (ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName)
    }

    static func timeZone(_ name: String?) throws(ReportError) -> TimeZone {
        guard let name else {
            return .current
        }
        guard let zone = TimeZone(identifier: name) else {
            throw .invalidOption("--timezone '\(name)': not an IANA time zone (for example Europe/Paris)")
        }
        return zone
    }

    static func format(_ name: String?, out: String) throws(ReportError) -> ReportFormat {
        let text = name ?? URL(fileURLWithPath: out).pathExtension.lowercased()
        guard let format = ReportFormat(rawValue: text == "htm" ? "html" : text) else {
            throw .invalidOption("--format '\(text)': expected csv, json or html")
        }
        return format
    }
}

/// The JSON form of an ingest summary.
struct ReportIngestSummaryOutput: Encodable {
    var file: String
    var kind: String
    var read: Int
    var stored: Int
    var unchanged: Int
    var entities: Int
    var campaigns: [String]
    var firstDay: String?
    var lastDay: String?
    var attributed: Int
    var unattributed: Int
    var skippedCount: Int
    var skipped: [String]
    var warnings: [String]
    var seconds: Double

    init(_ summary: ReportIngestSummary, seconds: Double) {
        file = summary.file
        kind = summary.kind.rawValue
        read = summary.read
        stored = summary.stored
        unchanged = summary.unchanged
        entities = summary.entities
        campaigns = summary.campaigns
        firstDay = summary.firstDay
        lastDay = summary.lastDay
        attributed = summary.attributed
        unattributed = summary.unattributed
        skippedCount = summary.skippedCount
        skipped = summary.skipped.map { $0.formatted(severity: "note") }
        warnings = summary.warnings.map { $0.formatted(severity: "warning") }
        self.seconds = (seconds * 1000).rounded() / 1000
    }
}
