/// Small text helpers for the validator: each returns its input unchanged, without allocating,
/// when there is nothing to do (the common case on a million-item feed).
enum TextCheck {
    /// `text` without leading and trailing whitespace (Unicode `White_Space`, so NBSP too).
    static func trimmed(_ text: String) -> String {
        let isClean = withBytes(text) { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last else {
                return true
            }
            return first < 0x80 && last < 0x80 && !isASCIISpace(first) && !isASCIISpace(last)
        }
        if isClean {
            return text
        }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace {
            scalars.formIndex(after: &start)
        }
        while end > start, scalars[scalars.index(before: end)].properties.isWhitespace {
            scalars.formIndex(before: &end)
        }
        if start == scalars.startIndex, end == scalars.endIndex {
            return text
        }
        return String(scalars[start..<end])
    }

    /// Whether `text` has more than `limit` characters (grapheme clusters); O(1) when it obviously has not.
    static func isLonger(_ text: some StringProtocol, than limit: Int) -> Bool {
        text.utf8.count > limit && text.count > limit
    }

    /// The first `limit` characters of `text`.
    static func prefix(_ text: String, characters limit: Int) -> String {
        String(text.prefix(limit))
    }

    /// Whether every byte is ASCII.
    static func isASCII(_ text: String) -> Bool {
        withBytes(text) { bytes in bytes.allSatisfy { $0 < 0x80 } }
    }

    /// `text` with ASCII letters lower-cased; `text` itself when it has no upper-case ASCII letter.
    static func asciiLowercased(_ text: String) -> String {
        let hasUpper = withBytes(text) { bytes in
            bytes.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        }
        guard hasUpper else {
            return text
        }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x41, scalar.value <= 0x5A, let lower = Unicode.Scalar(scalar.value + 0x20) {
                result.unicodeScalars.append(lower)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` with ASCII letters upper-cased; `text` itself when it has no lower-case ASCII letter.
    static func asciiUppercased(_ text: String) -> String {
        let hasLower = withBytes(text) { bytes in
            bytes.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
        }
        guard hasLower else {
            return text
        }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x61, scalar.value <= 0x7A, let upper = Unicode.Scalar(scalar.value - 0x20) {
                result.unicodeScalars.append(upper)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether `text` is one or more ASCII digits.
    static func isDigits(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// A non-negative integer written in ASCII digits (at most 9 of them), or `nil`.
    static func nonNegativeInteger(_ text: String) -> Int? {
        guard isDigits(text), text.utf8.count <= 9 else {
            return nil
        }
        var value = 0
        for byte in text.utf8 {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `yes`/`true` → true, `no`/`false` → false, for text already lower-cased; else `nil`.
    static func boolean(_ lowercased: String) -> Bool? {
        switch lowercased {
        case "yes", "true": true
        case "no", "false": false
        default: nil
        }
    }

    /// Up to 8 ASCII letters and digits, lower-cased and packed little-endian into an integer, so that
    /// short keywords (tag names, file extensions) compare as one integer; `nil` when longer or other.
    static func packedKeyword(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt64? {
        guard bytes.count <= 8 else {
            return nil
        }
        var packed: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes {
            guard isASCIIAlphanumeric(byte) else {
                return nil
            }
            let lower = isASCIILetter(byte) ? byte | 0x20 : byte
            packed |= UInt64(lower) << shift
            shift += 8
        }
        return packed
    }

    /// ``packedKeyword(_:)`` of a lower-case literal, for the constants compared against.
    static func packedKeyword(_ literal: StaticString) -> UInt64 {
        literal.withUTF8Buffer { buffer in
            packedKeyword(buffer[...]) ?? 0
        }
    }

    /// Calls `body` with the UTF-8 bytes of `text`, without copying them for native strings.
    static func withBytes<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) {
            return result
        }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        isASCIILetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

/// Checks for the absolute http(s) URLs Merchant Center wants in `link`, `image_link` and friends.
enum URLCheck {
    /// The longest URL accepted, in characters.
    static let maximumLength = 2000

    /// Why a URL is refused.
    enum Problem: Hashable, Sendable {
        /// Not `http://` or `https://`.
        case notHTTP
        /// Nothing (or only a port or user info) between the scheme and the path.
        case missingHost
        /// A space, control character, `"`, `<` or `>` (the first one found, as a description).
        case forbiddenCharacter(String)
    }

    /// The problem with `url` (already trimmed), or `nil` when it is an absolute http(s) URL.
    static func problem(in url: String) -> Problem? {
        TextCheck.withBytes(url) { problem(bytes: $0) }
    }

    /// The path's file extension when it names a format Merchant Center does not accept, else `nil`.
    ///
    /// A path without a recognisable extension (`/img/123`, `?format=PNG`) passes, and so do dynamic
    /// endpoints (`/image.php?id=1`): image servers often pick the format from the query.
    static func unsupportedImageExtension(_ url: String) -> String? {
        TextCheck.withBytes(url) { bytes -> String? in
            guard let range = extensionRange(bytes: bytes), let packed = TextCheck.packedKeyword(bytes[range]),
                !acceptedExtensions.contains(packed)
            else {
                return nil
            }
            return String(decoding: bytes[range], as: UTF8.self)
        }
    }

    /// Image formats Merchant Center accepts, and dynamic endpoints whose format the path does not tell.
    private static let acceptedExtensions: [UInt64] =
        ([
            "jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff",
            "php", "asp", "aspx", "jsp", "cgi", "ashx", "do", "action",
        ] as [StaticString]).map { TextCheck.packedKeyword($0) }

    private static func problem(bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        guard let authorityStart = schemeEnd(bytes) else {
            return .notHTTP
        }
        let authorityEnd = pathStart(bytes, from: authorityStart)
        var hostStart = authorityStart
        for index in authorityStart..<authorityEnd where bytes[index] == UInt8(ascii: "@") {
            hostStart = index + 1
        }
        if hostStart < authorityEnd, bytes[hostStart] == UInt8(ascii: "[") {
            // An IPv6 literal: `[::1]:8080`.
            var close = hostStart + 1
            while close < authorityEnd, bytes[close] != UInt8(ascii: "]") {
                close += 1
            }
            guard close < authorityEnd, close > hostStart + 1 else {
                return .missingHost
            }
        } else {
            var hostEnd = hostStart
            while hostEnd < authorityEnd, bytes[hostEnd] != UInt8(ascii: ":") {
                hostEnd += 1
            }
            guard hostEnd > hostStart, bytes[hostStart] != UInt8(ascii: "."), bytes[hostStart] != UInt8(ascii: "-")
            else {
                return .missingHost
            }
        }
        for byte in bytes {
            switch byte {
            case 0x00...0x20, 0x7F:
                return .forbiddenCharacter(byte == 0x20 ? "a space" : "a control character")
            case UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"):
                return .forbiddenCharacter("'\(Character(Unicode.Scalar(byte)))'")
            default:
                continue
            }
        }
        return nil
    }

    /// The byte range of the last path segment's extension: 1–5 ASCII letters or digits, at least
    /// one a letter.
    private static func extensionRange(bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let authorityStart = schemeEnd(bytes) else {
            return nil
        }
        var index = pathStart(bytes, from: authorityStart)
        var lastSlash = index
        var lastDot = -1
        while index < bytes.count, bytes[index] != UInt8(ascii: "?"), bytes[index] != UInt8(ascii: "#") {
            if bytes[index] == UInt8(ascii: "/") {
                lastSlash = index
            } else if bytes[index] == UInt8(ascii: ".") {
                lastDot = index
            }
            index += 1
        }
        guard lastDot > lastSlash, index - lastDot - 1 >= 1, index - lastDot - 1 <= 5 else {
            return nil
        }
        var hasLetter = false
        for position in (lastDot + 1)..<index {
            guard TextCheck.isASCIIAlphanumeric(bytes[position]) else {
                return nil
            }
            hasLetter = hasLetter || TextCheck.isASCIILetter(bytes[position])
        }
        return hasLetter ? (lastDot + 1)..<index : nil
    }

    /// The index of the first `/`, `?` or `#` at or after `start` (the end of the authority).
    private static func pathStart(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "?"),
            bytes[index] != UInt8(ascii: "#")
        {
            index += 1
        }
        return index
    }

