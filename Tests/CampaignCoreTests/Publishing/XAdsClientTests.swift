import AsyncHTTPClient
import CampaignCore
import Foundation
import Testing

/// Records the waits the client asks for instead of sleeping.
actor SleepRecorder {
    private(set) var sleeps: [Duration] = []

    func record(_ duration: Duration) {
        sleeps.append(duration)
    }
}

/// The client against the loopback fake X Ads API, over real HTTP.
@Suite struct XAdsClientTests {
    static let accountID = "18ce54d4x5t"
    static let consumerKey = "ck-test-key"
    static let consumerSecret = "cs-Te5t/s3cret+with=specials"
    static let accessToken = "756201191646691328-tokenVALUE"
    static let accessTokenSecret = "ats-an0ther~secret"
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func withFakeAPI<T: Sendable>(
        _ body: @Sendable (FakeXAdsAPI, Int) async throws -> T
    ) async throws -> T {
        let api = FakeXAdsAPI(
            accountID: accountID,
            consumerKey: consumerKey,
            consumerSecret: consumerSecret,
            token: accessToken,
            tokenSecret: accessTokenSecret
        )
        return try await LoopbackHTTPServer(handler: { await api.handle($0) }).run { port in
            try await body(api, port)
        }
    }

    static func configuration(port: Int, consumerSecret: String = consumerSecret) -> XAdsConfiguration {
        XAdsConfiguration(
            baseURL: "http://127.0.0.1:\(port)",
            accountID: accountID,
            consumerKey: consumerKey,
            consumerSecret: consumerSecret,
            accessToken: accessToken,
            accessTokenSecret: accessTokenSecret
        )
    }

    static func client(
        port: Int,
        sleeps: SleepRecorder,
        maxAttempts: Int = 4,
        placement: XAdsParameterPlacement = .query,
        consumerSecret: String = consumerSecret,
        requestTimeout: Duration = .seconds(5)
    ) throws -> XAdsClient {
        try XAdsClient(
            configuration: configuration(port: port, consumerSecret: consumerSecret),
            retryPolicy: XAdsRetryPolicy(maxAttempts: maxAttempts, requestTimeout: requestTimeout),
            parameterPlacement: placement,
            dependencies: XAdsClient.Dependencies(
                now: { now },
                nonce: { OAuth1Signer.randomNonce() },
                sleep: { await sleeps.record($0) },
                jitter: { 0.5 }
            )
        )
    }

    static let createCampaign = AdRequest(
        step: "campaign",
        method: "POST",
        path: "/12/accounts/{account_id}/campaigns",
        parameters: [
            .init(name: "funding_instrument_id", value: "lygyi"),
            .init(name: "name", value: "Maison Lumière — linen, été 2026"),
            .init(name: "daily_budget_amount_local_micro", value: "5500000"),
            .init(name: "entity_status", value: "PAUSED"),
        ],
        returns: "id",
        storesAs: "campaign_id"
    )

    /// The publishing sequence the lead's code builds from a manifest.
    static let publishSteps: [AdRequest] = [
        createCampaign,
        AdRequest(
            step: "line_item",
            method: "POST",
            path: "/12/accounts/{account_id}/line_items",
            parameters: [
                .init(name: "campaign_id", value: "{campaign_id}"),
                .init(name: "name", value: "ML linen — FR"),
                .init(name: "objective", value: "WEBSITE_CLICKS"),
                .init(name: "placements", value: "ALL_ON_TWITTER"),
                .init(name: "product_type", value: "PROMOTED_TWEETS"),
                .init(name: "bid_amount_local_micro", value: "1500000"),
                .init(name: "entity_status", value: "PAUSED"),
            ],
            returns: "id",
            storesAs: "line_item_id"
        ),
        AdRequest(
            step: "targeting_criteria",
            method: "POST",
            path: "/12/accounts/{account_id}/targeting_criteria",
            parameters: [
                .init(name: "line_item_id", value: "{line_item_id}"),
                .init(name: "targeting_type", value: "LOCATION"),
                .init(name: "targeting_value", value: "f4ee2ab7b7c6c6f9"),
            ],
            returns: "id",
            storesAs: "targeting_criterion_id"
        ),
        AdRequest(
            step: "card",
            method: "POST",
            path: "/12/accounts/{account_id}/cards",
            jsonBody: #"{"components":[{"media_key":"3_1073727809120419840","type":"MEDIA"},"#
                + #"{"destination":{"type":"WEBSITE","url":"https://maison-lumiere.example/p/ML-COU?utm_source=x"},"#
                + #""title":"Housse de couette en lin","type":"DETAILS"}],"name":"ML-COU-LIN card"}"#,
            returns: "card_uri",
            storesAs: "card_uri"
        ),
        AdRequest(
            step: "tweet",
            method: "POST",
            path: "/12/accounts/{account_id}/tweet",
            parameters: [
                .init(name: "as_user_id", value: "756201191646691328"),
                .init(name: "text", value: tweetText),
                .init(name: "card_uri", value: "{card_uri}"),
                .init(name: "nullcast", value: "true"),
            ],
            returns: "id_str",
            storesAs: "tweet_id"
        ),
        AdRequest(
            step: "promoted_tweet",
            method: "POST",
            path: "/12/accounts/{account_id}/promoted_tweets",
            parameters: [
                .init(name: "line_item_id", value: "{line_item_id}"),
                .init(name: "tweet_ids", value: "{tweet_id}"),
            ],
            returns: "id",
            storesAs: "promoted_tweet_id"
        ),
        AdRequest(
            step: "resume",
            method: "PUT",
            path: "/12/accounts/{account_id}/campaigns/{campaign_id}",
            parameters: [.init(name: "entity_status", value: "ACTIVE")],
            returns: "id"
        ),
        AdRequest(
            step: "pause",
            method: "PUT",
            path: "/12/accounts/{account_id}/campaigns/{campaign_id}",
            parameters: [.init(name: "entity_status", value: "PAUSED")],
            returns: "id"
        ),
    ]

