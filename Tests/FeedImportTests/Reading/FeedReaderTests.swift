import FeedImport
import Foundation
import TestSupport
import Testing

/// Reads every record of an in-memory feed.
func readAll(_ xml: String, name: String = "feed.xml") throws(FeedImportError) -> [FeedRecord] {
    try readAll(bytes: Array(xml.utf8), name: name)
}

func readAll(bytes: [UInt8], name: String = "feed.xml") throws(FeedImportError) -> [FeedRecord] {
    let reader = FeedReader(bytes: bytes, displayName: name)
    var records: [FeedRecord] = []
    while let record = try reader.next() {
        records.append(record)
    }
    return records
}

/// The value of the winning field, as read.
func value(_ record: FeedRecord, _ name: String) -> String? {
    record.field(name)?.value
}

@Suite struct RSSReadingTests {
    @Test func readsGoogleAttributesWithTheirLines() throws {
        let records = try readAll(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
            <channel>
            <title>Shop</title>
            <item>
              <g:id>SKU-1</g:id>
              <title>Plain RSS title</title>
              <g:price>15.00 EUR</g:price>
            </item>
            <item>
              <g:id>SKU-2</g:id>
            </item>
            </channel>
            </rss>
            """
        )
        #expect(records.count == 2)
        let first = try #require(records.first)
        #expect(first.format == .rss2)
        #expect(first.line == 5)
        #expect(first.field("id") == FeedField(name: "id", origin: .google, value: "SKU-1", line: 6))
        #expect(first.field("title") == FeedField(name: "title", origin: .native, value: "Plain RSS title", line: 7))
        #expect(first.field("price")?.line == 8)
        #expect(records[1].line == 10)
    }

    @Test func matchesTheGoogleNamespaceByURIWhateverThePrefix() throws {
        let records = try readAll(
            """
            <rss version="2.0" xmlns:google="http://base.google.com/ns/1.0" xmlns:g="http://example.com/not-google">
            <channel><item>
            <google:id>A</google:id>
            <g:price>1.00 USD</g:price>
            </item></channel></rss>
            """
        )
        let record = try #require(records.first)
        #expect(value(record, "id") == "A")
        // `g:` is bound to another namespace here, so it is not Google's price.
        #expect(record.field("price") == nil)
    }

    @Test func acceptsTheNamespaceDeclaredOnChannelOrItemOrAsDefault() throws {
        let onChannel = try readAll(
            """
            <rss version="2.0"><channel xmlns:g="http://base.google.com/ns/1.0">
            <item><g:id>A</g:id></item></channel></rss>
            """
        )
        #expect(onChannel.first.flatMap { value($0, "id") } == "A")
        let asDefault = try readAll(
            """
            <rss version="2.0"><channel>
            <item><id xmlns="http://base.google.com/ns/1.0">B</id></item></channel></rss>
            """
        )
        #expect(asDefault.first?.field("id")?.origin == .google)
        #expect(asDefault.first.flatMap { value($0, "id") } == "B")
    }

    @Test func resolvesCDATAAndEntities() throws {
        let records = try readAll(
            """
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><item>
            <g:title>Socks &amp; Liners &lt;3 &#233;t&#xE9;</g:title>
            <g:description><![CDATA[<p>Soft & warm</p>]]></g:description>
            <g:link><![CDATA[https://shop.example/p?a=1&b=2]]></g:link>
            </item></channel></rss>
            """
        )
        let record = try #require(records.first)
        #expect(value(record, "title") == "Socks & Liners <3 été")
        #expect(value(record, "description") == "<p>Soft & warm</p>")
        #expect(value(record, "link") == "https://shop.example/p?a=1&b=2")
    }

    @Test func longTextsInManyPiecesAreReadExactlyAndTheBufferIsReusedCleanly() throws {
        // Entities and CDATA split a text into many callbacks; 20,000 bytes outgrow the reader's first 4 KiB buffer.
        let pieces = (0..<900).map { "part \($0) &amp; <![CDATA[<b>\($0)</b>]]> é " }
        let long = pieces.joined()
        let expected = (0..<900).map { "part \($0) & <b>\($0)</b> é " }.joined()
        let records = try readAll(
            """
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>
            <item><g:id>A</g:id><g:description>\(long)</g:description><g:title>Short</g:title></item>
            <item><g:id>B</g:id><g:description>x</g:description><g:title></g:title></item>
            </channel></rss>
            """
        )
        #expect(expected.utf8.count > 20_000)
        #expect(value(records[0], "description") == expected)
        #expect(value(records[0], "title") == "Short")
        #expect(value(records[1], "description") == "x")
        #expect(value(records[1], "title") == "")
        #expect(records.allSatisfy { $0.fields.allSatisfy { !$0.isTruncated } })
    }

    @Test func keepsRepeatedAttributesAndNestedGroupsInOrder() throws {
        let records = try readAll(
            """
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><item>
            <g:additional_image_link>https://a/1.jpg</g:additional_image_link>
            <g:additional_image_link>https://a/2.jpg</g:additional_image_link>
            <g:shipping><g:country>FR</g:country><g:price>4.90 EUR</g:price></g:shipping>
            <g:shipping>
              <g:country>BE</g:country>
              <g:price>7.90 EUR</g:price>
            </g:shipping>
            </item></channel></rss>
            """
        )
        let record = try #require(records.first)
        #expect(record.fields(named: "additional_image_link").map(\.value) == ["https://a/1.jpg", "https://a/2.jpg"])
        let shipping = record.fields(named: "shipping")
        #expect(shipping.count == 2)
        #expect(shipping.allSatisfy { $0.isGroup })
        #expect(shipping[1].child("country")?.value == "BE")
        #expect(shipping[1].child("price")?.line == 7)
    }

    @Test func preferTheGoogleElementOverThePlainRSSOne() throws {
        let records = try readAll(
            """
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><item>
            <title>Plain</title><g:title>Google</g:title>
            </item></channel></rss>
            """
        )
        #expect(records.first.flatMap { value($0, "title") } == "Google")
    }

    @Test func ignoresChannelLevelElementsAndForeignNamespaces() throws {
        let records = try readAll(
            """
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0" xmlns:atom="http://www.w3.org/2005/Atom"
                 xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel><atom:link href="https://x/feed.xml" rel="self"/><g:id>not an item</g:id>
            <item><g:id>A</g:id><dc:date>2024-01-01</dc:date><guid>ignored</guid></item>
            </channel></rss>
            """
        )
        #expect(records.count == 1)
        #expect(records.first?.fields.map(\.name) == ["id"])
    }

    @Test func reportsLinesBeyond65535() throws {
        var xml = "<rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\"><channel>\n"
        for index in 0..<35_000 {
            xml += "<item>\n<g:id>\(index)</g:id></item>\n"
        }
        xml += "</channel></rss>"
        let records = try readAll(xml)
        #expect(records.count == 35_000)
        #expect(records.last?.line == 70_000)
        #expect(records.last?.field("id")?.line == 70_001)
    }
}

@Suite struct AtomAndYMLReadingTests {
    @Test func readsAtomEntriesWithLinkHrefAndSummary() throws {
        let records = try readAll(
            """
            <?xml version="1.0"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
            <title>Shop</title>
            <entry>
              <title>Lamp</title>
              <link rel="self" href="https://shop.example/self"/>
              <link href="https://shop.example/lamp"/>
              <summary>A lamp</summary>
              <g:id>L1</g:id>
            </entry>
            </feed>
            """
        )
        let record = try #require(records.first)
        #expect(record.format == .atom1)
        #expect(value(record, "link") == "https://shop.example/lamp")
        #expect(value(record, "description") == "A lamp")
        #expect(value(record, "title") == "Lamp")
        #expect(value(record, "id") == "L1")
    }

    @Test func readsLegacyAtom03WithAWarning() throws {
        let reader = try FeedReader(
            contentsOf: Paths.realFeed("googlebase-legacy-products-atom03_rometools.xml").path,
            displayName: "atom03.xml"
        )
        var count = 0
        while try reader.next() != nil {
            count += 1
        }
        #expect(count == 2)
        #expect(reader.format == .atom03)
        #expect(reader.feedDiagnostics.map(\.code.rawValue) == ["legacy_feed_format"])
    }

    @Test func mapsYMLOffersOntoGoogleNames() throws {
        let records = try readAll(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE yml_catalog SYSTEM "shops.dtd">
            <yml_catalog date="2024-01-01 10:00"><shop>
            <currencies><currency id="RUR" rate="1"/></currencies>
            <categories><category id="1">Дом</category><category id="2" parentId="1">Лампы</category></categories>
            <offers>
            <offer id="7" available="false" type="vendor.model">
              <url>https://shop.example/7</url>
              <price>900</price><oldprice>1200</oldprice><currencyId>RUR</currencyId>
              <categoryId>2</categoryId>
              <picture>https://shop.example/7a.jpg</picture><picture>https://shop.example/7b.jpg</picture>
              <typePrefix>Лампа</typePrefix><vendor>Свет</vendor><model>X1</model>
              <barcode>4600000000008</barcode>
              <param name="Цвет">белый</param>
            </offer>
            </offers></shop></yml_catalog>
            """
        )
        let record = try #require(records.first)
        #expect(record.format == .yml)
        #expect(value(record, "id") == "7")
        #expect(value(record, "availability") == "out_of_stock")
        #expect(value(record, "price") == "1200 RUB")
        #expect(value(record, "sale_price") == "900 RUB")
        #expect(value(record, "link") == "https://shop.example/7")
        #expect(value(record, "product_type") == "Дом > Лампы")
        #expect(value(record, "image_link") == "https://shop.example/7a.jpg")
        #expect(record.fields(named: "additional_image_link").map(\.value) == ["https://shop.example/7b.jpg"])
        #expect(value(record, "title") == "Лампа Свет X1")
        #expect(value(record, "brand") == "Свет")
        #expect(value(record, "gtin") == "4600000000008")
        #expect(record.field("param")?.child("name")?.value == "Цвет")
        #expect(record.field("param")?.child("value")?.value == "белый")
    }

    @Test func refusesAnyOtherRootElementByName() throws {
        let error = #expect(throws: FeedImportError.self) {
            try readAll("<catalog><products/></catalog>", name: "other.xml")
        }
        #expect(error == .unsupportedFormat(SourceLocation(file: "other.xml", line: 1), root: "catalog"))
        #expect(
            error?.description
                == "other.xml:1: error: [unsupported_format] unsupported feed format: <catalog> "
                + "(expected RSS 2.0, Atom 1.0 or YML)"
        )
    }