    /// The index after `http://` or `https://` (any case), or `nil`.
    private static func schemeEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        for expected in [UInt8(ascii: "h"), UInt8(ascii: "t"), UInt8(ascii: "t"), UInt8(ascii: "p")] {
            guard index < bytes.count, bytes[index] | 0x20 == expected else {
                return nil
            }
            index += 1
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "s") {
            index += 1
        }
        for expected in [UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "/")] {
            guard index < bytes.count, bytes[index] == expected else {
                return nil
            }
            index += 1
        }
        return index
    }
}

/// ISO 3166-1 alpha-2 country codes.
enum Country {
    /// Whether `code` (upper case) is an assigned ISO 3166-1 alpha-2 code.
    static func isAlpha2(_ code: String) -> Bool {
        let bytes = code.utf8
        guard bytes.count == 2, let first = bytes.first, let last = bytes.last,
            first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z"), last >= UInt8(ascii: "A"), last <= UInt8(ascii: "Z")
        else {
            return false
        }
        return table[Int(first - UInt8(ascii: "A")) * 26 + Int(last - UInt8(ascii: "A"))]
    }

    /// 26 × 26 flags, built once from ``packed``.
    private static let table: [Bool] = {
        var table = [Bool](repeating: false, count: 26 * 26)
        let bytes = Array(packed.utf8)
        var index = 0
        while index + 1 < bytes.count {
            let first = bytes[index]
            let second = bytes[index + 1]
            if TextCheck.isASCIILetter(first), TextCheck.isASCIILetter(second) {
                table[Int(first - UInt8(ascii: "A")) * 26 + Int(second - UInt8(ascii: "A"))] = true
                index += 2
            } else {
                index += 1
            }
        }
        return table
    }()

    /// The 249 assigned codes (ISO 3166-1 as shipped in Debian's iso-codes 4.15), space separated.
    private static let packed = """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
        BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES
        ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE
        IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
        MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU
        NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM
        SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE
        VG VI VN VU WF WS YE YT ZA ZM ZW
        """
}
