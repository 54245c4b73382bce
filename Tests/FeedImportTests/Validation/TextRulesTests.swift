import FeedImport
import Testing

/// id, title, description, truncated values, duplicates and unknown attributes.
struct TextRulesTests {
    @Test(arguments: ValidationProfile.all)
    func sampleItemIsCleanInEveryProfile(profile: ValidationProfile) throws {
        let item = validate(Sample.record(), profile: profile)
        #expect(item.diagnostics.isEmpty, "\(item.diagnostics)")
        let product = try #require(item.product)
        #expect(product.id == "SKU-1")
        #expect(product.price == Money(micros: 19_900_000, currency: "EUR"))
        #expect(product.availability == .inStock)
        #expect(item.id == "SKU-1")
        #expect(item.line == Sample.recordLine)
    }

    // MARK: id

    @Test func missingIDIsAnErrorAtTheRecordLine() {
        let item = validate(Sample.record(["id": nil]))
        expectOnly(item, "missing_id", .error, attribute: "id", line: Sample.recordLine)
        #expect(item.id == nil)
        #expect(item.diagnostics.first?.itemID == nil)
    }

    @Test func blankIDCountsAsMissing() {
        let item = validate(Sample.record(["id": "  \n "]))
        expectOnly(item, "missing_id", .error, attribute: "id", line: Sample.recordLine)
    }

    @Test func idIsTrimmed() throws {
        let item = validate(Sample.record(["id": "  SKU-1\t"]))
        expectClean(item)
        #expect(try #require(item.product).id == "SKU-1")
        #expect(item.id == "SKU-1")
    }

    @Test func idOfFiftyCharactersIsAccepted() {
        expectClean(validate(Sample.record(["id": Sample.text(50)])))
    }

    @Test func idOverFiftyCharactersIsRejected() {
        let record = Sample.record(["id": Sample.text(51)])
        let item = validate(record)
        expectOnly(item, "id_too_long", .error, attribute: "id", line: record.line(of: "id"))
        #expect(item.diagnostics.first?.message == "id is 51 characters long (expected at most 50)")
    }

    @Test func nonASCIIIDIsAWarning() throws {
        let record = Sample.record(["id": "SKÜ-1"])
        let item = validate(record)
        expectOnly(item, "non_ascii_id", .warning, attribute: "id", line: record.line(of: "id"))
        #expect(try #require(item.product).id == "SKÜ-1")
    }

    // MARK: title

    @Test func missingTitleIsAnError() {
        expectOnly(
            validate(Sample.record(["title": nil])),
            "missing_title",
            .error,
            attribute: "title",
            line: Sample.recordLine
        )
    }

    @Test func titleOfOneHundredFiftyCharactersIsAccepted() {
        expectClean(validate(Sample.record(["title": Sample.text(150)])))
    }

    @Test func titleOverOneHundredFiftyCharactersIsRejected() {
        let record = Sample.record(["title": Sample.text(151)])
        expectOnly(validate(record), "title_too_long", .error, attribute: "title", line: record.line(of: "title"))
    }

    @Test func titleLimitCountsCharactersNotBytes() {
        expectClean(validate(Sample.record(["title": Sample.text(150, "é")])))
    }

    @Test func googleTitleBeatsTheRSSTitle() throws {
        let record = Sample.record(
            ["title": nil],
            extra: [Sample.field("title", "RSS title", origin: .native), Sample.field("title", "Google title")]
        )
        let item = validate(record)
        expectClean(item)
        #expect(try #require(item.product).title == "Google title")
    }

    @Test func repeatedGoogleTitleWarnsAndKeepsTheFirst() throws {
        let record = Sample.record(extra: [Sample.field("title", "Second title")])
        let item = validate(record)
        expectOnly(
            item,
            "attribute_has_too_many_values",
            .warning,
            attribute: "title",
            line: record.line(of: "title", occurrence: 1)
        )
        #expect(try #require(item.product).title == "Organic cotton T-shirt")
    }

    // MARK: description

    @Test func missingDescriptionIsAnError() {
        expectOnly(
            validate(Sample.record(["description": nil])),
            "missing_description",
            .error,
            attribute: "description",
            line: Sample.recordLine
        )
    }

