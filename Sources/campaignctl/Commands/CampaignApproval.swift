import ArgumentParser
import CampaignCore
import FeedImport
import Foundation

extension CampaignCtl.Campaign {
    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit",
            abstract: "Submit the latest revision for approval (an author signs its digest)."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The campaign id.") var id: String

        func run() throws {
            let store = try global.openStore()
            let evaluation = try actingAs(identity, store) { try store.submitCampaign(id, as: $0) }
            Output.line(
                "submitted revision \(evaluation.revision) of '\(id)' (digest \(evaluation.digest)); it needs "
                    + "\(evaluation.threshold) approval(s) from people other than its author and submitter"
            )
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Review and sign the latest revision: it shows exactly what you sign, then asks.",
            discussion:
                "Shows the manifest summary, the diff from the last published revision and every URL in both forms."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The campaign id.") var id: String
        @Flag(help: "Approve resuming a paused campaign (instead of publishing).") var resume = false
        @Flag(help: "Do not ask for confirmation.") var yes = false

        func run() throws {
            let store = try global.openStore()
            let revision = try store.campaignRevision(id)
            let manifest = try revision.manifest()
            Output.line(
                "You are about to sign revision \(revision.revision) of '\(id)' for \(resume ? "resuming" : "publishing"):"
            )
            Output.line("  digest \(revision.digest)")
            Output.line(
                "  \(manifest.format) from \(manifest.account); budget \(Money.decimalString(micros: manifest.budget.dailyMicros, currency: manifest.budget.currency)) "
                    + "\(manifest.budget.currency)/day, \(Money.decimalString(micros: manifest.budget.totalMicros, currency: manifest.budget.currency)) "
                    + "\(manifest.budget.currency) in all; \(manifest.schedule.start) → \(manifest.schedule.end)"
            )
            Output.line("  text: \(manifest.tweet.text)")
            for link in manifest.tweet.links {
                Output.line("    link: \(link.unicode)")
                Output.line("          \(link.ascii)  (what the browser opens)")
            }
            for card in manifest.cards {
                Output.line("  card \(card.position) \(card.product.id): \(card.headline) — \(card.priceDisplay)")
                Output.line("    \(card.buyButton.label) → \(card.buyButton.destination.unicode)")
                Output.line(
                    "    \(String(repeating: " ", count: card.buyButton.label.count))   \(card.buyButton.destination.ascii)  (what the browser opens)"
                )
            }
            if let published = try store.campaignStatus(id).publishedRevision, published != revision.revision {
                let diff = try store.campaignDiff(id, from: published, to: revision.revision)
                Output.line("  changes since the published revision \(published):")
                for change in diff.changes {
                    Output.line("    \(change)")
                }
            }
            if !yes {
                Output.text("Sign? Type 'yes' to approve: ")
                guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    throw CommandError.declined
                }
            }
            let evaluation = try actingAs(identity, store) {
                try store.approveCampaign(id, for: resume ? "resume" : "publish", as: $0)
            }
            Output.line(
                "approved revision \(evaluation.revision) of '\(id)': \(evaluation.approvers.count) of \(evaluation.threshold) "
                    + "approval(s) (\(evaluation.approvers.joined(separator: ", ")))"
            )
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reject",
            abstract: "Reject the latest revision (one approver blocks it)."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The campaign id.") var id: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            let store = try global.openStore()
            let evaluation = try actingAs(identity, store) { try store.rejectCampaign(id, reason: reason, as: $0) }
            Output.line("rejected revision \(evaluation.revision) of '\(id)': \(reason)")
        }
    }

    struct End: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "end",
            abstract: "End a campaign for good (one person)."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The campaign id.") var id: String
        @Option(help: "Why.") var reason: String = "ended"

        func run() throws {
            let store = try global.openStore()
            try actingAs(identity, store) { acting in ((), try store.endCampaign(id, reason: reason, as: acting)) }
            Output.line("ended '\(id)'")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "A campaign's state as its signatures establish it."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The campaign id.") var id: String

        func run() throws {
            let status = try global.openStore().campaignStatus(id)
            let evaluation = status.evaluation
            Output.line("campaign '\(id)' (\(status.name)): \(status.state)")
            Output.line("  latest revision \(status.latestRevision), digest \(status.latestDigest)")
            if let published = status.publishedRevision {
                Output.line("  live revision: \(published)")
            }
            Output.line(
                "  author: \(evaluation.author ?? "system"); submitted by: \(evaluation.submitter ?? "nobody yet")"
            )
            Output.line(
                "  approvals: \(evaluation.approvers.count) of \(evaluation.threshold)"
                    + (evaluation.approvers.isEmpty ? "" : " (\(evaluation.approvers.joined(separator: ", ")))")
            )
            for reason in evaluation.notCounted {
                Output.line("    not counted: \(reason)")
            }
            if let rejection = evaluation.rejection {
                Output.line("  rejected by \(rejection.person): \(rejection.reason)")
            }
            if let drift = try global.openStore().drift(of: id) {
                Output.line(
                    "  drift detected on revision \(drift.revision)" + (drift.paused ? " (paused)" : "")
                        + (drift.newRevision.map { "; revision \($0) prepared for approval" } ?? "") + ":"
                )
                for change in drift.changes {
                    Output.line("    \(change)")
                }
            }
            Output.line("history:")
            for event in status.events {
                Output.line("  \(event)")
            }
        }
    }
}
