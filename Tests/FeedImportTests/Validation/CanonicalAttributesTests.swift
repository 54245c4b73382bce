import Testing

@testable import FeedImport

/// The canonical attribute map, the product/diagnostic contract, and the date reader.
struct CanonicalAttributesTests {
    /// The sample item plus one of each attribute shape.
    static func richRecord() -> FeedRecord {
        Sample.record(
            ["gender": "Female", "price": "19.9 eur", "gtin": "4006-3813-33931"],
            extra: [
                Sample.field("additional_image_link", "https://shop.example/images/2.jpg"),
                Sample.group("shipping", ["country": "US", "price": "4.95 USD"]),
                Sample.field("product_type", "Apparel > Shirts"),
                Sample.field("excluded_destination", "Shopping_ads"),
                Sample.field("color_note", "bright"),
                Sample.field("color_note", "washable"),
                Sample.group("loyalty_points", ["name": "Club", "points_value": "100"]),
                Sample.field("description", "RSS description", origin: .native),
            ]
        )
    }

    @Test func canonicalJSONIsTheSameBytesForTheSameInput() throws {
        let first = try #require(validate(Self.richRecord()).product).attributes.canonicalJSON()
        let second = try #require(validate(Self.richRecord()).product).attributes.canonicalJSON()
        #expect(first == second)
        #expect(Array(first.utf8) == Array(second.utf8))
    }

    /// Stored catalogs hold hashes of these bytes: a change in the format (key order, escaping, group layout) would
    /// report every product as changed at its next import.
    @Test func canonicalJSONKeepsItsExactBytes() throws {
        var record = Self.richRecord()
        // Members in reverse order and one needing escapes: the group is written sorted, like the product.
        record.fields.append(Sample.group("tax", ["region": "Québec \"QC\"", "rate": "5", "country": "CA"]))
        let json = try #require(validate(record).product).attributes.canonicalJSON()
        let pinned =
            #"{"additional_image_link":["https://shop.example/images/2.jpg"],"availability":"in_stock""#
            + #","brand":"Acme","color_note":["bright","washable"],"condition":"new""#
            + #","description":"A soft T-shirt made of organic cotton.""#
            + #","excluded_destination":["Shopping_ads"],"gender":"female","gtin":["4006381333931"]"#
            + #","id":"SKU-1","image_link":"https://shop.example/images/sku-1.jpg""#
            + #","link":"https://shop.example/p/sku-1","loyalty_points":{"name":"Club""#
            + #","points_value":"100"},"price":"19.90 EUR","product_type":["Apparel > Shirts"]"#
            + #","shipping":[{"country":"US","price":"4.95 USD"}],"tax":[{"country":"CA","rate":"5""#
            + #","region":"Québec \"QC\""}],"title":"Organic cotton T-shirt"}"#
        #expect(json == pinned)
    }

