/// The typed values the rules extract, from which ``ProductData`` is built.
struct ExtractedFields {
    var title: String?
    var description: String?
    var link: String?
    var imageLink: String?
    var additionalImageLinks: [String] = []
    var availability: Availability?
    var availabilityDate: String?
    var price: Money?
    var salePrice: Money?
    var salePriceEffectiveDate: String?
    var condition: String?
    var brand: String?
    var gtins: [String] = []
    var hasGTIN = false
    var mpn: String?
    var identifierExists: Bool?
    var itemGroupID: String?
    var customLabels: [String?] = [nil, nil, nil, nil, nil]
    var productTypes: [String] = []
    var googleProductCategory: String?
}

extension ValidationRun {
    /// Pass 2: every rule, in an order where later rules can use earlier results.
    mutating func applyRules() {
        var fields = ExtractedFields()
        checkID()
        checkTitle(&fields)
        checkDescription(&fields)
        checkLinks(&fields)
        checkAvailability(&fields)
        checkExpirationDate()
        checkPrices(&fields)
        checkCondition(&fields)
        checkIdentifiers(&fields)
        checkGrouping(&fields)
        checkApparel()
        checkFlags()
        if !repeated.isEmpty {
            checkShipping(price: fields.price)
            checkTax()
        }
        extracted = consume fields
    }

    // MARK: id, title, description

    mutating func checkID() {
        guard let id = value(.id) else {
            reportMissing(.missingID, "id", "id is required")
            return
        }
        itemID = id.text
        checkLength(id, limit: profile.maximumIDLength, "id", .idTooLong)
        if !TextCheck.isASCII(id.text) {
            report(
                .warning,
                .nonASCIIID,
                "id",
                line: id.line,
                "id has non-ASCII characters (expected letters, digits, '_' and '-')"
            )
        }
        setAttribute(.id, .text(id.text))
    }

    mutating func checkTitle(_ fields: inout ExtractedFields) {
        guard let title = value(.title) else {
            reportMissing(.missingTitle, "title", "title is required")
            return
        }
        checkLength(title, limit: profile.maximumTitleLength, "title", .titleTooLong)
        fields.title = title.text
        setAttribute(.title, .text(title.text))
    }

    mutating func checkDescription(_ fields: inout ExtractedFields) {
        guard let located = value(.description) else {
            reportMissing(.missingDescription, "description", "description is required")
            return
        }
        // Made only when reported: interpolating it for every item cost a tenth of this rule.
        var plainText: String { "description has HTML markup; \(profile.name) shows descriptions as plain text" }
        switch HTMLCheck.scan(located.text) {
        case .plainText:
            break
        case .allowedMarkup:
            if !profile.allowsDescriptionHTML {
                report(.warning, .descriptionHasHTML, "description", line: located.line, plainText)
            }
        case .invalid(let reason):
            if profile.allowsDescriptionHTML {
                report(
                    .error,
                    .invalidHTML,
                    "description",
                    line: located.line,
                    "description has invalid HTML: \(reason) (allowed tags: strong, em, ul, ol, li, br, sub, "
                        + "sup, div, span, dl, dt, dd, p)"
                )
            } else {
                report(.warning, .descriptionHasHTML, "description", line: located.line, plainText)
            }
        case .unsafe(let reason):
            report(.error, .unsafeHTML, "description", line: located.line, "description has unsafe HTML: \(reason)")
        }
        var description = located.text
        let limit = profile.maximumDescriptionLength
        if TextCheck.isLonger(description, than: limit) {
            report(
                .warning,
                .descriptionTooLong,
                "description",
                line: located.line,
                "description is \(description.count) characters long; only the first \(limit) are kept"
            )
            description = TextCheck.prefix(description, characters: limit)
        }
        fields.description = description
        setAttribute(.description, .text(description))
    }

    // MARK: links

