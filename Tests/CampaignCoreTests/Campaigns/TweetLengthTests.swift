import CampaignCore
import Foundation
import TestSupport
import Testing
import Yams

// MARK: - twitter-text conformance data, read in place

/// One case of a boolean group of `validate.yml` (`tweets`, `urls`, `urls_without_protocol`).
struct TwitterTextBooleanCase: Decodable, Sendable, CustomTestStringConvertible {
    let description: String
    let text: String
    let expected: Bool

    var testDescription: String { description }
}

/// One case of a weighted-length group of `validate.yml`.
struct TwitterTextWeightedCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Expected: Decodable, Sendable {
        let weightedLength: Int
        let valid: Bool
        let permillage: Int
        let displayRangeStart: Int
        let displayRangeEnd: Int
        let validRangeStart: Int
        let validRangeEnd: Int
    }

    let description: String
    let text: String
    let expected: Expected

    var testDescription: String { description }
}

/// The groups of `shared/conformance/twitter-text/validate.yml` that this module implements.
struct TwitterTextConformance: Decodable, Sendable {
    struct Groups: Decodable, Sendable {
        let tweets: [TwitterTextBooleanCase]
        let urls: [TwitterTextBooleanCase]
        let urlsWithoutProtocol: [TwitterTextBooleanCase]
        let weightedTweets: [TwitterTextWeightedCase]
        let weightedTweetsWithDiscountedEmoji: [TwitterTextWeightedCase]
        let unicodeDirectionalMarkers: [TwitterTextWeightedCase]

        enum CodingKeys: String, CodingKey {
            case tweets
            case urls
            case urlsWithoutProtocol = "urls_without_protocol"
            case weightedTweets = "WeightedTweetsCounterTest"
            case weightedTweetsWithDiscountedEmoji = "WeightedTweetsWithDiscountedEmojiCounterTest"
            case unicodeDirectionalMarkers = "UnicodeDirectionalMarkerCounterTest"
        }
    }

    let tests: Groups

    enum LoadError: Error, CustomStringConvertible {
        case notFound(String)

        var description: String {
            switch self {
            case .notFound(let path):
                "\(path) not found (the shared data sits beside the clone, or CAMPAIGNCTL_SHARED names it)"
            }
        }
    }

    /// `conformance/twitter-text/validate.yml` in the shared data (``Paths/shared``).
    static func locate() throws -> URL {
        let file = Paths.shared.appendingPathComponent("conformance/twitter-text/validate.yml")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw LoadError.notFound(file.path)
        }
        return file
    }

    static func load() throws -> Self {
        let text = try String(contentsOf: locate(), encoding: .utf8)
        return try YAMLDecoder().decode(Self.self, from: text)
    }

    /// Loaded once for all parameterised tests; an empty suite if the file is missing (the count test then fails).
    static let shared: Self? = try? load()

    static var groups: Groups? { shared?.tests }
}

@Suite("twitter-text conformance (validate.yml)")
struct TweetTextConformanceTests {
    @Test("validate.yml is found and holds every group this module checks")
    func conformanceFileIsComplete() throws {
        let suite = try TwitterTextConformance.load()
        #expect(suite.tests.weightedTweets.count == 20)
        #expect(suite.tests.weightedTweetsWithDiscountedEmoji.count == 22)
        #expect(suite.tests.unicodeDirectionalMarkers.count == 2)
        #expect(suite.tests.urls.count == 24)
        #expect(suite.tests.urlsWithoutProtocol.count == 5)
        #expect(suite.tests.tweets.count == 8)
    }

    /// `WeightedTweetsCounterTest` runs with config v2 (v3 without emoji parsing), as in twitter-text's runners.
    @Test(
        "WeightedTweetsCounterTest matches twitter-text with config v2",
        arguments: TwitterTextConformance.groups?.weightedTweets ?? []
    )
    func weightedTweetsV2(_ testCase: TwitterTextWeightedCase) {
        check(testCase, configuration: .v2)
    }

    @Test(
        "WeightedTweetsWithDiscountedEmojiCounterTest matches twitter-text with config v3",
        arguments: TwitterTextConformance.groups?.weightedTweetsWithDiscountedEmoji ?? []
    )
    func weightedTweetsV3(_ testCase: TwitterTextWeightedCase) {
        check(testCase, configuration: .v3)
    }