    /// The writer checks eight bytes at a time whether a string needs escaping: a character to escape is found at any
    /// position, in small strings (kept inside the `String`) and large ones, before, on and after a word's edge.
    @Test(arguments: [("\"", "\\\""), ("\\", "\\\\"), ("\n", "\\n"), ("\u{1}", "\\u0001"), ("\u{1F}", "\\u001f")])
    func escapesAreFoundAtEveryPosition(character: String, escaped: String) {
        for length in [1, 7, 8, 9, 15, 16, 17, 40] {
            for position in 0..<length {
                let text =
                    String(repeating: "a", count: position) + character
                    + String(repeating: "é", count: length - position - 1)
                let expected =
                    String(repeating: "a", count: position) + escaped
                    + String(repeating: "é", count: length - position - 1)
                #expect(ProductAttributes(["k": .text(text)]).canonicalJSON() == "{\"k\":\"\(expected)\"}")
            }
        }
        #expect(
            ProductAttributes(["k": .text("plain text, no escapes é ✓")]).canonicalJSON()
                == "{\"k\":\"plain text, no escapes é ✓\"}"
        )
    }

    /// Attributes keep `String` order whatever their names: the integer keys that order ASCII names must agree with it,
    /// on ties of eight bytes, prefixes, and names that are not ASCII (composed and decomposed alike).
    @Test func attributesAreInNameOrderWhateverTheNames() {
        let names = [
            "size_type", "size", "size_system", "sale_price_effective_date", "sale_price", "custom_label_4",
            "custom_label_0", "custom_label", "id", "i", "zz", "a", "colour_é", "colour_e\u{301}", "colour_f",
            "abcdefgh", "abcdefgh\u{301}", "abcdefgi", "Zebra", "_x", "prix_ttc", "prix_ttç", "ß", "é", "e",
        ]
        var attributes = ProductAttributes()
        for (index, name) in names.enumerated() {
            attributes[name] = .text(String(index))
        }
        let expected = Set(names).sorted()
        #expect(attributes.entries.map(\.name) == expected)
        // Look-ups find every name, including the canonically equal spellings of "colour_é".
        for name in names {
            #expect(attributes[name] != nil)
        }
        #expect(attributes["size_"] == nil)
        #expect(attributes["abcdefg"] == nil)
    }

    /// The validator places attributes by their names' ranks (integers), other callers by the names: each way, and
    /// both mixed in one map, give `String` order, find each other's entries, and write the same JSON; the ranks never
    /// make two equal maps differ.
    @Test func rankedAndUnrankedNamesShareOneOrder() {
        let names = FieldNames.known + ["color_note", "zz", "a", "shipping_label", "é", "Zebra", "custom_label"]
        var ranked = ProductAttributes()
        var plain = ProductAttributes()
        var mixed = ProductAttributes()
        for (index, name) in names.enumerated() {
            let rank = FieldNames.rank(of: FieldNames.id(of: name))
            let value = AttributeValue.text(String(index))
            ranked[name, rank: rank] = value
            plain[name] = value
            if index.isMultiple(of: 2) {
                mixed[name, rank: rank] = value
            } else {
                mixed[name] = value
            }
        }
        let expected = names.sorted()
        #expect(ranked.entries.map(\.name) == expected)
        #expect(mixed.entries.map(\.name) == expected)
        #expect(ranked == plain && mixed == plain)
        #expect(ranked.hashValue == plain.hashValue)
        #expect(ranked.canonicalJSON() == plain.canonicalJSON())
        #expect(mixed.canonicalJSON() == plain.canonicalJSON())
        for name in names {
            let rank = FieldNames.rank(of: FieldNames.id(of: name))
            #expect(mixed[name] != nil)
            #expect(mixed[name, rank: rank] != nil)
        }
        #expect(mixed.removeValue(forKey: "title", rank: FieldNames.rank(of: FieldNames.id(of: "title"))) != nil)
        #expect(mixed["title"] == nil)
    }

    @Test func canonicalJSONDoesNotDependOnDocumentOrder() throws {
        let record = Self.richRecord()
        // Same attributes, reversed; repeated ones keep their relative order.
        var reversed = record
        reversed.fields = record.fields.reversed()
        let repeated: Set<String> = ["color_note", "description"]
        let ordered = record.fields.filter { repeated.contains($0.name) }
        var next = ordered.makeIterator()
        for index in reversed.fields.indices where repeated.contains(reversed.fields[index].name) {
            if let field = next.next() {
                reversed.fields[index] = field
            }
        }
        let forward = try #require(validate(record).product).attributes.canonicalJSON()
        let backward = try #require(validate(reversed).product).attributes.canonicalJSON()
        #expect(forward == backward)
    }

    @Test func canonicalValuesAreNormalised() throws {
        let item = validate(Self.richRecord())
        #expect(item.codes == ["noncanonical_value"])  // Female
        let attributes = try #require(item.product).attributes
        #expect(attributes["price"] == .text("19.90 EUR"))
        #expect(attributes["gtin"] == .list([.text("4006381333931")]))
        #expect(attributes["gender"] == .text("female"))
        #expect(attributes["availability"] == .text("in_stock"))
        #expect(attributes["id"] == .text("SKU-1"))
    }

    @Test func repeatableAttributesAreAlwaysLists() throws {
        let attributes = try #require(validate(Self.richRecord()).product).attributes
        #expect(attributes["additional_image_link"] == .list([.text("https://shop.example/images/2.jpg")]))
        #expect(attributes["shipping"] == .list([.group(["country": .text("US"), "price": .text("4.95 USD")])]))
        #expect(attributes["product_type"] == .list([.text("Apparel > Shirts")]))
        #expect(attributes["excluded_destination"] == .list([.text("Shopping_ads")]))
    }

    @Test func unknownAttributeBecomesAListWhenItRepeats() throws {
        let attributes = try #require(validate(Self.richRecord()).product).attributes
        #expect(attributes["color_note"] == .list([.text("bright"), .text("washable")]))
        #expect(attributes["loyalty_points"] == .group(["name": .text("Club"), "points_value": .text("100")]))
    }

    @Test func googleValueWinsOverTheNativeOne() throws {
        let product = try #require(validate(Self.richRecord()).product)
        #expect(product.description == "A soft T-shirt made of organic cotton.")
        #expect(product.attributes["description"] == .text("A soft T-shirt made of organic cotton."))
    }

    @Test func nativeValueIsUsedWhenThereIsNoGoogleOne() throws {
        let record = Sample.record(
            ["title": nil, "link": nil],
            extra: [
                Sample.field("title", "RSS title", origin: .native),
                Sample.field("link", "https://shop.example/rss", origin: .native),
            ]
        )
        let product = try #require(validate(record).product)
        #expect(product.title == "RSS title")
        #expect(product.link == "https://shop.example/rss")
    }

    @Test func ymlParamKeepsItsNameAndUnit() throws {
        let param = FeedField(
            name: "param",
            origin: .yml,
            value: "42",
            line: 0,
            xmlAttributes: [XMLAttribute(name: "name", value: "Size"), XMLAttribute(name: "unit", value: "EU")]
        )
        let attributes = try #require(validate(Sample.record(extra: [param])).product).attributes
        #expect(
            attributes["param"]
                == .list([
                    .group([
                        "name": .text("Size"), "unit": .text("EU"),
                        "value": .text("42"),
                    ])
                ])
        )
    }

    @Test func ymlParamGroupFromTheReaderIsKept() throws {
        let param = FeedField(
            name: "param",
            origin: .yml,
            value: "",
            line: 0,
            children: [
                FeedField(name: "name", origin: .yml, value: "Colour", line: 0),
                FeedField(name: "value", origin: .yml, value: " red ", line: 0),
            ]
        )
        let attributes = try #require(validate(Sample.record(extra: [param, param])).product).attributes
        let group: AttributeValue = .group(["name": .text("Colour"), "value": .text("red")])
        #expect(attributes["param"] == .list([group, group]))
    }

    @Test func retiredNameFromYMLIsNotFlagged() {
        expectClean(validate(Sample.record(extra: [Sample.field("quantity", "3", origin: .yml)])))
    }

    // MARK: product versus diagnostics

    @Test func itemWithOnlyWarningsYieldsAProduct() throws {
        let item = validate(Sample.record(["id": "SKÜ-1", "availability": "in stock", "gender": "Male"]))
        #expect(item.diagnostics.count == 3)
        #expect(item.diagnostics.allSatisfy { $0.severity == .warning })
        #expect(!item.hasErrors)
        #expect(try #require(item.product).id == "SKÜ-1")
    }

    @Test func oneErrorYieldsNoProduct() {
        let item = validate(Sample.record(["gender": "Male", "gtin": "9810000000013"]))
        #expect(item.codes.sorted() == ["coupon_gtin", "noncanonical_value"])
        #expect(item.hasErrors)
        #expect(item.product == nil)
        #expect(item.id == "SKU-1")
    }

    @Test func diagnosticsCarryTheItemIDAndAreInLineOrder() {
        let record = Sample.record(["price": "0 EUR", "gtin": "9810000000013", "title": Sample.text(151)])
        let item = validate(record)
        #expect(item.diagnostics.map(\.location.line) == item.diagnostics.map(\.location.line).sorted())
        #expect(item.diagnostics.allSatisfy { $0.itemID == "SKU-1" })
        #expect(
            item.diagnostics.map(\.description).contains(
                "catalog.xml:\(record.line(of: "gtin")): error: [coupon_gtin] item 'SKU-1': gtin '9810000000013' is in a gs1 "
                    + "coupon range (prefixes 05, 981-984, 99); use the product's own gtin"
            )
        )
    }

    @Test func diagnosticLineFallsBackToTheRecordLine() {
        var record = Sample.record(["price": "free"])
        for index in record.fields.indices where record.fields[index].name == "price" {
            record.fields[index].line = 0
        }
        expectOnly(validate(record), "invalid_price", .error, attribute: "price", line: Sample.recordLine)
    }

    // MARK: ISO 8601

    @Test(arguments: [
        ("2026-01-15T00:00:00Z", Int64(1_768_435_200)),
        ("2026-01-15T00:00Z", 1_768_435_200),
        ("2026-01-15T01:00:00+01:00", 1_768_435_200),
        ("2026-01-15T01:00+0100", 1_768_435_200),
        ("2026-01-14T19:00-05", 1_768_435_200),
        ("2026-01-15T00:00:00.000Z", 1_768_435_200),
        ("2026-01-15T00:00:00", 1_768_435_200),
        ("2026-02-24T10:07Z", 1_771_927_620),
        ("2026-03-01", 1_772_409_599),
        ("2000-02-29T12:30:15Z", 951_827_415),
        ("1969-12-31T23:59:59Z", -1),
    ])
    func iso8601ShapesAreReadAsInstants(text: String, seconds: Int64) {
        #expect(ISO8601.epochSeconds(Substring(text)) == seconds)
    }

    @Test(arguments: [
        "", "2026", "2026-1-15", "2026-01-32", "2025-02-29", "2026-01-15T24:00", "2026-01-15T10",
        "2026-01-15T10:00+1", "2026-01-15T10:00Zjunk", "2026-01-15 10:00", "2026-01-15T10:00:00.Z",
    ])
    func malformedISO8601IsRefused(text: String) {
        #expect(ISO8601.epochSeconds(Substring(text)) == nil)
    }
}
