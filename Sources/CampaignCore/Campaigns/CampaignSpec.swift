public import FeedImport

/// A campaign as its author writes it (YAML), before it is resolved against the catalog.
///
/// Every value remembers its line in the spec file, so that validation can point at it
/// (`spring.yml:12: error: [headline_too_long] …`). Money is parsed from the YAML text exactly
/// (`50.00` never goes through a `Double`).
public struct CampaignSpec: Sendable, Hashable {
    /// A value and the line it was written on (0 when defaulted).
    public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
        public var value: Value
        public var line: Int

        /// Creates a located value.
        public init(_ value: Value, line: Int) {
            self.value = value
            self.line = line
        }
    }

    /// The spec file as the user named it.
    public var file: String
    /// The campaign's stable id (slug): from `id:`, else derived from the name. It goes into `utm_id`.
    public var id: Located<String>
    /// Human name.
    public var name: Located<String>
    /// The X handle the promoted post is published from (`@maisonlumiere`).
    public var account: Located<String>
    /// The catalog the products come from.
    public var catalog: Located<String>
    /// `product_card`, `carousel` or `collection`.
    public var format: Located<PromotedFormat>
    /// Which products, in which order.
    public var selection: ProductSelection
    /// The collection's hero product (defaults to the first selected one).
    public var hero: Located<String>?
    /// The declared aspect ratio of every card image.
    public var imageAspect: Located<ImageAspect>
    /// Mustache template of the tweet text.
    public var text: Located<String>
    /// Mustache template of each card's headline (default `{{title}}`).
    public var headline: Located<String>
    /// Locale used to format prices (`fr-FR`).
    public var locale: Located<String>
    /// The Buy button.
    public var buyButton: BuyButtonSpec
    /// Budget in the account currency.
    public var budget: BudgetSpec
    /// When the campaign runs.
    public var schedule: ScheduleSpec
    /// Who sees it.
    public var targeting: TargetingSpec
    /// UTM parameters added to every destination.
    public var utm: UTMSpec
}

/// The promoted-post formats campaignctl builds.
public enum PromotedFormat: String, Sendable, Hashable, CaseIterable {
    /// One product: image, headline, price and Buy button.
    case productCard = "product_card"
    /// Two to six product cards that scroll sideways, each with its own Buy button.
    case carousel
    /// A hero product with two to four thumbnails (campaignctl's own format).
    case collection

    /// How many products the format takes.
    public var productRange: ClosedRange<Int> {
        switch self {
        case .productCard: 1...1
        case .carousel: 2...6
        case .collection: 3...5
        }
    }
}

/// The two image shapes X accepts for website and carousel cards.
public enum ImageAspect: String, Sendable, Hashable, CaseIterable {
    /// 1.91:1 (e.g. 1200 × 628).
    case landscape = "1.91:1"
    /// 1:1 (e.g. 1200 × 1200).
    case square = "1:1"
}

/// How products are chosen: explicit ids, or a filter on the catalog with a maximum and an order.
public struct ProductSelection: Sendable, Hashable {
    /// Explicit ids, in this order (takes precedence over the filter).
    public var ids: [CampaignSpec.Located<String>]
    /// Filters combined with AND.
    public var brand: CampaignSpec.Located<String>?
    /// `product_type` prefix (`Maison > Décoration`).
    public var productType: CampaignSpec.Located<String>?
    /// `custom_label_0…4` equal to a value.
    public var customLabels: [Int: CampaignSpec.Located<String>]
    /// Lowest price (inclusive), in micros of the catalog currency.
    public var minPrice: CampaignSpec.Located<Money>?
    /// Highest price (inclusive).
    public var maxPrice: CampaignSpec.Located<Money>?
    /// Accepted availabilities (default: in stock, preorder, backorder).
    public var availability: [CampaignSpec.Located<Availability>]
    /// Variant group.
    public var itemGroupID: CampaignSpec.Located<String>?
    /// At most this many products (default: the format's maximum).
    public var limit: CampaignSpec.Located<Int>?
    /// Stable order: `id`, `title`, `price_asc`, `price_desc` (ties broken by id).
    public var order: CampaignSpec.Located<SelectionOrder>
    /// Where the `products:` block is.
    public var line: Int

    /// Whether products are listed explicitly.
    public var isExplicit: Bool { !ids.isEmpty }
}

/// The order of filtered products.
public enum SelectionOrder: String, Sendable, Hashable, CaseIterable {
    case id
    case title
    case priceAscending = "price_asc"
    case priceDescending = "price_desc"
}

/// Where the Buy button sends the buyer.
public struct BuyButtonSpec: Sendable, Hashable {
    /// How the destination is built.
    public enum Destination: Sendable, Hashable {
        /// A checkout URL template rendered per product (`https://checkout.shop.fr/?sku={{id}}`).
        case checkoutTemplate(String)
        /// A per-product attribute holding the URL (`custom_label_4`).
        case attribute(String)
        /// The product's own link.
        case productLink
    }

    /// The button's label.
    public var label: CampaignSpec.Located<String>
    /// Its destination.
    public var destination: CampaignSpec.Located<Destination>
}

/// Daily and total budget, in integer micros of the account currency.
public struct BudgetSpec: Sendable, Hashable {
    public var currency: CampaignSpec.Located<String>
    public var dailyMicros: CampaignSpec.Located<Int64>
    public var totalMicros: CampaignSpec.Located<Int64>
}

/// Start and end, ISO 8601 with an offset.
public struct ScheduleSpec: Sendable, Hashable {
    /// As written (`2026-12-01T09:00:00+01:00`).
    public var start: CampaignSpec.Located<String>
    public var end: CampaignSpec.Located<String>
}

/// Audience.
public struct TargetingSpec: Sendable, Hashable {
    /// ISO 3166-1 alpha-2 codes.
    public var countries: [CampaignSpec.Located<String>]
    /// ISO 639-1 codes.
    public var languages: [CampaignSpec.Located<String>]
    /// Optional keywords.
    public var keywords: [CampaignSpec.Located<String>]
}

/// UTM parameters (GA4 names); `utm_content` is always the product id and `utm_id` the campaign id.
public struct UTMSpec: Sendable, Hashable {
    public var source: CampaignSpec.Located<String>
    public var medium: CampaignSpec.Located<String>
    public var campaign: CampaignSpec.Located<String>
}