    mutating func checkLinks(_ fields: inout ExtractedFields) {
        if let link = value(.link) {
            if checkURL(link, "link", severity: .error) {
                fields.link = link.text
                setAttribute(.link, .text(link.text))
            }
        } else {
            reportMissing(.missingLink, "link", "link is required (expected the product page's URL)")
        }
        if let imageLink = value(.imageLink) {
            if checkURL(imageLink, "image_link", severity: .error) {
                checkImageExtension(imageLink, "image_link")
                fields.imageLink = imageLink.text
                setAttribute(.imageLink, .text(imageLink.text))
            }
        } else {
            reportMissing(.missingImageLink, "image_link", "image_link is required (expected the main image's URL)")
        }
        for slot in [Slot.mobileLink, .adsRedirect] {
            if let url = value(slot), checkURL(url, slot.name, severity: .warning) {
                setAttribute(slot, .text(url.text))
            }
        }
        if !repeated.isEmpty {
            fields.additionalImageLinks = imageList(.additionalImageLink, limit: profile.maximumAdditionalImageLinks)
            _ = imageList(.lifestyleImageLink, limit: 20)
        }
    }

    /// Checks a repeatable image attribute: at most `limit` values, each a URL; bad values are dropped.
    mutating func imageList(_ slot: Slot, limit: Int) -> [String] {
        // Sized by the fields in the slot: most items have no lifestyle image, and reserving room by the count of all
        // repeated fields cost an allocation per item for nothing.
        var given = 0
        for entry in repeated where entry.slot == slot {
            given += 1
        }
        guard given > 0 else {
            return []
        }
        var kept: [String] = []
        kept.reserveCapacity(min(limit, given))
        var position = 0
        for entry in repeated where entry.slot == slot {
            guard let url = repeatedValue(entry.index) else {
                continue
            }
            if position == limit {
                report(
                    .warning,
                    .attributeHasTooManyValues,
                    slot.name,
                    line: url.line,
                    "\(slot.name) has \(count(slot)) values; only the first \(limit) are kept"
                )
                break
            }
            position += 1
            if checkURL(url, slot.name, severity: .warning) {
                checkImageExtension(url, slot.name)
                kept.append(url.text)
            }
        }
        if !kept.isEmpty {
            setAttribute(slot, .list(kept.map(AttributeValue.text)))
        }
        return kept
    }

    /// Reports a URL that is too long or not absolute http(s); returns whether it is usable.
    /// Optional links get warnings (the value is dropped), required ones errors.
    mutating func checkURL(_ url: Located, _ name: String, severity: FeedDiagnostic.Severity) -> Bool {
        let dropped = severity == .warning ? "; it was dropped" : ""
        if TextCheck.isLonger(url.text, than: URLCheck.maximumLength) {
            report(
                severity,
                .urlTooLong,
                name,
                line: url.line,
                "\(name) is \(url.text.count) characters long (expected at most \(URLCheck.maximumLength))\(dropped)"
            )
            return false
        }
        guard let problem = URLCheck.problem(in: url.text) else {
            return true
        }
        let shown = Self.quoted(url.text)
        let reason =
            switch problem {
            case .notHTTP:
                "\(shown) is not an absolute http or https URL"
            case .missingHost:
                "\(shown) has no host name (expected e.g. 'https://shop.example/p/1')"
            case .forbiddenCharacter(let what):
                "\(shown) contains \(what) (expected it percent-encoded, e.g. %20 for a space)"
            }
        report(severity, .invalidURL, name, line: url.line, "\(name) \(reason)\(dropped)")
        return false
    }

    mutating func checkImageExtension(_ url: Located, _ name: String) {
        if let ext = URLCheck.unsupportedImageExtension(url.text) {
            report(
                .warning,
                .unsupportedImageFormat,
                name,
                line: url.line,
                "\(name) ends in '.\(ext)' (expected JPEG, PNG, GIF, WebP, BMP or TIFF)"
            )
        }
    }

    // MARK: availability and dates