    @Test func refusesAFeedElementOutsideTheAtomNamespace() throws {
        #expect(throws: FeedImportError.unsupportedFormat(SourceLocation(file: "feed.xml", line: 1), root: "feed")) {
            try readAll("<feed><entry/></feed>")
        }
    }
}

@Suite struct EncodingTests {
    private static let template = """
        <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><item>\
        <g:id>E1</g:id><g:title>TITLE</g:title></item></channel></rss>
        """

    @Test func readsUTF16WithByteOrderMark() throws {
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>"
            + Self.template.replacingOccurrences(of: "TITLE", with: "Café ☕")
        var littleEndian: [UInt8] = [0xFF, 0xFE]
        for unit in xml.utf16 {
            littleEndian += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        #expect(try readAll(bytes: littleEndian).first.flatMap { value($0, "title") } == "Café ☕")
        var bigEndian: [UInt8] = [0xFE, 0xFF]
        for unit in xml.utf16 {
            bigEndian += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        #expect(try readAll(bytes: bigEndian).first.flatMap { value($0, "title") } == "Café ☕")
    }

    @Test func readsISO88591AsDeclared() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + Self.template
        var bytes = Array(xml.utf8)
        let marker = Array("TITLE".utf8)
        let start = try #require(bytes.indices.first { Array(bytes[$0..<min($0 + 5, bytes.count)]) == marker })
        bytes.replaceSubrange(start..<start + 5, with: [0x43, 0x61, 0x66, 0xE9])  // "Café" in Latin-1
        #expect(try readAll(bytes: bytes).first.flatMap { value($0, "title") } == "Café")
    }

    @Test func readsWindows1251AsDeclared() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>" + Self.template
        var bytes = Array(xml.utf8)
        let marker = Array("TITLE".utf8)
        let start = try #require(bytes.indices.first { Array(bytes[$0..<min($0 + 5, bytes.count)]) == marker })
        bytes.replaceSubrange(start..<start + 5, with: [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2])  // "Привет"
        #expect(try readAll(bytes: bytes).first.flatMap { value($0, "title") } == "Привет")
    }

