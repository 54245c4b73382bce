import ArgumentParser
import CampaignCore
import Foundation

extension CampaignCtl {
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy a workspace to another database (a laptop's SQLite file to the team's PostgreSQL).",
            discussion: """
                Copies the catalog and its history, campaigns and revisions, approvals, the policy, the audit log, \
                publishing state and reports into an empty database, in one transaction. Before committing, it \
                verifies on the target the audit chain (same Merkle root as the source), the policy chain and \
                every claim's signature: a copy that does not verify writes nothing (exit 77).
                """
        )

        @Option(
            help: ArgumentHelp("The workspace to copy: sqlite:PATH, a path, or a postgres:// URL.", valueName: "db")
        )
        var from: String

        @Option(
            help: ArgumentHelp("The empty database to copy into: a postgres:// URL or sqlite:PATH.", valueName: "db")
        )
        var to: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            guard global.database == nil else {
                throw ValidationError("migrate takes --from and --to, not --database")
            }
            let context = global.makeContext()
            let source = try CampaignStore.open(location: from, context: context)
            let target = try CampaignStore.open(location: to, context: context)
            Output.line("copying \(source.location) to \(target.location)")
            let report = try source.copyWorkspace(to: target) { table, rows in
                Output.line("copied \(table): \(rows) row(s)")
            }
            Output.line(
                "verified on \(target.location): audit log intact (\(report.auditEvents) events, root "
                    + "\(report.auditRoot)), policy v\(report.policyVersion) established by its signatures, "
                    + "\(report.claimsVerified) claim signature(s) valid"
            )
        }
    }
}
