import ArgumentParser
import CampaignCore
import Foundation
import Logging

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The workspace database: a SQLite file, or postgres://user@host:port/db for a team's server "
                + "(password from PGPASSWORD; ?sslmode=, ?schema=) (env CAMPAIGNCTL_DATABASE).",
            valueName: "path-or-url"
        )
    )
    var database: String?

    @Flag(name: .long, help: "Log what happens, on stderr.")
    var verbose = false

    /// The database path or URL: the option, else the environment, else `campaignctl.sqlite` here.
    var databasePath: String {
        database ?? ProcessInfo.processInfo.environment["CAMPAIGNCTL_DATABASE"] ?? "campaignctl.sqlite"
    }

    /// The live context: real clock, random ids, a logger on stderr.
    func makeContext() -> CoreContext {
        var logger = Logger(label: "campaignctl") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .debug : .warning
        return CoreContext.live(logger: logger)
    }

    /// Opens the workspace database.
    func openStore() throws -> CampaignStore {
        try CampaignStore.open(location: databasePath, context: makeContext())
    }
}
