// Tweet weighted-length counting, as twitter-text v3's `parseTweet` does it.
//
// Hand-written because no Swift package on the machine's package list counts tweets the twitter-text way. It follows
// twitter/twitter-text (Apache License 2.0, Copyright 2011 Twitter, Inc.): `js/src/parseTweet.js`,
// `js/src/lib/getCharacterWeight.js`, `config/v1.json`, `v2.json` and `v3.json`, and is checked against the
// repository's `conformance/validate.yml` (read in place by the tests, never copied).
//
// The rules: NFC-normalise the text; walk it by Unicode scalar; a URL found by twitter-text's extractor counts
// `transformedURLLength` whatever its length; with emoji parsing on, one emoji sequence (ZWJ sequence, skin tone,
// flag, keycap, tag sequence, presentation selector) counts `defaultWeight` once; any other scalar counts the weight
// of the range that holds it, else `defaultWeight`. Weights are in units of `1 / scale` characters.
//
// Emoji sequences are recognised from the Unicode emoji properties (UTS #51 shapes), not from twitter-text's
// generated list of known sequences. The two agree on every sequence that list knows; a sequence it does not know
// (a newer or non-standard ZWJ sequence) counts once here and per part there.

import Foundation

/// Code points `start...end` (inclusive) weigh `weight`.
public struct WeightedRange: Sendable, Hashable {
    /// First code point of the range.
    public var start: UInt32
    /// Last code point of the range (inclusive).
    public var end: UInt32
    /// Weight of each code point in the range, in units of `1 / scale` characters.
    public var weight: Int

    /// Creates a range of code points with its weight.
    public init(start: UInt32, end: UInt32, weight: Int) {
        self.start = start
        self.end = end
        self.weight = weight
    }
}

/// The settings of twitter-text's tweet parser (its `config/v*.json`).
public struct TweetTextConfiguration: Sendable, Hashable {
    /// Longest valid tweet, in weighted characters.
    public var maxWeightedTweetLength: Int
    /// Weights are divided by this to give characters.
    public var scale: Int
    /// Weight of a code point outside every range, and of one emoji sequence.
    public var defaultWeight: Int
    /// Code-point ranges with their own weight; the first range that holds a code point wins.
    public var ranges: [WeightedRange]
    /// Characters one URL counts, whatever its length.
    public var transformedURLLength: Int
    /// Whether an emoji sequence counts once as `defaultWeight`.
    public var emojiParsingEnabled: Bool

    /// Creates a configuration from its settings.
    public init(
        maxWeightedTweetLength: Int,
        scale: Int,
        defaultWeight: Int,
        ranges: [WeightedRange],
        transformedURLLength: Int,
        emojiParsingEnabled: Bool
    ) {
        self.maxWeightedTweetLength = maxWeightedTweetLength
        self.scale = scale
        self.defaultWeight = defaultWeight
        self.ranges = ranges
        self.transformedURLLength = transformedURLLength
        self.emojiParsingEnabled = emojiParsingEnabled
    }

    /// The weight-100 ranges of v2 and v3: Latin to Georgian, and three blocks of general punctuation.
    private static let latinAndPunctuationRanges = [
        WeightedRange(start: 0, end: 4351, weight: 100),
        WeightedRange(start: 8192, end: 8205, weight: 100),
        WeightedRange(start: 8208, end: 8223, weight: 100),
        WeightedRange(start: 8242, end: 8247, weight: 100),
    ]

    /// twitter-text v3 (`config/v3.json`), the current rules: 280 weighted characters, emoji counted once.
    public static let v3 = Self(
        maxWeightedTweetLength: 280,
        scale: 100,
        defaultWeight: 200,
        ranges: latinAndPunctuationRanges,
        transformedURLLength: 23,
        emojiParsingEnabled: true
    )

    /// twitter-text v2 (`config/v2.json`): v3 without emoji parsing, each emoji scalar counted on its own.
    public static let v2 = Self(
        maxWeightedTweetLength: 280,
        scale: 100,
        defaultWeight: 200,
        ranges: latinAndPunctuationRanges,
        transformedURLLength: 23,
        emojiParsingEnabled: false
    )

    /// twitter-text v1 (`config/v1.json`), the 140-character rules: every code point counts one.
    public static let v1 = Self(
        maxWeightedTweetLength: 140,
        scale: 1,
        defaultWeight: 1,
        ranges: [],
        transformedURLLength: 23,
        emojiParsingEnabled: false
    )

    /// The weight of one code point outside URLs and emoji sequences.
    func weight(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        return ranges.first(where: { value >= $0.start && value <= $0.end })?.weight ?? defaultWeight
    }
}

/// The result of parsing a tweet: its weighted length, whether it can be posted, and which part fits.
public struct ParsedTweet: Sendable, Hashable {
    /// Length in weighted characters (URLs and emoji already discounted).
    public var weightedLength: Int
    /// Non-empty, no longer than the maximum, and free of the characters twitter-text rejects.
    public var isValid: Bool
    /// Weighted length in thousandths of the maximum, rounded down.
    public var permillage: Int
    /// The whole text, as UTF-16 offsets into the original (not normalised) text, half-open.
    public var displayRange: Range<Int>
    /// The longest prefix that fits and holds no invalid character, as UTF-16 offsets into the original text.
    public var validRange: Range<Int>

