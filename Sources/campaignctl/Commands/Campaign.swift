import ArgumentParser
import CampaignCore
import FeedImport
import Foundation

extension CampaignCtl {
    struct Campaign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "campaign",
            abstract: "Build, check, preview and compare promoted-product campaigns.",
            subcommands: [
                Validate.self, Create.self, Update.self, List.self, Show.self, Diff.self, Preview.self, Submit.self,
                Approve.self, Reject.self, Publish.self, Pause.self, Resume.self, End.self, Status.self,
            ]
        )
    }
}

/// Reads a spec file, mapping I/O failures to a typed error.
func readSpec(_ path: String) throws -> String {
    do {
        return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw CampaignError.unreadableSpec(file: path, reason: "no such file, or not UTF-8 text")
    }
}

/// Prints diagnostics on stderr in the compiler format.
func printDiagnostics(_ diagnostics: [CampaignDiagnostic]) {
    for diagnostic in diagnostics {
        Output.error(diagnostic.description)
    }
}

extension CampaignCtl.Campaign {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check a spec against the catalog and the format rules; report every problem at once."
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "The campaign spec (YAML).") var spec: String

        func run() throws {
            let (manifest, diagnostics) = try global.openStore().validateCampaign(yaml: readSpec(spec), file: spec)
            printDiagnostics(diagnostics)
            guard let manifest else {
                throw CampaignValidationFailure(diagnostics: diagnostics, file: spec)
            }
            Output.line(
                "\(spec): valid: campaign '\(manifest.campaignID)', \(manifest.format), \(manifest.cards.count) card(s), "
                    + "text \(manifest.tweet.weightedLength)/280, digest \(try manifest.digest())"
            )
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a campaign from a spec (revision 1)."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The campaign spec (YAML).") var spec: String

        func run() throws {
            let store = try global.openStore()
            let yaml = try readSpec(spec)
            let (revision, diagnostics): (CampaignRevision, [CampaignDiagnostic])
            if identity.name != nil {
                (revision, diagnostics) = try actingAs(identity, store) { acting in
                    let created = try store.createCampaign(yaml: yaml, file: spec, author: acting)
                    return ((created.revision, created.diagnostics), created.memory)
                }
            } else {
                let created = try store.createCampaign(yaml: yaml, file: spec, author: nil)
                (revision, diagnostics) = (created.revision, created.diagnostics)
            }
            printDiagnostics(diagnostics)
            Output.line(
                "created campaign '\(revision.campaignID)' revision \(revision.revision), digest \(revision.digest)"
            )
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Re-resolve a campaign from a new spec, or from its spec against the current catalog.",
            discussion:
                "A new revision is stored only when what would go live changed; every earlier approval is then void."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The campaign id.") var id: String
        @Option(help: "A new spec (default: the latest revision's spec, re-resolved).") var spec: String?

        func run() throws {
            let yaml = try spec.map(readSpec)
            let store = try global.openStore()
            let result: (revision: CampaignRevision?, latest: CampaignRevision, diagnostics: [CampaignDiagnostic])
            if identity.name != nil {
                result = try actingAs(identity, store) { acting in
                    let updated = try store.updateCampaign(id: id, yaml: yaml, file: spec, author: acting)
                    return ((updated.revision, updated.latest, updated.diagnostics), updated.memory)
                }
            } else {
                let updated = try store.updateCampaign(id: id, yaml: yaml, file: spec, author: nil)
                result = (updated.revision, updated.latest, updated.diagnostics)
            }
            printDiagnostics(result.diagnostics)
            if let revision = result.revision {
                Output.line(
                    "campaign '\(id)': new revision \(revision.revision) (\(revision.reason)), digest \(revision.digest)"
                )
            } else {
                Output.line(
                    "campaign '\(id)': no change, revision \(result.latest.revision) stays (digest \(result.latest.digest))"
                )
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List campaigns with their latest revision."
        )

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let campaigns = try global.openStore().campaigns()
            if json {
                try Output.json(campaigns)
                return
            }
            for campaign in campaigns {
                Output.line(
                    "\(campaign.id)\t\(campaign.status)\t\(campaign.format)\trev \(campaign.revision)\t\(campaign.digest.prefix(16))…\t\(campaign.name)"
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a revision's manifest and digest."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The campaign id.") var id: String
        @Option(help: "The revision (default: the latest).") var revision: Int?
        @Flag(help: "Print the manifest as JSON (with its digest).") var json = false

        struct Shown: Encodable {
            var campaignID: String
            var revision: Int
            var digest: String
            var reason: String
            var author: String?
            var manifest: CampaignManifest

            enum CodingKeys: String, CodingKey {
                case campaignID = "campaign_id"
                case revision, digest, reason, author, manifest
            }
        }

        func run() throws {
            let stored = try global.openStore().campaignRevision(id, revision: revision)
            let manifest = try stored.manifest()
            if json {
                try Output.json(
                    Shown(
                        campaignID: id,
                        revision: stored.revision,
                        digest: stored.digest,
                        reason: stored.reason,
                        author: stored.author,
                        manifest: manifest
                    )
                )
                return
            }
            Output.line("campaign '\(id)' revision \(stored.revision) (\(stored.reason)) — \(manifest.name)")
            Output.line("digest \(stored.digest)")
            Output.line("\(manifest.format) from \(manifest.account), catalog '\(manifest.catalog)'")
            Output.line("text (\(manifest.tweet.weightedLength)/280): \(manifest.tweet.text)")
            for card in manifest.cards {
                let price = card.originalPriceDisplay.map { "\(card.priceDisplay) (was \($0))" } ?? card.priceDisplay
                Output.line("  card \(card.position) [\(card.role)] \(card.product.id): \(card.headline) — \(price)")
                Output.line("    \(card.buyButton.label) → \(card.buyButton.destination.unicode)")
                if card.buyButton.destination.ascii != card.buyButton.destination.unicode {
                    Output.line("      (punycode: \(card.buyButton.destination.ascii))")
                }
            }
            let budget = manifest.budget
            Output.line(
                "budget: \(Money.decimalString(micros: budget.dailyMicros, currency: budget.currency)) \(budget.currency)/day, "
                    + "\(Money.decimalString(micros: budget.totalMicros, currency: budget.currency)) \(budget.currency) in all"
            )
            Output.line("schedule: \(manifest.schedule.start) → \(manifest.schedule.end)")
            Output.line(
                "targeting: \(manifest.targeting.countries.joined(separator: ",")) / \(manifest.targeting.languages.joined(separator: ","))"
                    + (manifest.targeting.keywords.isEmpty
                        ? "" : " / \(manifest.targeting.keywords.joined(separator: ", "))")
            )
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "What changed between two revisions, field by field."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The campaign id.") var id: String
        @Option(help: "The older revision (default: the one before --to).") var from: Int?
        @Option(help: "The newer revision (default: the latest).") var to: Int?

        func run() throws {
            let diff = try global.openStore().campaignDiff(id, from: from, to: to)
            Output.line("campaign '\(id)': revision \(diff.from) → \(diff.to), \(diff.changes.count) change(s)")
            for change in diff.changes {
                Output.line("  \(change)")
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "Write a self-contained HTML preview of the promoted post."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The campaign id.") var id: String
        @Option(help: "The revision (default: the latest).") var revision: Int?
        @Option(help: "The HTML file to write.") var html: String

        func run() throws {
            let store = try global.openStore()
            let stored = try store.campaignRevision(id, revision: revision)
            let page = CampaignPreview.html(
                manifest: try stored.manifest(),
                digest: stored.digest,
                revision: stored.revision,
                brand: try store.workspace().brand
            )
            do {
                try Data(page.utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
            } catch {
                throw CommandError.cannotWrite(path: html, reason: error.localizedDescription)
            }
            Output.line("wrote \(html) (campaign '\(id)' revision \(stored.revision))")
        }
    }
}