    mutating func checkAvailability(_ fields: inout ExtractedFields) {
        let date = value(.availabilityDate)
        if let date {
            if ISO8601.epochSeconds(date.text) == nil {
                reportInvalidDate("availability_date", date)
            } else {
                fields.availabilityDate = date.text
                setAttribute(.availabilityDate, .text(date.text))
            }
        }
        guard let located = value(.availability) else {
            reportMissing(
                .missingAvailability,
                "availability",
                "availability is required (expected in_stock, out_of_stock, preorder or backorder)"
            )
            return
        }
        let lower = TextCheck.asciiLowercased(located.text)
        var spelledDifferently = lower != located.text
        var availability: Availability?
        switch lower {
        case "in_stock": availability = .inStock
        case "out_of_stock": availability = .outOfStock
        case "preorder": availability = .preorder
        case "backorder": availability = .backorder
        case "in stock", "out of stock", "available for order":
            availability = lower == "out of stock" ? .outOfStock : .inStock
            spelledDifferently = spelledDifferently || !profile.acceptsSpacedAvailability
        case "discontinued", "pending", "mark_as_sold":
            if profile.acceptsExtendedAvailability {
                availability = .outOfStock
                report(
                    .warning,
                    .availabilityMapped,
                    "availability",
                    line: located.line,
                    "availability '\(lower)' has no merchant center equivalent; it was read as out_of_stock"
                )
            }
        default:
            break
        }
        guard let availability else {
            let expected =
                profile.acceptsExtendedAvailability
                ? "in stock, out of stock, preorder, available for order, discontinued, pending or mark_as_sold"
                : "in_stock, out_of_stock, preorder or backorder"
            report(
                .error,
                .invalidAvailability,
                "availability",
                line: located.line,
                "availability \(Self.quoted(located.text)) is not a known value (expected \(expected))"
            )
            return
        }
        if spelledDifferently {
            report(
                .warning,
                .noncanonicalValue,
                "availability",
                line: located.line,
                "availability \(Self.quoted(located.text)) was read as \(availability.rawValue)"
            )
        }
        fields.availability = availability
        setAttribute(.availability, .text(availability.rawValue))
        if availability.requiresDate, date == nil {
            report(
                .error,
                .missingAvailabilityDate,
                "availability_date",
                line: located.line,
                "availability is \(availability.rawValue); availability_date is required "
                    + "(expected e.g. '2026-03-01T13:00-0800')"
            )
        }
    }

    mutating func checkExpirationDate() {
        guard let date = value(.expirationDate) else {
            return
        }
        guard let seconds = ISO8601.epochSeconds(date.text) else {
            reportInvalidDate("expiration_date", date)
            return
        }
        // More than 30 days ahead: "now" is before the date less 30 days (the warning goes when "now" reaches it).
        if nowIsBefore(seconds - 30 * 86_400) {
            report(
                .warning,
                .expirationDateTooFar,
                "expiration_date",
                line: date.line,
                "expiration_date \(date.text) is more than 30 days ahead; merchant center stops at 30 days"
            )
        }
        setAttribute(.expirationDate, .text(date.text))
    }

    mutating func reportInvalidDate(_ name: String, _ date: Located) {
        report(
            .error,
            .invalidDate,
            name,
            line: date.line,
            "\(name) \(Self.quoted(date.text)) is not an ISO 8601 date (expected e.g. '2026-03-01' "
                + "or '2026-03-01T13:00-0800')"
        )
    }

    // MARK: prices

    mutating func checkPrices(_ fields: inout ExtractedFields) {
        var defaultCurrency: String?
        if let currency = value(.currency) {
            defaultCurrency = TextCheck.asciiUppercased(currency.text)
            setAttribute(.currency, .text(currency.text))
        }
        if let located = value(.price) {
            if let price = money(located, "price", defaultCurrency: defaultCurrency, allowsZero: false) {
                fields.price = price
                setAttribute(.price, .text(canonical(price)))
            }
        } else {
            reportMissing(.missingPrice, "price", "price is required (expected e.g. '15.00 EUR')")
        }
        if let located = value(.salePrice) {
            let currency = fields.price?.currency ?? defaultCurrency
            if let sale = money(located, "sale_price", defaultCurrency: currency, allowsZero: false) {
                if let price = fields.price, sale.currency != price.currency {
                    report(
                        .error,
                        .salePriceCurrencyMismatch,
                        "sale_price",
                        line: located.line,
                        "sale_price is in \(sale.currency) but price is in \(price.currency) "
                            + "(expected the same currency)"
                    )
                } else if let price = fields.price, sale.micros >= price.micros {
                    report(
                        .error,
                        .salePriceNotLower,
                        "sale_price",
                        line: located.line,
                        "sale_price \(sale) is not lower than price \(price)"
                    )
                } else {
                    fields.salePrice = sale
                    setAttribute(.salePrice, .text(canonical(sale)))
                }
            }
        }
        if let located = value(.salePriceEffectiveDate) {
            checkEffectiveDate(located, &fields)
        }
    }

