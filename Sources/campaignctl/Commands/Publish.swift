import ArgumentParser
import CampaignCore
import Foundation

/// Where outbox bundles go: `--outbox`, `CAMPAIGNCTL_OUTBOX`, else `outbox/` next to a SQLite database
/// (in the current folder for a PostgreSQL one).
struct OutboxOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The outbox folder (env CAMPAIGNCTL_OUTBOX).", valueName: "dir"))
    var outbox: String?

    func outbox(for global: GlobalOptions) -> Outbox {
        let environment = ProcessInfo.processInfo.environment
        let database = global.databasePath
        // A server database has no folder of its own: its outbox is in the current one.
        let beside =
            CampaignStore.isServerLocation(database)
            ? "outbox"
            : ((database as NSString).deletingLastPathComponent as NSString).appendingPathComponent("outbox")
        let directory = outbox ?? environment["CAMPAIGNCTL_OUTBOX"] ?? beside
        return Outbox(directory: directory.isEmpty ? "outbox" : directory)
    }
}

/// The X Ads client from the workspace's settings and the environment's secrets.
func xAdsClient(_ settings: PublishSettings) throws -> XAdsClient {
    guard let account = settings.accountID else {
        throw PublishError.notConfigured("an account id")
    }
    let configuration = try XAdsConfiguration.fromEnvironment(
        ProcessInfo.processInfo.environment,
        baseURL: settings.baseURL ?? "https://ads-api.x.com",
        accountID: account
    )
    return try XAdsClient(configuration: configuration)
}

