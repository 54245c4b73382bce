import FeedImport
import Foundation

/// Where and as whom campaigns are published (the workspace's publishing settings; secrets stay in the
/// environment).
public struct PublishSettings: Sendable, Hashable, Codable {
    /// `outbox` (default) or `x-ads`.
    public var target: String
    /// The X Ads account.
    public var accountID: String?
    /// The funding instrument campaigns are charged to (set up in the Ads UI).
    public var fundingInstrumentID: String?
    /// The user id of the brand's handle, for promoted-only tweets.
    public var asUserID: String?
    /// The API base URL (default `https://ads-api.x.com`).
    public var baseURL: String?

    enum CodingKeys: String, CodingKey {
        case target
        case accountID = "account_id"
        case fundingInstrumentID = "funding_instrument_id"
        case asUserID = "as_user_id"
        case baseURL = "base_url"
    }

    /// Settings with the outbox target.
    public init(
        target: String = "outbox",
        accountID: String? = nil,
        fundingInstrumentID: String? = nil,
        asUserID: String? = nil,
        baseURL: String? = nil
    ) {
        self.target = target
        self.accountID = accountID
        self.fundingInstrumentID = fundingInstrumentID
        self.asUserID = asUserID
        self.baseURL = baseURL
    }
}

/// The X Ads API requests that put an approved manifest live, in the documented order.
///
/// Everything is created PAUSED and only the last two requests switch the campaign and its line item
/// to ACTIVE, so an interrupted publish never leaves a half-built campaign running. Every entity's
/// name carries a marker (`[cctl <campaign> r<revision>]`) so that a publish resumed after a crash can
/// find what an unacknowledged request already created instead of creating it twice.
public enum PublishPlan {
    /// The API version in the paths.
    public static let apiVersion = "12"

    /// The marker in every created entity's name.
    public static func marker(campaignID: String, revision: Int) -> String {
        "[cctl \(campaignID) r\(revision)]"
    }

    /// The requests for `manifest` (revision `revision`).
    public static func requests(for manifest: CampaignManifest, revision: Int, settings: PublishSettings) -> [AdRequest]
    {
        let marker = marker(campaignID: manifest.campaignID, revision: revision)
        let account = "/\(apiVersion)/accounts/{account_id}"
        var requests: [AdRequest] = []
        requests.append(
            AdRequest(
                step: "campaign",
                method: "POST",
                path: "\(account)/campaigns",
                parameters: [
                    .init(name: "name", value: "\(manifest.name) \(marker)"),
                    .init(
                        name: "funding_instrument_id",
                        value: settings.fundingInstrumentID ?? "{funding_instrument_id}"
                    ),
                    .init(name: "daily_budget_amount_local_micro", value: String(manifest.budget.dailyMicros)),
                    .init(name: "total_budget_amount_local_micro", value: String(manifest.budget.totalMicros)),
                    .init(name: "entity_status", value: "PAUSED"),
                ],
                returns: "id",
                storesAs: "campaign_id"
            )
        )
        requests.append(
            AdRequest(
                step: "line_item",
                method: "POST",
                path: "\(account)/line_items",
                parameters: [
                    .init(name: "campaign_id", value: "{campaign_id}"),
                    .init(name: "name", value: "\(manifest.name) \(marker)"),
                    .init(name: "objective", value: "WEBSITE_CLICKS"),
                    .init(name: "placements", value: "ALL_ON_TWITTER"),
                    .init(name: "product_type", value: "PROMOTED_TWEETS"),
                    .init(name: "bid_strategy", value: "AUTO"),
                    .init(name: "start_time", value: utc(manifest.schedule.startEpoch)),
                    .init(name: "end_time", value: utc(manifest.schedule.endEpoch)),
                    .init(name: "entity_status", value: "PAUSED"),
                ],
                returns: "id",
                storesAs: "line_item_id"
            )
        )
        let criteria =
            manifest.targeting.countries.map { ("LOCATION", $0) }
            + manifest.targeting.languages.map { ("LANGUAGE", $0) }
            + manifest.targeting.keywords.map { ("BROAD_KEYWORD", $0) }
        for (index, criterion) in criteria.enumerated() {
            requests.append(
                AdRequest(
                    step: "targeting_criteria",
                    method: "POST",
                    path: "\(account)/targeting_criteria",
                    parameters: [
                        .init(name: "line_item_id", value: "{line_item_id}"),
                        .init(name: "targeting_type", value: criterion.0),
                        .init(name: "targeting_value", value: criterion.1),
                    ],
                    returns: "id",
                    storesAs: "targeting_criterion_\(index)"
                )
            )
        }
        requests.append(
            AdRequest(
                step: "card",
                method: "POST",
                path: "\(account)/cards",
                jsonBody: cardBody(manifest, marker: marker),
                returns: "card_uri",
                storesAs: "card_uri"
            )
        )
        requests.append(
            AdRequest(
                step: "tweet",
                method: "POST",
                path: "\(account)/tweet",
                parameters: [
                    .init(name: "as_user_id", value: settings.asUserID ?? "{as_user_id}"),
                    .init(name: "text", value: manifest.tweet.text),
                    .init(name: "card_uri", value: "{card_uri}"),
                    .init(name: "nullcast", value: "true"),
                    .init(name: "name", value: marker),
                ],
                returns: "id_str",
                storesAs: "tweet_id"
            )
        )
        requests.append(
            AdRequest(
                step: "promoted_tweet",
                method: "POST",
                path: "\(account)/promoted_tweets",
                parameters: [
                    .init(name: "line_item_id", value: "{line_item_id}"),
                    .init(name: "tweet_ids", value: "{tweet_id}"),
                ],
                returns: "id",
                storesAs: "promoted_tweet_id"
            )
        )
        requests.append(status("ACTIVE", of: "line_items", id: "{line_item_id}", step: "activate_line_item"))
        requests.append(status("ACTIVE", of: "campaigns", id: "{campaign_id}", step: "activate_campaign"))
        return requests
    }