    /// Parses a price; reports unreadable, negative and (unless allowed) zero amounts.
    mutating func money(
        _ located: Located,
        _ name: String,
        defaultCurrency: String?,
        allowsZero: Bool
    ) -> Money? {
        var parsed: Money?
        if let (micros, code) = PriceScanner.scan(located.text, defaultCurrency: defaultCurrency) {
            if code == knownCurrency {
                parsed = Money(micros: micros, currency: code)
            } else if Currency.isKnown(code) {
                knownCurrency = code
                knownMinorUnits = Currency.minorUnits(of: code)
                parsed = Money(micros: micros, currency: code)
            }
        }
        if parsed == nil {
            switch Money.parse(located.text, defaultCurrency: defaultCurrency) {
            case .failure(let error):
                report(
                    .error,
                    .invalidPrice,
                    name,
                    line: located.line,
                    "\(name) \(Self.quoted(located.text)) is invalid: \(error)"
                )
                return nil
            case .success(let money):
                parsed = money
            }
        }
        guard let money = parsed else {
            return nil
        }
        if money.micros < 0 {
            report(
                .error,
                .invalidPrice,
                name,
                line: located.line,
                "\(name) \(money) is negative (expected a positive amount)"
            )
            return nil
        }
        if money.micros == 0, !allowsZero {
            report(.error, .invalidPrice, name, line: located.line, "\(name) is zero (expected a positive amount)")
            return nil
        }
        return money
    }

    /// `Money.description` (`19.90 EUR`), with the currency's minor units looked up once per item.
    mutating func canonical(_ money: Money) -> String {
        if money.currency != knownCurrency {
            knownCurrency = money.currency
            knownMinorUnits = Currency.minorUnits(of: money.currency)
        }
        return PriceScanner.canonicalText(money, minorUnits: knownMinorUnits)
    }

    mutating func checkEffectiveDate(_ located: Located, _ fields: inout ExtractedFields) {
        let raw = located.text
        let (start, end) = TextCheck.withBytes(raw) { bytes -> (Int64?, Int64?) in
            guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")),
                !bytes[(slash + 1)...].contains(UInt8(ascii: "/"))
            else {
                return (nil, nil)
            }
            return (
                ISO8601.epochSeconds(bytes: UnsafeBufferPointer(rebasing: bytes[..<slash])),
                ISO8601.epochSeconds(bytes: UnsafeBufferPointer(rebasing: bytes[(slash + 1)...]))
            )
        }
        guard let start, let end else {
            report(
                .error,
                .invalidSalePriceEffectiveDate,
                "sale_price_effective_date",
                line: located.line,
                "sale_price_effective_date \(Self.quoted(raw)) is not two ISO 8601 dates separated by '/' "
                    + "(expected e.g. '2026-02-24T11:07+0100/2026-02-28T23:07+0100')"
            )
            return
        }
        guard end > start else {
            report(
                .error,
                .invalidSalePriceEffectiveDate,
                "sale_price_effective_date",
                line: located.line,
                "sale_price_effective_date \(Self.quoted(raw)) ends before it starts (expected start/end)"
            )
            return
        }
        fields.salePriceEffectiveDate = raw
        setAttribute(.salePriceEffectiveDate, .text(raw))
    }

    // MARK: condition, brand, identifiers

