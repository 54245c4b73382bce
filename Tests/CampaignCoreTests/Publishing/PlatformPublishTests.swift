import CampaignCore
import Foundation
import Testing

/// A fault that stops a publish where a killed process would.
struct InjectedCrash: Error {}

/// Publishing to the X Ads API exactly once and crash-safely, against the loopback fake API.
@Suite(.serialized) struct PlatformPublishTests {
    static func attempt<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    /// An approved sample campaign, ready to publish to the fake API.
    private func approved() throws -> ApprovalFixture {
        let f = try ApprovalFixture()
        try f.store.setPublishSettings(
            PublishSettings(
                target: "x-ads",
                accountID: XAdsClientTests.accountID,
                fundingInstrumentID: "fi-1",
                asUserID: "1234"
            ),
            actor: "alice"
        )
        try f.createAndSubmit("bougies-hiver")
        try f.approve("bougies-hiver", by: f.bob)
        return f
    }

    private func counts(_ api: FakeXAdsAPI) async -> [Int] {
        [
            await api.campaigns.count, await api.lineItems.count, await api.cards.count, await api.tweets.count,
            await api.promotedTweets.count,
        ]
    }

    @Test func aPublishCreatesEverythingOnceAndSwitchesItOnLast() async throws {
        let f = try approved()
        try await XAdsClientTests.withFakeAPI { api, port in
            let client = try XAdsClientTests.client(port: port, sleeps: SleepRecorder())
            let (result, _) = try await f.store.publish("bougies-hiver", as: f.acting(f.alice), to: client)
            #expect(await counts(api) == [1, 1, 1, 1, 1])
            #expect(await api.targetingCriteria.count == 4)  // FR, BE, CH, fr
            let campaign = try #require(await api.campaigns.values.first)
            #expect(campaign["entity_status"] == "ACTIVE")
            #expect(campaign["daily_budget_amount_local_micro"] == "60000000")
            #expect(campaign["name"] == "Soirées d'hiver [cctl bougies-hiver r1]")
            #expect(result.remoteIDs["campaign_id"] == campaign["id"])
            #expect(result.remoteIDs["card_uri"]?.hasPrefix("card://") == true)
            #expect(try f.store.campaignStatus("bougies-hiver").state == "published")
            // The card carries each product's checked Buy destination.
            let card = try #require(await api.cards.values.first)
            #expect(card.contains("https://checkout.maison-lumiere.fr/panier?ajout=ML-BOU-FIG-180&utm_source=x"))
        }
    }

    /// The plan has 11 requests for this campaign (campaign, line item, 4 targeting criteria, card, tweet,
    /// promoted tweet, 2 activations); crash after sending each (answer lost) and after storing each, then
    /// resume: always exactly one of every entity.
    @Test(arguments: 0..<11)
    func aCrashAtAnyStepResumesWithoutDuplicates(step: Int) async throws {
        for lostAnswer in [true, false] {
            let f = try approved()
            try await XAdsClientTests.withFakeAPI { api, port in
                let client = try XAdsClientTests.client(port: port, sleeps: SleepRecorder())
                let crash: @Sendable (Int, String) throws -> Void = { position, _ in
                    if position == step {
                        throw InjectedCrash()
                    }
                }
                let faults =
                    lostAnswer
                    ? PublishFaults(afterSend: crash, afterStore: { _, _ in })
                    : PublishFaults(afterSend: { _, _ in }, afterStore: crash)
                await #expect(throws: InjectedCrash.self) {
                    _ = try await f.store.publish("bougies-hiver", as: f.acting(f.alice), to: client, faults: faults)
                }
                #expect(try f.store.campaignStatus("bougies-hiver").state == "publishing")
                let (result, _) = try await f.store.publish("bougies-hiver", as: f.acting(f.alice), to: client)
                #expect(result.resumed)
                #expect(await counts(api) == [1, 1, 1, 1, 1], "crash at step \(step), lost answer: \(lostAnswer)")
                #expect(await api.targetingCriteria.count == 4)
                #expect(await api.campaigns.values.first?["entity_status"] == "ACTIVE")
                #expect(try f.store.campaignStatus("bougies-hiver").state == "published")
            }
        }
    }

    @Test func aRejectedRequestStopsWithTheAPIsMessageAndCanBeResumed() async throws {
        let f = try approved()
        try await XAdsClientTests.withFakeAPI { api, port in
            await api.script("cards", [.badRequest(code: "INVALID_PARAMETER", message: "media is too small")])
            let client = try XAdsClientTests.client(port: port, sleeps: SleepRecorder())
            let error = await #expect(throws: PublishError.self) {
                _ = try await f.store.publish("bougies-hiver", as: f.acting(f.alice), to: client)
            }
            #expect(error?.description.contains("media is too small") == true)
            #expect(await api.cards.isEmpty)
            let (result, _) = try await f.store.publish("bougies-hiver", as: f.acting(f.alice), to: client)
            #expect(result.resumed)
            #expect(await counts(api) == [1, 1, 1, 1, 1])
        }
    }

    @Test func twoPublishersAtOnceMakeExactlyOneCampaign() async throws {
        let f = try approved()
        try await XAdsClientTests.withFakeAPI { api, port in
            let client = try XAdsClientTests.client(port: port, sleeps: SleepRecorder())
            let store = f.store
            let alice = f.acting(f.alice)
            let carol = f.acting(f.carol)
            async let first = Self.attempt { try await store.publish("bougies-hiver", as: alice, to: client) }
            async let second = Self.attempt { try await store.publish("bougies-hiver", as: carol, to: client) }
            let results = await [first, second]
            #expect(results.filter { (try? $0.get()) != nil }.count == 1)
            let failure = results.compactMap { result -> (any Error)? in
                if case .failure(let error) = result { return error }
                return nil
            }.first
            #expect(failure is PublishError || failure is ApprovalError)
            #expect(await counts(api) == [1, 1, 1, 1, 1])
        }
    }
}