    /// Creates a parse result.
    public init(weightedLength: Int, isValid: Bool, permillage: Int, displayRange: Range<Int>, validRange: Range<Int>) {
        self.weightedLength = weightedLength
        self.isValid = isValid
        self.permillage = permillage
        self.displayRange = displayRange
        self.validRange = validRange
    }

    /// twitter-text's `displayRangeStart`.
    public var displayRangeStart: Int { displayRange.lowerBound }
    /// twitter-text's `displayRangeEnd`: the last UTF-16 offset of the text (inclusive), 0 for an empty text.
    public var displayRangeEnd: Int { max(displayRange.upperBound - 1, 0) }
    /// twitter-text's `validRangeStart`.
    public var validRangeStart: Int { validRange.lowerBound }
    /// twitter-text's `validRangeEnd`: the last UTF-16 offset of the valid prefix (inclusive), 0 when it is empty.
    public var validRangeEnd: Int { max(validRange.upperBound - 1, 0) }
}

/// Tweet text rules of twitter-text v3: weighted length, validity and URL extraction.
public enum TweetText {
    /// Parses a tweet as twitter-text's `parseTweet` does.
    public static func parse(_ text: String, configuration: TweetTextConfiguration = .v3) -> ParsedTweet {
        let normalized = NormalizedTweet(text)
        let scalars = normalized.scalars
        var urlEnds: [Int: Int] = [:]
        for range in TweetURLScanner(scalars).urlRanges() { urlEnds[range.lowerBound] = range.upperBound }
        let emoji = TweetEmojiScanner(scalars: scalars)
        let limit = configuration.maxWeightedTweetLength * configuration.scale

        var weighted = 0
        var hasInvalidCharacter = false
        var validEnd = 0
        var index = 0
        while index < scalars.count {
            let end: Int
            if let urlEnd = urlEnds[index] {
                weighted += configuration.transformedURLLength * configuration.scale
                end = urlEnd
            } else if configuration.emojiParsingEnabled, let emojiEnd = emoji.sequenceEnd(at: index) {
                weighted += configuration.defaultWeight
                end = emojiEnd
            } else {
                weighted += configuration.weight(of: scalars[index])
                end = index + 1
            }
            // As twitter-text does, the last scalar of each counted unit decides validity.
            if !hasInvalidCharacter, TweetURLCharacters.isInvalidInTweet(scalars[end - 1].value) {
                hasInvalidCharacter = true
            }
            if !hasInvalidCharacter, weighted <= limit { validEnd = end }
            index = end
        }

        let originalLength = text.utf16.count
        return ParsedTweet(
            weightedLength: weighted / configuration.scale,
            isValid: !hasInvalidCharacter && weighted > 0 && weighted <= limit,
            permillage: limit > 0 ? weighted * 1000 / limit : 0,
            displayRange: 0..<originalLength,
            validRange: 0..<normalized.originalUTF16Offset(afterScalars: validEnd)
        )
    }

    /// The weighted length of a tweet (URLs and emoji discounted), as twitter-text counts it.
    public static func weightedLength(_ text: String, configuration: TweetTextConfiguration = .v3) -> Int {
        parse(text, configuration: configuration).weightedLength
    }

    /// URL ranges found the way twitter-text's extractor finds them.
    public static func extractURLs(_ text: String) -> [String] {
        extractURLEntities(text).map(\.url)
    }

    /// URLs with their UTF-16 ranges in `text`, found the way twitter-text's extractor finds them.
    public static func extractURLEntities(_ text: String) -> [TweetURLEntity] {
        let scalars = Array(text.unicodeScalars)
        var utf16Offsets: [Int] = [0]
        utf16Offsets.reserveCapacity(scalars.count + 1)
        for scalar in scalars { utf16Offsets.append((utf16Offsets.last ?? 0) + UTF16.width(scalar)) }
        return TweetURLScanner(scalars).urlRanges().map { range in
            TweetURLEntity(
                url: String(String.UnicodeScalarView(scalars[range])),
                range: utf16Offsets[range.lowerBound]..<utf16Offsets[range.upperBound]
            )
        }
    }

    /// Whether `url` is a valid URL by twitter-text's `isValidUrl` (RFC 3986 parts, http or https).
    public static func isValidURL(_ url: String, unicodeDomains: Bool = true, requireProtocol: Bool = true) -> Bool {
        TweetURLValidator.isValid(url, unicodeDomains: unicodeDomains, requireProtocol: requireProtocol)
    }
}