    mutating func checkCondition(_ fields: inout ExtractedFields) {
        guard let located = value(.condition) else {
            return
        }
        if let condition = enumValue(
            located,
            "condition",
            allowed: Self.isCondition,
            code: .invalidCondition,
            expected: "new, refurbished or used"
        ) {
            fields.condition = condition
            setAttribute(.condition, .text(condition))
        }
    }

    static func isCondition(_ value: String) -> Bool {
        switch value {
        case "new", "refurbished", "used": true
        default: false
        }
    }

    mutating func checkIdentifiers(_ fields: inout ExtractedFields) {
        // gtin: up to 10 values, each digits only with a valid check digit and outside refused ranges.
        var position = 0
        for entry in repeated where entry.slot == .gtin {
            guard let gtin = repeatedValue(entry.index), !gtin.text.isEmpty else {
                continue
            }
            fields.hasGTIN = true
            if position == 10 {
                report(
                    .warning,
                    .attributeHasTooManyValues,
                    "gtin",
                    line: gtin.line,
                    "gtin has \(count(.gtin)) values; only the first 10 are kept"
                )
                break
            }
            position += 1
            checkGTIN(gtin, &fields)
        }
        if !fields.gtins.isEmpty {
            setAttribute(.gtin, .list(fields.gtins.map(AttributeValue.text)))
        }
        if let mpn = value(.mpn) {
            checkLength(mpn, limit: 70, "mpn", .mpnTooLong)
            fields.mpn = mpn.text
            setAttribute(.mpn, .text(mpn.text))
        }
        let identifierExists = value(.identifierExists)
        if let identifierExists, let flag = boolean(identifierExists, .identifierExists) {
            fields.identifierExists = flag
        }
        var brandLine = record.line
        if let brand = value(.brand) {
            checkLength(brand, limit: profile.maximumBrandLength, "brand", .brandTooLong)
            fields.brand = brand.text
            brandLine = brand.line
            setAttribute(.brand, .text(brand.text))
        }
        let saysNoIdentifiers = fields.identifierExists == false
        if fields.brand == nil {
            switch profile.brandRequirement {
            case .newProducts:
                if (fields.condition ?? "new") == "new", !(saysNoIdentifiers && !fields.hasGTIN) {
                    reportMissing(
                        .missingBrand,
                        "brand",
                        "brand is required for new products (or set identifier_exists to no when there is no gtin)"
                    )
                }
            case .unlessGTINOrMPN:
                if !fields.hasGTIN, fields.mpn == nil {
                    reportMissing(.missingBrand, "brand", "brand is required when there is neither gtin nor mpn")
                }
            }
        }
        if profile.warnsOnMissingIdentifiers, !fields.hasGTIN, fields.mpn == nil, fields.brand != nil,
            !saysNoIdentifiers
        {
            report(
                .warning,
                .missingIdentifier,
                "gtin",
                line: brandLine,
                "the item has a brand but neither gtin nor mpn; add one, or set identifier_exists to no "
                    + "if the product has none"
            )
        }
        if saysNoIdentifiers, fields.hasGTIN || (fields.brand != nil && fields.mpn != nil), let identifierExists {
            let given = fields.hasGTIN ? "a gtin" : "a brand and an mpn"
            report(
                .warning,
                .identifierExistsFalseMisuse,
                "identifier_exists",
                line: identifierExists.line,
                "identifier_exists is no although \(given) is given; remove it or the identifiers"
            )
        }
    }

