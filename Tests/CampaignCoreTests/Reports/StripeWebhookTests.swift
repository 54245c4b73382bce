import AsyncHTTPClient
import CampaignCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// The webhook endpoint attacked over real HTTP on loopback: only correctly signed, fresh bodies are stored, once.
@Suite struct StripeWebhookTests {
    static let secret = "whsec_test_5f0c1b2a9d8e7f6a5b4c3d2e1f0a9b8c"

    let fixture: ReportFixture

    init() throws {
        fixture = try ReportFixture()
    }

    var body: String {
        ReportBadInputTests.event(
            id: "evt_live_1",
            type: "checkout.session.completed",
            object: ReportBadInputTests.session(amount: 3900, reference: "coussin-terracotta__ML-COU-LIN-45-TER")
        )
    }

    var now: Int64 { Int64(fixture.approval.clock.now.timeIntervalSince1970) }

    /// Runs the server on an ephemeral loopback port while `body` runs.
    func withServer(_ test: @Sendable (Int) async throws -> Void) async throws {
        let server = StripeWebhookServer(
            store: fixture.store,
            secret: Self.secret,
            port: 0,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.run { port in
                    continuation.yield(port)
                    continuation.finish()
                }
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await test(port)
            group.cancelAll()
        }
    }

    func post(
        _ port: Int,
        body: String,
        signature: String?,
        method: HTTPMethod = .POST
    ) async throws -> (status: UInt, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/stripe")
        request.method = method
        request.headers.add(name: "Content-Type", value: "application/json")
        if let signature {
            request.headers.add(name: "Stripe-Signature", value: signature)
        }
        if method == .POST {
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, String(buffer: bytes))
    }

    private var storedOrders: Int64 {
        let rows = try? fixture.store.reportRows(ReportQuery(dimensions: [], from: "2026-01-01", to: "2026-12-31"))
        return rows?.map(\.orders).reduce(0, +) ?? -1
    }

    @Test func aSignedEventIsStoredOnceEvenWhenReplayed() async throws {
        let body = self.body
        let header = WebhookSignature.sign(body: body, secret: Self.secret, timestamp: now)
        try await withServer { port in
            let first = try await post(port, body: body, signature: header)
            #expect(first.status == 200)
            #expect(first.body == "{\"received\":true}")
            // The same request again (an attacker replaying it, or Stripe retrying): accepted, not stored twice.
            let replay = try await post(port, body: body, signature: header)
            #expect(replay.status == 200)
        }
        #expect(storedOrders == 1)
        #expect(try fixture.store.auditEvents().filter { $0.action == "report.webhook" }.count == 1)
    }

    @Test func aWrongSecretIsRefused() async throws {
        let body = self.body
        let header = WebhookSignature.sign(body: body, secret: "whsec_attacker", timestamp: now)
        try await withServer { port in
            let answer = try await post(port, body: body, signature: header)
            #expect(answer.status == 400)
            #expect(answer.body.contains("signature"))
        }
        #expect(storedOrders == 0)
    }

    @Test(arguments: [-301, 301])
    func staleAndFutureTimestampsAreRefused(shift: Int) async throws {
        let body = self.body
        let header = WebhookSignature.sign(body: body, secret: Self.secret, timestamp: now + Int64(shift))
        try await withServer { port in
            let answer1 = try await post(port, body: body, signature: header)
            #expect(answer1.status == 400)
        }
        #expect(storedOrders == 0)
    }

    @Test func aTimestampWithinFiveMinutesIsAccepted() async throws {
        let body = self.body
        let header = WebhookSignature.sign(body: body, secret: Self.secret, timestamp: now - 299)
        try await withServer { port in
            let answer2 = try await post(port, body: body, signature: header)
            #expect(answer2.status == 200)
        }
        #expect(storedOrders == 1)
    }

    @Test func aTamperedBodyIsRefused() async throws {
        let body = self.body
        let header = WebhookSignature.sign(body: body, secret: Self.secret, timestamp: now)
        // The attacker keeps a genuine signature and raises the amount (or points the sale at another campaign).
        let tampered = body.replacingOccurrences(of: "3900", with: "390000")
        try await withServer { port in
            let answer3 = try await post(port, body: tampered, signature: header)
            #expect(answer3.status == 400)
            // A re-stamped timestamp with the old signature fails too: t is inside the signed payload.
            let restamped = header.replacingOccurrences(of: "t=\(now)", with: "t=\(now + 1)")
            let answer4 = try await post(port, body: body, signature: restamped)
            #expect(answer4.status == 400)
        }
        #expect(storedOrders == 0)
    }

    @Test func unsignedWrongMethodAndOversizedRequestsAreRefused() async throws {
        let body = self.body
        let big = String(repeating: " ", count: StripeWebhookServer.maximumBody + 1) + body
        let bigHeader = WebhookSignature.sign(body: big, secret: Self.secret, timestamp: now)
        try await withServer { port in
            let answer5 = try await post(port, body: body, signature: nil)
            #expect(answer5.status == 400)
            let answer6 = try await post(port, body: body, signature: "t=\(now),v0=abc")
            #expect(answer6.status == 400)
            let answer7 = try await post(port, body: "", signature: nil, method: .GET)
            #expect(answer7.status == 405)
            let answer8 = try await post(port, body: big, signature: bigHeader)
            #expect(answer8.status == 413)
        }
        #expect(storedOrders == 0)
    }

    @Test func aSignedNonEventIsRefusedAndASignedNonSaleIsAcknowledged() async throws {
        let notAnEvent = "{\"hello\": \"world\"}"
        let other = ReportBadInputTests.event(id: "evt_payout", type: "payout.paid", object: "{\"id\": \"po_1\"}")
        try await withServer { port in
            let refused = try await post(
                port,
                body: notAnEvent,
                signature: WebhookSignature.sign(body: notAnEvent, secret: Self.secret, timestamp: now)
            )
            #expect(refused.status == 400)
            let skipped = try await post(
                port,
                body: other,
                signature: WebhookSignature.sign(body: other, secret: Self.secret, timestamp: now)
            )
            #expect(skipped.status == 200)  // Stripe must stop retrying events we do not count
        }
        #expect(storedOrders == 0)
    }
}