    @Test func refusesInvalidUTF8WithAnEncodingProblem() throws {
        var bytes = Array(Self.template.utf8)
        let marker = Array("TITLE".utf8)
        let start = try #require(bytes.indices.first { Array(bytes[$0..<min($0 + 5, bytes.count)]) == marker })
        bytes.replaceSubrange(start..<start + 5, with: [0x43, 0x61, 0x66, 0xE9, 0x20])  // Latin-1 é, undeclared
        let error = #expect(throws: FeedImportError.self) { try readAll(bytes: bytes) }
        guard case .encodingProblem(let location, _) = error else {
            Issue.record("expected an encoding problem, got \(String(describing: error))")
            return
        }
        #expect(location == SourceLocation(file: "feed.xml", line: 1))
        #expect(error?.description.contains("[encoding_problem]") == true)
    }

    @Test func readsGzippedFilesDirectly() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("feed.xml", Self.template.replacingOccurrences(of: "TITLE", with: "Zipped"))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-9", path]
        try gzip.run()
        gzip.waitUntilExit()
        let reader = try FeedReader(contentsOf: path + ".gz")
        let record = try #require(try reader.next())
        #expect(value(record, "title") == "Zipped")
        #expect(try reader.next() == nil)
        #expect(reader.rawBytesConsumed == reader.rawSize)
    }

    @Test func refusesATruncatedGzipFile() throws {
        let folder = try TemporaryDirectory()
        var xml = "<rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\"><channel>"
        for index in 0..<2_000 {
            xml += "<item><g:id>\(index)</g:id><g:title>Product number \(index)</g:title></item>"
        }
        let path = try folder.write("feed.xml", xml + "</channel></rss>")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [path]
        try gzip.run()
        gzip.waitUntilExit()
        let zipped = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        let cut = try folder.write("cut.xml.gz", bytes: Array(zipped.prefix(zipped.count / 2)))
        let reader = try FeedReader(contentsOf: cut, displayName: "cut.xml.gz")
        #expect(throws: FeedImportError.self) {
            while try reader.next() != nil {}
        }
    }
}