    mutating func checkGTIN(_ gtin: Located, _ fields: inout ExtractedFields) {
        let problem: GTIN.Problem
        switch GTIN.validate(gtin.text) {
        case .success(let digits):
            fields.gtins.append(digits)
            return
        case .failure(let failure):
            problem = failure
        }
        let shown = Self.quoted(gtin.text)
        let line = gtin.line
        switch problem {
        case .notDigits:
            report(
                .error,
                .invalidGTIN,
                "gtin",
                line: line,
                "gtin \(shown) has characters other than digits (expected 8, 12, 13 or 14 digits)"
            )
        case .badLength(let count):
            report(
                .error,
                .invalidGTIN,
                "gtin",
                line: line,
                "gtin \(shown) has \(count) digits (expected 8, 12, 13 or 14)"
            )
        case .allZeros:
            report(.error, .invalidGTIN, "gtin", line: line, "gtin \(shown) is all zeros (expected a real gtin)")
        case .badCheckDigit(let expected):
            report(
                .error,
                .invalidGTINCheckDigit,
                "gtin",
                line: line,
                "gtin \(shown) has a wrong check digit (expected \(expected) as the last digit)"
            )
        case .coupon:
            report(
                .error,
                .couponGTIN,
                "gtin",
                line: line,
                "gtin \(shown) is in a gs1 coupon range (prefixes 05, 981-984, 99); use the product's own gtin"
            )
        case .reserved:
            report(
                .error,
                .reservedGTIN,
                "gtin",
                line: line,
                "gtin \(shown) is in a restricted gs1 range (prefixes 2, 02, 04) for in-store numbers; "
                    + "use the product's own gtin"
            )
        case .bulk:
            report(
                .error,
                .bulkGTIN,
                "gtin",
                line: line,
                "gtin \(shown) is a variable-measure gtin-14 (indicator digit 9) for bulk goods; "
                    + "use the gtin of the unit sold"
            )
        }
    }

    /// Reads `yes`/`no`/`true`/`false` (any case, with a warning for capitals); canonical `yes`/`no`.
    mutating func boolean(_ located: Located, _ slot: Slot) -> Bool? {
        let name = slot.name
        let lower = TextCheck.asciiLowercased(located.text)
        guard let flag = TextCheck.boolean(lower) else {
            report(
                .error,
                .invalidBoolean,
                name,
                line: located.line,
                "\(name) \(Self.quoted(located.text)) is not a yes/no value (expected yes, no, true or false)"
            )
            return nil
        }
        if lower != located.text {
            report(
                .warning,
                .noncanonicalValue,
                name,
                line: located.line,
                "\(name) \(Self.quoted(located.text)) was read as \(flag ? "yes" : "no") (expected lower case)"
            )
        }
        setAttribute(slot, .text(flag ? "yes" : "no"))
        return flag
    }

    /// Matches an enumerated value case-insensitively (warning when the case differs); `nil` when unknown.
    mutating func enumValue(
        _ located: Located,
        _ name: String,
        allowed: (String) -> Bool,
        code: Code,
        expected: @autoclosure () -> String,
        uppercase: Bool = false
    ) -> String? {
        let raw = located.text
        let canonical = uppercase ? TextCheck.asciiUppercased(raw) : TextCheck.asciiLowercased(raw)
        guard allowed(canonical) else {
            report(
                .error,
                code,
                name,
                line: located.line,
                "\(name) \(Self.quoted(raw)) is not a known value (expected \(expected()))"
            )
            return nil
        }
        if canonical != raw {
            let letterCase = uppercase ? "upper" : "lower"
            report(
                .warning,
                .noncanonicalValue,
                name,
                line: located.line,
                "\(name) \(Self.quoted(raw)) was read as '\(canonical)' (expected \(letterCase) case)"
            )
        }
        return canonical
    }

    // MARK: grouping and categories

    static let customLabels: [Slot] = [.customLabel0, .customLabel1, .customLabel2, .customLabel3, .customLabel4]