    @Test(
        "UnicodeDirectionalMarkerCounterTest matches twitter-text with the default config v3",
        arguments: TwitterTextConformance.groups?.unicodeDirectionalMarkers ?? []
    )
    func directionalMarkers(_ testCase: TwitterTextWeightedCase) {
        check(testCase, configuration: .v3)
    }

    @Test("urls validity matches twitter-text's isValidUrl", arguments: TwitterTextConformance.groups?.urls ?? [])
    func urlValidity(_ testCase: TwitterTextBooleanCase) {
        #expect(TweetText.isValidURL(testCase.text) == testCase.expected, "case: \(testCase.description)")
    }

    @Test(
        "urls_without_protocol validity matches isValidUrl without a required protocol",
        arguments: TwitterTextConformance.groups?.urlsWithoutProtocol ?? []
    )
    func urlWithoutProtocolValidity(_ testCase: TwitterTextBooleanCase) {
        let valid = TweetText.isValidURL(testCase.text, unicodeDomains: true, requireProtocol: false)
        #expect(valid == testCase.expected, "case: \(testCase.description)")
    }

    /// The `tweets` group of this copy of validate.yml predates the 280 limit (its texts say "140 characters"):
    /// twitter-text checks it with the legacy length rules, which are config v1.
    @Test(
        "tweets validity matches twitter-text's legacy 140-character rules (config v1)",
        arguments: TwitterTextConformance.groups?.tweets ?? []
    )
    func legacyTweetValidity(_ testCase: TwitterTextBooleanCase) {
        let valid = TweetText.parse(testCase.text, configuration: .v1).isValid
        #expect(valid == testCase.expected, "case: \(testCase.description)")
    }

    private func check(_ testCase: TwitterTextWeightedCase, configuration: TweetTextConfiguration) {
        let parsed = TweetText.parse(testCase.text, configuration: configuration)
        let expected = testCase.expected
        let label = "case: \(testCase.description)"
        #expect(parsed.weightedLength == expected.weightedLength, "\(label)")
        #expect(parsed.isValid == expected.valid, "\(label)")
        #expect(parsed.permillage == expected.permillage, "\(label)")
        #expect(parsed.displayRangeStart == expected.displayRangeStart, "\(label)")
        #expect(parsed.displayRangeEnd == expected.displayRangeEnd, "\(label)")
        #expect(parsed.validRangeStart == expected.validRangeStart, "\(label)")
        #expect(parsed.validRangeEnd == expected.validRangeEnd, "\(label)")
    }
}

// MARK: - Hand-written cases

@Suite("Tweet weighted length")
struct TweetLengthTests {
    @Test("an emoji counts two and a long URL counts 23")
    func emojiAndURL() {
        #expect(TweetText.weightedLength("Hello 👋 https://example.com/very/long") == 32)
    }

    @Test("140 CJK characters are exactly 280 and valid, 141 are not")
    func cjkLimit() {
        let fits = TweetText.parse(String(repeating: "漢", count: 140))
        #expect(fits.weightedLength == 280)
        #expect(fits.isValid)
        #expect(fits.permillage == 1000)
        let tooLong = TweetText.parse(String(repeating: "漢", count: 141))
        #expect(tooLong.weightedLength == 282)
        #expect(!tooLong.isValid)
        #expect(tooLong.validRange == 0..<140)
    }

    @Test("French text with accents counts one per letter")
    func frenchAccents() {
        let text = "Ça coûte très cher, n’est-ce pas ? Élégant, évidemment."
        #expect(TweetText.weightedLength(text) == text.unicodeScalars.count)
        #expect(TweetText.weightedLength("e\u{301}te\u{301}") == 3)
    }

    @Test("a decomposed accent is normalised and ranges stay in the original text's UTF-16 offsets")
    func normalisationRanges() {
        let text = String(repeating: "x", count: 279) + "e\u{301}" + "yz"
        let parsed = TweetText.parse(text)
        #expect(parsed.weightedLength == 282)
        #expect(parsed.displayRange == 0..<283)
        #expect(parsed.validRange == 0..<281)
    }

    @Test("an empty text is invalid and has empty ranges")
    func emptyText() {
        let parsed = TweetText.parse("")
        #expect(parsed.weightedLength == 0)
        #expect(!parsed.isValid)
        #expect(parsed.displayRange == 0..<0)
        #expect(parsed.displayRangeEnd == 0)
        #expect(parsed.validRangeEnd == 0)
    }

