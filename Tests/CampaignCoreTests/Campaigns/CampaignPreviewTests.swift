import Foundation
import TestSupport
import Testing

@testable import CampaignCore

// MARK: - Hand-made manifests

/// Manifests built by hand (no resolver, no catalog), one per format, on reserved `.example` hosts.
private enum PreviewFixture {
    static let digest = "3f7a9c2e5b1d4f60a8e7c6b5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a21"

    static func checks(_ domain: String) -> [String] {
        [
            "https", "no userinfo", "no invisible characters", "no open redirect", "default port",
            "not an ip address", "verified domain \(domain)", "no look-alike of a verified domain",
            "one script per host label", "not a url shortener",
        ]
    }

    static func link(
        _ ascii: String,
        unicode: String? = nil,
        domain: String = "maison-lumiere.example"
    )
        -> CampaignManifest.Link
    {
        CampaignManifest.Link(ascii: ascii, unicode: unicode ?? ascii, checks: checks(domain))
    }

    static func utm(_ id: String) -> String {
        "utm_source=x&utm_medium=paid_social&utm_campaign=summer-lights&utm_content=\(id)&utm_id=summer-lights-2025"
    }

    struct Product {
        var id: String
        var headline: String
        var price: Int64
        var sale: Int64?
        var display: String
        var original: String?
    }

    static let products = [
        Product(
            id: "ML-LAMP-LIN",
            headline: "Lampe Lin, hand-woven linen shade",
            price: 45_000_000,
            sale: 34_000_000,
            display: "34,00 €",
            original: "45,00 €"
        ),
        Product(
            id: "ML-VASE-GRES",
            headline: "Vase Grès, stoneware, 24 cm",
            price: 29_000_000,
            sale: nil,
            display: "29,00 €",
            original: nil
        ),
        Product(
            id: "ML-CANDLE-FIGUE",
            headline: "Bougie Figue, 60 hours",
            price: 22_000_000,
            sale: 18_000_000,
            display: "18,00 €",
            original: "22,00 €"
        ),
        Product(
            id: "ML-THROW-LAINE",
            headline: "Plaid Laine, merino throw",
            price: 89_000_000,
            sale: nil,
            display: "89,00 €",
            original: nil
        ),
    ]

    static func card(
        _ product: Product,
        position: Int,
        role: String,
        aspect: String,
        idn: Bool = false
    )
        -> CampaignManifest.Card
    {
        let path = "/p/\(product.id.lowercased())?\(utm(product.id))"
        let destination =
            idn
            ? link(
                "https://xn--maison-lumire-6gb.example" + path,
                unicode: "https://maison-lumière.example" + path,
                domain: "maison-lumière.example"
            )
            : link("https://shop.maison-lumiere.example" + path)
        let image = "https://cdn.maison-lumiere.example/img/\(product.id.lowercased()).jpg"
        return CampaignManifest.Card(
            position: position,
            role: role,
            headline: product.headline,
            image: link(image),
            imageAspect: aspect,
            priceDisplay: product.display,
            originalPriceDisplay: product.original,
            buyButton: CampaignManifest.BuyButton(label: "Buy", destination: destination),
            product: CampaignManifest.ProductSnapshot(
                id: product.id,
                title: product.headline,
                priceMicros: product.price,
                salePriceMicros: product.sale,
                currency: "EUR",
                availability: "in_stock",
                imageLink: image,
                link: "https://shop.maison-lumiere.example/p/\(product.id.lowercased())"
            )
        )
    }

    static func manifest(
        format: String,
        cards: [CampaignManifest.Card],
        text: String,
        links: [CampaignManifest.Link]
    )
        -> CampaignManifest
    {
        CampaignManifest(
            manifestVersion: 1,
            campaignID: "summer-lights-2025",
            name: "Summer lights 2025",
            account: "maisonlumiere",
            format: format,
            catalog: "maison-lumiere",
            tweet: CampaignManifest.Tweet(text: text, weightedLength: 0, links: links),
            cards: cards,
            budget: CampaignManifest.Budget(currency: "EUR", dailyMicros: 50_000_000, totalMicros: 1_500_000_000),
            schedule: CampaignManifest.Schedule(
                start: "2025-06-01T09:00:00+02:00",
                end: "2025-06-30T23:59:00+02:00",
                startEpoch: 1_748_761_200,
                endEpoch: 1_751_320_740
            ),
            targeting: CampaignManifest.Targeting(
                countries: ["BE", "FR"],
                languages: ["en", "fr"],
                keywords: ["home decor", "linen"]
            ),
            utm: CampaignManifest.UTM(source: "x", medium: "paid_social", campaign: "summer-lights")
        )
    }