    /// How to find what a create request made, after a crash left its answer unrecorded: a GET on the
    /// collection, and the fields an element must have (its marked name, or what it links).
    public static func lookup(for request: AdRequest) -> (request: AdRequest, match: [String: String])? {
        let account = "/\(apiVersion)/accounts/{account_id}"
        let parameter = { (name: String) in request.parameters.first { $0.name == name }?.value }
        func get(_ collection: String, _ parameters: [AdRequest.Parameter] = []) -> AdRequest {
            AdRequest(
                step: "lookup_\(request.step)",
                method: "GET",
                path: "\(account)/\(collection)",
                parameters: parameters
            )
        }
        switch request.step {
        case "campaign":
            return parameter("name").map { (get("campaigns"), ["name": $0]) }
        case "line_item":
            return parameter("name").map {
                (get("line_items", [.init(name: "campaign_ids", value: "{campaign_id}")]), ["name": $0])
            }
        case "targeting_criteria":
            guard let type = parameter("targeting_type"), let value = parameter("targeting_value") else {
                return nil
            }
            return (
                get("targeting_criteria", [.init(name: "line_item_ids", value: "{line_item_id}")]),
                ["targeting_type": type, "targeting_value": value]
            )
        case "card":
            guard let body = request.jsonBody, let json = try? CanonicalJSON(parsing: body),
                case .object(let members) = json,
                case .string(let name)? = members["name"]
            else {
                return nil
            }
            return (get("cards"), ["name": name])
        case "tweet":
            return parameter("name").map {
                (
                    get(
                        "tweets",
                        [
                            .init(name: "tweet_type", value: "PUBLISHED"),
                            .init(name: "timeline_type", value: "NULLCAST"),
                        ]
                    ), ["name": $0]
                )
            }
        case "promoted_tweet":
            return (
                get("promoted_tweets", [.init(name: "line_item_ids", value: "{line_item_id}")]),
                ["tweet_id": "{tweet_id}"]
            )
        default:
            return nil
        }
    }

    /// The request that pauses (or resumes) a live campaign.
    public static func statusChange(paused: Bool) -> AdRequest {
        status(paused ? "PAUSED" : "ACTIVE", of: "campaigns", id: "{campaign_id}", step: paused ? "pause" : "resume")
    }

    private static func status(_ status: String, of collection: String, id: String, step: String) -> AdRequest {
        AdRequest(
            step: step,
            method: "PUT",
            path: "/\(apiVersion)/accounts/{account_id}/\(collection)/\(id)",
            parameters: [.init(name: "entity_status", value: status)],
            returns: "id"
        )
    }

    /// The card's JSON body: one website card, a swipeable carousel, or a collection (hero first), each
    /// item with its image, headline and its own Buy destination. Images are referenced by URL; the
    /// executor uploads them to the media library.
    static func cardBody(_ manifest: CampaignManifest, marker: String) -> String {
        let items: [CanonicalJSON] = manifest.cards.map { card in
            .object([
                "media_url": .string(card.image.ascii),
                "aspect_ratio": .string(card.imageAspect),
                "title": .string(card.headline),
                "price": .string(card.priceDisplay),
                "original_price": card.originalPriceDisplay.map { .string($0) } ?? .null,
                "button": .object([
                    "label": .string(card.buyButton.label),
                    "destination": .object([
                        "type": .string("WEBSITE"), "url": .string(card.buyButton.destination.ascii),
                    ]),
                ]),
                "product_id": .string(card.product.id),
                "role": .string(card.role),
            ])
        }
        let type: String
        switch manifest.format {
        case PromotedFormat.carousel.rawValue: type = "SWIPEABLE_MEDIA"
        case PromotedFormat.collection.rawValue: type = "COLLECTION"
        default: type = "MEDIA_WITH_DETAILS"
        }
        let body: CanonicalJSON = .object([
            "name": .string("\(manifest.name) \(marker)"),
            "components": .array([.object(["type": .string(type), "items": .array(items)])]),
        ])
        return body.canonicalString
    }

    /// `2026-12-01T08:00:00Z`.
    static func utc(_ epoch: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(epoch)).formatted(Date.ISO8601FormatStyle())
    }
}