extension CampaignCtl.Campaign {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Launch the approved latest revision, after re-verifying everything from raw stored data.",
            discussion: """
                With the outbox target (the default) the X Ads API requests are written to a bundle folder; with \
                x-ads they are sent, crash-safely: run the same command again to resume an interrupted publish.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var outboxOptions: OutboxOptions
        @Argument(help: "The campaign id.") var id: String

        func run() async throws {
            let store = try global.openStore()
            let settings = try store.publishSettings()
            if settings.target == "x-ads" {
                let (acting, keystore, workspaceID) = try identity.acting(in: store)
                let (result, memory) = try await store.publish(id, as: acting, to: xAdsClient(settings))
                try identity.remember(memory, in: keystore, workspaceID: workspaceID)
                Output.line(
                    "published revision \(result.revision) of '\(id)' to the X Ads API"
                        + (result.resumed ? " (resumed)" : "")
                        + ": campaign \(result.remoteIDs["campaign_id"] ?? "?"), "
                        + "tweet \(result.remoteIDs["tweet_id"] ?? "?")"
                )
                return
            }
            let outbox = outboxOptions.outbox(for: global)
            let authorization = try actingAs(identity, store) { try store.publishCampaign(id, as: $0, outbox: outbox) }
            Output.line(
                "published revision \(authorization.revision) of '\(id)' (digest \(authorization.digest)), approved by "
                    + authorization.evaluation.approvers.joined(separator: ", ")
            )
            Output.line("outbox: \(outbox.path(campaignID: id, revision: authorization.revision, action: "publish"))")
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resume",
            abstract: "Resume a paused campaign (needs fresh approvals for resuming)."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var outboxOptions: OutboxOptions
        @Argument(help: "The campaign id.") var id: String

        func run() throws {
            let store = try global.openStore()
            let outbox = outboxOptions.outbox(for: global)
            let authorization = try actingAs(identity, store) { try store.resumeCampaign(id, as: $0, outbox: outbox) }
            Output.line(
                "resumed '\(id)' (revision \(authorization.revision)), approved by "
                    + authorization.evaluation.approvers.joined(separator: ", ")
            )
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pause",
            abstract: "The kill switch: pause a live campaign at once (one person)."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var outboxOptions: OutboxOptions
        @Argument(help: "The campaign id.") var id: String
        @Option(help: "Why.") var reason: String = "paused by hand"

        func run() throws {
            try CampaignCtl.PauseCommand.pause(
                [id],
                reason: reason,
                global: global,
                identity: identity,
                outbox: outboxOptions
            )
        }
    }
}

extension CampaignCtl {
    /// `campaignctl pause ID…` or `campaignctl pause --all`: the emergency stop.
    struct PauseCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pause",
            abstract: "Pause live campaigns at once (one person): the given ones, or --all of them."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @OptionGroup var outboxOptions: OutboxOptions
        @Argument(help: "Campaign ids.") var ids: [String] = []
        @Flag(help: "Every live campaign.") var all = false
        @Option(help: "Why.") var reason: String = "emergency pause"

        func validate() throws {
            guard all != !ids.isEmpty else {
                throw ValidationError("give campaign ids or --all (not both)")
            }
        }

        func run() throws {
            let ids = all ? try global.openStore().liveCampaigns() : self.ids
            guard !ids.isEmpty else {
                Output.line("no live campaign to pause")
                return
            }
            try Self.pause(ids, reason: reason, global: global, identity: identity, outbox: outboxOptions)
        }

        static func pause(
            _ ids: [String],
            reason: String,
            global: GlobalOptions,
            identity: IdentityOptions,
            outbox: OutboxOptions
        ) throws {
            let store = try global.openStore()
            let box = outbox.outbox(for: global)
            for id in ids {
                try actingAs(identity, store) { acting in
                    ((), try store.pauseCampaign(id, reason: reason, as: acting, outbox: box))
                }
                Output.line("paused '\(id)'; everyone was notified; resuming needs fresh approvals")
            }
        }
    }

    struct PublishGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Check what the publishing target holds against what was approved.",
            subcommands: [Verify.self]
        )

        struct Verify: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "verify",
                abstract: "Compare the target's copy (outbox bundle) with the approved manifest; pause on any mismatch."
            )

            @OptionGroup var global: GlobalOptions
            @OptionGroup var outboxOptions: OutboxOptions
            @Argument(help: "A campaign id (default: every live campaign).") var id: String?

            func run() throws {
                let store = try global.openStore()
                let ids = try id.map { [$0] } ?? store.liveCampaigns()
                var mismatches = 0
                for id in ids {
                    let verification = try store.verifyTarget(id, outbox: outboxOptions.outbox(for: global))
                    if verification.matches {
                        Output.line(
                            "'\(id)' revision \(verification.revision): the target matches the approved manifest"
                        )
                    } else {
                        mismatches += 1
                        Output.error(
                            "'\(id)' revision \(verification.revision): the target differs from what was approved"
                                + (verification.paused ? "; the campaign was paused and everyone notified" : "")
                        )
                        for problem in verification.problems {
                            Output.error("  \(problem)")
                        }
                    }
                }
                if mismatches > 0 {
                    throw ApprovalError.tampered(what: "\(mismatches) campaign(s) differ on the publishing target")
                }
            }
        }
    }

    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Workspace settings: where campaigns are published.",
            subcommands: [Publish.self]
        )

        struct Publish: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "publish",
                abstract: "Show or set the publishing target (outbox or x-ads) and the X Ads account.",
                discussion:
                    "The API's secrets are never stored: XADS_CONSUMER_KEY, XADS_CONSUMER_SECRET, XADS_ACCESS_TOKEN and XADS_ACCESS_TOKEN_SECRET come from the environment."
            )

            @OptionGroup var global: GlobalOptions
            @OptionGroup var identity: IdentityOptions
            @Option(help: "outbox or x-ads.") var target: String?
            @Option(help: "The X Ads account id.") var accountID: String?
            @Option(help: "The funding instrument id.") var fundingInstrument: String?
            @Option(help: "The user id of the brand's handle.") var asUser: String?
            @Option(help: "The API base URL.") var baseURL: String?

            func run() throws {
                let store = try global.openStore()
                var settings = try store.publishSettings()
                if target != nil || accountID != nil || fundingInstrument != nil || asUser != nil || baseURL != nil {
                    settings.target = target ?? settings.target
                    settings.accountID = accountID ?? settings.accountID
                    settings.fundingInstrumentID = fundingInstrument ?? settings.fundingInstrumentID
                    settings.asUserID = asUser ?? settings.asUserID
                    settings.baseURL = baseURL ?? settings.baseURL
                    try store.setPublishSettings(settings, actor: identity.name ?? "system")
                }
                try Output.json(settings)
            }
        }
    }
}
