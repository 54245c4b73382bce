public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// Delivers notifications for real: webhooks as signed HTTP POSTs, commands as `/bin/sh -c` with the JSON on stdin.
///
/// Webhook requests carry `Content-Type: application/json`, `X-Campaignctl-Event`, `X-Campaignctl-Delivery: <id>`
/// and `X-Campaignctl-Signature: t=<unix>,v1=<hex>` (see ``WebhookSignature``); a 2xx answer means delivered.
/// Commands get the event in `CAMPAIGNCTL_EVENT` (plus `CAMPAIGNCTL_DELIVERY` and `CAMPAIGNCTL_RECIPIENT`) and only a
/// small allow-list of the parent's environment, so the X Ads credentials never reach them; exit 0 means delivered.
public struct LiveNotificationTransport: NotificationTransport {
    /// The default time limit of one delivery.
    public static let defaultTimeout: Duration = .seconds(10)
    /// Parent environment variables passed on to commands; nothing else is.
    public static let inheritedEnvironment = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"]

    private let httpClient: HTTPClient
    private let timeout: Duration
    private let now: @Sendable () -> Date
    private let parentEnvironment: [String: String]

    /// A transport posting through `httpClient`, giving each delivery `timeout`, dating signatures with `now` and
    /// passing the allow-listed part of `environment` to commands.
    public init(
        httpClient: HTTPClient = .shared,
        timeout: Duration = LiveNotificationTransport.defaultTimeout,
        now: @escaping @Sendable () -> Date = { Date() },
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.httpClient = httpClient
        self.timeout = timeout
        self.now = now
        self.parentEnvironment = environment
    }

    /// Delivers `message` on `channel`, or throws ``NotificationDeliveryError``.
    public func deliver(_ message: NotificationMessage, to channel: NotificationChannel) async throws {
        switch channel.kind {
        case "webhook":
            try await post(message, to: channel)
        case "command":
            try await run(message, commandLine: channel.target)
        default:
            throw NotificationDeliveryError.misconfigured("unknown channel kind \"\(channel.kind)\"")
        }
    }

    private var timeoutSeconds: Int {
        Int(timeout.components.seconds)
    }

    private func post(_ message: NotificationMessage, to channel: NotificationChannel) async throws {
        guard let secret = channel.secret, !secret.isEmpty else {
            throw NotificationDeliveryError.misconfigured("webhook has no signing secret")
        }
        try Self.checkWebhookURL(channel.target)
        let body = Array(message.payload.utf8)
        let timestamp = Int64(now().timeIntervalSince1970.rounded(.down))
        var request = HTTPClientRequest(url: channel.target)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "campaignctl")
        request.headers.add(name: "X-Campaignctl-Event", value: message.event)
        request.headers.add(name: "X-Campaignctl-Delivery", value: message.id)
        request.headers.add(
            name: "X-Campaignctl-Signature",
            value: WebhookSignature.sign(body: body, secret: secret, timestamp: timestamp)
        )
        request.body = .bytes(ByteBuffer(bytes: body))
        let status: Int
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            status = Int(response.status.code)
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                throw NotificationDeliveryError.timedOut(seconds: timeoutSeconds)
            default:
                throw NotificationDeliveryError.unreachable(reason: "\(error)")
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw NotificationDeliveryError.unreachable(reason: String(describing: type(of: error)))
        }
        guard (200..<300).contains(status) else {
            throw NotificationDeliveryError.httpStatus(status)
        }
    }

    /// Webhooks carry approval state, so they go over https; plain http only to a loopback address.
    static func checkWebhookURL(_ url: String) throws(NotificationDeliveryError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else {
            throw .misconfigured("webhook url is not an absolute url")
        }
        let loopback = host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]"
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw .misconfigured("webhook url must use https (plain http only to a loopback address)")
        }
    }

    private func run(_ message: NotificationMessage, commandLine: String) async throws {
        guard !commandLine.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw NotificationDeliveryError.misconfigured("empty command line")
        }
        var environment: [String: String] = [:]
        for name in Self.inheritedEnvironment {
            if let value = parentEnvironment[name] {
                environment[name] = value
            }
        }
        environment["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        environment["CAMPAIGNCTL_EVENT"] = message.event
        environment["CAMPAIGNCTL_DELIVERY"] = message.id
        environment["CAMPAIGNCTL_RECIPIENT"] = message.recipient
        try await CommandRunner.run(
            commandLine: commandLine,
            standardInput: Array(message.payload.utf8),
            environment: environment,
            timeout: timeout
        )
    }
}
