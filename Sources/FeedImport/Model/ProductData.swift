/// A validated product: the typed fields campaigns use, plus every attribute in canonical form.
public struct ProductData: Hashable, Sendable {
    /// The feed's `id`, trimmed.
    public var id: String
    /// The title, trimmed.
    public var title: String
    /// The description (may contain the limited HTML Merchant Center allows).
    public var description: String?
    /// The landing page.
    public var link: String
    /// The main image.
    public var imageLink: String
    /// Extra images, at most 10 kept.
    public var additionalImageLinks: [String]
    /// Stock status, normalised to Google's spelling.
    public var availability: Availability
    /// When a preorder or backorder product becomes available (ISO 8601 as given).
    public var availabilityDate: String?
    /// The regular price.
    public var price: Money
    /// The reduced price, when there is one (same currency, lower than ``price``).
    public var salePrice: Money?
    /// The sale's validity interval (`start/end`, ISO 8601) as given.
    public var salePriceEffectiveDate: String?
    /// `new`, `refurbished` or `used`.
    public var condition: String?
    /// The brand.
    public var brand: String?
    /// The GTIN, digits only.
    public var gtin: String?
    /// The manufacturer part number.
    public var mpn: String?
    /// The variant group.
    public var itemGroupID: String?
    /// `custom_label_0` … `custom_label_4` (always five entries).
    public var customLabels: [String?]
    /// The merchant's category paths (first one is the main one).
    public var productTypes: [String]
    /// Google's taxonomy id or path.
    public var googleProductCategory: String?
    /// Every attribute of the item, normalised (trimmed, enums and prices in canonical spelling).
    public var attributes: ProductAttributes

    /// Creates a product.
    public init(
        id: String,
        title: String,
        description: String? = nil,
        link: String,
        imageLink: String,
        additionalImageLinks: [String] = [],
        availability: Availability,
        availabilityDate: String? = nil,
        price: Money,
        salePrice: Money? = nil,
        salePriceEffectiveDate: String? = nil,
        condition: String? = nil,
        brand: String? = nil,
        gtin: String? = nil,
        mpn: String? = nil,
        itemGroupID: String? = nil,
        customLabels: [String?] = [nil, nil, nil, nil, nil],
        productTypes: [String] = [],
        googleProductCategory: String? = nil,
        attributes: ProductAttributes
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.link = link
        self.imageLink = imageLink
        self.additionalImageLinks = additionalImageLinks
        self.availability = availability
        self.availabilityDate = availabilityDate
        self.price = price
        self.salePrice = salePrice
        self.salePriceEffectiveDate = salePriceEffectiveDate
        self.condition = condition
        self.brand = brand
        self.gtin = gtin
        self.mpn = mpn
        self.itemGroupID = itemGroupID
        self.customLabels = customLabels
        self.productTypes = productTypes
        self.googleProductCategory = googleProductCategory
        self.attributes = attributes
    }
}

/// A normalised attribute value: text, a repeated attribute, or a group of sub-attributes.
public indirect enum AttributeValue: Hashable, Sendable {
    /// A single text value.
    case text(String)
    /// A repeated attribute, in document order.
    case list([AttributeValue])
    /// A nested group (`shipping`, `tax` …), sub-attribute name to value.
    case group([String: AttributeValue])
}

/// Every attribute of a product, keyed by Google's attribute name.
///
/// Attributes Merchant Center allows to repeat (`additional_image_link`, `shipping`,
/// `product_type` …) are always ``AttributeValue/list(_:)`` so that their shape does not depend
/// on how many values a given item has.
public struct ProductAttributes: Hashable, Sendable {
    /// Attribute name to value.
    public var values: [String: AttributeValue]

    /// Creates a set of attributes.
    public init(_ values: [String: AttributeValue] = [:]) {
        self.values = values
    }

    /// The attribute's value, if present.
    public subscript(name: String) -> AttributeValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// Canonical JSON: keys sorted by code point, no insignificant whitespace, strings escaped
    /// minimally (RFC 8785 style). Equal attributes give equal bytes, so the content hash of a
    /// product changes exactly when one of its attributes does.
    ///
    /// Hand-written because `JSONEncoder` costs about ten times as much per item, which alone
    /// would blow the import budget of a million-item feed.
    public func canonicalJSON() -> String {
        var output = ""
        output.reserveCapacity(1024)
        Self.write(.group(values), to: &output)
        return output
    }

    private static func write(_ value: AttributeValue, to output: inout String) {
        switch value {
        case .text(let text):
            writeString(text, to: &output)
        case .list(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 {
                    output += ","
                }
                write(item, to: &output)
            }
            output += "]"
        case .group(let members):
            output += "{"
            for (index, key) in members.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) })
                .enumerated()
            {
                if index > 0 {
                    output += ","
                }
                writeString(key, to: &output)
                output += ":"
                if let member = members[key] {
                    write(member, to: &output)
                }
            }
            output += "}"
        }
    }

    private static func writeString(_ text: String, to output: inout String) {
        output += "\""
        var needsEscaping = false
        for byte in text.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscaping = true
            break
        }
        guard needsEscaping else {
            output += text
            output += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
