import Testing

@testable import FeedImport

/// The compact form the reader stores records in: what goes in comes out, and the reader's cuts and groups keep the
/// meaning the `FeedField` form had.
@Suite struct FieldStorageTests {
    @Test func fieldsComeBackAsTheyWereStored() {
        let fields = [
            FeedField(name: "id", value: " SKU-1 ", line: 3),
            FeedField(name: "x_custom_attribute", origin: .native, value: "Käse", line: 4, isTruncated: true),
            FeedField(
                name: "shipping",
                value: "",
                line: 5,
                children: [
                    FeedField(name: "country", value: "FR", line: 6),
                    FeedField(
                        name: "späť",
                        value: "1",
                        line: 7,
                        children: [FeedField(name: "deep", value: "2", line: 8)]
                    ),
                ]
            ),
            FeedField(
                name: "param",
                origin: .yml,
                value: "42",
                line: 9,
                xmlAttributes: [XMLAttribute(name: "name", value: "Size"), XMLAttribute(name: "unit", value: "cm")]
            ),
            FeedField(name: "id", value: "", line: 0),
        ]
        let record = FeedRecord(format: .rss2, line: 2, fields: fields)
        #expect(record.fields == fields)
        #expect(record.storage.entries.count == 10)
        // Known names are stored as ids, the others in the text.
        #expect(record.storage.entries[0].nameID != FieldNames.custom)
        #expect(record.storage.entries[1].nameID == FieldNames.custom)
        #expect(record == FeedRecord(format: .rss2, line: 2, fields: fields))
        #expect(record != FeedRecord(format: .rss2, line: 2, fields: Array(fields.dropLast())))
    }

    @Test(arguments: [
        ("  padded\n\t", "padded"),
        ("\u{A0}NBSP both ends\u{A0}", "NBSP both ends"),
        (" \u{2003}em space inside\u{2003} ", "em space inside"),
        ("clean", "clean"),
        ("   ", ""),
        ("\u{A0}", ""),
        ("", ""),
    ])
    func trimsAsTextCheckDoes(raw: String, trimmed: String) {
        let storage = FieldStorage([FeedField(name: "title", value: raw, line: 1)])
        #expect(storage.trimmedValue(at: 0) == trimmed)
        #expect(storage.trimmedValue(at: 0) == TextCheck.trimmed(raw))
        #expect(storage.isBlank(at: 0) == trimmed.isEmpty)
    }

    @Test(arguments: [
        ("ascii", 5),
        ("é", 2),
        ("aé", 3),
        ("€", 3),
        ("😀", 4),
    ])
    func keepsWholeCharacters(text: String, length: Int) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { whole in
            #expect(UTF8Tail.completeLength(whole) == length)
            // Every cut inside the last character drops the whole character.
            let lastStart = bytes.count - (String(text.last ?? " ").utf8.count)
            for cut in lastStart + 1..<max(bytes.count, lastStart + 1) {
                #expect(UTF8Tail.completeLength(UnsafeBufferPointer(rebasing: whole[..<cut])) == lastStart)
            }
        }
        #expect(UTF8Tail.completeLength(UnsafeBufferPointer(start: nil, count: 0)) == 0)
    }

    @Test func aCutThroughACharacterDropsItsFirstBytes() throws {
        // One ASCII byte, then two-byte characters: the cap falls inside one.
        let long = "a" + String(repeating: "é", count: FeedReader.maximumFieldLength / 2)
        let records = try readAll(
            """
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><item>
            <g:id>A</g:id><g:description>\(long)</g:description><g:brand>Next</g:brand></item></channel></rss>
            """
        )
        let field = try #require(records.first?.field("description"))
        #expect(field.isTruncated)
        #expect(field.value.utf8.count == FeedReader.maximumFieldLength - 1)
        #expect(field.value.dropFirst().allSatisfy { $0 == "é" })
        // The dropped byte is not left in the record's text for the next field.
        #expect(records.first?.field("brand")?.value == "Next")
    }

    @Test func aGroupKeepsItsChildrenAndDropsItsOwnText() throws {
        let records = try readAll(
            """
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><item>
            <g:shipping>before<g:country>FR</g:country>between<g:price>4.90 EUR</g:price>after</g:shipping>
            <g:brand>Maison</g:brand>
            </item></channel></rss>
            """
        )
        let record = try #require(records.first)
        let shipping = try #require(record.field("shipping"))
        #expect(shipping.value == "")
        #expect(shipping.children.map(\.name) == ["country", "price"])
        #expect(shipping.children.map(\.value) == ["FR", "4.90 EUR"])
        #expect(record.field("brand")?.value == "Maison")
    }

    @Test func anAtomLinkTakesItsHrefUnlessItHoldsElements() throws {
        let records = try readAll(
            """
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
            <entry><id>1</id><link href="https://shop.example/a" rel="alternate">ignored text</link></entry>
            <entry><id>2</id><link href="https://shop.example/b"><g:x>inner</g:x></link></entry>
            </feed>
            """
        )
        #expect(records.count == 2)
        #expect(records.first?.field("link")?.value == "https://shop.example/a")
        let group = try #require(records.last?.field("link"))
        #expect(group.value == "")
        #expect(group.children.map(\.value) == ["inner"])
    }
}
