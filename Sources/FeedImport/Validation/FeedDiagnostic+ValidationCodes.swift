// The codes the item validator emits. Google's Content API issue codes are reused verbatim where one
// names the same problem; the others follow their snake_case style. Never rename a released code:
// scripts and tests match on them. The ValidationRules article documents each one.

extension FeedDiagnostic.Code {
    // MARK: Any attribute

    /// Error: the reader cut the value at its length cap.
    public static let valueTooLong = Self(rawValue: "value_too_long")
    /// Warning (error for `color`): more values than the attribute allows (Google's code).
    public static let attributeHasTooManyValues = Self(rawValue: "attribute_has_too_many_values")
    /// Error: a group lacks a sub-attribute it must have (Google's code).
    public static let attributeMissingRequiredSubattribute = Self(rawValue: "attribute_missing_required_subattribute")
    /// Warning: a retired Google Base attribute (`label`, `price_type`, `currency` …).
    public static let deprecatedAttribute = Self(rawValue: "deprecated_attribute")
    /// Warning: an accepted value in a non-canonical spelling (case, spaces); it was normalised.
    public static let noncanonicalValue = Self(rawValue: "noncanonical_value")
    /// Error (warning for optional links): not an absolute http(s) URL.
    public static let invalidURL = Self(rawValue: "invalid_url")
    /// Error (warning for optional links): a URL over 2000 characters.
    public static let urlTooLong = Self(rawValue: "url_too_long")
    /// Error: a date that is not ISO 8601.
    public static let invalidDate = Self(rawValue: "invalid_date")
    /// Error: `yes`/`no`/`true`/`false` expected.
    public static let invalidBoolean = Self(rawValue: "invalid_boolean")
    /// Error: a non-negative integer expected.
    public static let invalidInteger = Self(rawValue: "invalid_integer")

    // MARK: id, title, description

    /// Error: no `id`.
    public static let missingID = Self(rawValue: "missing_id")
    /// Error: `id` over the profile's limit.
    public static let idTooLong = Self(rawValue: "id_too_long")
    /// Warning: `id` has non-ASCII characters.
    public static let nonASCIIID = Self(rawValue: "non_ascii_id")
    /// Error: no `title`.
    public static let missingTitle = Self(rawValue: "missing_title")
    /// Error: `title` over the profile's limit.
    public static let titleTooLong = Self(rawValue: "title_too_long")
    /// Error: no `description`.
    public static let missingDescription = Self(rawValue: "missing_description")
    /// Warning: `description` over the profile's limit; it was truncated.
    public static let descriptionTooLong = Self(rawValue: "description_too_long")
    /// Error: malformed HTML or a tag outside Merchant Center's list in `description`.
    public static let invalidHTML = Self(rawValue: "invalid_html")
    /// Error: script-capable HTML (`script`, `iframe`, `on*` attributes, `javascript:`) in `description`.
    public static let unsafeHTML = Self(rawValue: "unsafe_html")
    /// Warning: HTML in `description` for a plain-text channel (Meta, X).
    public static let descriptionHasHTML = Self(rawValue: "description_has_html")

    // MARK: links

    /// Error: no `link`.
    public static let missingLink = Self(rawValue: "missing_link")
    /// Error: no `image_link`.
    public static let missingImageLink = Self(rawValue: "missing_image_link")
    /// Warning: an image URL whose path ends in an extension that is not an accepted image format.
    public static let unsupportedImageFormat = Self(rawValue: "unsupported_image_format")

    // MARK: availability

    /// Error: no `availability`.
    public static let missingAvailability = Self(rawValue: "missing_availability")
    /// Error: an `availability` value the profile does not know.
    public static let invalidAvailability = Self(rawValue: "invalid_availability")
    /// Warning: Meta's `discontinued`, `pending` or `mark_as_sold`, mapped onto `out_of_stock`.
    public static let availabilityMapped = Self(rawValue: "availability_mapped")
    /// Error: `preorder` or `backorder` without `availability_date`.
    public static let missingAvailabilityDate = Self(rawValue: "missing_availability_date")
    /// Warning: `expiration_date` more than 30 days ahead (Google uses 30 days).
    public static let expirationDateTooFar = Self(rawValue: "expiration_date_too_far")

    // MARK: price

