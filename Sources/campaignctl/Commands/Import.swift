import ArgumentParser
import CampaignCore
import FeedImport
import Foundation

extension CampaignCtl {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import a product feed (RSS 2.0, Atom 1.0 or YML; gzip allowed) as the catalog's new snapshot.",
            discussion: """
                Every item is validated like Merchant Center does; diagnostics are printed as \
                `file:line: severity: [code] item 'ID': message`. Valid items are stored in one transaction; \
                rejected items keep their previous version. Exit status: 0 when nothing was rejected, 65 when \
                items were rejected or the feed is unusable (nothing is then changed), 66 when it is unreadable.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var outboxOptions: OutboxOptions

        @Argument(help: "The feed file (.xml or .xml.gz).")
        var feed: String

        @Option(help: "The catalog to update.")
        var catalog = "default"

        @Option(help: "Validation rules: google, meta or x.")
        var profile = "google"

        @Flag(help: "Validate and show the diff without storing anything.")
        var dryRun = false

        @Flag(help: "Print the report as JSON on stdout.")
        var json = false

        @Flag(help: "Allow an import that removes more than half of the catalog.")
        var allowMassRemoval = false

        func run() throws {
            guard let profile = ValidationProfile.named(profile) else {
                throw CatalogError.unknownProfile(self.profile)
            }
            let store = try global.openStore()
            let showProgress = Output.stderrIsTerminal && !json
            let progress: ((ImportProgress) -> Void)? = showProgress ? { Self.showProgress($0) } : nil
            let report = try store.importFeed(
                at: feed,
                options: ImportOptions(
                    catalog: catalog,
                    profile: profile,
                    dryRun: dryRun,
                    allowMassRemoval: allowMassRemoval
                ),
                progress: progress
            )
            if showProgress {
                Output.endProgress()
            }
            if json {
                try Output.json(report)
            } else {
                for diagnostic in report.diagnostics {
                    Output.error(diagnostic.description)
                }
                if report.omittedDiagnostics > 0 {
                    Output.error(
                        "… and \(Output.grouped(report.omittedDiagnostics)) more diagnostics: "
                            + "campaignctl catalog diagnostics --catalog \(catalog)"
                    )
                }
                Output.line(Self.summary(report))
                let isFirstImport = report.changed + report.removed + report.unchanged == 0
                if let importID = report.importID, !isFirstImport {
                    // One history entry per added, changed or removed product: a long diff is only counted, so its
                    // attribute changes are not worked out (a second per 2,000 changed products).
                    let entries = report.added + report.changed + report.removed
                    if entries > Self.listedDiffLimit {
                        Output.line(
                            "  \(Output.grouped(entries)) products changed (campaignctl catalog history shows them)"
                        )
                    } else {
                        try Self.printDiff(store.importDiff(importID: importID))
                    }
                }
            }
            // Live campaigns whose products just changed are paused at once and get a new revision to approve.
            if report.importID != nil, (try? store.workspace()) != nil {
                for drift in try store.detectDrift(outbox: outboxOptions.outbox(for: global)) {
                    Output.error(
                        "drift: campaign '\(drift.campaignID)' revision \(drift.revision) uses data that changed; "
                            + (drift.paused ? "it was paused and everyone notified" : "it was flagged")
                            + (drift.newRevision.map { "; revision \($0) awaits approval" } ?? "")
                    )
                    for change in drift.changes {
                        Output.error("  \(change)")
                    }
                }
            }
            if report.rejected > 0 {
                throw CommandError.itemsRejected(count: report.rejected, source: report.source)
            }
        }

        static func showProgress(_ progress: ImportProgress) {
            let megabytes = Double(progress.bytes) / 1_048_576
            let rate = progress.seconds > 0 ? Int(Double(progress.items) / progress.seconds) : 0
            var text = "\(Output.grouped(progress.items)) items · \(Output.fixed(megabytes, places: 1)) MB"
            if let total = progress.totalBytes, total > 0 {
                text += " of \(Output.fixed(Double(total) / 1_048_576, places: 1)) MB"
            }
            Output.progress(text + " · \(Output.grouped(rate)) items/s")
        }

        static func summary(_ report: ImportReport) -> String {
            let what = report.importID.map { "import #\($0)" } ?? "dry run (nothing stored)"
            let format = FeedFormat(rawValue: report.format)?.displayName ?? report.format
            return """
                \(what): catalog '\(report.catalog)' from \(report.source) (\(format), profile \(report.profile))
                  read \(Output.grouped(report.read)), stored \(Output.grouped(report.stored)): \
                added \(Output.grouped(report.added)), changed \(Output.grouped(report.changed)), \
                removed \(Output.grouped(report.removed)), unchanged \(Output.grouped(report.unchanged)), \
                rejected \(Output.grouped(report.rejected))
                  \(Output.grouped(report.errors)) errors, \(Output.grouped(report.warnings)) warnings; \
                \(Output.fixed(report.seconds, places: 2)) s, \(Output.grouped(Int(report.itemsPerSecond))) items/s, \
                sha256 \(report.sha256.prefix(16))…
                """
        }

        /// The most products an import's diff lists one by one.
        static let listedDiffLimit = 200

        static func printDiff(_ diff: [ProductDiff]) {
            for change in diff where change.change != "added" || diff.count <= 50 {
                let sign = ["added": "+", "removed": "-"][change.change] ?? "~"
                Output.line("  \(sign) \(change.change) \(change.productID)")
                for field in change.fields {
                    Output.line("      \(field.attribute): \(field.before ?? "(none)") → \(field.after ?? "(none)")")
                }
            }
        }
    }
}