    /// One product card, 1:1, with an IDN Buy destination and a sale price.
    static var productCard: CampaignManifest {
        let url = "https://maison-lumière.example/lampe-lin"
        let text = "Our linen lamp is back, now 34,00 € instead of 45,00 € 🕯️\nSee it: \(url) #MaisonLumière"
        var manifest = manifest(
            format: "product_card",
            cards: [card(products[0], position: 1, role: "card", aspect: "1:1", idn: true)],
            text: text,
            links: [
                link("https://xn--maison-lumire-6gb.example/lampe-lin", unicode: url, domain: "maison-lumière.example")
            ]
        )
        manifest.tweet.weightedLength = 106
        return manifest
    }

    /// A carousel of three 1:1 cards.
    static var carousel: CampaignManifest {
        let cards = products.prefix(3).enumerated().map { card($1, position: $0 + 1, role: "card", aspect: "1:1") }
        var manifest = manifest(
            format: "carousel",
            cards: cards,
            text: "Three summer pieces from @maisonlumiere, made in Lyon. Swipe → #MaisonLumière",
            links: []
        )
        manifest.tweet.weightedLength = 78
        return manifest
    }

    /// A collection: a 1.91:1 hero and three thumbnails.
    static var collection: CampaignManifest {
        let cards = products.enumerated().map {
            card($1, position: $0 + 1, role: $0 == 0 ? "hero" : "thumbnail", aspect: "1.91:1")
        }
        let url = "https://shop.maison-lumiere.example/collections/summer-lights-2025-living-room"
        var manifest = manifest(
            format: "collection",
            cards: cards,
            text: "The summer living room, four pieces: \(url)",
            links: [link(url)]
        )
        manifest.tweet.weightedLength = 60
        return manifest
    }

    static var all: [CampaignManifest] { [productCard, carousel, collection] }

    static func html(_ manifest: CampaignManifest) -> String {
        CampaignPreview.html(manifest: manifest, digest: digest, revision: 3, brand: "Maison Lumière")
    }
}

// MARK: - Unit tests

@Suite struct CampaignPreviewTests {
    @Test func headlineWithScriptAndQuotesIsEscapedInTextAndInTheAltAttribute() throws {
        var manifest = PreviewFixture.productCard
        manifest.cards[0].headline = #"<script>alert("x")</script> & 'quotes'"#
        let html = PreviewFixture.html(manifest)
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"
        #expect(html.contains("<h2 class=\"headline\">\(escaped)</h2>"))
        #expect(html.contains("alt=\"\(escaped)\""))
        #expect(!html.lowercased().contains("<script"))
    }

    @Test func noOutputContainsAScriptElementOrAnEventHandler() {
        for manifest in PreviewFixture.all {
            let html = PreviewFixture.html(manifest).lowercased()
            #expect(!html.contains("<script"))
            #expect(!html.contains("javascript:"))
            #expect(!html.contains(" onerror="))
            #expect(!html.contains(" onload="))
        }
    }

    @Test func contentSecurityPolicyMetaComesBeforeAnythingThatLoads() throws {
        let html = PreviewFixture.html(PreviewFixture.carousel)
        let csp = try #require(html.range(of: "<meta http-equiv=\"Content-Security-Policy\" content=\""))
        let policy = html[csp.upperBound...].prefix { $0 != "\"" }
        #expect(policy.hasPrefix("default-src &#39;none&#39;; img-src https:; style-src &#39;unsafe-inline&#39;"))
        let firstImage = try #require(html.range(of: "<img "))
        #expect(csp.lowerBound < firstImage.lowerBound)
        #expect(!html.contains("<link"))
        #expect(!html.contains("@import"))
        #expect(!html.contains("url("))
    }

