/// Everything that would go live, resolved: the exact document approvers sign.
///
/// Serialised as canonical JSON (sorted keys, no insignificant whitespace, integers for money, NFC
/// strings: RFC 8785 style) and hashed with SHA-256: the revision digest. The manifest is a pure
/// function of the spec and the catalog data it uses, so the same inputs give the same bytes on
/// every run and machine, and any change to a price, a URL or a word gives a new digest.
public struct CampaignManifest: Codable, Hashable, Sendable {
    /// The manifest format; bumped if its meaning ever changes.
    public var manifestVersion: Int
    /// The campaign's stable id (also `utm_id`).
    public var campaignID: String
    public var name: String
    /// The X handle that publishes the promoted post.
    public var account: String
    public var format: String
    /// The catalog the products come from.
    public var catalog: String
    /// The promoted post's text, rendered.
    public var tweet: Tweet
    /// The cards in display order (the collection's hero first).
    public var cards: [Card]
    public var budget: Budget
    public var schedule: Schedule
    public var targeting: Targeting
    public var utm: UTM

    /// The rendered promoted post.
    public struct Tweet: Codable, Hashable, Sendable {
        public var text: String
        /// twitter-text v3 weighted length (≤ 280).
        public var weightedLength: Int
        /// Every URL in the text, in both forms, as checked.
        public var links: [Link]

        enum CodingKeys: String, CodingKey {
            case text
            case weightedLength = "weighted_length"
            case links
        }
    }

    /// A URL in both forms: what the browser requests (ASCII, punycode host) and how a human reads it.
    public struct Link: Codable, Hashable, Sendable {
        public var ascii: String
        public var unicode: String
        /// The link checks it passed.
        public var checks: [String]
    }

    /// One product card.
    public struct Card: Codable, Hashable, Sendable {
        /// 1-based position.
        public var position: Int
        /// `hero` or `thumbnail` in a collection, `card` otherwise.
        public var role: String
        public var headline: String
        public var image: Link
        /// `1:1` or `1.91:1`, as declared by the spec.
        public var imageAspect: String
        /// The price as shown (`34,00 €`), and the struck original when on sale.
        public var priceDisplay: String
        public var originalPriceDisplay: String?
        public var buyButton: BuyButton
        /// The catalog data the card was built from.
        public var product: ProductSnapshot

        enum CodingKeys: String, CodingKey {
            case position, role, headline, image
            case imageAspect = "image_aspect"
            case priceDisplay = "price_display"
            case originalPriceDisplay = "original_price_display"
            case buyButton = "buy_button"
            case product
        }
    }

    /// The Buy button: its label and final destination (with UTM parameters).
    public struct BuyButton: Codable, Hashable, Sendable {
        public var label: String
        public var destination: Link
    }

    /// The product fields the ad uses, from the catalog at resolution time.
    public struct ProductSnapshot: Codable, Hashable, Sendable {
        public var id: String
        public var title: String
        public var priceMicros: Int64
        public var salePriceMicros: Int64?
        public var currency: String
        public var availability: String
        public var imageLink: String
        public var link: String

        enum CodingKeys: String, CodingKey {
            case id, title
            case priceMicros = "price_micros"
            case salePriceMicros = "sale_price_micros"
            case currency
            case availability
            case imageLink = "image_link"
            case link
        }
    }

    /// Budget in integer micros of the account currency.
    public struct Budget: Codable, Hashable, Sendable {
        public var currency: String
        public var dailyMicros: Int64
        public var totalMicros: Int64

        enum CodingKeys: String, CodingKey {
            case currency
            case dailyMicros = "daily_micros"
            case totalMicros = "total_micros"
        }
    }

    /// Start and end as written (with their offsets) and as UTC instants.
    public struct Schedule: Codable, Hashable, Sendable {
        public var start: String
        public var end: String
        public var startEpoch: Int64
        public var endEpoch: Int64

        enum CodingKeys: String, CodingKey {
            case start, end
            case startEpoch = "start_epoch"
            case endEpoch = "end_epoch"
        }
    }

    /// Audience.
    public struct Targeting: Codable, Hashable, Sendable {
        public var countries: [String]
        public var languages: [String]
        public var keywords: [String]
    }

    /// UTM parameters applied to every destination.
    public struct UTM: Codable, Hashable, Sendable {
        public var source: String
        public var medium: String
        public var campaign: String
    }

    enum CodingKeys: String, CodingKey {
        case manifestVersion = "manifest_version"
        case campaignID = "campaign_id"
        case name, account, format, catalog, tweet
        case cards, budget, schedule, targeting, utm
    }

    /// The canonical bytes.
    public func canonicalJSON() throws -> CanonicalJSON {
        try CanonicalJSON(encoding: self)
    }

    /// SHA-256 of the canonical bytes, lower-case hex: the revision digest approvers sign.
    public func digest() throws -> String {
        try canonicalJSON().sha256Hex
    }
}
