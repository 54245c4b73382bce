import CampaignCore
import Foundation
import TestSupport
import Testing

/// Collects what a loopback webhook receiver was sent.
actor ReceivedWebhooks {
    private(set) var requests: [ReceivedRequest] = []

    func add(_ request: ReceivedRequest) {
        requests.append(request)
    }
}

/// Webhook and command delivery, for real: a Hummingbird receiver on loopback and `/bin/sh`.
@Suite struct LiveNotificationTransportTests {
    static let message = NotificationMessage(
        id: "dlv_01HZX3",
        event: "campaign.approved",
        recipient: "alice@maison-lumiere.example",
        payload: #"{"campaign":"ML-COU-LIN","event":"campaign.approved","note":"été — 20 %"}"#
    )
    static let secret = "whsec_campaignctl_test"
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func webhookDeliveryIsSignedAndVerifiable() async throws {
        let received = ReceivedWebhooks()
        let receiver = LoopbackHTTPServer { request in
            await received.add(request)
            return LoopbackReply(status: 204)
        }
        try await receiver.run { port in
            let transport = LiveNotificationTransport(now: { Self.now })
            let channel = NotificationChannel.webhook(
                "http://127.0.0.1:\(port)/hooks/campaignctl?token=abc",
                secret: Self.secret
            )
            try await transport.deliver(Self.message, to: channel)
        }
        let requests = await received.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/hooks/campaignctl")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["x-campaignctl-event"] == "campaign.approved")
        #expect(request.headers["x-campaignctl-delivery"] == "dlv_01HZX3")
        #expect(request.body == Array(Self.message.payload.utf8))
        let header = try #require(request.headers["x-campaignctl-signature"])
        #expect(header.hasPrefix("t=1700000000,v1="))
        try WebhookSignature.verify(header: header, body: request.body, secret: Self.secret, now: Self.now)
        #expect(throws: WebhookSignatureError.signatureMismatch) {
            try WebhookSignature.verify(header: header, body: request.body, secret: "wrong", now: Self.now)
        }
    }

    @Test func failingWebhookGivesTheStatus() async throws {
        try await LoopbackHTTPServer(handler: { _ in LoopbackReply(status: 500, body: "{}") }).run { port in
            let transport = LiveNotificationTransport()
            await #expect(throws: NotificationDeliveryError.httpStatus(500)) {
                try await transport.deliver(
                    Self.message,
                    to: .webhook("http://127.0.0.1:\(port)/hook", secret: Self.secret)
                )
            }
        }
    }

    @Test func missingWebhookEndpointGivesTheStatus() async throws {
        try await LoopbackHTTPServer(handler: { _ in LoopbackReply(status: 404) }).run { port in
            await #expect(throws: NotificationDeliveryError.httpStatus(404)) {
                try await LiveNotificationTransport().deliver(
                    Self.message,
                    to: .webhook("http://localhost:\(port)/missing", secret: Self.secret)
                )
            }
        }
    }

    @Test func unreachableWebhookIsATypedError() async throws {
        let port = try await LoopbackHTTPServer(handler: { _ in LoopbackReply(status: 200) }).run { $0 }
        let error = await #expect(throws: NotificationDeliveryError.self) {
            try await LiveNotificationTransport(timeout: .seconds(2)).deliver(
                Self.message,
                to: .webhook("http://127.0.0.1:\(port)/hook", secret: Self.secret)
            )
        }
        guard case .unreachable = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func webhookWithoutSecretOrHTTPSIsMisconfigured() async {
        let transport = LiveNotificationTransport()
        await #expect(throws: NotificationDeliveryError.misconfigured("webhook has no signing secret")) {
            try await transport.deliver(
                Self.message,
                to: NotificationChannel(kind: "webhook", target: "https://x.example/h")
            )
        }
        await #expect(throws: NotificationDeliveryError.self) {
            try await transport.deliver(Self.message, to: .webhook("http://hooks.example.com/h", secret: Self.secret))
        }
        await #expect(throws: NotificationDeliveryError.misconfigured("unknown channel kind \"email\"")) {
            try await transport.deliver(Self.message, to: NotificationChannel(kind: "email", target: "a@b.example"))
        }
    }

    @Test func channelDescriptionHidesTheWebhookPathAndSecret() {
        let channel = NotificationChannel.webhook(
            "https://user:pw@hooks.slack.example/services/T000/B000/XXXX?token=1",
            secret: "whsec_hidden"
        )
        #expect(channel.description == "webhook https://hooks.slack.example/…")
        #expect(!dumpedText(NotificationDeliveryError.httpStatus(500)).contains("whsec"))
    }

    @Test func commandReceivesThePayloadOnStdinAndTheEventInItsEnvironment() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notify-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let payloadFile = folder.appendingPathComponent("payload.json").path
        let environmentFile = folder.appendingPathComponent("env.txt").path
        let transport = LiveNotificationTransport(
            environment: ["PATH": "/usr/bin:/bin", "XADS_CONSUMER_SECRET": "must-not-leak", "HOME": "/root"]
        )
        let command = "cat > '\(payloadFile)' && env > '\(environmentFile)'"
        try await transport.deliver(Self.message, to: .command(command))
        let payload = try Data(contentsOf: URL(fileURLWithPath: payloadFile))
        #expect(payload == Data(Self.message.payload.utf8))
        let environment = try String(contentsOfFile: environmentFile, encoding: .utf8)
        #expect(environment.contains("CAMPAIGNCTL_EVENT=campaign.approved\n"))
        #expect(environment.contains("CAMPAIGNCTL_DELIVERY=dlv_01HZX3\n"))
        #expect(environment.contains("HOME=/root\n"))
        #expect(!environment.contains("XADS_"))
        #expect(!environment.contains("must-not-leak"))
    }

    @Test func failingCommandReportsItsStatusAndFirstStderrLine() async {
        let command = "cat > /dev/null; echo 'hook refused: no route' >&2; echo second line >&2; exit 3"
        await #expect(throws: NotificationDeliveryError.commandFailed(status: 3, stderr: "hook refused: no route")) {
            try await LiveNotificationTransport().deliver(Self.message, to: .command(command))
        }
    }

    @Test func commandThatIgnoresStdinStillSucceeds() async throws {
        let big = NotificationMessage(
            id: "d2",
            event: "e",
            recipient: "r",
            payload: String(repeating: "x", count: 300_000)
        )
        try await LiveNotificationTransport().deliver(big, to: .command("true"))
    }

    @Test func slowCommandTimesOut() async throws {
        // The command leaves a file if `sleep 20` ever finishes: after a timeout it must not, because the whole process
        // group was stopped. (Wall-clock bounds would be flaky: the suite runs in parallel on two cores.)
        let folder = try TemporaryDirectory()
        let finished = folder.path("finished")
        await #expect(throws: NotificationDeliveryError.timedOut(seconds: 1)) {
            try await LiveNotificationTransport(timeout: .seconds(1)).deliver(
                Self.message,
                to: .command("sleep 20; touch '\(finished)'")
            )
        }
        #expect(!FileManager.default.fileExists(atPath: finished))
    }
}