    static let tweetText = "Lin & lumière — 20 % off {this week} 🌿 https://maison-lumiere.example/p/ML-COU?a=1&b=2+3"

    @Test func publishingSequenceCreatesEveryEntityWithVerifiedSignatures() async throws {
        try await Self.withFakeAPI { api, port in
            let sleeps = SleepRecorder()
            let client = try Self.client(port: port, sleeps: sleeps)
            var ids: [String: String] = [:]
            for step in Self.publishSteps {
                let response = try await client.send(step, ids: ids)
                #expect(response.status == 200)
                if let name = step.storesAs {
                    let value = try #require(response.returnedValue)
                    ids[name] = value
                }
            }
            let log = await api.log
            #expect(log.count == Self.publishSteps.count)
            #expect(log.allSatisfy { $0.status == 200 })
            #expect(Set(log.map(\.nonce)).count == log.count)

            let campaignID = try #require(ids["campaign_id"])
            let campaign = try #require(await api.campaigns[campaignID])
            #expect(campaign["name"] == "Maison Lumière — linen, été 2026")
            #expect(campaign["entity_status"] == "PAUSED")
            #expect(await api.lineItems[try #require(ids["line_item_id"])]?["campaign_id"] == campaignID)
            let cardURI = try #require(ids["card_uri"])
            #expect(cardURI.hasPrefix("card://"))
            let tweetID = try #require(ids["tweet_id"])
            let tweet = try #require(await api.tweets[tweetID])
            #expect(tweet["text"] == Self.tweetText)
            #expect(tweet["card_uri"] == cardURI)
            let promoted = await api.promotedTweets.values.map { $0["tweet_id"] }
            #expect(promoted == [tweetID])
            #expect(await sleeps.sleeps.isEmpty)
        }
    }

    @Test func formBodyParametersAreSignedAndAccepted() async throws {
        try await Self.withFakeAPI { api, port in
            let client = try Self.client(port: port, sleeps: SleepRecorder(), placement: .formBody)
            let response = try await client.send(Self.createCampaign, ids: [:])
            let id = response.returnedValue ?? ""
            #expect(await api.campaigns[id]?["daily_budget_amount_local_micro"] == "5500000")
        }
    }

    @Test func rateLimitWaitsUntilTheResetEpochThenRetries() async throws {
        try await Self.withFakeAPI { api, port in
            await api.script("campaigns", [.rateLimited(resetEpoch: 1_700_000_005, header: "x-rate-limit-reset")])
            let sleeps = SleepRecorder()
            let client = try Self.client(port: port, sleeps: sleeps)
            let response = try await client.send(Self.createCampaign, ids: [:])
            #expect(response.status == 200)
            #expect(await sleeps.sleeps == [.seconds(6)])  // 5 s to the reset plus the 1 s margin
            let log = await api.log
            #expect(log.map(\.status) == [429, 200])
            #expect(log[0].nonce != log[1].nonce)
        }
    }

