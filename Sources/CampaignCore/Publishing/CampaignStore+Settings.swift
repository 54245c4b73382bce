import Foundation

extension CampaignStore {
    /// The workspace's publishing settings (target, X Ads account …).
    public func publishSettings() throws -> PublishSettings {
        try read { db in try Self.publishSettings(db) }
    }

    /// Changes the publishing settings; audited.
    public func setPublishSettings(_ settings: PublishSettings, actor: String) throws {
        guard ["outbox", "x-ads"].contains(settings.target) else {
            throw PublishError.unknownTarget(settings.target)
        }
        let text = try CanonicalJSON(encoding: settings).canonicalString
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO setting (key, value) VALUES ('publish', ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """,
                arguments: [text]
            )
            try Self.appendAudit(
                AuditRecord(
                    actor: actor,
                    action: "settings.publish",
                    target: "settings",
                    details: try CanonicalJSON(encoding: settings)
                ),
                at: Timestamp.string(context.now()),
                in: db
            )
        }
    }
}

/// Why publishing failed or was refused.
public enum PublishError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownTarget(String)
    case notConfigured(String)
    case inProgressElsewhere(campaignID: String, owner: String)
    case stepFailed(campaignID: String, step: String, reason: String)

    public var description: String {
        switch self {
        case .unknownTarget(let target):
            "unknown publishing target '\(target)' (outbox or x-ads)"
        case .notConfigured(let what):
            "publishing to the X Ads API needs \(what) (campaignctl config publish …)"
        case .inProgressElsewhere(let campaign, let owner):
            "another campaignctl (\(owner)) is publishing '\(campaign)' right now; nothing was done"
        case .stepFailed(let campaign, let step, let reason):
            "publishing '\(campaign)' stopped at the \(step) step: \(reason); run the same command again to resume"
        }
    }
}
