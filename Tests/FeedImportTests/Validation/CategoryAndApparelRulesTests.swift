import FeedImport
import Testing

/// item_group_id, custom labels, product_type, google_product_category and the apparel attributes.
struct CategoryAndApparelRulesTests {
    // MARK: item_group_id

    @Test func plainItemGroupIDIsAccepted() throws {
        let item = validate(Sample.record(["item_group_id": "CLO-29473856_v.2"]))
        expectClean(item)
        #expect(try #require(item.product).itemGroupID == "CLO-29473856_v.2")
    }

    @Test func itemGroupIDOverFiftyCharactersIsAnError() {
        let record = Sample.record(["item_group_id": Sample.text(51)])
        expectOnly(
            validate(record),
            "item_group_id_too_long",
            .error,
            attribute: "item_group_id",
            line: record.line(of: "item_group_id")
        )
    }

    @Test(arguments: ["CLO 29", "shirts/blue", "hemd-größe"])
    func itemGroupIDWithOtherCharactersIsAWarning(group: String) {
        let record = Sample.record(["item_group_id": group])
        expectOnly(
            validate(record),
            "item_group_id_charset",
            .warning,
            attribute: "item_group_id",
            line: record.line(of: "item_group_id")
        )
    }

    // MARK: custom labels

    @Test(arguments: 0...4)
    func customLabelOfOneHundredCharactersIsKept(number: Int) throws {
        let record = Sample.record(pairs: [("custom_label_\(number)", Sample.text(100))])
        let item = validate(record)
        expectClean(item)
        #expect(try #require(item.product).customLabels[number] == Sample.text(100))
    }

    @Test(arguments: 0...4)
    func customLabelOverOneHundredCharactersIsAnError(number: Int) {
        let record = Sample.record(pairs: [("custom_label_\(number)", Sample.text(101))])
        expectOnly(
            validate(record),
            "custom_label_too_long",
            .error,
            attribute: "custom_label_\(number)",
            line: record.line(of: "custom_label_\(number)")
        )
    }

    // MARK: product_type

    @Test func fiveProductTypesAreKeptInOrder() throws {
        let types = (1...5).map { Sample.field("product_type", "Home > Kitchen > \($0)") }
        let item = validate(Sample.record(extra: types))
        expectClean(item)
        #expect(try #require(item.product).productTypes.last == "Home > Kitchen > 5")
    }

    @Test func productTypesPastTheFifthAreDroppedWithAWarning() throws {
        let types = (1...6).map { Sample.field("product_type", "Home > \($0)") }
        let record = Sample.record(extra: types)
        let item = validate(record)
        expectOnly(
            item,
            "attribute_has_too_many_values",
            .warning,
            attribute: "product_type",
            line: record.line(of: "product_type", occurrence: 5)
        )
        #expect(try #require(item.product).productTypes.count == 5)
    }

    @Test func productTypeOverSevenHundredFiftyCharactersIsAnError() {
        let record = Sample.record(["product_type": Sample.text(751)])
        expectOnly(
            validate(record),
            "product_type_too_long",
            .error,
            attribute: "product_type",
            line: record.line(of: "product_type")
        )
    }

    // MARK: google_product_category

    @Test(arguments: ["2271", "Apparel & Accessories > Clothing > Dresses", "Electronics"])
    func taxonomyIDOrPathIsAccepted(category: String) throws {
        let item = validate(Sample.record(["google_product_category": category]))
        expectClean(item)
        #expect(try #require(item.product).googleProductCategory == category)
    }

    @Test(arguments: ["clothes", "2271 Dresses", "Apparel"])
    func unrecognisedCategoryIsAWarning(category: String) {
        let record = Sample.record(["google_product_category": category])
        expectOnly(
            validate(record),
            "google_category_unrecognized",
            .warning,
            attribute: "google_product_category",
            line: record.line(of: "google_product_category")
        )
    }

    // MARK: color

    @Test(arguments: ["Red", "Red/Green/Blue", "Orange Mango Explosion", " Navy / White "])
    func upToThreeNamedColoursAreAccepted(color: String) {
        expectClean(validate(Sample.record(["color": color])))
    }