    @Test("emoji sequences count once with v3 and per scalar with v2")
    func emojiSequences() {
        let family = "👨\u{200D}👩\u{200D}👧"
        #expect(TweetText.weightedLength(family) == 2)
        #expect(TweetText.weightedLength(family, configuration: .v2) == 8)
        #expect(TweetText.weightedLength("🇫🇷") == 2)
        #expect(TweetText.weightedLength("🇫🇷", configuration: .v2) == 4)
        #expect(TweetText.weightedLength("#\u{FE0F}\u{20E3}") == 2)
        #expect(TweetText.weightedLength("👍🏽") == 2)
        #expect(TweetText.weightedLength("©") == 1)
        #expect(TweetText.weightedLength("©\u{FE0F}") == 2)
    }

    @Test("byte-order marks and noncharacters make a tweet invalid but directional marks do not")
    func invalidCharacters() {
        let withBOM = TweetText.parse("abc\u{FEFF}def")
        #expect(!withBOM.isValid)
        #expect(withBOM.validRange == 0..<3)
        #expect(TweetText.parse("\u{202B}שלום\u{202C}").isValid)
    }

    @Test("the legacy v1 rules count every code point as one out of 140")
    func legacyRules() {
        #expect(TweetText.weightedLength(String(repeating: "の", count: 140), configuration: .v1) == 140)
        #expect(TweetText.parse(String(repeating: "a", count: 141), configuration: .v1).isValid == false)
    }
}

@Suite("Tweet URL extraction")
struct TweetURLExtractionTests {
    @Test("URLs with a protocol are extracted with their path and query")
    func withProtocol() {
        #expect(TweetText.extractURLs("read http://example.com/a/b?c=d now") == ["http://example.com/a/b?c=d"])
        #expect(TweetText.extractURLs("HTTPS://Example.COM") == ["HTTPS://Example.COM"])
    }

    @Test("trailing punctuation is left out of the URL")
    func trailingPunctuation() {
        #expect(TweetText.extractURLs("see https://example.com/path. Then") == ["https://example.com/path"])
        #expect(TweetText.extractURLs("(https://example.com/x)") == ["https://example.com/x"])
        #expect(TweetText.extractURLs("ask https://example.com/?q=1!") == ["https://example.com/?q=1"])
    }

    @Test("balanced parentheses stay in a path")
    func parentheses() {
        let url = "https://en.wikipedia.org/wiki/Primer_(film)"
        #expect(TweetText.extractURLs("watch \(url)") == [url])
    }

    @Test("URLs without protocol need a known TLD and a ccTLD domain alone needs a path")
    func withoutProtocol() {
        let found = TweetText.extractURLs("foo.com foo.baz foo.co.jp www.foo.co.uk foo.jp")
        #expect(found == ["foo.com", "foo.co.jp", "www.foo.co.uk"])
        #expect(TweetText.extractURLs("t.co/abc bit.ly/xyz foo.tv") == ["t.co/abc", "bit.ly/xyz", "foo.tv"])
        #expect(TweetText.extractURLs("mail me at me@example.com or @example.com") == [])
        #expect(TweetText.extractURLs("foo_example.com path/example.com") == [])
    }

    @Test("URLs without protocol are found between CJK characters")
    func cjkNeighbours() {
        let entities = TweetText.extractURLEntities("見てexample.comです。t.co/abc한국")
        #expect(entities.map(\.url) == ["example.com", "t.co/abc"])
        #expect(entities.map(\.range) == [2..<13, 16..<24])
    }

    @Test("t.co links take no extra characters after the slug")
    func tcoLinks() {
        #expect(TweetText.extractURLs("http://t.co/abcDEF12's") == ["http://t.co/abcDEF12"])
        #expect(TweetText.extractURLs("https://t.co/" + String(repeating: "a", count: 41)) == [])
    }

    @Test("a domain label longer than 63 characters once punycode-encoded is not a URL")
    func labelLength() {
        #expect(TweetText.extractURLs("http://" + String(repeating: "a", count: 63) + ".com").count == 1)
        #expect(TweetText.extractURLs("http://" + String(repeating: "a", count: 64) + ".com").isEmpty)
        #expect(TweetText.extractURLs("http://" + String(repeating: "あ", count: 60) + ".com").isEmpty)
    }

    @Test("internationalised TLDs are recognised")
    func idnTLDs() {
        let found = TweetText.extractURLs("http://foobar.みんな/ http://foobar.中国/ http://foobar.پاکستان/")
        #expect(found == ["http://foobar.みんな/", "http://foobar.中国/", "http://foobar.پاکستان/"])
    }
}
