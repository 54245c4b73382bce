import CampaignCore
import Foundation
import Testing

/// Placeholder resolution of ``AdRequest``.
@Suite struct AdRequestPlaceholderTests {
    static let ids = [
        "account_id": "18ce54d4x5t", "campaign_id": "8wku2", "card_uri": "card://1500000000000000007",
        "tweet_id": "1500000000000000009", "odd": "a\"b\\c/d e",
    ]

    @Test func pathPlaceholdersAreReplacedAndEncodedAsOneSegment() throws {
        let request = AdRequest(step: "pause", method: "put", path: "/12/accounts/{account_id}/campaigns/{odd}")
        let resolved = try request.resolved(with: Self.ids)
        #expect(resolved.method == "PUT")
        #expect(resolved.path == "/12/accounts/18ce54d4x5t/campaigns/a%22b%5Cc%2Fd%20e")
    }

    @Test func wholeValuePlaceholdersAreReplacedButTextWithBracesIsKept() throws {
        let request = AdRequest(
            step: "tweet",
            method: "POST",
            path: "/12/accounts/{account_id}/tweet",
            parameters: [
                .init(name: "text", value: "Soldes {campaign_id} -20 % {tweet_id}"),
                .init(name: "card_uri", value: "{card_uri}"),
                .init(name: "name", value: "{not a placeholder}"),
            ]
        )
        let resolved = try request.resolved(with: Self.ids)
        #expect(
            resolved.parameters == [
                .init(name: "text", value: "Soldes {campaign_id} -20 % {tweet_id}"),
                .init(name: "card_uri", value: "card://1500000000000000007"),
                .init(name: "name", value: "{not a placeholder}"),
            ]
        )
    }

    @Test func jsonBodyStringsThatArePlaceholdersAreReplacedJSONEscaped() throws {
        let request = AdRequest(
            step: "card",
            method: "POST",
            path: "/12/accounts/{account_id}/cards",
            jsonBody: #"{"a":"{odd}","b":"x {campaign_id}","c":["{campaign_id}"],"d":"{}"}"#
        )
        let resolved = try request.resolved(with: Self.ids)
        let body = try #require(resolved.jsonBody)
        #expect(body == #"{"a":"a\"b\\c/d e","b":"x {campaign_id}","c":["8wku2"],"d":"{}"}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        #expect(parsed?["a"] as? String == "a\"b\\c/d e")
    }

    @Test func missingIDsAreNamed() {
        let path = AdRequest(step: "x", method: "POST", path: "/12/accounts/{account_id}/campaigns/{campaign_id}")
        #expect(throws: AdPlatformError.unresolvedPlaceholder("campaign_id")) {
            try path.resolved(with: ["account_id": "a"])
        }
        let parameter = AdRequest(
            step: "x",
            method: "POST",
            path: "/12/x",
            parameters: [.init(name: "line_item_id", value: "{line_item_id}")]
        )
        #expect(throws: AdPlatformError.unresolvedPlaceholder("line_item_id")) {
            try parameter.resolved(with: [:])
        }
        let json = AdRequest(step: "x", method: "POST", path: "/12/x", jsonBody: #"{"k":"{tweet_id}"}"#)
        #expect(throws: AdPlatformError.unresolvedPlaceholder("tweet_id")) {
            try json.resolved(with: [:])
        }
    }

    @Test func malformedPathsAndMethodsAreMisconfigured() {
        for (method, path) in [
            ("POST", "/12/{unclosed"), ("POST", "/12/{bad name}"), ("DELETE", "/12/x"), ("POST", "x"),
        ] {
            #expect(throws: AdPlatformError.self) {
                try AdRequest(step: "x", method: method, path: path).resolved(with: [:])
            }
        }
    }

    @Test func requestsRoundTripThroughJSON() throws {
        let request = XAdsClientTests.publishSteps[4]
        let data = try JSONEncoder().encode(request)
        #expect(try JSONDecoder().decode(AdRequest.self, from: data) == request)
    }

    @Test func errorDescriptionsAreLowerCaseSentences() {
        #expect(
            AdPlatformError.rejected(status: 400, code: "INVALID_PARAMETER", message: "Bad").description
                == "rejected with http 400 [INVALID_PARAMETER]: Bad"
        )
        #expect(
            AdPlatformError.unavailable(status: nil, reason: "timed out", attempts: 3).description
                == "unavailable after 3 attempts: timed out"
        )
        #expect(
            AdPlatformError.missingID(step: "card", field: "card_uri").description
                == "the card response has no data.card_uri"
        )
    }
}