    @Test func idnDestinationIsShownInBothFormsAndFlaggedAsDifferent() {
        let html = PreviewFixture.html(PreviewFixture.productCard)
        #expect(html.contains("https://<b class=\"host\">maison-lumière.example</b>/p/ml-lamp-lin?"))
        #expect(html.contains("https://<b class=\"host\">xn--maison-lumire-6gb.example</b>/p/ml-lamp-lin?"))
        #expect(html.contains("The Unicode and ASCII forms differ."))
        // The browser is sent to the ASCII form only.
        let buy = "class=\"buy\" href=\"https://xn--maison-lumire-6gb.example/p/ml-lamp-lin?utm_source=x&amp;"
        #expect(html.contains(buy))
        #expect(html.contains("<li>✓ verified domain maison-lumière.example</li>"))
        #expect(html.contains("<code>ML-LAMP-LIN</code>"))
    }

    @Test func asciiOnlyDestinationIsMarkedIdentical() {
        let html = PreviewFixture.html(PreviewFixture.carousel)
        #expect(html.contains("Unicode and ASCII forms are identical"))
        #expect(!html.contains("forms differ"))
    }

    @Test func salePriceShowsTheOriginalStruckThrough() {
        let html = PreviewFixture.html(PreviewFixture.productCard)
        #expect(html.contains("<span class=\"price\">34,00 €</span> <s class=\"original\">45,00 €</s>"))
        let vase = PreviewFixture.html(PreviewFixture.carousel)
        #expect(vase.contains("<p class=\"prices\"><span class=\"price\">29,00 €</span></p>"))
    }

    @Test func carouselCardsSitInAHorizontalScrollContainer() throws {
        let html = PreviewFixture.html(PreviewFixture.carousel)
        #expect(html.contains("<div class=\"carousel\" role=\"list\""))
        #expect(html.components(separatedBy: "<div class=\"slide\" role=\"listitem\">").count == 4)
        let rule = try #require(CampaignPreview.style.range(of: ".carousel {"))
        let body = CampaignPreview.style[rule.upperBound...].prefix { $0 != "}" }
        #expect(body.contains("overflow-x: auto"))
        #expect(body.contains("scroll-snap-type: x mandatory"))
    }

    @Test func collectionHasAHeroAndThumbnailsBeneath() throws {
        let html = PreviewFixture.html(PreviewFixture.collection)
        let hero = try #require(html.range(of: "class=\"card card-hero\""))
        let row = try #require(html.range(of: "<div class=\"thumbnails thumbnails-3\">"))
        #expect(hero.lowerBound < row.lowerBound)
        #expect(html.components(separatedBy: "class=\"card card-thumbnail\"").count == 4)
        #expect(html.contains("style=\"aspect-ratio: 1.91 / 1\""))
        #expect(html.components(separatedBy: "<section class=\"approver\"").count == 6)
    }

    @Test func everyCardHasAnApproverBoxAndABuyButton() {
        for manifest in PreviewFixture.all {
            let html = PreviewFixture.html(manifest)
            let boxes = html.components(separatedBy: "Buy button destination</h3>").count - 1
            #expect(boxes == manifest.cards.count)
            #expect(html.components(separatedBy: "<a class=\"buy\"").count - 1 == manifest.cards.count)
        }
    }

    @Test func onlyHttpsURLsBecomeLinksOrImageSources() {
        var manifest = PreviewFixture.productCard
        manifest.cards[0].buyButton.destination = CampaignManifest.Link(
            ascii: "javascript:alert(1)",
            unicode: "javascript:alert(1)",
            checks: []
        )
        manifest.cards[0].image = CampaignManifest.Link(
            ascii: "http://cdn.example/a.jpg",
            unicode: "http://cdn.example/a.jpg",
            checks: []
        )
        manifest.tweet.links = [
            CampaignManifest.Link(ascii: "https://a.example/\" onmouseover=\"x", unicode: "x", checks: [])
        ]
        let html = PreviewFixture.html(manifest)
        #expect(!html.contains("href=\"javascript"))
        #expect(!html.contains("<img"))
        #expect(html.contains("<span class=\"buy buy-disabled\">Buy</span>"))
        #expect(html.contains("⚠ No link check recorded"))
        #expect(!html.contains("\" onmouseover"))
        #expect(CampaignPreview.httpsURL("HTTPS://shop.example/") != nil)
        #expect(CampaignPreview.httpsURL("https://shop.example/a b") == nil)
        #expect(CampaignPreview.httpsURL("https://") == nil)
    }