    @Test func accountRateLimitHeaderIsHonoured() async throws {
        try await Self.withFakeAPI { api, port in
            await api.script(
                "line_items",
                [.rateLimited(resetEpoch: 1_700_000_060, header: "x-account-rate-limit-reset")]
            )
            let sleeps = SleepRecorder()
            let client = try Self.client(port: port, sleeps: sleeps)
            let campaign = try await client.send(Self.createCampaign, ids: [:])
            let lineItem = try await client.send(
                Self.publishSteps[1],
                ids: ["campaign_id": try #require(campaign.returnedValue)]
            )
            #expect(lineItem.returnedValue != nil)
            #expect(await sleeps.sleeps == [.seconds(61)])
        }
    }

    @Test func rateLimitResetBeyondTheCapFailsWithoutWaiting() async throws {
        try await Self.withFakeAPI { api, port in
            await api.script("campaigns", [.rateLimited(resetEpoch: 1_700_003_600, header: "x-rate-limit-reset")])
            let sleeps = SleepRecorder()
            let client = try Self.client(port: port, sleeps: sleeps)
            let error = await #expect(throws: AdPlatformError.self) {
                try await client.send(Self.createCampaign, ids: [:])
            }
            guard case .unavailable(status: 429, _, attempts: 1) = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(await sleeps.sleeps.isEmpty)
        }
    }

    @Test func serverErrorIsRetriedWithBackoff() async throws {
        try await Self.withFakeAPI { api, port in
            await api.script("campaigns", [.serverError])
            let sleeps = SleepRecorder()
            let client = try Self.client(port: port, sleeps: sleeps)
            let response = try await client.send(Self.createCampaign, ids: [:])
            #expect(response.returnedValue != nil)
            #expect(await sleeps.sleeps == [.milliseconds(750)])  // 1 s halved, plus half of the other half
            #expect(await api.log.map(\.status) == [500, 200])
        }
    }

    @Test func persistentServerErrorsEndAsUnavailableAfterMaxAttempts() async throws {
        try await Self.withFakeAPI { api, port in
            await api.script("campaigns", [.serverError, .serverError, .serverError])
            let sleeps = SleepRecorder()
            let client = try Self.client(port: port, sleeps: sleeps, maxAttempts: 3)
            await #expect(throws: AdPlatformError.unavailable(status: 500, reason: "Internal error", attempts: 3)) {
                try await client.send(Self.createCampaign, ids: [:])
            }
            #expect(await sleeps.sleeps == [.milliseconds(750), .milliseconds(1500)])
            #expect(await api.campaigns.isEmpty)
        }
    }

    @Test func badRequestIsRejectedWithTheAPIsCodeAndMessageWithoutRetry() async throws {
        try await Self.withFakeAPI { api, port in
            await api.script(
                "campaigns",
                [.badRequest(code: "INVALID_PARAMETER", message: "Expected a valid funding_instrument_id")]
            )
            let client = try Self.client(port: port, sleeps: SleepRecorder())
            await #expect(
                throws: AdPlatformError.rejected(
                    status: 400,
                    code: "INVALID_PARAMETER",
                    message: "Expected a valid funding_instrument_id"
                )
            ) {
                try await client.send(Self.createCampaign, ids: [:])
            }
            #expect(await api.log.count == 1)
        }
    }

    @Test func missingRequiredParameterIsRejectedByTheFakeAPI() async throws {
        try await Self.withFakeAPI { _, port in
            var request = Self.createCampaign
            request.parameters.removeAll { $0.name == "daily_budget_amount_local_micro" }
            let client = try Self.client(port: port, sleeps: SleepRecorder())
            await #expect(
                throws: AdPlatformError.rejected(
                    status: 400,
                    code: "MISSING_PARAMETER",
                    message: "daily_budget_amount_local_micro is required"
                )
            ) {
                try await client.send(request, ids: [:])
            }
        }
    }

    @Test func wrongSecretIsRejectedAsUnauthorizedAndTheErrorHidesSecrets() async throws {
        try await Self.withFakeAPI { _, port in
            let client = try Self.client(port: port, sleeps: SleepRecorder(), consumerSecret: "not-the-secret")
            let error = await #expect(throws: AdPlatformError.self) {
                try await client.send(Self.createCampaign, ids: [:])
            }
            guard case .rejected(status: 401, code: "UNAUTHORIZED_ACCESS", _) = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            let text = String(describing: error)
            #expect(!text.contains("not-the-secret") && !text.contains(Self.accessTokenSecret))
        }
    }

    @Test func unknownReturnedFieldIsAMissingID() async throws {
        try await Self.withFakeAPI { _, port in
            var request = Self.createCampaign
            request.returns = "campaign_uuid"
            let client = try Self.client(port: port, sleeps: SleepRecorder())
            await #expect(throws: AdPlatformError.missingID(step: "campaign", field: "campaign_uuid")) {
                try await client.send(request, ids: [:])
            }
        }
    }

    @Test func pausingAnUnknownCampaignIsRejectedAsNotFound() async throws {
        try await Self.withFakeAPI { _, port in
            let client = try Self.client(port: port, sleeps: SleepRecorder())
            let error = await #expect(throws: AdPlatformError.self) {
                try await client.send(Self.publishSteps[7], ids: ["campaign_id": "nope"])
            }
            guard case .rejected(status: 404, code: "NOT_FOUND", _) = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
        }
    }

    @Test func unreachableHostEndsAsUnavailableAfterRetries() async throws {
        // A port that was just released by a loopback server, so nothing listens there any more.
        let port = try await LoopbackHTTPServer(handler: { _ in LoopbackReply(status: 200) }).run { $0 }
        let sleeps = SleepRecorder()
        // async-http-client keeps retrying a refused connection until the request's deadline.
        let client = try Self.client(port: port, sleeps: sleeps, maxAttempts: 2, requestTimeout: .seconds(1))
        let error = await #expect(throws: AdPlatformError.self) {
            try await client.send(Self.createCampaign, ids: [:])
        }
        guard case .unavailable(status: nil, _, attempts: 2) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(await sleeps.sleeps.count == 1)
    }

    @Test func unresolvedPlaceholderFailsBeforeAnythingIsSent() async throws {
        try await Self.withFakeAPI { api, port in
            let client = try Self.client(port: port, sleeps: SleepRecorder())
            await #expect(throws: AdPlatformError.unresolvedPlaceholder("campaign_id")) {
                try await client.send(Self.publishSteps[1], ids: [:])
            }
            #expect(await api.log.isEmpty)
        }
    }

    @Test func idsNamingAnotherAccountAreRefused() async throws {
        let client = try Self.client(port: 1, sleeps: SleepRecorder())
        let error = await #expect(throws: AdPlatformError.self) {
            try await client.send(Self.createCampaign, ids: ["account_id": "other"])
        }
        guard case .misconfigured = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }
}