    mutating func checkGrouping(_ fields: inout ExtractedFields) {
        if let group = value(.itemGroupID) {
            checkLength(group, limit: 50, "item_group_id", .itemGroupIDTooLong)
            let isPlain = group.text.utf8.allSatisfy {
                TextCheck.isASCIIAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
                    || $0 == UInt8(ascii: ".")
            }
            if !isPlain {
                report(
                    .warning,
                    .itemGroupIDCharset,
                    "item_group_id",
                    line: group.line,
                    "item_group_id \(Self.quoted(group.text)) has characters other than letters, digits, "
                        + "'_', '-' and '.'"
                )
            }
            fields.itemGroupID = group.text
            setAttribute(.itemGroupID, .text(group.text))
        }
        for (number, slot) in Self.customLabels.enumerated() {
            guard let label = value(slot) else {
                continue
            }
            checkLength(label, limit: 100, slot.name, .customLabelTooLong)
            fields.customLabels[number] = label.text
            setAttribute(slot, .text(label.text))
        }
        var position = 0
        for entry in repeated where entry.slot == .productType {
            guard let productType = repeatedValue(entry.index), !productType.text.isEmpty else {
                continue
            }
            if position == 5 {
                report(
                    .warning,
                    .attributeHasTooManyValues,
                    "product_type",
                    line: productType.line,
                    "product_type has \(count(.productType)) values; only the first 5 are kept"
                )
                break
            }
            position += 1
            checkLength(productType, limit: 750, "product_type", .productTypeTooLong)
            fields.productTypes.append(productType.text)
        }
        if !fields.productTypes.isEmpty {
            setAttribute(.productType, .list(fields.productTypes.map(AttributeValue.text)))
        }
        if let category = value(.googleProductCategory) {
            if !Self.isTaxonomyReference(category.text) {
                report(
                    .warning,
                    .googleCategoryUnrecognized,
                    "google_product_category",
                    line: category.line,
                    "google_product_category \(Self.quoted(category.text)) is neither a taxonomy id nor a category "
                        + "path (expected e.g. '2271' or 'Apparel & Accessories > Clothing > Dresses')"
                )
            }
            fields.googleProductCategory = category.text
            setAttribute(.googleProductCategory, .text(category.text))
        }
    }

    /// A taxonomy id (digits), a `>` path, or one of the 21 top-level categories.
    static func isTaxonomyReference(_ category: String) -> Bool {
        if TextCheck.isDigits(category) || category.utf8.contains(UInt8(ascii: ">")) {
            return true
        }
        return topLevelCategories.contains(category)
    }

    static let topLevelCategories: Set<String> = [
        "Animals & Pet Supplies", "Apparel & Accessories", "Arts & Entertainment", "Baby & Toddler",
        "Business & Industrial", "Cameras & Optics", "Electronics", "Food, Beverages & Tobacco", "Furniture",
        "Hardware", "Health & Beauty", "Home & Garden", "Luggage & Bags", "Mature", "Media", "Office Supplies",
        "Religious & Ceremonial", "Software", "Sporting Goods", "Toys & Games", "Vehicles & Parts",
    ]

    // MARK: apparel

    static func isGender(_ value: String) -> Bool {
        switch value {
        case "male", "female", "unisex": true
        default: false
        }
    }

    static func isSizeType(_ value: String) -> Bool {
        switch value {
        case "regular", "petite", "maternity", "big", "tall", "plus": true
        default: false
        }
    }

    static func isSizeSystem(_ value: String) -> Bool {
        switch value {
        case "AU", "BR", "CN", "DE", "EU", "FR", "IT", "JP", "MEX", "UK", "US": true
        default: false
        }
    }
    static let textLimits: [(slot: Slot, limit: Int, code: Code)] = [
        (.size, 100, .sizeTooLong), (.material, 200, .materialTooLong), (.pattern, 100, .patternTooLong),
    ]

    mutating func checkApparel() {
        if let color = value(.color) {
            checkColor(color)
            setAttribute(.color, .text(color.text))
        }
        for (slot, limit, code) in Self.textLimits {
            if let text = value(slot) {
                checkLength(text, limit: limit, slot.name, code)
                setAttribute(slot, .text(text.text))
            }
        }
        if let located = value(.gender),
            let gender = enumValue(
                located,
                "gender",
                allowed: Self.isGender,
                code: .invalidGender,
                expected: "male, female or unisex"
            )
        {
            setAttribute(.gender, .text(gender))
        }
        let ageGroups = profile.ageGroups
        if let located = value(.ageGroup),
            let ageGroup = enumValue(
                located,
                "age_group",
                allowed: { ageGroups.contains($0) },
                code: .invalidAgeGroup,
                expected: ageGroups.sorted().joined(separator: ", ")
            )
        {
            setAttribute(.ageGroup, .text(ageGroup))
        }
        if let located = value(.sizeType),
            let sizeType = enumValue(
                located,
                "size_type",
                allowed: Self.isSizeType,
                code: .invalidSizeType,
                expected: "regular, petite, maternity, big, tall or plus"
            )
        {
            setAttribute(.sizeType, .text(sizeType))
        }
        if let located = value(.sizeSystem),
            let sizeSystem = enumValue(
                located,
                "size_system",
                allowed: Self.isSizeSystem,
                code: .invalidSizeSystem,
                expected: "AU, BR, CN, DE, EU, FR, IT, JP, MEX, UK or US",
                uppercase: true
            )
        {
            setAttribute(.sizeSystem, .text(sizeSystem))
        }
    }

