import FeedImport
import Testing

/// availability, availability_date, expiration_date, price, sale_price and its dates.
struct AvailabilityAndPriceRulesTests {
    // MARK: availability

    @Test func missingAvailabilityIsAnError() {
        expectOnly(
            validate(Sample.record(["availability": nil])),
            "missing_availability",
            .error,
            attribute: "availability",
            line: Sample.recordLine
        )
    }

    @Test(arguments: [
        ("in_stock", Availability.inStock), ("out_of_stock", .outOfStock),
        ("preorder", .preorder), ("backorder", .backorder),
    ])
    func googleAvailabilityValuesAreAccepted(value: String, expected: Availability) throws {
        let item = validate(Sample.record(["availability": value, "availability_date": "2026-03-01"]))
        expectClean(item)
        #expect(try #require(item.product).availability == expected)
    }

    @Test(arguments: [
        ("in stock", Availability.inStock), ("out of stock", .outOfStock),
        ("available for order", .inStock), ("In_Stock", .inStock), ("PREORDER", .preorder),
    ])
    func legacyOrCapitalisedAvailabilityIsNormalisedWithAWarning(value: String, expected: Availability) throws {
        let record = Sample.record(["availability": value, "availability_date": "2026-03-01"])
        let item = validate(record)
        expectOnly(
            item,
            "noncanonical_value",
            .warning,
            attribute: "availability",
            line: record.line(of: "availability")
        )
        let product = try #require(item.product)
        #expect(product.availability == expected)
        #expect(product.attributes["availability"] == .text(expected.rawValue))
    }

    @Test(arguments: ["Available", "discontinued", "pending", "mark_as_sold", "in-stock"])
    func unknownAvailabilityIsAnErrorInTheGoogleProfile(value: String) {
        let record = Sample.record(["availability": value])
        expectOnly(
            validate(record),
            "invalid_availability",
            .error,
            attribute: "availability",
            line: record.line(of: "availability")
        )
    }

    @Test(arguments: ["preorder", "backorder"])
    func preorderWithoutAvailabilityDateIsAnError(value: String) {
        let record = Sample.record(["availability": value])
        expectOnly(
            validate(record),
            "missing_availability_date",
            .error,
            attribute: "availability_date",
            line: record.line(of: "availability")
        )
    }

    @Test func availabilityDateIsKeptAsGiven() throws {
        let item = validate(Sample.record(["availability": "preorder", "availability_date": "2026-03-01T13:00-0800"]))
        expectClean(item)
        #expect(try #require(item.product).availabilityDate == "2026-03-01T13:00-0800")
    }

    @Test(arguments: ["next week", "2026-13-01", "2026-02-30", "2026-03-01 13:00", "01/03/2026"])
    func unreadableAvailabilityDateIsAnError(date: String) {
        let record = Sample.record(["availability_date": date])
        expectOnly(
            validate(record),
            "invalid_date",
            .error,
            attribute: "availability_date",
            line: record.line(of: "availability_date")
        )
    }

    // MARK: expiration_date

    @Test(arguments: ["2026-02-13", "2026-02-14T00:00:00Z", "2025-06-01"])
    func expirationDateWithinThirtyDaysIsAccepted(date: String) {
        expectClean(validate(Sample.record(["expiration_date": date])))
    }

    @Test(arguments: ["2026-02-14T00:00:01Z", "2026-02-15", "2027-01-01T00:00+0100"])
    func expirationDateMoreThanThirtyDaysAheadIsAWarning(date: String) {
        let record = Sample.record(["expiration_date": date])
        expectOnly(
            validate(record),
            "expiration_date_too_far",
            .warning,
            attribute: "expiration_date",
            line: record.line(of: "expiration_date")
        )
    }

    @Test func unreadableExpirationDateIsAnError() {
        let record = Sample.record(["expiration_date": "soon"])
        expectOnly(
            validate(record),
            "invalid_date",
            .error,
            attribute: "expiration_date",
            line: record.line(of: "expiration_date")
        )
    }

    // MARK: price

