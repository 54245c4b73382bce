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

    @Test func escapeWordTestFindsEveryByteThatNeedsEscaping() {
        func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5C }
        func word(_ bytes: [UInt8]) -> UInt64 {
            bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
        // Each byte value at each position, among neighbours just above and below the limits.
        for filler: UInt8 in [0x61, 0x20, 0x21, 0x23, 0x5B, 0x5D, 0x80, 0xFF] {
            for value in UInt8.min...UInt8.max {
                for position in 0..<8 {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = value
                    #expect(
                        CanonicalJSONWriter.mayNeedEscape(word(bytes)) == bytes.contains(where: needsEscape),
                        "\(bytes)"
                    )
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100_000 {
            let bytes = (0..<8).map { _ in UInt8.random(in: 0x10...0x60, using: &generator) }
            #expect(CanonicalJSONWriter.mayNeedEscape(word(bytes)) == bytes.contains(where: needsEscape))
        }
    }

    @Test func canonicalJSONEscapesAtEveryOffset() {
        func escaped(_ text: String) -> String {
            text.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\"": "\\\""
                case "\\": "\\\\"
                case "\n": "\\n"
                case "\r": "\\r"
                case "\t": "\\t"
                case "\u{08}": "\\b"
                case "\u{0C}": "\\f"
                case let control where control.value < 0x20:
                    "\\u00" + (control.value < 0x10 ? "0" : "") + String(control.value, radix: 16)
                default: String(scalar)
                }
            }.joined()
        }
        for special in ["\"", "\\", "\n", "\u{01}", "\u{1F}", "é", "💡"] {
            for length in [1, 7, 8, 9, 15, 16, 17, 31, 40] {
                for offset in 0..<length {
                    var characters = Array(repeating: "x", count: length)
                    characters[offset] = special
                    let text = characters.joined()
                    let json = ProductAttributes(["k": .text(text)]).canonicalJSON()
                    #expect(json == "{\"k\":\"\(escaped(text))\"}", "\(special) at \(offset) of \(length)")
                }
            }
        }
    }
}
