import FeedImport
import Foundation
import TestSupport
import Testing

/// Hostile and broken files: each must give a clear, located error, never hang, crash or read outside the feed.
@Suite struct HostileInputTests {
    @Test func refusesExternalEntitiesPointingAtLocalFiles() throws {
        let folder = try TemporaryDirectory()
        let secret = try folder.write("secret.txt", "TOP-SECRET")
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [
              <!ENTITY xxe SYSTEM "file://\(secret)">
            ]>
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>
            <item><g:id>A</g:id><g:title>&xxe;</g:title></item></channel></rss>
            """
        let error = #expect(throws: FeedImportError.self) { try readAll(xml) }
        #expect(error == .entityDeclarationRefused(SourceLocation(file: "feed.xml", line: 3), name: "xxe"))
        #expect(error?.description.contains("TOP-SECRET") == false)
    }

    @Test func refusesParameterEntities() throws {
        let xml = """
            <!DOCTYPE rss [ <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote; ]>
            <rss version="2.0"><channel/></rss>
            """
        #expect(
            throws: FeedImportError.entityDeclarationRefused(SourceLocation(file: "feed.xml", line: 1), name: "remote")
        ) {
            try readAll(xml)
        }
    }

    @Test func refusesEntityExpansionBombsAtOnce() throws {
        var declarations = "<!ENTITY lol0 \"lol\">\n"
        for level in 1...9 {
            let previous = String(repeating: "&lol\(level - 1);", count: 10)
            declarations += "<!ENTITY lol\(level) \"\(previous)\">\n"
        }
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [
            \(declarations)]>
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>
            <item><g:id>A</g:id><g:title>&lol9;</g:title></item></channel></rss>
            """
        let clock = ContinuousClock()
        let started = clock.now
        let error = #expect(throws: FeedImportError.self) { try readAll(xml) }
        guard case .entityDeclarationRefused(let location, "lol0") = error else {
            Issue.record("expected the first entity declaration to be refused, got \(String(describing: error))")
            return
        }
        #expect(location.line == 3)
        // Not a timing assertion on behaviour: a guard against an expansion that would take minutes.
        #expect(clock.now - started < .seconds(5))
    }

    @Test func neverFetchesAnExternalDTD() throws {
        // A DOCTYPE naming a remote DTD (like YML's `shops.dtd`) is fine: nothing is fetched.
        let records = try readAll(
            """
            <!DOCTYPE rss SYSTEM "http://127.0.0.1:9/never-fetched.dtd">
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>
            <item><g:id>A</g:id></item></channel></rss>
            """
        )
        #expect(records.count == 1)
    }

    @Test func refusesDeeplyNestedElements() throws {
        let depth = 500
        let xml =
            "<rss version=\"2.0\"><channel><item>" + String(repeating: "<a>", count: depth)
            + String(repeating: "</a>", count: depth) + "</item></channel></rss>"
        let error = #expect(throws: FeedImportError.self) { try readAll(xml) }
        guard case .tooDeeplyNested(let location, let reached) = error else {
            Issue.record("expected a nesting error, got \(String(describing: error))")
            return
        }
        #expect(location.line == 1)
        #expect(reached == FeedReader.maximumDepth + 1)
    }

    @Test func cutsAHundredMegabyteTextNodeWithoutHoldingIt() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("huge.xml")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.write(Data("<rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\"><channel><item>\n".utf8))
        handle.write(Data("<g:id>A</g:id>\n<g:description>".utf8))
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<100 {
            handle.write(block)
        }
        handle.write(Data("</g:description></item></channel></rss>".utf8))
        try handle.close()
        // The SAX reader sees the text in pieces and keeps at most the cap; the validator then rejects
        // the item with `value_too_long` at this line (see the validation tests). Peak memory for this
        // file is measured by the benchmark script, not here.
        let reader = try FeedReader(contentsOf: path, displayName: "huge.xml")
        let record = try #require(try reader.next())
        let field = try #require(record.field("description"))
        #expect(field.isTruncated)
        #expect(field.line == 3)
        #expect(field.value.utf8.count == FeedReader.maximumFieldLength)
        #expect(try reader.next() == nil)
    }

    @Test func cutsAnOversizedFieldAndFlagsIt() throws {
        let long = String(repeating: "é", count: FeedReader.maximumFieldLength)  // twice the cap in bytes
        let records = try readAll(
            """
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><item>
            <g:id>A</g:id><g:description>\(long)</g:description></item></channel></rss>
            """
        )
        let field = try #require(records.first?.field("description"))
        #expect(field.isTruncated)
        #expect(field.value.utf8.count == FeedReader.maximumFieldLength)
        #expect(field.value.allSatisfy { $0 == "é" })
    }

    @Test(arguments: [
        ("truncated", "<rss version=\"2.0\"><channel><item><title>A</title>", 1),
        ("mismatched tag", "<rss version=\"2.0\"><channel>\n<item><title>A</item>\n</channel></rss>", 2),
        ("binary junk", "\u{01}\u{02}PK\u{03}\u{04}garbage", 1),
        ("text before the root", "hello <rss/>", 1),
        ("two roots", "<rss version=\"2.0\"><channel/></rss><rss/>", 1),
        ("undefined prefix", "<rss version=\"2.0\"><channel><item>\n<g:id>A</g:id></item></channel></rss>", 2),
    ])
    func refusesMalformedXMLWithItsLine(name: String, xml: String, line: Int) throws {
        let error = #expect(throws: FeedImportError.self, "\(name)") { try readAll(xml) }
        guard case .malformedXML(let location, let reason) = error else {
            Issue.record("\(name): expected malformed XML, got \(String(describing: error))")
            return
        }
        #expect(location == SourceLocation(file: "feed.xml", line: line), "\(name): \(reason)")
        #expect(!reason.isEmpty)
    }

    @Test func refusesAnEmptyFile() throws {
        #expect(throws: FeedImportError.emptyDocument(file: "feed.xml")) { try readAll("") }
        #expect(throws: FeedImportError.self) { try readAll("   \n  ") }
    }

    @Test func refusesAMissingFileAsUnreadable() throws {
        #expect(throws: FeedImportError.unreadable(file: "nope.xml", reason: "No such file or directory")) {
            try FeedReader(contentsOf: "/nonexistent/nope.xml", displayName: "nope.xml")
        }
    }

    @Test func reportsTheRealMalformedFeedAtItsMismatchedTag() throws {
        let name = "magento-google-atom1-feed-MALFORMED-mismatched-tag-truncated_themestechnology.xml"
        let reader = try FeedReader(contentsOf: Paths.realFeed(name).path, displayName: name)
        let error = #expect(throws: FeedImportError.self) {
            while try reader.next() != nil {}
        }
        #expect(
            error
                == .malformedXML(
                    SourceLocation(file: name, line: 15),
                    reason: "Opening and ending tag mismatch: gtinc line 15 and gtin"
                )
        )
    }
}
