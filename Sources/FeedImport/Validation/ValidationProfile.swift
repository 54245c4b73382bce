/// The channel whose rules an import is checked against: limits and spellings differ between
/// Google Merchant Center, Meta catalogs and X Shopping catalogs.
///
/// The product model stays the same for every profile; only what counts as a problem changes.
/// See the ValidationRules article for the full table.
public struct ValidationProfile: Hashable, Sendable {
    /// Who must name a brand, beyond the brand's length limit.
    public enum BrandRequirement: String, Hashable, Sendable {
        /// Google: every `new` product needs a brand, unless `identifier_exists` is `no`/`false`
        /// and there is no GTIN.
        case newProducts = "new_products"
        /// Meta and X: a brand is needed only when there is neither a GTIN nor an MPN.
        case unlessGTINOrMPN = "unless_gtin_or_mpn"
    }

    /// The profile's name, as given on the command line (`google`, `meta`, `x`).
    public var name: String
    /// The longest `id` accepted, in characters.
    public var maximumIDLength: Int
    /// The longest `title` accepted, in characters.
    public var maximumTitleLength: Int
    /// The longest `description` kept; longer ones are truncated with a warning.
    public var maximumDescriptionLength: Int
    /// Whether `description` may carry the limited HTML Merchant Center renders.
    public var allowsDescriptionHTML: Bool
    /// The longest `brand` accepted, in characters.
    public var maximumBrandLength: Int
    /// How many `additional_image_link` values are kept.
    public var maximumAdditionalImageLinks: Int
    /// The accepted `age_group` values, lower case.
    public var ageGroups: Set<String>
    /// Whether Meta's spaced availability spellings (`in stock` …) are native (no warning).
    public var acceptsSpacedAvailability: Bool
    /// Whether Meta's extra availability values (`discontinued`, `pending`, `mark_as_sold`) are accepted.
    public var acceptsExtendedAvailability: Bool
    /// When a missing brand is an error.
    public var brandRequirement: BrandRequirement
    /// Whether an item with a brand but neither GTIN nor MPN gets a `missing_identifier` warning.
    public var warnsOnMissingIdentifiers: Bool

    /// Creates a profile; most callers use ``google``, ``meta`` or ``x``.
    public init(
        name: String,
        maximumIDLength: Int,
        maximumTitleLength: Int,
        maximumDescriptionLength: Int,
        allowsDescriptionHTML: Bool,
        maximumBrandLength: Int,
        maximumAdditionalImageLinks: Int = 10,
        ageGroups: Set<String>,
        acceptsSpacedAvailability: Bool,
        acceptsExtendedAvailability: Bool,
        brandRequirement: BrandRequirement,
        warnsOnMissingIdentifiers: Bool
    ) {
        self.name = name
        self.maximumIDLength = maximumIDLength
        self.maximumTitleLength = maximumTitleLength
        self.maximumDescriptionLength = maximumDescriptionLength
        self.allowsDescriptionHTML = allowsDescriptionHTML
        self.maximumBrandLength = maximumBrandLength
        self.maximumAdditionalImageLinks = maximumAdditionalImageLinks
        self.ageGroups = ageGroups
        self.acceptsSpacedAvailability = acceptsSpacedAvailability
        self.acceptsExtendedAvailability = acceptsExtendedAvailability
        self.brandRequirement = brandRequirement
        self.warnsOnMissingIdentifiers = warnsOnMissingIdentifiers
    }

    private static let googleAgeGroups: Set<String> = ["newborn", "infant", "toddler", "kids", "adult"]

    /// Google Merchant Center (the default): id 50, title 150, description 5000 with limited HTML, brand 70.
    public static let google = ValidationProfile(
        name: "google",
        maximumIDLength: 50,
        maximumTitleLength: 150,
        maximumDescriptionLength: 5000,
        allowsDescriptionHTML: true,
        maximumBrandLength: 70,
        ageGroups: googleAgeGroups,
        acceptsSpacedAvailability: false,
        acceptsExtendedAvailability: false,
        brandRequirement: .newProducts,
        warnsOnMissingIdentifiers: true
    )

    /// Meta catalogs: id 100, title 200, description 9999 plain text, brand 100, Meta's availability spellings.
    public static let meta = ValidationProfile(
        name: "meta",
        maximumIDLength: 100,
        maximumTitleLength: 200,
        maximumDescriptionLength: 9999,
        allowsDescriptionHTML: false,
        maximumBrandLength: 100,
        ageGroups: googleAgeGroups.union(["all ages", "teen"]),
        acceptsSpacedAvailability: true,
        acceptsExtendedAvailability: true,
        brandRequirement: .unlessGTINOrMPN,
        warnsOnMissingIdentifiers: false
    )

    /// X Shopping catalogs: id 100, title 150, description 5000 plain text, Meta's availability spellings.
    public static let x = ValidationProfile(
        name: "x",
        maximumIDLength: 100,
        maximumTitleLength: 150,
        maximumDescriptionLength: 5000,
        allowsDescriptionHTML: false,
        maximumBrandLength: 100,
        ageGroups: googleAgeGroups.union(["all ages", "teen"]),
        acceptsSpacedAvailability: true,
        acceptsExtendedAvailability: true,
        brandRequirement: .unlessGTINOrMPN,
        warnsOnMissingIdentifiers: false
    )

    /// Every built-in profile, default first.
    public static let all: [ValidationProfile] = [.google, .meta, .x]

    /// The built-in profile with that name (`google`, `meta`, `x`, any case), or `nil`.
    public static func named(_ name: String) -> ValidationProfile? {
        switch name.lowercased() {
        case "google": .google
        case "meta": .meta
        case "x": .x
        default: nil
        }
    }
}
