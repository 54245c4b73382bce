import Testing

@testable import FeedImport

/// condition, brand, gtin, mpn and identifier_exists.
struct IdentifierRulesTests {
    // MARK: condition

    @Test func missingConditionIsFine() throws {
        let item = validate(Sample.record(["condition": nil]))
        expectClean(item)
        #expect(try #require(item.product).condition == nil)
    }

    @Test(arguments: ["new", "refurbished", "used"])
    func knownConditionIsAccepted(condition: String) throws {
        let item = validate(Sample.record(["condition": condition]))
        expectClean(item)
        #expect(try #require(item.product).condition == condition)
    }

    @Test func capitalisedConditionIsNormalisedWithAWarning() throws {
        let record = Sample.record(["condition": "Used"])
        let item = validate(record)
        expectOnly(item, "noncanonical_value", .warning, attribute: "condition", line: record.line(of: "condition"))
        #expect(try #require(item.product).condition == "used")
    }

    @Test(arguments: ["broken", "like new", "neu"])
    func unknownConditionIsAnError(condition: String) {
        let record = Sample.record(["condition": condition])
        expectOnly(
            validate(record),
            "invalid_condition",
            .error,
            attribute: "condition",
            line: record.line(of: "condition")
        )
    }

    // MARK: brand

    @Test(arguments: [
        ["condition": "new"] as KeyValuePairs<String, String?>, ["condition": nil],
        ["condition": "new", "gtin": nil, "mpn": "X1"], ["identifier_exists": "no"],
    ])
    func newProductWithoutBrandIsAnError(overrides: KeyValuePairs<String, String?>) {
        let record = Sample.record(pairs: overrides.map { ($0.key, $0.value) } + [("brand", nil)])
        expectOnly(validate(record), "missing_brand", .error, attribute: "brand", line: Sample.recordLine)
    }

    @Test func usedProductWithoutBrandIsFine() {
        expectClean(validate(Sample.record(["brand": nil, "condition": "used"])))
    }

    @Test func productDeclaredWithoutIdentifiersNeedsNoBrand() {
        expectClean(validate(Sample.record(["brand": nil, "gtin": nil, "identifier_exists": "no"])))
    }

    @Test func identifierExistsNoDoesNotExcuseAMissingBrandWhenThereIsAGTIN() {
        let record = Sample.record(["brand": nil, "identifier_exists": "false"])
        let item = validate(record)
        #expect(item.codes.contains("missing_brand"))
        #expect(item.codes.contains("identifier_exists_false_misuse"))
    }

    @Test func brandOfSeventyCharactersIsAccepted() {
        expectClean(validate(Sample.record(["brand": Sample.text(70)])))
    }

    @Test func brandOverSeventyCharactersIsAnError() {
        let record = Sample.record(["brand": Sample.text(71)])
        expectOnly(validate(record), "brand_too_long", .error, attribute: "brand", line: record.line(of: "brand"))
    }

    // MARK: gtin

    @Test(arguments: [
        ("4006381333931", "4006381333931"),  // GTIN-13 (EAN)
        ("036000291452", "036000291452"),  // GTIN-12 (UPC-A)
        ("96385074", "96385074"),  // GTIN-8
        ("10614141000415", "10614141000415"),  // GTIN-14, indicator 1
        ("9780143007234", "9780143007234"),  // ISBN-13 (978 is not a coupon range)
        ("5012345678900", "5012345678900"),  // GS1 UK prefix 50x, not the coupon prefix 05
        ("000123456784", "000123456784"),  // UPC with number system 0
        ("20012342", "20012342"),  // GTIN-8: prefixes are read on the 13-digit form
        ("4006-3813 33931", "4006381333931"),  // spaces and dashes are dropped
    ])
    func validGTINIsStoredAsDigits(text: String, digits: String) throws {
        let item = validate(Sample.record(["gtin": text]))
        expectClean(item)
        let product = try #require(item.product)
        #expect(product.gtin == digits)
        #expect(product.attributes["gtin"] == .list([.text(digits)]))
    }

    @Test(arguments: [
        ("4006381333932", "invalid_gtin_check_digit"),
        ("036000291453", "invalid_gtin_check_digit"),
        ("ABC123", "invalid_gtin"),
        ("12345", "invalid_gtin"),
        ("40063813339311", "invalid_gtin_check_digit"),  // 14 digits
        ("0000000000000", "invalid_gtin"),
        ("9900000000011", "coupon_gtin"),  // 99
        ("9810000000013", "coupon_gtin"),  // 981
        ("500012345675", "coupon_gtin"),  // UPC number system 5 → 05
        ("2001234567893", "reserved_gtin"),  // 2 (in-store)
        ("0200123456788", "reserved_gtin"),  // 02
        ("0400123456782", "reserved_gtin"),  // 04
        ("400012345678", "reserved_gtin"),  // UPC number system 4 → 04
        ("90614141000411", "bulk_gtin"),  // GTIN-14 with indicator 9
    ])
    func refusedGTINIsAnError(text: String, code: String) {
        let record = Sample.record(["gtin": text])
        expectOnly(validate(record), code, .error, attribute: "gtin", line: record.line(of: "gtin"))
    }