/// The NFC form of a tweet, with the way back to UTF-16 offsets of the original text.
struct NormalizedTweet {
    /// Scalars of the NFC text.
    let scalars: [Unicode.Scalar]
    /// For each normalised scalar, the original UTF-16 offset where the text it came from ends, when it is the last
    /// scalar of that original character's normal form, else where that character starts. Nil when the text was
    /// already in NFC and offsets map one to one.
    private let originalEnds: [Int]?
    /// UTF-16 offset after each normalised scalar, for the one-to-one case.
    private let utf16Ends: [Int]

    init(_ text: String) {
        let whole = text.precomposedStringWithCanonicalMapping
        if whole.unicodeScalars.elementsEqual(text.unicodeScalars) {
            scalars = Array(text.unicodeScalars)
            var ends: [Int] = []
            ends.reserveCapacity(scalars.count)
            var offset = 0
            for scalar in scalars {
                offset += UTF16.width(scalar)
                ends.append(offset)
            }
            utf16Ends = ends
            originalEnds = nil
            return
        }
        // Normalise character by character (NFC never composes across grapheme clusters) to keep the mapping.
        var normalizedScalars: [Unicode.Scalar] = []
        var ends: [Int] = []
        var originalOffset = 0
        for character in text {
            let start = originalOffset
            originalOffset += character.utf16.count
            let form = Array(String(character).precomposedStringWithCanonicalMapping.unicodeScalars)
            for (position, scalar) in form.enumerated() {
                normalizedScalars.append(scalar)
                ends.append(position == form.count - 1 ? originalOffset : start)
            }
        }
        scalars = normalizedScalars
        originalEnds = ends
        utf16Ends = []
    }

    /// The original UTF-16 offset that ends the text made of the first `count` normalised scalars.
    func originalUTF16Offset(afterScalars count: Int) -> Int {
        guard count > 0 else { return 0 }
        if let originalEnds { return originalEnds[count - 1] }
        return utf16Ends[count - 1]
    }
}

/// Finds emoji sequences (UTS #51 shapes) in an array of scalars.
struct TweetEmojiScanner {
    let scalars: [Unicode.Scalar]

    private static let zeroWidthJoiner: UInt32 = 0x200D
    private static let textPresentation: UInt32 = 0xFE0E
    private static let emojiPresentation: UInt32 = 0xFE0F
    private static let combiningKeycap: UInt32 = 0x20E3
    private static let blackFlag: UInt32 = 0x1F3F4
    private static let cancelTag: UInt32 = 0xE007F

    private func value(at index: Int) -> UInt32? { index < scalars.count ? scalars[index].value : nil }

    private static func isRegionalIndicator(_ v: UInt32) -> Bool { v >= 0x1F1E6 && v <= 0x1F1FF }

    private static func isSkinTone(_ v: UInt32) -> Bool { v >= 0x1F3FB && v <= 0x1F3FF }

    private static func isTagSpec(_ v: UInt32) -> Bool { v >= 0xE0020 && v <= 0xE007E }

    /// A pictographic emoji character (ASCII digits, `#` and `*` only count inside keycaps).
    private static func isPictographic(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x80 && scalar.properties.isEmoji
    }

    /// The end (exclusive) of the emoji sequence starting at `index`, or nil when none starts there.
    func sequenceEnd(at index: Int) -> Int? {
        let scalar = scalars[index]
        let v = scalar.value
        let next = value(at: index + 1)
        if v == 0x23 || v == 0x2A || TweetURLCharacters.isASCIIDigit(v) {
            if next == Self.combiningKeycap { return index + 2 }
            if next == Self.emojiPresentation, value(at: index + 2) == Self.combiningKeycap { return index + 3 }
            return nil
        }
        if v == Self.emojiPresentation { return index + 1 }
        if Self.isRegionalIndicator(v) {
            return next.map(Self.isRegionalIndicator) == true ? index + 2 : index + 1
        }
        guard Self.isPictographic(scalar), next != Self.textPresentation else { return nil }
        // ©, ® and other text-style emoji below U+2000 weigh one as text; only with U+FE0F are they emoji.
        if !scalar.properties.isEmojiPresentation, v < 0x2000, next != Self.emojiPresentation { return nil }
        var end = elementEnd(at: index)
        while value(at: end) == Self.zeroWidthJoiner, end + 1 < scalars.count, Self.isPictographic(scalars[end + 1]) {
            end = elementEnd(at: end + 1)
        }
        return end
    }

    /// One emoji with its presentation selector, skin tone or tag sequence. As in twitter-text, U+FE0F belongs to
    /// the emoji only after a character whose default presentation is text; after 🤪 it is an emoji of its own.
    private func elementEnd(at index: Int) -> Int {
        guard let next = value(at: index + 1) else { return index + 1 }
        if next == Self.emojiPresentation, !scalars[index].properties.isEmojiPresentation { return index + 2 }
        if Self.isSkinTone(next), scalars[index].properties.isEmojiModifierBase { return index + 2 }
        if scalars[index].value == Self.blackFlag, Self.isTagSpec(next) {
            var position = index + 1
            while let tag = value(at: position), Self.isTagSpec(tag) { position += 1 }
            if value(at: position) == Self.cancelTag { return position + 1 }
        }
        return index + 1
    }
}