    @Test(arguments: [
        "<p>Soft <strong>organic</strong> cotton.</p>",
        "<ul><li>soft<li>organic</ul>",
        "Line one<br/>line two<br>line three</br>",
        "<div class=\"x\"><span>a</span><em>b</em><sub>2</sub><sup>3</sup></div>",
        "<dl><dt>Size<dd>M</dl>",
        "5 < 6 and 7 > 3",
        "<!-- generated --><p>ok",
    ])
    func allowedHTMLIsAccepted(description: String) {
        expectClean(validate(Sample.record(["description": description])))
    }

    @Test(arguments: [
        "<b>bold</b>",
        "<strong>never closed",
        "text</em>",
        "<div><span>crossed</div></span>",
        "<img src=\"a.jpg\">",
        "<p unterminated",
        "<!DOCTYPE html><p>x</p>",
    ])
    func disallowedOrMalformedHTMLIsInvalid(description: String) {
        let record = Sample.record(["description": description])
        expectOnly(
            validate(record),
            "invalid_html",
            .error,
            attribute: "description",
            line: record.line(of: "description")
        )
    }

    @Test(arguments: [
        "<script>alert(1)</script>",
        "<p>hi<iframe src=\"https://evil.example\"></iframe></p>",
        "<span onclick=\"steal()\">click</span>",
        "<span onMouseOver=x>a</span>",
        "<div title='x' data-href=\"java script:alert(1)\">a</div>",
    ])
    func scriptCapableHTMLIsUnsafe(description: String) {
        let record = Sample.record(["description": description])
        expectOnly(
            validate(record),
            "unsafe_html",
            .error,
            attribute: "description",
            line: record.line(of: "description")
        )
    }

    @Test func descriptionOfFiveThousandCharactersIsKeptWhole() throws {
        let item = validate(Sample.record(["description": Sample.text(5000)]))
        expectClean(item)
        #expect(try #require(item.product).description?.count == 5000)
    }

    @Test func descriptionOverFiveThousandCharactersIsTruncatedWithAWarning() throws {
        let record = Sample.record(["description": Sample.text(5001)])
        let item = validate(record)
        expectOnly(
            item,
            "description_too_long",
            .warning,
            attribute: "description",
            line: record.line(of: "description")
        )
        let product = try #require(item.product)
        #expect(product.description?.count == 5000)
        #expect(product.attributes["description"] == .text(Sample.text(5000)))
    }

    // MARK: any attribute

    @Test func truncatedValueIsAnError() {
        var truncated = Sample.field("material", Sample.text(10))
        truncated.isTruncated = true
        let record = Sample.record(extra: [truncated])
        expectOnly(
            validate(record),
            "value_too_long",
            .error,
            attribute: "material",
            line: record.line(of: "material")
        )
    }

    @Test func truncatedSubAttributeNamesTheGroup() {
        var group = Sample.group("shipping", ["country": "US", "service": "x", "price": "0 USD"])
        group.children[1].isTruncated = true
        let record = Sample.record(extra: [group])
        expectOnly(
            validate(record),
            "value_too_long",
            .error,
            attribute: "shipping.service",
            line: record.line(of: "shipping")
        )
    }

    @Test func untruncatedValueHasNoDiagnostic() {
        expectClean(validate(Sample.record(extra: [Sample.field("material", Sample.text(10))])))
    }

    @Test(arguments: ["label", "price_type", "payment_accepted", "tax_percent", "upc"])
    func retiredGoogleBaseAttributeWarnsAndIsKept(name: String) throws {
        let record = Sample.record(extra: [Sample.field(name, " legacy ")])
        let item = validate(record)
        expectOnly(item, "deprecated_attribute", .warning, attribute: name, line: record.line(of: name))
        #expect(try #require(item.product).attributes[name] == .text("legacy"))
    }

    @Test func unknownAttributeIsKeptWithoutDiagnostic() throws {
        let item = validate(Sample.record(extra: [Sample.field("energy_efficiency_class", " A+ ")]))
        expectClean(item)
        #expect(try #require(item.product).attributes["energy_efficiency_class"] == .text("A+"))
    }
}