    @Test func checkDigitErrorNamesTheExpectedDigit() {
        let item = validate(Sample.record(["gtin": "4006381333932"]))
        #expect(
            item.diagnostics.first?.message
                == "gtin '4006381333932' has a wrong check digit (expected 1 as the last digit)"
        )
    }

    @Test func gtinOtherThanTheFirstIsCheckedToo() {
        let record = Sample.record(extra: [Sample.field("gtin", "9810000000013")])
        expectOnly(
            validate(record),
            "coupon_gtin",
            .error,
            attribute: "gtin",
            line: record.line(of: "gtin", occurrence: 1)
        )
    }

    @Test func gtinsPastTheTenthAreDroppedWithAWarning() throws {
        let extra = (0..<10).map { _ in Sample.field("gtin", "036000291452") }
        let record = Sample.record(extra: extra)
        let item = validate(record)
        expectOnly(
            item,
            "attribute_has_too_many_values",
            .warning,
            attribute: "gtin",
            line: record.line(of: "gtin", occurrence: 10)
        )
        guard case .list(let values)? = try #require(item.product).attributes["gtin"] else {
            Issue.record("gtin is not a list")
            return
        }
        #expect(values.count == 10)
    }

    @Test func checkDigitMatchesGS1Examples() {
        #expect(GTIN.validate("4006381333931") == .success("4006381333931"))
        #expect(GTIN.validate("036000 291452") == .success("036000291452"))
        #expect(GTIN.validate("4006381333930") == .failure(.badCheckDigit(expected: 1)))
    }

    // MARK: mpn and identifier_exists

    @Test func mpnOfSeventyCharactersIsAccepted() {
        expectClean(validate(Sample.record(["mpn": Sample.text(70)])))
    }

    @Test func mpnOverSeventyCharactersIsAnError() {
        let record = Sample.record(["mpn": Sample.text(71)])
        expectOnly(validate(record), "mpn_too_long", .error, attribute: "mpn", line: record.line(of: "mpn"))
    }

    @Test func brandWithoutGTINOrMPNIsAWarning() {
        let record = Sample.record(["gtin": nil])
        expectOnly(validate(record), "missing_identifier", .warning, attribute: "gtin", line: record.line(of: "brand"))
    }

    @Test(arguments: [
        ["gtin": nil, "mpn": "AC-100"] as KeyValuePairs<String, String?>,
        ["gtin": nil, "identifier_exists": "no"],
        ["gtin": nil, "brand": nil, "condition": "used"],
    ])
    func identifiersOrTheirDeclaredAbsenceSilenceMissingIdentifier(overrides: KeyValuePairs<String, String?>) {
        expectClean(validate(Sample.record(overrides)))
    }

    @Test(arguments: [
        ["identifier_exists": "no"] as KeyValuePairs<String, String?>,
        ["identifier_exists": "false", "gtin": nil, "mpn": "AC-100"],
    ])
    func identifierExistsNoWithIdentifiersIsAWarning(overrides: KeyValuePairs<String, String?>) {
        let record = Sample.record(overrides)
        expectOnly(
            validate(record),
            "identifier_exists_false_misuse",
            .warning,
            attribute: "identifier_exists",
            line: record.line(of: "identifier_exists")
        )
    }

    @Test(arguments: ["yes", "true", "no", "false"])
    func identifierExistsAcceptsYesNoTrueFalse(value: String) throws {
        let overrides: KeyValuePairs<String, String?> =
            value == "yes" || value == "true"
            ? ["identifier_exists": value] : ["identifier_exists": value, "gtin": nil]
        let item = validate(Sample.record(overrides))
        expectClean(item)
        let canonical = value == "yes" || value == "true" ? "yes" : "no"
        #expect(try #require(item.product).attributes["identifier_exists"] == .text(canonical))
    }

    @Test func unreadableIdentifierExistsIsAnError() {
        let record = Sample.record(["identifier_exists": "maybe"])
        expectOnly(
            validate(record),
            "invalid_boolean",
            .error,
            attribute: "identifier_exists",
            line: record.line(of: "identifier_exists")
        )
    }
}
