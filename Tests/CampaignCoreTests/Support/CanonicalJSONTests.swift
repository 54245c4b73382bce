import CampaignCore
import Foundation
import Testing

// Known answers: RFC 8785 §3.2.3 (property sorting example) and the JCS reference test data of
// cyberphone/json-canonicalization (testdata/input and testdata/output: structures, values, weird, unicode).
// Inputs holding floating-point numbers are adapted to integers, because this subset refuses floats.

@Suite struct CanonicalJSONTests {
    // MARK: RFC 8785 known answers

    /// RFC 8785 §3.2.3 without U+FB33, whose NFC form differs (see the next test).
    @Test func rfc8785PropertySortingExampleMatchesByteForByte() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let value = try CanonicalJSON(parsing: input)
        let expected =
            #"{"\r":"Carriage Return","1":"One","\#u{80}":"Control","ö":"Latin Small Letter O With Diaeresis","#
            + #""€":"Euro Sign","😀":"Emoji: Grinning Face"}"#
        #expect(value.canonicalString == expected)
        let expectedHex =
            "7b225c72223a2243617272696167652052657475726e222c2231223a224f6e65222c22c280223a22436f6e74726f6c22"
            + "2c22c3b6223a224c6174696e20536d616c6c204c6574746572204f205769746820446961657265736973222c22e282ac"
            + "223a224575726f205369676e222c22f09f9880223a22456d6f6a693a204772696e6e696e672046616365227d"
        #expect(hexString(value.canonicalBytes) == expectedHex)
        #expect(value.sha256Hex == "9044f6b34e92c276de1aebc14fb1fcffa77bee065f936a90baa026a76d68d43f")
    }

    /// The full §3.2.3 example: U+FB33 is a composition exclusion, so NFC turns it into U+05D3 U+05BC,
    /// which sorts before "€" instead of last. This is the one place where the NFC step departs from JCS.
    @Test func fullRFC8785SortingExampleDiffersOnlyByTheNFCOfTheHebrewKey() throws {
        let input = #"""
            {"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",
             "\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}
            """#
        let value = try CanonicalJSON(parsing: input)
        let expected =
            #"{"\r":"Carriage Return","1":"One","\#u{80}":"Control","ö":"Latin Small Letter O With Diaeresis","#
            + #""\#u{5D3}\#u{5BC}":"Hebrew Letter Dalet With Dagesh","€":"Euro Sign","😀":"Emoji: Grinning Face"}"#
        #expect(Array(value.canonicalString.unicodeScalars) == Array(expected.unicodeScalars))
    }

    /// cyberphone testdata weird.json, without its U+FB33 member (see above).
    @Test func jcsWeirdTestDataSortsByUTF16CodeUnits() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\u000a": "Newline",
              "1": "One",
              "\u0080": "Control\u007f",
              "\ud83d\ude02": "Smiley",
              "\u00f6": "Latin Small Letter O With Diaeresis",
              "</script>": "Browser Challenge"
            }
            """#
        let expected =
            #"{"\n":"Newline","\r":"Carriage Return","1":"One","</script>":"Browser Challenge","#
            + #""\#u{80}":"Control\#u{7F}","ö":"Latin Small Letter O With Diaeresis","#
            + #""€":"Euro Sign","😂":"Smiley"}"#
        #expect(try CanonicalJSON(parsing: input).canonicalString == expected)
    }

    /// cyberphone testdata structures.json, with 56.0 written as 56.
    @Test func jcsStructuresTestDataSortsNestedObjects() throws {
        let input = #"""
            {
              "1": {"f": {"f": "hi","F": 5} ,"\n": 56},
              "10": { },
              "": "empty",
              "a": { },
              "111": [ {"e": "yes","E": "no" } ],
              "A": { }
            }
            """#
        let expected =
            #"{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}}"#
        #expect(try CanonicalJSON(parsing: input).canonicalString == expected)
    }

    /// cyberphone testdata values.json: its string and literals match; its float array is refused.
    @Test func jcsValuesTestDataEscapesLikeJSONStringify() throws {
        let input = #"""
            {
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected = #"{"literals":[null,true,false],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(try CanonicalJSON(parsing: input).canonicalString == expected)
        let withFloats = #"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001]}"#
        #expect(throws: CanonicalJSONError.nonIntegerNumber(offset: 13)) {
            try CanonicalJSON(parsing: withFloats)
        }
    }

    /// cyberphone testdata unicode.json: "\u1e0d\u0307" is already NFC and passes through unchanged.
    @Test func jcsUnicodeTestDataIsAlreadyNormalised() throws {
        let value = try CanonicalJSON(parsing: #"{"Unnormalized Unicode":"\u1e0d\u0307"}"#)
        #expect(
            Array(value.canonicalString.unicodeScalars)
                == Array(#"{"Unnormalized Unicode":"\#u{1E0D}\#u{307}"}"#.unicodeScalars)
        )
    }

    // MARK: Strings

    @Test func controlCharactersAreEscapedAsJSONStringifyDoes() {
        let controls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        let expected =
            #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#
        #expect(CanonicalJSON.string(controls).canonicalString == expected)
    }

    @Test func quotesBackslashesAndEverythingElseAreWrittenLiterally() {
        let value = CanonicalJSON.string("a\"b\\c/d\u{7F}e\u{2028}f\u{FEFF}g😀")
        #expect(
            Array(value.canonicalString.unicodeScalars)
                == Array(#""a\"b\\c/d\#u{7F}e\#u{2028}f\#u{FEFF}g😀""#.unicodeScalars)
        )
    }

    @Test func canonicallyEquivalentStringsGiveTheSameBytes() {
        let decomposed: CanonicalJSON = ["name": "Cafe\u{301}", "e\u{301}": 1]
        let composed: CanonicalJSON = ["name": "Café", "é": 1]
        #expect(decomposed.canonicalBytes == composed.canonicalBytes)
        #expect(decomposed == composed)
        #expect(hexString(CanonicalJSON.string("e\u{301}").canonicalBytes) == "22c3a922")
        // Combining marks are reordered and composed: d + dot above + dot below becomes U+1E0D U+0307.
        let reordered = CanonicalJSON.string("d\u{307}\u{323}").canonicalString
        #expect(Array(reordered.unicodeScalars) == Array("\"\u{1E0D}\u{307}\"".unicodeScalars))
    }

    @Test func surrogatePairEscapesBecomeOneCharacter() throws {
        let value = try CanonicalJSON(parsing: #""\ud83d\ude00 \uD83D\uDE00""#)
        #expect(value == .string("😀 😀"))
        #expect(hexString(value.canonicalBytes) == "22f09f988020f09f988022")
    }

    // MARK: Determinism

    @Test func serialisationIgnoresInsertionOrderAndRepeatsExactly() throws {
        var first: [String: CanonicalJSON] = [:]
        var second: [String: CanonicalJSON] = [:]
        let keys = (0..<200).map { "key-\($0)" }
        for key in keys {
            first[key] = .integer(Int64(key.utf8.count))
        }
        for key in keys.reversed() {
            second[key] = .integer(Int64(key.utf8.count))
        }
        let a = CanonicalJSON.object(first)
        let b = CanonicalJSON.object(second)
        #expect(a.canonicalBytes == b.canonicalBytes)
        #expect(a.sha256Hex == b.sha256Hex)
        #expect(a.canonicalBytes == a.canonicalBytes)
        #expect(try CanonicalJSON(parsing: a.canonicalBytes) == a)
        #expect(try CanonicalJSON(parsing: a.canonicalBytes).canonicalBytes == a.canonicalBytes)
    }

    @Test func digestOfASmallObjectIsKnown() {
        let value: CanonicalJSON = ["a": 1]
        #expect(value.canonicalString == #"{"a":1}"#)
        #expect(value.sha256Hex == "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862")
        #expect(value.canonicalData == Data(#"{"a":1}"#.utf8))
        #expect(value.description == #"{"a":1}"#)
    }

    @Test func literalsAndScalarsSerialiseAsExpected() {
        let value: CanonicalJSON = [
            "null": nil, "yes": true, "no": false, "min": -9_007_199_254_740_991, "zero": 0,
            "list": [1, "two", [], [:]],
        ]
        #expect(
            value.canonicalString
                == #"{"list":[1,"two",[],{}],"min":-9007199254740991,"no":false,"null":null,"yes":true,"zero":0}"#
        )
    }

    @Test func whitespaceAndNegativeZeroDoNotChangeTheBytes() throws {
        let spaced = try CanonicalJSON(parsing: " \t\r\n{ \"b\" : [ 1 , -0 ] ,\n\"a\":\"x\" } \n")
        #expect(spaced.canonicalString == #"{"a":"x","b":[1,0]}"#)
    }

    // MARK: Failing closed

    @Test(arguments: [
        #"{"a":1,"a":2}"#,
        #"{"x":{"b":true,"b":true}}"#,
        #"[{"\u00e9":1,"e\u0301":2}]"#,
        "{\"é\":1,\"e\u{301}\":2}",
    ])
    func duplicateKeysAreRejected(_ input: String) {
        #expect(throws: CanonicalJSONError.self) {
            try CanonicalJSON(parsing: input)
        }
        do {
            _ = try CanonicalJSON(parsing: input)
        } catch {
            guard case .duplicateKey = error else {
                Issue.record("expected a duplicate key error, got \(error)")
                return
            }
        }
    }

    @Test(arguments: ["1.0", "1e2", "1E+2", "-0.5", "[0.1]", #"{"budget":12.5}"#, "2e-3", "0e0"])
    func floatingPointNumbersAreRejected(_ input: String) {
        do {
            _ = try CanonicalJSON(parsing: input)
            Issue.record("accepted \(input)")
        } catch {
            guard case .nonIntegerNumber = error else {
                Issue.record("expected a non-integer error, got \(error)")
                return
            }
        }
    }

    @Test func integersOutsideTheSafeRangeAreRejected() throws {
        #expect(try CanonicalJSON(parsing: "9007199254740991") == .integer(9_007_199_254_740_991))
        #expect(try CanonicalJSON(parsing: "-9007199254740991") == .integer(-9_007_199_254_740_991))
        #expect(throws: CanonicalJSONError.integerOutOfRange("9007199254740992")) {
            try CanonicalJSON(parsing: "9007199254740992")
        }
        #expect(throws: CanonicalJSONError.integerOutOfRange("-99999999999999999999")) {
            try CanonicalJSON(parsing: "-99999999999999999999")
        }
    }

    @Test(arguments: [
        "", " ", "01", "+1", "-", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "[1 2]", "1 2", "tru", "nul",
        "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"tab\there\"", "\u{FEFF}{}", "[", "{\"a\"}", "{\"a\":}",
        "NaN", "Infinity", "[-]",
    ])
    func malformedTextIsRejected(_ input: String) {
        #expect(throws: CanonicalJSONError.self) {
            try CanonicalJSON(parsing: input)
        }
    }

    @Test(arguments: [#""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud83d x""#, #""\ude00\ud83d""#])
    func loneSurrogateEscapesAreRejected(_ input: String) {
        do {
            _ = try CanonicalJSON(parsing: input)
            Issue.record("accepted \(input)")
        } catch {
            guard case .loneSurrogate = error else {
                Issue.record("expected a lone surrogate error, got \(error)")
                return
            }
        }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: CanonicalJSONError.invalidUTF8) {
            try CanonicalJSON(parsing: [0x22, 0xFF, 0x22])
        }
        // An overlong encoding of "/" and an encoded surrogate are not UTF-8 either.
        #expect(throws: CanonicalJSONError.invalidUTF8) {
            try CanonicalJSON(parsing: [0x22, 0xC0, 0xAF, 0x22])
        }
        #expect(throws: CanonicalJSONError.invalidUTF8) {
            try CanonicalJSON(parsing: [0x22, 0xED, 0xA0, 0x80, 0x22])
        }
    }

    @Test func excessiveNestingIsRejected() throws {
        let limit = CanonicalJSON.maxNestingDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        _ = try CanonicalJSON(parsing: deepest)
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(throws: CanonicalJSONError.nestingTooDeep(limit: limit)) {
            try CanonicalJSON(parsing: tooDeep)
        }
    }

    @Test func errorMessagesAreLowerCase() {
        let errors: [CanonicalJSONError] = [
            .invalidJSON(offset: 3, reason: "unexpected character"), .invalidUTF8, .loneSurrogate(offset: 1),
            .duplicateKey("a"), .nonIntegerNumber(offset: 0), .integerOutOfRange("1"), .nestingTooDeep(limit: 1),
            .unsupportedValue(path: "$.a", type: "Double"), .encodingFailed(path: "$", reason: "x"),
        ]
        for error in errors {
            #expect(error.description.first?.isLowercase == true, "\(error)")
        }
    }

    // MARK: Encodable values

    struct Manifest: Encodable {
        struct Budget: Encodable {
            var dailyMicros: Int64
            var currency: String
        }
        enum Format: String, Encodable {
            case carousel
        }
        var campaignID: String
        var revision: Int
        var finalURL: URL
        var budget: Budget
        var format: Format
        var tags: [String]
        var note: String?
        var approved: Bool
        var nonce: Data
    }

    @Test func encodableValuesBecomeCanonicalJSON() throws {
        let manifest = Manifest(
            campaignID: "cmp-1",
            revision: 3,
            finalURL: try #require(URL(string: "https://brand.example/p?id=1&utm=x")),
            budget: .init(dailyMicros: 25_000_000, currency: "EUR"),
            format: .carousel,
            tags: ["spring", "Cafe\u{301}"],
            note: nil,
            approved: false,
            nonce: Data([0, 1, 2, 255])
        )
        let value = try CanonicalJSON(encoding: manifest)
        let expected =
            #"{"approved":false,"budget":{"currency":"EUR","dailyMicros":25000000},"campaignID":"cmp-1","#
            + #""finalURL":"https://brand.example/p?id=1&utm=x","format":"carousel","nonce":"AAEC/w==","#
            + #""revision":3,"tags":["spring","Café"]}"#
        #expect(value.canonicalString == expected)
        #expect(try CanonicalJSON(parsing: value.canonicalBytes) == value)
        #expect(try CanonicalJSON(encoding: value) == value)
    }

    struct WithDouble: Encodable {
        var price = 2.0
    }

    struct WithFloat: Encodable {
        var ratio: Float = 3
    }

    struct WithDate: Encodable {
        var start = Date(timeIntervalSince1970: 0)
    }

    struct WithDecimal: Encodable {
        var amount = Decimal(12)
    }

    @Test func floatingPointDatesAndDecimalsAreRefusedWhateverTheirValue() {
        #expect(throws: CanonicalJSONError.unsupportedValue(path: "$.price", type: "Double")) {
            try CanonicalJSON(encoding: WithDouble())
        }
        #expect(throws: CanonicalJSONError.unsupportedValue(path: "$.ratio", type: "Float")) {
            try CanonicalJSON(encoding: WithFloat())
        }
        #expect(throws: CanonicalJSONError.unsupportedValue(path: "$.start", type: "Date")) {
            try CanonicalJSON(encoding: WithDate())
        }
        #expect(throws: CanonicalJSONError.unsupportedValue(path: "$.amount", type: "Decimal")) {
            try CanonicalJSON(encoding: WithDecimal())
        }
        #expect(throws: CanonicalJSONError.unsupportedValue(path: "$[0]", type: "Double")) {
            try CanonicalJSON(encoding: [1.0, 2.0])
        }
    }

    @Test func encodedIntegersMustBeSafe() throws {
        #expect(try CanonicalJSON(encoding: [UInt8(255), 1]) == [255, 1])
        #expect(throws: CanonicalJSONError.integerOutOfRange("18446744073709551615")) {
            try CanonicalJSON(encoding: UInt64.max)
        }
        #expect(throws: CanonicalJSONError.integerOutOfRange("9007199254740992")) {
            try CanonicalJSON(encoding: ["big": Int64(9_007_199_254_740_992)])
        }
    }

    struct RepeatsAKey: Encodable {
        enum Keys: String, CodingKey {
            case id
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("first", forKey: .id)
            try container.encode("second", forKey: .id)
        }
    }

    @Test func encodingTheSameKeyTwiceIsRejected() {
        #expect(throws: CanonicalJSONError.duplicateKey("id")) {
            try CanonicalJSON(encoding: RepeatsAKey())
        }
    }
}