    @Test func tweetLinksAreShortenedLikeXAndPointToTheAsciiForm() {
        let html = PreviewFixture.html(PreviewFixture.collection)
        let href = "https://shop.maison-lumiere.example/collections/summer-lights-2025-living-room"
        #expect(html.contains("<a class=\"link\" href=\"\(href)\" title=\"\(href)\""))
        #expect(html.contains(">shop.maison-lumiere.examp…</a>"))
        #expect(CampaignPreview.shortened("https://www.example.com/a") == "example.com/a")
        let card = PreviewFixture.html(PreviewFixture.productCard)
        #expect(card.contains("href=\"https://xn--maison-lumire-6gb.example/lampe-lin\""))
        #expect(card.contains(">maison-lumière.example/la…</a> <span class=\"tag\">#MaisonLumière</span>"))
    }

    @Test func invisibleAndBidiCharactersAreShownAsCodePoints() {
        var manifest = PreviewFixture.productCard
        manifest.cards[0].headline = "Lampe\u{202E}nil\u{200B}"
        let html = PreviewFixture.html(manifest)
        #expect(!html.unicodeScalars.contains("\u{202E}"))
        #expect(!html.unicodeScalars.contains("\u{200B}"))
        #expect(html.contains("Lampe<span class=\"invisible\" title=\"invisible character\">U+202E</span>nil"))
        #expect(html.contains("alt=\"Lampe[U+202E]nil[U+200B]\""))
        // Emoji sequences keep their joiners and variation selectors.
        #expect(CampaignPreview.text("👩‍💻 🕯️") == "👩‍💻 🕯️")
    }

    @Test func budgetIsFormattedFromMicrosWithIntegerArithmetic() {
        let html = PreviewFixture.html(PreviewFixture.productCard)
        #expect(html.contains("50.00 EUR <small class=\"micros\">50000000 micros</small>"))
        #expect(html.contains("1\u{202F}500.00 EUR"))
        #expect(CampaignPreview.money(1_234_567, "USD").hasPrefix("1.234567 USD"))
        #expect(CampaignPreview.money(-5_500_000, "USD").hasPrefix("-5.50 USD"))
        let grouped = ["-9", "223", "372", "036", "854.775808 USD"].joined(separator: "\u{202F}")
        #expect(CampaignPreview.money(Int64.min, "USD").hasPrefix(grouped))
        #expect(CampaignPreview.money(0, "JPY").hasPrefix("0.00 JPY"))
    }

    @Test func panelShowsRevisionDigestScheduleTargetingUtmAndLength() {
        let html = PreviewFixture.html(PreviewFixture.carousel)
        #expect(html.contains("<dt>Revision</dt><dd>3</dd>"))
        #expect(html.contains("<dd class=\"digest\"><code>\(PreviewFixture.digest)</code></dd>"))
        #expect(html.contains("<code>2025-06-01T09:00:00+02:00</code>"))
        #expect(html.contains("<dt>Countries</dt><dd>BE, FR</dd>"))
        #expect(html.contains("<dt>Keywords</dt><dd>home decor, linen</dd>"))
        #expect(html.contains("<code>utm_medium=paid_social</code>"))
        #expect(html.contains("<dt>Text length</dt><dd>78 / 280</dd>"))
        #expect(html.contains("<div class=\"avatar\" aria-hidden=\"true\">M</div>"))
        #expect(html.contains("<span class=\"handle\">@maisonlumiere</span>"))
    }

    @Test func outputIsDeterministic() {
        for manifest in PreviewFixture.all {
            #expect(PreviewFixture.html(manifest) == PreviewFixture.html(manifest))
        }
    }

    @Test func printStylesWrapTheCarouselAndKeepCardsWhole() throws {
        let print = try #require(CampaignPreview.style.range(of: "@media print {"))
        let rules = CampaignPreview.style[print.upperBound...]
        #expect(rules.contains(".carousel { overflow: visible; display: block;"))
        #expect(rules.contains("break-inside: avoid"))
    }

    // MARK: Golden files

