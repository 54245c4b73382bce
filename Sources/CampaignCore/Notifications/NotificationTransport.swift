import Foundation

/// One notification to deliver: an event about a campaign, for one recipient, with a canonical JSON payload.
public struct NotificationMessage: Codable, Sendable, Hashable {
    /// A unique delivery id; receivers deduplicate on it (`X-Campaignctl-Delivery`).
    public var id: String
    /// The event name, e.g. "campaign.approved" (`X-Campaignctl-Event`, `CAMPAIGNCTL_EVENT`).
    public var event: String
    /// The principal the message is for.
    public var recipient: String
    /// Canonical JSON text; sent byte for byte and signed as is.
    public var payload: String

    /// A message with every field given.
    public init(id: String, event: String, recipient: String, payload: String) {
        self.id = id
        self.event = event
        self.recipient = recipient
        self.payload = payload
    }
}

/// Where a notification goes: a webhook URL (with its signing secret) or a local command line.
public struct NotificationChannel: Sendable, Hashable, CustomStringConvertible {
    /// "webhook" or "command".
    public var kind: String
    /// The webhook URL, or the command line run with `/bin/sh -c`.
    public var target: String
    /// The webhook signing secret (HMAC-SHA256 key); unused by commands.
    public var secret: String?

    /// A channel with every field given.
    public init(kind: String, target: String, secret: String? = nil) {
        self.kind = kind
        self.target = target
        self.secret = secret
    }

    /// A webhook channel.
    public static func webhook(_ url: String, secret: String) -> NotificationChannel {
        NotificationChannel(kind: "webhook", target: url, secret: secret)
    }

    /// A command channel.
    public static func command(_ commandLine: String) -> NotificationChannel {
        NotificationChannel(kind: "command", target: commandLine)
    }

    /// The kind and, for webhooks, the scheme and host only: webhook paths and queries often carry tokens, and the
    /// secret is never shown.
    public var description: String {
        switch kind {
        case "webhook":
            return "webhook " + NotificationChannel.redactedURL(target)
        case "command":
            return "command"
        default:
            return "channel of unknown kind \"\(kind)\""
        }
    }

    /// `scheme://host[:port]/…` of a URL, or "<invalid url>".
    static func redactedURL(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else {
            return "<invalid url>"
        }
        let afterScheme = url[schemeEnd.upperBound...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@").last.map(String.init) ?? ""
        let rest = afterScheme.dropFirst(authority.count)
        return url[..<schemeEnd.upperBound] + host + (rest.isEmpty ? "" : "/…")
    }
}

/// Delivers notifications; an error means the recipient may not have been told.
public protocol NotificationTransport: Sendable {
    /// Delivers `message` on `channel`, or throws ``NotificationDeliveryError``.
    func deliver(_ message: NotificationMessage, to channel: NotificationChannel) async throws
}

/// Why a notification was not delivered.
public enum NotificationDeliveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The webhook answered with a status outside 200–299.
    case httpStatus(Int)
    /// The webhook or command did not finish within the time limit (seconds).
    case timedOut(seconds: Int)
    /// The webhook could not be reached (connection refused, TLS failure, …).
    case unreachable(reason: String)
    /// The command exited with a non-zero status (or was killed by a signal); `stderr` is its first line.
    case commandFailed(status: Int32, stderr: String)
    /// The channel cannot be used: unknown kind, missing secret, URL that is not https, command not started, …
    case misconfigured(String)

    /// A lower-case, human-readable message; it never contains the secret or the webhook path.
    public var description: String {
        switch self {
        case .httpStatus(let status):
            return "webhook answered http \(status)"
        case .timedOut(let seconds):
            return "no answer within \(seconds) s"
        case .unreachable(let reason):
            return "webhook unreachable: \(reason)"
        case .commandFailed(let status, let stderr):
            return stderr.isEmpty
                ? "command exited with status \(status)" : "command exited with status \(status): \(stderr)"
        case .misconfigured(let reason):
            return "misconfigured channel: \(reason)"
        }
    }
}
