import Testing

@testable import FeedImport

/// The allocation-free shortcuts must agree with the model's own, slower code.
struct FastPathTests {
    @Test(arguments: [
        "19.90 EUR", "EUR 19.90", "19.9 eur", "  7.25\tGBP ", "0 USD", "-3.5 USD", "+4 USD", "15. EUR", ".5 EUR",
        "1500 JPY", "12.345678 KWD", "999999999999 USD", "19.90", "19.90EUR", "USD15", "1,299.00 EUR", "15.00 XYZ",
        "1.1234567 EUR", "9999999999999 USD", "- 5 EUR", "abc", "", "EU 5", "5 EURO",
    ])
    func priceScannerAgreesWithMoneyParse(text: String) {
        for defaultCurrency in [nil, "EUR", "jpy"] as [String?] {
            let parsed = Money.parse(text, defaultCurrency: defaultCurrency)
            guard let (micros, code) = PriceScanner.scan(text, defaultCurrency: defaultCurrency),
                Currency.isKnown(code)
            else {
                continue  // the validator falls back to Money.parse
            }
            #expect(
                parsed == .success(Money(micros: micros, currency: code)),
                "\(text) / \(String(describing: defaultCurrency))"
            )
        }
    }

    @Test(arguments: ["EUR", "JPY", "KWD", "CLF", "USD"])
    func canonicalPriceTextMatchesMoneyDescription(currency: String) {
        let amounts: [Int64] = [
            0, 1, 10, 990_000, 1_000_000, 19_900_000, 19_990_000, 19_999_999, 123_456_789, -4_500_000,
            1_500_000_000, 9_223_372_036_854_000_000,
        ]
        for micros in amounts {
            let money = Money(micros: micros, currency: currency)
            #expect(
                PriceScanner.canonicalText(money, minorUnits: Currency.minorUnits(of: currency)) == money.description
            )
        }
    }

    @Test func everySlotNameFindsItsSlot() {
        for slot in AttributeTable.Slot.allCases {
            #expect(AttributeTable.entry(for: slot.name)?.slot == slot, "\(slot.name)")
        }
        #expect(AttributeTable.entry(for: "label")?.deprecation == "use custom_label_0 … custom_label_4")
        #expect(AttributeTable.entry(for: "currency")?.slot == .currency)
        #expect(AttributeTable.entry(for: "currency")?.deprecation != nil)
        #expect(AttributeTable.entry(for: "excluded_destination")?.isRepeatable == true)
        #expect(AttributeTable.entry(for: "energy_efficiency_class") == nil)
        #expect(AttributeTable.entry(for: "") == nil)
        #expect(AttributeTable.entry(for: "pric") == nil)
    }

    @Test func allowedTagNamesAreRecognised() {
        for tag in HTMLCheck.AllowedTag.allCases {
            #expect(HTMLCheck.scan("<\(tag)>x</\(tag)>") == .allowedMarkup || tag == .br, "\(tag)")
            #expect(HTMLCheck.scan("<\(String(describing: tag).uppercased())/>") == .allowedMarkup, "\(tag)")
        }
    }

    @Test(
        arguments: [
            ("https://a.example/x.JPG", nil), ("https://a.example/x.svg", "svg"),
            ("https://a.example/x.jpeg?.png", nil), ("https://a.example/x.tar.gz", "gz"),
            ("https://a.example/x.averylongext", nil), ("https://a.example/x.123", nil),
        ] as [(String, String?)]
    )
    func imageExtensionIsReadFromThePathOnly(url: String, unsupported: String?) {
        #expect(URLCheck.unsupportedImageExtension(url) == unsupported)
    }

    @Test func countryTableHasEveryAssignedCode() {
        var count = 0
        for first in UInt8(ascii: "A")...UInt8(ascii: "Z") {
            for second in UInt8(ascii: "A")...UInt8(ascii: "Z") {
                let code = String(decoding: [first, second], as: UTF8.self)
                if Country.isAlpha2(code) {
                    count += 1
                }
            }
        }
        #expect(count == 249)
        #expect(Country.isAlpha2("DE") && Country.isAlpha2("ZW") && Country.isAlpha2("AX"))
        #expect(!Country.isAlpha2("UK") && !Country.isAlpha2("EU") && !Country.isAlpha2("de"))
    }
}