    /// Error: no `price`.
    public static let missingPrice = Self(rawValue: "missing_price")
    /// Error: a price that does not parse, is negative, zero (`price`) or has no ISO 4217 code.
    public static let invalidPrice = Self(rawValue: "invalid_price")
    /// Error: `sale_price` in another currency than `price`.
    public static let salePriceCurrencyMismatch = Self(rawValue: "sale_price_currency_mismatch")
    /// Error: `sale_price` not below `price`.
    public static let salePriceNotLower = Self(rawValue: "sale_price_not_lower")
    /// Error: `sale_price_effective_date` is not `start/end` with end after start.
    public static let invalidSalePriceEffectiveDate = Self(rawValue: "invalid_sale_price_effective_date")

    // MARK: identifiers

    /// Error: `condition` is not `new`, `refurbished` or `used`.
    public static let invalidCondition = Self(rawValue: "invalid_condition")
    /// Error: no `brand` where the profile requires one.
    public static let missingBrand = Self(rawValue: "missing_brand")
    /// Error: `brand` over the profile's limit.
    public static let brandTooLong = Self(rawValue: "brand_too_long")
    /// Error: a GTIN that is not 8, 12, 13 or 14 digits.
    public static let invalidGTIN = Self(rawValue: "invalid_gtin")
    /// Error: a GTIN whose GS1 check digit is wrong.
    public static let invalidGTINCheckDigit = Self(rawValue: "invalid_gtin_check_digit")
    /// Error: a GTIN in a coupon range (GS1 prefixes 05, 981–984, 99) (Google's code).
    public static let couponGTIN = Self(rawValue: "coupon_gtin")
    /// Error: a GTIN in a restricted range (GS1 prefixes 2, 02, 04).
    public static let reservedGTIN = Self(rawValue: "reserved_gtin")
    /// Error: a GTIN-14 with indicator digit 9, a variable-measure (bulk) item (Google's code).
    public static let bulkGTIN = Self(rawValue: "bulk_gtin")
    /// Error: `mpn` over 70 characters.
    public static let mpnTooLong = Self(rawValue: "mpn_too_long")
    /// Warning: a brand but neither GTIN nor MPN, and `identifier_exists` is not `no`.
    public static let missingIdentifier = Self(rawValue: "missing_identifier")
    /// Warning: `identifier_exists` is `no` although a GTIN, or brand and MPN, are given (Google's code).
    public static let identifierExistsFalseMisuse = Self(rawValue: "identifier_exists_false_misuse")

    // MARK: grouping and categories

    /// Error: `item_group_id` over 50 characters.
    public static let itemGroupIDTooLong = Self(rawValue: "item_group_id_too_long")
    /// Warning: `item_group_id` outside letters, digits, `_`, `-` and `.`.
    public static let itemGroupIDCharset = Self(rawValue: "item_group_id_charset")
    /// Error: a `custom_label_N` over 100 characters.
    public static let customLabelTooLong = Self(rawValue: "custom_label_too_long")
    /// Error: a `product_type` value over 750 characters.
    public static let productTypeTooLong = Self(rawValue: "product_type_too_long")
    /// Warning: `google_product_category` is neither a taxonomy id nor a `>` path (Google's code).
    public static let googleCategoryUnrecognized = Self(rawValue: "google_category_unrecognized")

    // MARK: apparel

    /// Error: a colour over 40 characters, or `color` over 100.
    public static let colorTooLong = Self(rawValue: "color_too_long")
    /// Warning: a colour made of digits only (a code, not a name).
    public static let numericColor = Self(rawValue: "numeric_color")
    /// Error: `size` over 100 characters.
    public static let sizeTooLong = Self(rawValue: "size_too_long")
    /// Error: `material` over 200 characters.
    public static let materialTooLong = Self(rawValue: "material_too_long")
    /// Error: `pattern` over 100 characters.
    public static let patternTooLong = Self(rawValue: "pattern_too_long")
    /// Error: `gender` is not `male`, `female` or `unisex`.
    public static let invalidGender = Self(rawValue: "invalid_gender")
    /// Error: `age_group` is not one of the profile's values.
    public static let invalidAgeGroup = Self(rawValue: "invalid_age_group")
    /// Error: `size_type` is not one of Google's values.
    public static let invalidSizeType = Self(rawValue: "invalid_size_type")
    /// Error: `size_system` is not one of Google's values.
    public static let invalidSizeSystem = Self(rawValue: "invalid_size_system")

    // MARK: shipping and tax

    /// Error: not an ISO 3166-1 alpha-2 country code.
    public static let invalidCountry = Self(rawValue: "invalid_country")
    /// Error: a handling or transit time that is not a non-negative integer, or a minimum above its maximum.
    public static let invalidShippingTime = Self(rawValue: "invalid_shipping_time")
    /// Error: a tax `rate` that is not a non-negative decimal.
    public static let invalidTaxRate = Self(rawValue: "invalid_tax_rate")
}
