import CampaignCore
import Foundation
import Logging
import TestSupport

/// A context with a fixed clock (advanced by hand) and counting ids, so outputs are reproducible.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var counter = 0
    private let prefix: String

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000), idPrefix: String = "id") {
        current = start
        prefix = idPrefix
    }

    var now: Date {
        lock.withLock { current }
    }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }

    func nextID() -> String {
        lock.withLock {
            counter += 1
            return String(format: "%@-%04d", prefix, counter)
        }
    }
}

extension CoreContext {
    /// A test context over `clock`, logging nowhere.
    static func test(_ clock: TestClock = TestClock()) -> CoreContext {
        CoreContext(
            now: { clock.now },
            makeID: { clock.nextID() },
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
    }
}

/// Builds small, valid Merchant RSS feeds for tests.
struct FeedBuilder {
    struct Item {
        var id: String
        var title: String
        var price = "10.00 EUR"
        var salePrice: String?
        var availability = "in_stock"
        var link: String?
        var extra = ""

        init(_ id: String, title: String? = nil, price: String = "10.00 EUR") {
            self.id = id
            self.title = title ?? "Product \(id)"
            self.price = price
        }
    }

    var items: [Item]

    init(_ items: [Item]) {
        self.items = items
    }

    /// Items `prefix-0` … `prefix-(count-1)`.
    init(count: Int, prefix: String = "SKU", price: String = "10.00 EUR") {
        items = (0..<count).map { Item("\(prefix)-\($0)", price: price) }
    }

    var xml: String {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
            <channel>
            <title>Test shop</title>

            """
        for item in items {
            text += """
                <item>
                <g:id>\(item.id)</g:id>
                <g:title>\(item.title)</g:title>
                <g:description>A fine product.</g:description>
                <g:link>\(item.link ?? "https://www.shop.example/p/\(item.id)")</g:link>
                <g:image_link>https://images.shop.example/\(item.id).jpg</g:image_link>
                <g:availability>\(item.availability)</g:availability>
                <g:price>\(item.price)</g:price>
                \(item.salePrice.map { "<g:sale_price>\($0)</g:sale_price>" } ?? "")
                <g:condition>new</g:condition>
                <g:brand>Testbrand</g:brand>
                <g:mpn>MPN-\(item.id)</g:mpn>
                \(item.extra)
                </item>

                """
        }
        return text + "</channel>\n</rss>\n"
    }

    /// Writes the feed into `folder` and returns its path.
    func write(to folder: TemporaryDirectory, as name: String) throws -> String {
        try folder.write(name, xml)
    }
}