    /// At most 3 colours separated by `/`, each at most 40 characters, 100 in all; digits-only warns.
    mutating func checkColor(_ color: Located) {
        guard checkLength(color, limit: 100, "color", .colorTooLong) else {
            return
        }
        // One pass over the bytes: count the colours and find long or numeric ones (rare, so only
        // then are their texts built for the message).
        let (count, longOrNumeric) = TextCheck.withBytes(color.text) { bytes -> (Int, [Range<Int>]) in
            var count = 0
            var flagged: [Range<Int>] = []
            var start = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: "/") {
                var low = start
                var high = end
                while low < high, TextCheck.isASCIISpace(bytes[low]) {
                    low += 1
                }
                while high > low, TextCheck.isASCIISpace(bytes[high - 1]) {
                    high -= 1
                }
                if high > low {
                    count += 1
                    let isNumeric = bytes[low..<high].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                    if high - low > 40 || isNumeric {
                        flagged.append(low..<high)
                    }
                }
                start = end + 1
            }
            return (count, flagged)
        }
        if count > 3 {
            report(
                .error,
                .attributeHasTooManyValues,
                "color",
                line: color.line,
                "color has \(count) colours (expected at most 3, separated by '/')"
            )
        }
        for range in longOrNumeric {
            let utf8 = color.text.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            let name = String(Substring(utf8[start..<utf8.index(start, offsetBy: range.count)]))
            if TextCheck.isLonger(name, than: 40) {
                report(
                    .error,
                    .colorTooLong,
                    "color",
                    line: color.line,
                    "the colour \(Self.quoted(name)) is \(name.count) characters long (expected at most 40)"
                )
            } else if TextCheck.isDigits(name) {
                report(
                    .warning,
                    .numericColor,
                    "color",
                    line: color.line,
                    "the colour \(Self.quoted(name)) is a number (expected a colour name such as 'navy')"
                )
            }
        }
    }

    // MARK: flags and counts

    mutating func checkFlags() {
        for slot in [Slot.adult, .isBundle] {
            if let located = value(slot) {
                _ = boolean(located, slot)
            }
        }
        if let multipack = value(.multipack) {
            if TextCheck.nonNegativeInteger(multipack.text) == nil {
                report(
                    .error,
                    .invalidInteger,
                    "multipack",
                    line: multipack.line,
                    "multipack \(Self.quoted(multipack.text)) is not a whole number (expected e.g. '6')"
                )
            } else {
                setAttribute(.multipack, .text(multipack.text))
            }
        }
        let minimum = handlingTime(.minHandlingTime)
        let maximum = handlingTime(.maxHandlingTime)
        if let (minimum, _) = minimum, let (maximum, line) = maximum, minimum > maximum {
            report(
                .error,
                .invalidShippingTime,
                "min_handling_time",
                line: line,
                "min_handling_time \(minimum) is greater than max_handling_time \(maximum)"
            )
        }
    }

    /// A top-level handling time: a non-negative integer, and its line.
    mutating func handlingTime(_ slot: Slot) -> (Int, Int)? {
        guard let located = value(slot) else {
            return nil
        }
        guard let days = TextCheck.nonNegativeInteger(located.text) else {
            report(
                .error,
                .invalidShippingTime,
                slot.name,
                line: located.line,
                "\(slot.name) \(Self.quoted(located.text)) is not a whole number of days (expected e.g. '2')"
            )
            return nil
        }
        setAttribute(slot, .text(located.text))
        return (days, located.line)
    }
}
