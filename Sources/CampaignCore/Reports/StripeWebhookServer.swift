public import Foundation
import HTTPTypes
import Hummingbird
public import Logging
import NIOCore

/// What the webhook endpoint did with one request.
public struct WebhookDelivery: Sendable, Hashable {
    /// The HTTP status answered.
    public var status: Int
    /// The event id, when the body was a verified event.
    public var eventID: String?
    /// `stored`, `duplicate`, `skipped` or why it was refused.
    public var outcome: String
}

/// The `report webhook` endpoint: receives Stripe webhooks over HTTP (Hummingbird), verifies `Stripe-Signature`
/// against the raw body (HMAC-SHA256, 5-minute tolerance both ways, constant-time compare), and stores each event
/// once. It answers 200 to a stored or already-stored event (so Stripe stops retrying), 400 to anything unverified
/// or unreadable, 413 to bodies over 1 MiB, 405 to other methods, and 503 when the store is busy, which Stripe
/// retries later.
public struct StripeWebhookServer: Sendable {
    /// The largest body accepted (Stripe's events are far smaller).
    public static let maximumBody = 1 << 20

    let store: CampaignStore
    let secret: String
    let host: String
    let port: Int
    let tolerance: Int
    let timeZone: TimeZone
    let logger: Logger
    let onDelivery: @Sendable (WebhookDelivery) -> Void

    /// A server for `store`; `secret` is the endpoint's signing secret (`whsec_…`).
    public init(
        store: CampaignStore,
        secret: String,
        host: String = "127.0.0.1",
        port: Int,
        tolerance: Int = WebhookSignature.defaultTolerance,
        timeZone: TimeZone = .current,
        logger: Logger,
        onDelivery: @escaping @Sendable (WebhookDelivery) -> Void = { _ in }
    ) {
        self.store = store
        self.secret = secret
        self.host = host
        self.port = port
        self.tolerance = tolerance
        self.timeZone = timeZone
        self.logger = logger
        self.onDelivery = onDelivery
    }

    /// Handles one request (the HTTP layer's only call into campaignctl).
    public func handle(method: String, signature: String?, body: [UInt8]) -> WebhookDelivery {
        guard method == "POST" else {
            return WebhookDelivery(status: 405, eventID: nil, outcome: "method \(method) not allowed (POST only)")
        }
        guard let signature, !signature.isEmpty else {
            return WebhookDelivery(status: 400, eventID: nil, outcome: "no Stripe-Signature header")
        }
        do {
            try WebhookSignature.verify(
                header: signature,
                body: body,
                secret: secret,
                now: store.context.now(),
                tolerance: tolerance
            )
        } catch {
            return WebhookDelivery(status: 400, eventID: nil, outcome: "signature refused: \(error)")
        }
        let source = "webhook"
        do {
            let summary = try store.ingestStripeEvent(body, source: source, timeZone: timeZone, actor: "stripe-webhook")
            let id = Self.eventID(body)
            if summary.stored > 0 {
                return WebhookDelivery(status: 200, eventID: id, outcome: "stored")
            }
            if summary.unchanged > 0 {
                return WebhookDelivery(status: 200, eventID: id, outcome: "duplicate")
            }
            let reason = summary.skipped.first?.message ?? "not a sale event"
            return WebhookDelivery(status: 200, eventID: id, outcome: "skipped: \(reason)")
        } catch let error as StoreError where error.kind == .busy {
            return WebhookDelivery(status: 503, eventID: Self.eventID(body), outcome: "store busy: \(error)")
        } catch {
            return WebhookDelivery(status: 400, eventID: Self.eventID(body), outcome: "refused: \(error)")
        }
    }

    private static func eventID(_ body: [UInt8]) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return object?["id"] as? String
    }

    /// Serves until the task is cancelled; `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let server = self
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let method = request.method.rawValue
            let signature = request.headers[HTTPField.Name("Stripe-Signature") ?? .contentType]
            let delivery: WebhookDelivery
            do {
                let buffer = try await request.collectBody(upTo: Self.maximumBody)
                delivery = server.handle(method: method, signature: signature, body: Array(buffer.readableBytesView))
            } catch {
                delivery = WebhookDelivery(status: 413, eventID: nil, outcome: "body over \(Self.maximumBody) bytes")
            }
            server.logger.info(
                "webhook \(delivery.status) \(delivery.eventID ?? "-") \(delivery.outcome)"
            )
            server.onDelivery(delivery)
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            let answer: [String: Any] = delivery.status == 200 ? ["received": true] : ["error": delivery.outcome]
            let bytes = (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])) ?? Data()
            return Response(
                status: HTTPResponse.Status(code: delivery.status),
                headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        try await app.run()
    }
}