/// A reader with a `rawChunkLender` reads a plain file's chunks into the lent memory and shows them to the observer
/// there; a gzipped file's never.
@Suite struct RawChunkLendingTests {
    /// A feed of several 256 KiB chunks.
    private static func feed() -> String {
        var xml = "<rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\"><channel>\n"
        for index in 0..<6_000 {
            xml += "<item><g:id>P\(index)</g:id><title>Lampe n° \(index) – laiton</title>"
            xml += "<description><![CDATA[<p>Une lampe & son abat-jour, \(index).</p>]]></description></item>\n"
        }
        return xml + "</channel></rss>\n"
    }

    /// Lent memory, and where each chunk the observer saw was.
    private final class Lender {
        var regions: [UnsafeMutableRawBufferPointer] = []
        var observed: [(start: UnsafeRawPointer?, bytes: [UInt8])] = []
        let size: Int

        init(size: Int) {
            self.size = size
        }

        func lend() -> UnsafeMutableRawBufferPointer? {
            let region = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
            regions.append(region)
            return region
        }

        func wasLent(_ start: UnsafeRawPointer?) -> Bool {
            regions.contains { UnsafeRawPointer($0.baseAddress) == start }
        }

        deinit {
            for region in regions {
                region.deallocate()
            }
        }
    }

    private static func read(_ path: String, lender: Lender) throws -> [FeedRecord] {
        let reader = try FeedReader(contentsOf: path)
        reader.rawChunkLender = { lender.lend() }
        reader.rawBytesObserver = { lender.observed.append(($0.baseAddress, Array($0))) }
        var records: [FeedRecord] = []
        while let record = try reader.next() {
            records.append(record)
        }
        return records
    }

    @Test func aPlainFileIsReadIntoLentMemoryAndObservedThere() throws {
        let folder = try TemporaryDirectory()
        let xml = Self.feed()
        let path = try folder.write("feed.xml", xml)
        let lender = Lender(size: 1 << 20)
        let records = try Self.read(path, lender: lender)
        #expect(records == (try readAll(xml, name: path)))
        #expect(records.count == 6_000)
        #expect(lender.observed.flatMap(\.bytes) == Array(xml.utf8))
        // The first chunk is read where the reader looks for gzip's magic bytes; every later one where it was lent.
        #expect(lender.observed.count > 2)
        #expect(lender.observed.dropFirst().allSatisfy { lender.wasLent($0.start) })
        #expect(!lender.wasLent(lender.observed[0].start))
    }

    @Test func tooLittleLentMemoryIsNotUsed() throws {
        let folder = try TemporaryDirectory()
        let xml = Self.feed()
        let path = try folder.write("feed.xml", xml)
        let lender = Lender(size: 4_096)
        let records = try Self.read(path, lender: lender)
        #expect(records.count == 6_000)
        #expect(lender.observed.flatMap(\.bytes) == Array(xml.utf8))
        #expect(!lender.observed.contains { lender.wasLent($0.start) })
    }

    @Test func aGzippedFileIsNeverReadIntoLentMemory() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("feed.xml", Self.feed())
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-1", path]
        try gzip.run()
        gzip.waitUntilExit()
        let lender = Lender(size: 1 << 20)
        let records = try Self.read(path + ".gz", lender: lender)
        #expect(records.count == 6_000)
        #expect(lender.regions.isEmpty)
        let zipped = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        #expect(lender.observed.flatMap(\.bytes) == Array(zipped))
    }
}
