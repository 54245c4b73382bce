import FeedImport
import Testing

/// shipping and tax groups, and the top-level handling times.
struct ShippingAndTaxRulesTests {
    // MARK: shipping

    @Test func completeShippingGroupIsStoredInCanonicalForm() throws {
        let shipping = Sample.group(
            "shipping",
            [
                "country": "us", "region": " MA ", "service": "Ground", "price": "6.5 USD",
                "min_handling_time": "1", "max_handling_time": "2", "min_transit_time": "2", "max_transit_time": "5",
            ]
        )
        let record = Sample.record(extra: [shipping])
        let item = validate(record)
        // Lower-case country: accepted with a warning.
        expectOnly(
            item,
            "noncanonical_value",
            .warning,
            attribute: "shipping.country",
            line: record.line(of: "shipping")
        )
        let expected: AttributeValue = .list([
            .group([
                "country": .text("US"), "region": .text("MA"), "service": .text("Ground"), "price": .text("6.50 USD"),
                "min_handling_time": .text("1"), "max_handling_time": .text("2"), "min_transit_time": .text("2"),
                "max_transit_time": .text("5"),
            ])
        ])
        #expect(try #require(item.product).attributes["shipping"] == expected)
    }

    @Test func freeShippingIsAccepted() {
        expectClean(validate(Sample.record(extra: [Sample.group("shipping", ["country": "DE", "price": "0 EUR"])])))
    }

