import Foundation

/// A notification queued for one person on one channel.
public struct QueuedNotification: Sendable, Hashable, Codable {
    public var id: String
    public var auditSeq: Int
    public var event: String
    public var recipient: String
    public var channelKind: String
    public var channelTarget: String
    /// The JSON body sent (canonical).
    public var payload: String
    public var status: String
    public var attempts: Int
    public var lastError: String?
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id
        case auditSeq = "audit_seq"
        case event, recipient
        case channelKind = "channel_kind"
        case channelTarget = "channel_target"
        case payload, status, attempts
        case lastError = "last_error"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension CampaignStore {
    /// Audit actions that notify every other person of the policy (R10: nothing is silent).
    static let notifyingActions: Set<String> = [
        "campaign.submit", "campaign.approve", "campaign.reject", "campaign.publish", "campaign.pause",
        "campaign.resume", "campaign.end", "campaign.drift", "policy.seal_sign", "policy.sealed", "policy.propose",
        "policy.approve", "policy.in_force", "policy.revoke", "publish.mismatch",
    ]

    /// Queues one notification per other person and channel for an event (in the event's transaction).
    static func queueNotifications(
        for event: AuditEvent,
        policy: VerifiedPolicy,
        in db: any SQLConnection,
        at time: String,
        makeID: () -> String
    ) throws {
        guard
            notifyingActions.contains(event.action) || event.outcome == "refused" && event.action.hasPrefix("campaign.")
        else {
            return
        }
        let checkpoint = try verifyAudit(db, against: nil)
        let payload = CanonicalJSON.object([
            "event": .string(event.action),
            "outcome": .string(event.outcome),
            "actor": .string(event.actor),
            "target": .string(event.target),
            "digest": event.digest.map { .string($0) } ?? .null,
            "details": event.details,
            "time": .string(event.time),
            "audit_seq": .integer(Int64(event.seq)),
            "audit_checkpoint": .object(["size": .integer(Int64(checkpoint.size)), "root": .string(checkpoint.root)]),
            "workspace": .string(policy.document.workspaceID),
            "brand": .string(policy.document.brand),
        ])
        for person in policy.document.people where person.name != event.actor {
            for channel in policy.document.channels {
                try db.execute(
                    sql: """
                        INSERT INTO notification (id, audit_seq, event, recipient, channel_kind, channel_target, payload,
                            status, attempts, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
                        """,
                    arguments: [
                        makeID(), event.seq, event.action, person.name, channel.kind, channel.target,
                        payload.canonicalString, time, time,
                    ]
                )
            }
        }
    }

    /// Notifications, newest first (only those not delivered when `undeliveredOnly`).
    public func notifications(undeliveredOnly: Bool = false) throws -> [QueuedNotification] {
        try read { db in
            let filter = undeliveredOnly ? "WHERE status != 'delivered'" : ""
            return try db.fetchAll(
                sql: """
                    SELECT id, audit_seq, event, recipient, channel_kind, channel_target, payload, status, attempts,
                        last_error, created_at, updated_at
                    FROM notification \(filter) ORDER BY audit_seq DESC, recipient, channel_target
                    """
            ).map {
                QueuedNotification(
                    id: try $0[0],
                    auditSeq: try $0[1],
                    event: try $0[2],
                    recipient: try $0[3],
                    channelKind: try $0[4],
                    channelTarget: try $0[5],
                    payload: try $0[6],
                    status: try $0[7],
                    attempts: try $0[8],
                    lastError: try $0[9],
                    createdAt: try $0[10],
                    updatedAt: try $0[11]
                )
            }
        }
    }

    /// Records a delivery attempt's outcome.
    public func recordDelivery(id: String, error: String?) throws {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE notification SET attempts = attempts + 1, status = ?, last_error = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [error == nil ? "delivered" : "failed", error, Timestamp.string(context.now()), id]
            )
        }
    }
}

extension CampaignStore {
    /// Delivers queued notifications (pending ones, and failed ones when `retryFailed`), recording each
    /// outcome; webhook secrets come from the environment variable the policy names, never the database.
    public func deliverNotifications(
        transport: any NotificationTransport,
        environment: [String: String],
        retryFailed: Bool = false
    ) async throws -> (delivered: Int, failed: Int) {
        let queued = try notifications(undeliveredOnly: true).filter { retryFailed || $0.status == "pending" }
        guard !queued.isEmpty else {
            return (0, 0)
        }
        let channels = try verifiedPolicy().document.channels
        var delivered = 0
        var failed = 0
        for notification in queued.reversed() {
            let configured = channels.first {
                $0.kind == notification.channelKind && $0.target == notification.channelTarget
            }
            let secret = configured?.secretEnv.flatMap { environment[$0] }
            let channel = NotificationChannel(
                kind: notification.channelKind,
                target: notification.channelTarget,
                secret: secret
            )
            let message = NotificationMessage(
                id: notification.id,
                event: notification.event,
                recipient: notification.recipient,
                payload: notification.payload
            )
            do {
                try await transport.deliver(message, to: channel)
                try recordDelivery(id: notification.id, error: nil)
                delivered += 1
            } catch {
                try recordDelivery(id: notification.id, error: "\(error)")
                failed += 1
            }
        }
        return (delivered, failed)
    }
}
