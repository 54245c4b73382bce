import CampaignCore
import Foundation
import Testing

/// Nothing is silent: each event reaches every other person on the policy's channels (R10), for real.
@Suite struct NotificationFlowTests {
    static let secret = "whsec_flow_test"

    /// The sample workspace with a webhook channel added through an approved policy change.
    private func fixture(webhook url: String) throws -> ApprovalFixture {
        let f = try ApprovalFixture()
        _ = try f.store.proposePolicy(
            [.addChannel(PolicyDocument.Channel(kind: "webhook", target: url, secretEnv: "ML_WEBHOOK_SECRET"))],
            as: f.acting(f.dave)
        )
        _ = try f.store.approvePolicy(as: f.acting(f.bob))
        #expect(try f.store.verifiedPolicy().document.channels.count == 1)
        return f
    }

    @Test func everyOtherPersonIsNotifiedOfASubmissionOverASignedWebhook() async throws {
        let received = ReceivedWebhooks()
        try await LoopbackHTTPServer(handler: { request in
            await received.add(request)
            return LoopbackReply(status: 204)
        }).run { port in
            let f = try fixture(webhook: "http://127.0.0.1:\(port)/hook")
            let before = try f.store.notifications().count
            try f.createAndSubmit()
            let queued = try f.store.notifications().filter { $0.event == "campaign.submit" }
            #expect(Set(queued.map(\.recipient)) == ["bob", "carol", "dave"])
            let outcome = try await f.store.deliverNotifications(
                transport: LiveNotificationTransport(),
                environment: ["ML_WEBHOOK_SECRET": Self.secret]
            )
            #expect(outcome.failed == 0)
            #expect(outcome.delivered == (try f.store.notifications().count) - 0)
            _ = before
        }
        let requests = await received.requests
        let submits = requests.filter { $0.headers["x-campaignctl-event"] == "campaign.submit" }
        #expect(submits.count == 3)
        for request in submits {
            let header = try #require(request.headers["x-campaignctl-signature"])
            try WebhookSignature.verify(header: header, body: request.body, secret: Self.secret, now: Date())
            let payload = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            #expect(payload["actor"] as? String == "alice")
            #expect((payload["audit_checkpoint"] as? [String: Any])?["root"] is String)
        }
    }

    @Test func aFailedDeliveryIsListedAndRetried() async throws {
        let attempts = ReceivedWebhooks()
        try await LoopbackHTTPServer(handler: { request in
            await attempts.add(request)
            return LoopbackReply(status: 503)
        }).run { port in
            let f = try fixture(webhook: "http://127.0.0.1:\(port)/hook")
            try f.createAndSubmit()
            let environment = ["ML_WEBHOOK_SECRET": Self.secret]
            let first = try await f.store.deliverNotifications(
                transport: LiveNotificationTransport(),
                environment: environment
            )
            #expect(first.delivered == 0)
            #expect(first.failed > 0)
            let failed = try f.store.notifications(undeliveredOnly: true)
            #expect(failed.allSatisfy { $0.status == "failed" && $0.lastError?.contains("503") == true })
            // Pending-only delivery does not retry; an explicit retry does.
            #expect(
                try await f.store.deliverNotifications(transport: LiveNotificationTransport(), environment: environment)
                    .failed == 0
            )
            let retried = try await f.store.deliverNotifications(
                transport: LiveNotificationTransport(),
                environment: environment,
                retryFailed: true
            )
            #expect(retried.failed == first.failed)
            #expect(try f.store.notifications(undeliveredOnly: true).allSatisfy { $0.attempts == 2 })
        }
    }

    @Test func aRefusedSelfApprovalNotifiesEveryoneToo() throws {
        let f = try fixture(webhook: "http://127.0.0.1:9/hook")
        try f.createAndSubmit()
        _ = try? f.store.approveCampaign("coussin-terracotta", as: f.acting(f.alice))
        let refused = try f.store.notifications().filter { $0.event == "campaign.approve" }
        #expect(Set(refused.map(\.recipient)) == ["bob", "carol", "dave"])
        #expect(refused.allSatisfy { $0.payload.contains("\"outcome\":\"refused\"") })
    }
}
