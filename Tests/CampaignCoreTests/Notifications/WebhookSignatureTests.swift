import CampaignCore
import Foundation
import Testing

/// Attacks on ``WebhookSignature/verify(header:body:secret:now:tolerance:)``.
@Suite struct WebhookSignatureTests {
    static let secret = "whsec_test_secret"
    static let body = #"{"id":"evt_test_webhook","object":"event"}"#
    static let timestamp: Int64 = 1_700_000_000
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    // HMAC-SHA256("whsec_test_secret", "1700000000." + body), computed independently with Python's hmac module.
    static let expected = "d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990"

    static func at(_ offset: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(timestamp + offset))
    }

    @Test func signatureMatchesAnIndependentHMAC() {
        #expect(
            WebhookSignature.signature(body: Array(Self.body.utf8), secret: Self.secret, timestamp: Self.timestamp)
                == Self.expected
        )
        #expect(
            WebhookSignature.sign(body: Self.body, secret: Self.secret, timestamp: Self.timestamp)
                == "t=1700000000,v1=\(Self.expected)"
        )
    }

    @Test func validHeaderIsAccepted() throws {
        let header = WebhookSignature.sign(body: Self.body, secret: Self.secret, timestamp: Self.timestamp)
        try WebhookSignature.verify(header: header, body: Self.body, secret: Self.secret, now: Self.at(120))
        try WebhookSignature.verify(header: header, body: Self.body, secret: Self.secret, now: Self.at(-299))
        try WebhookSignature.verify(
            header: header.uppercased().replacingOccurrences(of: "T=", with: "t=")
                .replacingOccurrences(of: "V1=", with: "v1="),
            body: Self.body,
            secret: Self.secret,
            now: Self.now
        )
    }

    @Test func wrongSecretIsRefused() {
        let header = WebhookSignature.sign(body: Self.body, secret: "whsec_other", timestamp: Self.timestamp)
        #expect(throws: WebhookSignatureError.signatureMismatch) {
            try WebhookSignature.verify(header: header, body: Self.body, secret: Self.secret, now: Self.now)
        }
    }

    @Test func staleTimestampIsRefused() {
        let header = WebhookSignature.sign(body: Self.body, secret: Self.secret, timestamp: Self.timestamp)
        #expect(throws: WebhookSignatureError.timestampTooOld(ageSeconds: 301)) {
            try WebhookSignature.verify(header: header, body: Self.body, secret: Self.secret, now: Self.at(301))
        }
    }

    @Test func futureTimestampBeyondToleranceIsRefused() {
        let header = WebhookSignature.sign(body: Self.body, secret: Self.secret, timestamp: Self.timestamp + 301)
        #expect(throws: WebhookSignatureError.timestampInFuture(aheadSeconds: 301)) {
            try WebhookSignature.verify(header: header, body: Self.body, secret: Self.secret, now: Self.now)
        }
    }

    @Test func tamperedBodyIsRefused() {
        let header = WebhookSignature.sign(body: Self.body, secret: Self.secret, timestamp: Self.timestamp)
        let tampered = Self.body.replacingOccurrences(of: "evt_test_webhook", with: "evt_test_webhooK")
        #expect(throws: WebhookSignatureError.signatureMismatch) {
            try WebhookSignature.verify(header: header, body: tampered, secret: Self.secret, now: Self.now)
        }
        #expect(throws: WebhookSignatureError.signatureMismatch) {
            try WebhookSignature.verify(header: header, body: Self.body + " ", secret: Self.secret, now: Self.now)
        }
    }

    @Test func headerReplayedOnAnotherBodyIsRefused() {
        let header = WebhookSignature.sign(body: Self.body, secret: Self.secret, timestamp: Self.timestamp)
        #expect(throws: WebhookSignatureError.signatureMismatch) {
            try WebhookSignature.verify(
                header: header,
                body: #"{"id":"evt_other","object":"event"}"#,
                secret: Self.secret,
                now: Self.now
            )
        }
    }

    @Test func changedTimestampWithTheOldSignatureIsRefused() {
        let forged = "t=\(Self.timestamp + 1000),v1=\(Self.expected)"
        #expect(throws: WebhookSignatureError.signatureMismatch) {
            try WebhookSignature.verify(header: forged, body: Self.body, secret: Self.secret, now: Self.at(1000))
        }
    }

    @Test func anyOneOfSeveralV1SignaturesIsAccepted() throws {
        let rotated = WebhookSignature.signature(body: Array(Self.body.utf8), secret: "old", timestamp: Self.timestamp)
        let header = "t=\(Self.timestamp),v1=\(rotated),v1=\(Self.expected),v0=6ffbb59b2300aae63f2723"
        try WebhookSignature.verify(header: header, body: Self.body, secret: Self.secret, now: Self.now)
        let allWrong = "t=\(Self.timestamp),v1=\(rotated),v1=zz,v1="
        #expect(throws: WebhookSignatureError.signatureMismatch) {
            try WebhookSignature.verify(header: allWrong, body: Self.body, secret: Self.secret, now: Self.now)
        }
    }

    @Test func headerWithoutV1IsRefused() {
        #expect(throws: WebhookSignatureError.noSignatures) {
            try WebhookSignature.verify(
                header: "t=\(Self.timestamp),v0=\(Self.expected)",
                body: Self.body,
                secret: Self.secret,
                now: Self.now
            )
        }
    }

    @Test func malformedHeadersAreRefused() {
        for header in [
            "", "garbage", "v1=\(Self.expected)", "t=abc,v1=\(Self.expected)", "t=-5,v1=\(Self.expected)",
            "t=1,t=2,v1=\(Self.expected)", "t=\(Self.timestamp),=x",
        ] {
            #expect(throws: WebhookSignatureError.self, "\(header)") {
                try WebhookSignature.verify(header: header, body: Self.body, secret: Self.secret, now: Self.now)
            }
        }
    }

    @Test func stalenessIsCheckedOnlyAfterTheSignature() {
        let header = WebhookSignature.sign(body: Self.body, secret: "whsec_other", timestamp: 12_345)
        #expect(throws: WebhookSignatureError.signatureMismatch) {
            try WebhookSignature.verify(header: header, body: Self.body, secret: Self.secret, now: Self.now)
        }
    }
}