/// Configuration from the environment, and what it prints.
@Suite struct XAdsConfigurationTests {
    static let environment = [
        "XADS_CONSUMER_KEY": "key-AAAA",
        "XADS_CONSUMER_SECRET": "secret-BBBB",
        "XADS_ACCESS_TOKEN": "token-CCCC",
        "XADS_ACCESS_TOKEN_SECRET": "token-secret-DDDD",
        "HOME": "/root",
    ]

    @Test func credentialsAreReadFromTheEnvironment() throws {
        let configuration = try XAdsConfiguration.fromEnvironment(Self.environment, accountID: "18ce54d4x5t")
        #expect(configuration.baseURL == "https://ads-api.x.com")
        #expect(configuration.consumerKey == "key-AAAA")
        #expect(configuration.consumerSecret == "secret-BBBB")
        #expect(configuration.accessToken == "token-CCCC")
        #expect(configuration.accessTokenSecret == "token-secret-DDDD")
    }

    @Test func missingVariableIsNamed() {
        var environment = Self.environment
        environment["XADS_ACCESS_TOKEN_SECRET"] = "  "
        #expect(throws: AdPlatformError.misconfigured("environment variable XADS_ACCESS_TOKEN_SECRET is not set")) {
            try XAdsConfiguration.fromEnvironment(environment, accountID: "18ce54d4x5t")
        }
    }

    @Test func plainHTTPIsRefusedExceptToLoopback() throws {
        #expect(throws: AdPlatformError.self) {
            try XAdsConfiguration.fromEnvironment(
                Self.environment,
                baseURL: "http://ads-api.x.com",
                accountID: "18ce54d4x5t"
            )
        }
        _ = try XAdsConfiguration.fromEnvironment(
            Self.environment,
            baseURL: "http://127.0.0.1:8080",
            accountID: "18ce54d4x5t"
        )
    }

    @Test func secretsNeverAppearInDescriptions() throws {
        let configuration = try XAdsConfiguration.fromEnvironment(Self.environment, accountID: "18ce54d4x5t")
        let client = try XAdsClient(configuration: configuration)
        let printed = [
            String(describing: configuration), String(reflecting: configuration), "\(configuration)",
            dumpedText(configuration), String(describing: client), String(reflecting: client), dumpedText(client),
        ]
        for text in printed {
            for secret in ["key-AAAA", "secret-BBBB", "token-CCCC", "token-secret-DDDD"] {
                #expect(!text.contains(secret), "\(secret) printed in \(text)")
            }
        }
        #expect(String(describing: configuration).contains("18ce54d4x5t"))
    }
}