    @Test(arguments: ["product_card", "carousel", "collection"])
    func previewMatchesItsGoldenFile(format: String) throws {
        let manifest = try #require(PreviewFixture.all.first { $0.format == format })
        assertGolden(PreviewFixture.html(manifest), named: "campaign-preview-\(format).html")
    }
}

// MARK: - Headless Chromium

/// The `chromium` binary on PATH, if any.
private let chromiumPath: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let candidates = path.split(separator: ":").map { "\($0)/chromium" }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// Renders each format in headless Chromium (Debian's `chromium` package). Set `PREVIEW_SCREENSHOTS=<folder>` to
/// keep the screenshots; otherwise they are written to a temporary folder and removed.
@Suite(.serialized, .enabled(if: chromiumPath != nil, "no `chromium` on PATH (Debian: apt-get install -y chromium)"))
struct CampaignPreviewChromiumTests {
    private struct Run {
        var status: Int32
        var output: Data
        var seconds: Double
    }

    /// Runs Chromium with no network at all (every host fails to resolve) and a throw-away profile.
    private func chromium(_ arguments: [String], in folder: URL) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromiumPath))
        process.arguments =
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
                "--host-resolver-rules=MAP * ~NOTFOUND",
            ] + arguments
        let output = folder.appendingPathComponent("stdout-\(arguments.count)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        let start = Date()
        try process.run()
        while process.isRunning, Date().timeIntervalSince(start) < 90 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning {
            process.terminate()
            Issue.record("chromium did not finish within 90 s")
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        return Run(status: process.terminationStatus, output: try Data(contentsOf: output), seconds: seconds)
    }

    @Test(arguments: ["product_card", "carousel", "collection"])
    func screenshotIsANonBlankPNGOfTheWindowSize(format: String) throws {
        let manifest = try #require(PreviewFixture.all.first { $0.format == format })
        let work = FileManager.default.temporaryDirectory
            .appendingPathComponent("campaign-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let page = work.appendingPathComponent("\(format).html")
        try PreviewFixture.html(manifest).write(to: page, atomically: true, encoding: .utf8)
        let kept = ProcessInfo.processInfo.environment["PREVIEW_SCREENSHOTS"].map { URL(fileURLWithPath: $0) }
        if let kept {
            try FileManager.default.createDirectory(at: kept, withIntermediateDirectories: true)
        }
        let png = (kept ?? work).appendingPathComponent("campaign-preview-\(format).png")

        let shot = try chromium(["--window-size=600,1400", "--screenshot=\(png.path)", page.absoluteString], in: work)
        #expect(shot.status == 0)
        let data = try Data(contentsOf: png)
        let bytes = [UInt8](data)
        try #require(bytes.count > 33)
        #expect(bytes.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 600 && height == 1400, "the PNG is \(width)×\(height)")
        // A blank 600×1400 page compresses to a few kilobytes; the post, cards and panel give far more.
        let imageData = idatBytes(bytes)
        #expect(imageData.count > 20_000, "only \(imageData.count) bytes of image data: a blank page?")
        #expect(Set(imageData.prefix(4096)).count > 16)

        let dump = try chromium(["--dump-dom", page.absoluteString], in: work)
        #expect(dump.status == 0)
        let dom = String(decoding: dump.output, as: UTF8.self)
        for card in manifest.cards {
            #expect(dom.contains(CampaignPreview.text(card.headline)))
            #expect(dom.contains(card.product.id))
        }
        #expect(dom.contains(">Buy</a>"))
        #expect(dom.contains(">Promoted</span>"))
        #expect(!dom.contains("<script"))
        // About 1.5 s each on two cores; a minute means something hangs (network, profile lock).
        #expect(shot.seconds < 60 && dump.seconds < 60, "screenshot \(shot.seconds) s, dump-dom \(dump.seconds) s")
    }

    /// The concatenated data of the IDAT chunks.
    private func idatBytes(_ bytes: [UInt8]) -> [UInt8] {
        var data: [UInt8] = []
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let end = offset + 8 + length
            guard end + 4 <= bytes.count else {
                break
            }
            if type == "IDAT" {
                data += bytes[offset + 8..<end]
            }
            offset = end + 4
        }
        return data
    }
}
