import FeedImport
import Testing

/// link, image_link, additional_image_link and the optional links.
struct LinkRulesTests {
    @Test func missingLinkIsAnError() {
        expectOnly(
            validate(Sample.record(["link": nil])),
            "missing_link",
            .error,
            attribute: "link",
            line: Sample.recordLine
        )
    }

    @Test func missingImageLinkIsAnError() {
        expectOnly(
            validate(Sample.record(["image_link": nil])),
            "missing_image_link",
            .error,
            attribute: "image_link",
            line: Sample.recordLine
        )
    }

    @Test(arguments: [
        "https://shop.example/p/1",
        "http://shop.example",
        "HTTPS://Shop.Example:8443/p/1?utm_source=x&b=%20#top",
        "https://user@shop.example/p",
        "https://[2001:db8::1]/p",
        "https://shop.example/reliëf",
    ])
    func absoluteHTTPLinkIsAccepted(link: String) {
        expectClean(validate(Sample.record(["link": link])))
    }

    @Test(arguments: [
        "ftp://shop.example/p/1",
        "www.shop.example/p/1",
        "/p/1",
        "https:///p/1",
        "https://:80/p",
        "https://shop.example/a b",
        "https://shop.example/<script>",
    ])
    func invalidLinkIsAnError(link: String) {
        let record = Sample.record(["link": link])
        expectOnly(validate(record), "invalid_url", .error, attribute: "link", line: record.line(of: "link"))
    }

    @Test func linkOfTwoThousandCharactersIsAccepted() {
        let link = "https://shop.example/" + Sample.text(2000 - 21)
        expectClean(validate(Sample.record(["link": link])))
    }

    @Test func linkOverTwoThousandCharactersIsAnError() {
        let record = Sample.record(["link": "https://shop.example/" + Sample.text(2000)])
        expectOnly(validate(record), "url_too_long", .error, attribute: "link", line: record.line(of: "link"))
    }

    @Test func invalidImageLinkIsAnError() {
        let record = Sample.record(["image_link": "images/sku-1.jpg"])
        expectOnly(
            validate(record),
            "invalid_url",
            .error,
            attribute: "image_link",
            line: record.line(of: "image_link")
        )
    }

    @Test(arguments: [
        "https://cdn.example/a.jpg", "https://cdn.example/a.JPEG", "https://cdn.example/a.png",
        "https://cdn.example/a.gif", "https://cdn.example/a.webp", "https://cdn.example/a.bmp",
        "https://cdn.example/a.tif", "https://cdn.example/a.tiff", "https://cdn.example/img/123?format=PNG",
        "https://cdn.example/image.php?id=1", "https://cdn.example/v1.2/img", "https://cdn.example/a.jpg?w=800#x",
    ])
    func supportedOrUnknowableImageFormatIsAccepted(imageLink: String) {
        expectClean(validate(Sample.record(["image_link": imageLink])))
    }

    @Test(arguments: ["https://cdn.example/a.svg", "https://cdn.example/a.heic", "https://cdn.example/a.pdf?x=1"])
    func unsupportedImageExtensionIsAWarning(imageLink: String) throws {
        let record = Sample.record(["image_link": imageLink])
        let item = validate(record)
        expectOnly(
            item,
            "unsupported_image_format",
            .warning,
            attribute: "image_link",
            line: record.line(of: "image_link")
        )
        #expect(try #require(item.product).imageLink == imageLink)
    }

    @Test func tenAdditionalImagesAreKept() throws {
        let images = (1...10).map { Sample.field("additional_image_link", "https://cdn.example/\($0).jpg") }
        let item = validate(Sample.record(extra: images))
        expectClean(item)
        #expect(try #require(item.product).additionalImageLinks.count == 10)
    }

    @Test func additionalImagesPastTheTenthAreDroppedWithAWarning() throws {
        let images = (1...12).map { Sample.field("additional_image_link", "https://cdn.example/\($0).jpg") }
        let record = Sample.record(extra: images)
        let item = validate(record)
        expectOnly(
            item,
            "attribute_has_too_many_values",
            .warning,
            attribute: "additional_image_link",
            line: record.line(of: "additional_image_link", occurrence: 10)
        )
        let product = try #require(item.product)
        #expect(product.additionalImageLinks.count == 10)
        #expect(product.additionalImageLinks.last == "https://cdn.example/10.jpg")
    }

    @Test func invalidAdditionalImageIsDroppedWithAWarning() throws {
        let record = Sample.record(extra: [
            Sample.field("additional_image_link", "not a url"),
            Sample.field("additional_image_link", "https://cdn.example/2.jpg"),
        ])
        let item = validate(record)
        expectOnly(
            item,
            "invalid_url",
            .warning,
            attribute: "additional_image_link",
            line: record.line(of: "additional_image_link")
        )
        #expect(try #require(item.product).additionalImageLinks == ["https://cdn.example/2.jpg"])
    }

    @Test func validMobileLinkIsKept() throws {
        let item = validate(Sample.record(["mobile_link": "https://m.shop.example/p/1"]))
        expectClean(item)
        #expect(try #require(item.product).attributes["mobile_link"] == .text("https://m.shop.example/p/1"))
    }

    @Test func invalidMobileLinkIsDroppedWithAWarning() throws {
        let record = Sample.record(["mobile_link": "m.shop.example/p/1"])
        let item = validate(record)
        expectOnly(item, "invalid_url", .warning, attribute: "mobile_link", line: record.line(of: "mobile_link"))
        #expect(try #require(item.product).attributes["mobile_link"] == nil)
    }
}