    @Test func shippingPriceWithoutCodeTakesThePriceCurrency() throws {
        let item = validate(Sample.record(extra: [Sample.group("shipping", ["country": "DE", "price": "4.95"])]))
        expectClean(item)
        #expect(
            try #require(item.product).attributes["shipping"]
                == .list([
                    .group([
                        "country": .text("DE"),
                        "price": .text("4.95 EUR"),
                    ])
                ])
        )
    }

    @Test func oneLineShippingIsRead() throws {
        let item = validate(Sample.record(extra: [Sample.field("shipping", "US:CA:Ground:6.49 USD")]))
        expectClean(item)
        #expect(
            try #require(item.product).attributes["shipping"]
                == .list([
                    .group([
                        "country": .text("US"),
                        "region": .text("CA"), "service": .text("Ground"), "price": .text("6.49 USD"),
                    ])
                ])
        )
    }

    @Test(arguments: [("country", "price"), ("price", "country")])
    func shippingWithoutCountryOrPriceIsAnError(missing: String, present: String) {
        let value = present == "price" ? "4.95 USD" : "US"
        let record = Sample.record(extra: [Sample.group("shipping", [present: value, "service": "Standard"])])
        expectOnly(
            validate(record),
            "attribute_missing_required_subattribute",
            .error,
            attribute: "shipping.\(missing)",
            line: record.line(of: "shipping")
        )
    }

    @Test func shippingWithNeitherIsTwoErrors() {
        let record = Sample.record(extra: [Sample.field("shipping", "free")])
        let item = validate(record)
        #expect(
            item.diagnostics("attribute_missing_required_subattribute").map(\.attribute)
                == ["shipping.country", "shipping.price"]
        )
    }

    @Test(arguments: ["XX", "USA", "1"])
    func unknownShippingCountryIsAnError(country: String) {
        let record = Sample.record(extra: [Sample.group("shipping", ["country": country, "price": "1 EUR"])])
        expectOnly(
            validate(record),
            "invalid_country",
            .error,
            attribute: "shipping.country",
            line: record.line(of: "shipping")
        )
    }

    @Test func ukIsReadAsGBWithAWarning() throws {
        let record = Sample.record(extra: [Sample.group("shipping", ["country": "UK", "price": "3 GBP"])])
        let item = validate(record)
        expectOnly(
            item,
            "noncanonical_value",
            .warning,
            attribute: "shipping.country",
            line: record.line(of: "shipping")
        )
        #expect(
            try #require(item.product).attributes["shipping"]
                == .list([
                    .group([
                        "country": .text("GB"),
                        "price": .text("3.00 GBP"),
                    ])
                ])
        )
    }

    @Test(arguments: ["-1 USD", "free", "1 XYZ"])
    func unreadableShippingPriceIsAnInvalidPrice(price: String) {
        let record = Sample.record(extra: [Sample.group("shipping", ["country": "US", "price": price])])
        expectOnly(
            validate(record),
            "invalid_price",
            .error,
            attribute: "shipping.price",
            line: record.line(of: "shipping")
        )
    }

    @Test(arguments: [("handling", "3", "1"), ("transit", "7", "2")])
    func minimumTimeAboveMaximumIsAnError(kind: String, minimum: String, maximum: String) {
        let shipping = FeedField(
            name: "shipping",
            value: "",
            line: 0,
            children: [
                FeedField(name: "country", value: "US", line: 0),
                FeedField(name: "price", value: "1 USD", line: 0),
                FeedField(name: "min_\(kind)_time", value: minimum, line: 0),
                FeedField(name: "max_\(kind)_time", value: maximum, line: 0),
            ]
        )
        let record = Sample.record(extra: [shipping])
        expectOnly(
            validate(record),
            "invalid_shipping_time",
            .error,
            attribute: "shipping.min_\(kind)_time",
            line: record.line(of: "shipping")
        )
    }

    @Test(arguments: ["two", "-1", "1.5"])
    func nonIntegerShippingTimeIsAnError(time: String) {
        let record = Sample.record(extra: [
            Sample.group("shipping", ["country": "US", "price": "1 USD", "max_transit_time": time])
        ])
        expectOnly(
            validate(record),
            "invalid_shipping_time",
            .error,
            attribute: "shipping.max_transit_time",
            line: record.line(of: "shipping")
        )
    }

    @Test func subAttributeDiagnosticUsesTheSubAttributeLine() {
        let shipping = FeedField(
            name: "shipping",
            value: "",
            line: 40,
            children: [
                FeedField(name: "country", value: "ZZ", line: 41),
                FeedField(name: "price", value: "1 USD", line: 42),
            ]
        )
        let record = FeedRecord(format: .rss2, line: 30, fields: Sample.record().fields + [shipping])
        expectOnly(validate(record), "invalid_country", .error, attribute: "shipping.country", line: 41)
    }

    // MARK: top-level handling times

    @Test func handlingTimesInOrderAreAccepted() {
        expectClean(validate(Sample.record(["min_handling_time": "1", "max_handling_time": "3"])))
    }

    @Test func minimumHandlingTimeAboveMaximumIsAnError() {
        let record = Sample.record(["min_handling_time": "4", "max_handling_time": "3"])
        expectOnly(
            validate(record),
            "invalid_shipping_time",
            .error,
            attribute: "min_handling_time",
            line: record.line(of: "max_handling_time")
        )
    }

    // MARK: tax

    @Test func taxGroupWithRateIsAccepted() throws {
        let item = validate(
            Sample.record(extra: [
                Sample.group("tax", ["country": "US", "region": "CA", "rate": "8.75", "tax_ship": "yes"])
            ])
        )
        expectClean(item)
        #expect(
            try #require(item.product).attributes["tax"]
                == .list([
                    .group([
                        "country": .text("US"),
                        "region": .text("CA"), "rate": .text("8.75"), "tax_ship": .text("yes"),
                    ])
                ])
        )
    }

    @Test func oneLineTaxIsRead() {
        expectClean(validate(Sample.record(extra: [Sample.field("tax", "US:NY:8.875:no")])))
    }

    @Test func taxWithoutRateIsAnError() {
        let record = Sample.record(extra: [Sample.group("tax", ["country": "US", "region": "CA"])])
        expectOnly(
            validate(record),
            "attribute_missing_required_subattribute",
            .error,
            attribute: "tax.rate",
            line: record.line(of: "tax")
        )
    }

    @Test(arguments: ["high", "-1", "8,75"])
    func unreadableTaxRateIsAnError(rate: String) {
        let record = Sample.record(extra: [Sample.group("tax", ["country": "US", "rate": rate])])
        expectOnly(validate(record), "invalid_tax_rate", .error, attribute: "tax.rate", line: record.line(of: "tax"))
    }

    @Test func unknownTaxCountryIsAnError() {
        let record = Sample.record(extra: [Sample.group("tax", ["country": "XX", "rate": "5"])])
        expectOnly(validate(record), "invalid_country", .error, attribute: "tax.country", line: record.line(of: "tax"))
    }
}