    @Test func missingPriceIsAnError() {
        let item = validate(Sample.record(["price": nil]))
        expectOnly(item, "missing_price", .error, attribute: "price", line: Sample.recordLine)
        #expect(
            item.diagnostics.first?.description
                == "catalog.xml:10: error: [missing_price] item 'SKU-1': price is required (expected e.g. '15.00 EUR')"
        )
    }

    @Test(arguments: [
        ("19.9 EUR", "19.90 EUR"), ("USD 15", "15.00 USD"), ("1500 JPY", "1500 JPY"), ("0.5 usd", "0.50 USD"),
        ("  7.25   GBP ", "7.25 GBP"),
    ])
    func validPriceIsStoredInCanonicalForm(text: String, canonical: String) throws {
        let item = validate(Sample.record(["price": text]))
        expectClean(item)
        let product = try #require(item.product)
        #expect(product.attributes["price"] == .text(canonical))
        #expect(product.price.description == canonical)
    }

    @Test(arguments: ["abc", "15.00", "15.00 XYZ", "1,299.00 EUR", "-1.00 EUR", "0 EUR", "0.00 USD", "1.1234567 EUR"])
    func invalidPriceIsAnError(text: String) {
        let record = Sample.record(["price": text])
        expectOnly(validate(record), "invalid_price", .error, attribute: "price", line: record.line(of: "price"))
    }

    @Test func legacyCurrencyAttributeSuppliesTheCode() throws {
        let record = Sample.record(["price": "2995", "currency": "usd"])
        let item = validate(record)
        expectOnly(item, "deprecated_attribute", .warning, attribute: "currency", line: record.line(of: "currency"))
        #expect(try #require(item.product).price == Money(micros: 2_995_000_000, currency: "USD"))
    }

    // MARK: sale_price

    @Test func lowerSalePriceInTheSameCurrencyIsAccepted() throws {
        let item = validate(Sample.record(["sale_price": "14.9 EUR"]))
        expectClean(item)
        let product = try #require(item.product)
        #expect(product.salePrice == Money(micros: 14_900_000, currency: "EUR"))
        #expect(product.attributes["sale_price"] == .text("14.90 EUR"))
    }

    @Test(arguments: ["19.90 EUR", "25 EUR"])
    func salePriceNotBelowPriceIsAnError(text: String) {
        let record = Sample.record(["sale_price": text])
        expectOnly(
            validate(record),
            "sale_price_not_lower",
            .error,
            attribute: "sale_price",
            line: record.line(of: "sale_price")
        )
    }

    @Test func salePriceInAnotherCurrencyIsAnError() {
        let record = Sample.record(["sale_price": "9.90 USD"])
        expectOnly(
            validate(record),
            "sale_price_currency_mismatch",
            .error,
            attribute: "sale_price",
            line: record.line(of: "sale_price")
        )
    }

    @Test(arguments: ["cheap", "-5 EUR", "0 EUR"])
    func unreadableSalePriceIsAnInvalidPrice(text: String) {
        let record = Sample.record(["sale_price": text])
        expectOnly(
            validate(record),
            "invalid_price",
            .error,
            attribute: "sale_price",
            line: record.line(of: "sale_price")
        )
    }

    @Test func salePriceWithoutCodeTakesThePriceCurrency() throws {
        let item = validate(Sample.record(["sale_price": "9.90"]))
        expectClean(item)
        #expect(try #require(item.product).salePrice?.currency == "EUR")
    }

    // MARK: sale_price_effective_date

    @Test(arguments: [
        "2026-02-24T11:07+0100/2026-02-28T23:07+0100",
        "2016-02-24T21:00:00.000Z/2016-02-29T23:30:00.000Z",
        "2026-02-24/2026-02-25",
        // 10:00Z to 10:30Z: the end is later as an instant, though its clock reads earlier.
        "2026-02-24T12:00+02:00/2026-02-24T10:30Z",
    ])
    func effectiveDateIntervalIsAccepted(interval: String) throws {
        let item = validate(Sample.record(["sale_price": "9.90 EUR", "sale_price_effective_date": interval]))
        expectClean(item)
        #expect(try #require(item.product).salePriceEffectiveDate == interval)
    }

    @Test(arguments: [
        "2026-02-24T11:07+0100",
        "2026-02-24/2026-02-25/2026-02-26",
        "2026-02-24 to 2026-02-25",
        "2026-02-28T23:07+0100/2026-02-24T11:07+0100",
        "2026-02-24T10:00Z/2026-02-24T10:00Z",
        // 13:00Z to 12:00Z: ends before it starts once the offset is applied.
        "2026-02-24T10:00-0300/2026-02-24T12:00Z",
    ])
    func malformedOrBackwardsEffectiveDateIsAnError(interval: String) {
        let record = Sample.record(["sale_price": "9.90 EUR", "sale_price_effective_date": interval])
        expectOnly(
            validate(record),
            "invalid_sale_price_effective_date",
            .error,
            attribute: "sale_price_effective_date",
            line: record.line(of: "sale_price_effective_date")
        )
    }
}