    @Test func moreThanThreeColoursIsAnError() {
        let record = Sample.record(["color": "Red/Green/Blue/Black"])
        expectOnly(
            validate(record),
            "attribute_has_too_many_values",
            .error,
            attribute: "color",
            line: record.line(of: "color")
        )
    }

    @Test(arguments: [
        Sample.text(41), "Red/" + Sample.text(41),
        Sample.text(35) + "/" + Sample.text(35) + "/"
            + Sample.text(35),
    ])
    func colourOverItsLimitsIsAnError(color: String) {
        let record = Sample.record(["color": color])
        expectOnly(validate(record), "color_too_long", .error, attribute: "color", line: record.line(of: "color"))
    }

    @Test(arguments: ["123", "Red/0042"])
    func numericColourIsAWarning(color: String) {
        let record = Sample.record(["color": color])
        expectOnly(validate(record), "numeric_color", .warning, attribute: "color", line: record.line(of: "color"))
    }

    // MARK: size, material, pattern

    @Test(arguments: [("size", 100), ("material", 200), ("pattern", 100)])
    func textAtItsLimitIsAccepted(name: String, limit: Int) {
        expectClean(validate(Sample.record(pairs: [(name, Sample.text(limit))])))
    }

    @Test(arguments: [("size", 100), ("material", 200), ("pattern", 100)])
    func textOverItsLimitIsAnError(name: String, limit: Int) {
        let record = Sample.record(pairs: [(name, Sample.text(limit + 1))])
        expectOnly(validate(record), "\(name)_too_long", .error, attribute: name, line: record.line(of: name))
    }

    // MARK: enumerations

    @Test(arguments: [
        ("gender", "female"), ("gender", "unisex"), ("age_group", "adult"), ("age_group", "newborn"),
        ("size_type", "petite"), ("size_type", "maternity"), ("size_system", "EU"), ("size_system", "MEX"),
    ])
    func knownEnumerationValueIsAccepted(name: String, value: String) throws {
        let item = validate(Sample.record(pairs: [(name, value)]))
        expectClean(item)
        #expect(try #require(item.product).attributes[name] == .text(value))
    }

    @Test(arguments: [
        ("gender", "Female", "female"), ("age_group", "Adult", "adult"), ("size_type", "PLUS", "plus"),
        ("size_system", "us", "US"),
    ])
    func enumerationInAnotherCaseIsNormalisedWithAWarning(name: String, value: String, canonical: String) throws {
        let record = Sample.record(pairs: [(name, value)])
        let item = validate(record)
        expectOnly(item, "noncanonical_value", .warning, attribute: name, line: record.line(of: name))
        #expect(try #require(item.product).attributes[name] == .text(canonical))
    }

    @Test(arguments: [
        ("gender", "woman", "invalid_gender"), ("age_group", "teen", "invalid_age_group"),
        ("age_group", "all ages", "invalid_age_group"), ("size_type", "tiny", "invalid_size_type"),
        ("size_system", "XX", "invalid_size_system"),
    ])
    func unknownEnumerationValueIsAnError(name: String, value: String, code: String) {
        let record = Sample.record(pairs: [(name, value)])
        expectOnly(validate(record), code, .error, attribute: name, line: record.line(of: name))
    }

    // MARK: flags

    @Test(arguments: [("adult", "yes"), ("adult", "FALSE"), ("is_bundle", "no"), ("multipack", "6")])
    func wellFormedFlagIsAccepted(name: String, value: String) {
        let item = validate(Sample.record(pairs: [(name, value)]))
        #expect(item.product != nil)
        #expect(!item.hasErrors)
    }

    @Test(arguments: [
        ("adult", "maybe", "invalid_boolean"), ("is_bundle", "2", "invalid_boolean"),
        ("multipack", "six", "invalid_integer"), ("multipack", "-2", "invalid_integer"),
    ])
    func malformedFlagIsAnError(name: String, value: String, code: String) {
        let record = Sample.record(pairs: [(name, value)])
        expectOnly(validate(record), code, .error, attribute: name, line: record.line(of: name))
    }
}
