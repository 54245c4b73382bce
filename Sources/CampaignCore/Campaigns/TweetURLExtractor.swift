// URL extraction and URL validation as twitter-text v3 does them, written as plain scanners over Unicode scalars.
//
// Hand-written because no Swift package on the machine's package list counts tweets or extracts URLs the way
// twitter-text does. The rules follow twitter/twitter-text (Apache License 2.0, Copyright 2011 Twitter, Inc.):
// `js/src/regexp/extractUrl.js` and the regular expressions it is built from, `js/src/extractUrlsWithIndices.js`,
// `js/src/lib/idna.js`, `js/src/isValidUrl.js` with `js/src/regexp/validateUrl*.js`, and their Ruby twins in
// `rb/lib/twitter-text/regex.rb` and `extractor.rb`. Each scanner reproduces what the backtracking regular
// expression returns (greedy choices, alternation order, optional trailing parts), not merely what it could match.
//
// Where the JavaScript and Ruby implementations differ, this file takes:
// - the Ruby punctuation set for domain characters (it also stops a domain at `"` and a backquote);
// - the JavaScript ASCII-domain pattern for URLs without a protocol (`_` is not part of such a domain);
// - the short-domain rule of the conformance extraction tests: `foo.jp` alone is not a URL, `t.co` and `foo.tv`
//   are (special ccTLDs `co` and `tv`), and any domain followed by a path is;
// - Ruby's length limit: at most 4,096 scalars counting the punycode-encoded domain and an implied `https://`.

/// A URL found in a tweet, the way twitter-text's extractor finds it.
public struct TweetURLEntity: Sendable, Hashable {
    /// The URL as it appears in the text.
    public var url: String
    /// UTF-16 offsets of the URL in the text it was extracted from (half-open).
    public var range: Range<Int>

    /// Creates an entity from its text and UTF-16 range.
    public init(url: String, range: Range<Int>) {
        self.url = url
        self.range = range
    }
}

// MARK: - Character classes

/// The character classes of twitter-text's URL regular expressions, on scalar values.
enum TweetURLCharacters {
    static func isASCIIDigit(_ v: UInt32) -> Bool { v >= 0x30 && v <= 0x39 }

    static func isASCIILetter(_ v: UInt32) -> Bool { (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) }

    static func isASCIIAlphanumeric(_ v: UInt32) -> Bool { isASCIIDigit(v) || isASCIILetter(v) }

    static func isHexDigit(_ v: UInt32) -> Bool {
        isASCIIDigit(v) || (v >= 0x41 && v <= 0x46) || (v >= 0x61 && v <= 0x66)
    }

    /// `latinAccentChars`: accented Latin letters and combining marks (U+00D7 and U+00F7 are left out).
    static func isLatinAccent(_ v: UInt32) -> Bool {
        switch v {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0xFF, 0x100...0x24F, 0x253...0x254, 0x256...0x257, 0x259, 0x25B,
            0x263, 0x268, 0x26F, 0x272, 0x289, 0x28B, 0x2BB, 0x300...0x36F, 0x1E00...0x1EFF:
            return true
        default:
            return false
        }
    }

    static func isCyrillic(_ v: UInt32) -> Bool { v >= 0x400 && v <= 0x4FF }

    /// Characters twitter-text never allows in a tweet: U+FFFE, U+FEFF, U+FFFF.
    static func isInvalidInTweet(_ v: UInt32) -> Bool { v == 0xFFFE || v == 0xFEFF || v == 0xFFFF }

    /// Directional formatting characters (allowed in tweets, never part of a domain).
    static func isDirectional(_ v: UInt32) -> Bool {
        v == 0x61C || v == 0x200E || v == 0x200F || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
    }

    /// twitter-text's `UNICODE_SPACES`.
    static func isUnicodeSpace(_ v: UInt32) -> Bool {
        switch v {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x180E, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// A character that may start a domain label: anything but ASCII punctuation, spaces, controls,
    /// directional marks and the invalid characters. Non-ASCII letters, CJK and emoji all qualify.
    static func isDomainCharacter(_ v: UInt32) -> Bool {
        if v < 0x80 { return isASCIIAlphanumeric(v) }
        if v == 0x85 || v == 0xA0 { return false }
        return !isInvalidInTweet(v) && !isUnicodeSpace(v) && !isDirectional(v)
    }

    /// `validUrlPrecedingChars`: a URL may follow any character but ASCII letters and digits, `@ ＠ $ # ＃`
    /// and the invalid characters.
    static func isValidURLPrecedingCharacter(_ v: UInt32) -> Bool {
        if isASCIIAlphanumeric(v) || isInvalidInTweet(v) { return false }
        return v != 0x40 && v != 0xFF20 && v != 0x24 && v != 0x23 && v != 0xFF03
    }

    /// `invalidUrlWithoutProtocolPrecedingChars`: `-`, `_`, `.` or `/` just before a URL without protocol.
    static func forbidsURLWithoutProtocol(_ v: UInt32) -> Bool { v == 0x2D || v == 0x5F || v == 0x2E || v == 0x2F }

    /// `validGeneralUrlPathChars`.
    static func isPathCharacter(_ v: UInt32) -> Bool {
        if isASCIIAlphanumeric(v) || isCyrillic(v) || isLatinAccent(v) || v == 0x2013 { return true }
        switch v {
        case 0x21, 0x2A, 0x27, 0x3B, 0x3A, 0x3D, 0x2B, 0x2C, 0x2E, 0x24, 0x2F, 0x25, 0x23, 0x5B, 0x5D, 0x2D, 0x5F,
            0x7E, 0x40, 0x7C, 0x26:
            return true
        default:
            return false
        }
    }

    /// `validUrlPathEndingChars` without the balanced-parentheses alternative.
    static func isPathEndingCharacter(_ v: UInt32) -> Bool {
        if isASCIIAlphanumeric(v) || isCyrillic(v) || isLatinAccent(v) { return true }
        return v == 0x2B || v == 0x2D || v == 0x3D || v == 0x5F || v == 0x23 || v == 0x2F
    }

    /// `validUrlQueryChars`.
    static func isQueryCharacter(_ v: UInt32) -> Bool {
        if isASCIIAlphanumeric(v) { return true }
        switch v {
        case 0x21, 0x3F, 0x2A, 0x27, 0x40, 0x28, 0x29, 0x3B, 0x3A, 0x26, 0x3D, 0x2B, 0x24, 0x2F, 0x25, 0x23, 0x5B,
            0x5D, 0x2D, 0x5F, 0x2E, 0x2C, 0x7E, 0x7C:
            return true
        default:
            return false
        }
    }

    /// `validUrlQueryEndingChars`.
    static func isQueryEndingCharacter(_ v: UInt32) -> Bool {
        isASCIIAlphanumeric(v) || v == 0x2D || v == 0x5F || v == 0x26 || v == 0x3D || v == 0x23 || v == 0x2F
    }

    /// Label characters of `validAsciiDomain`: ASCII letters, digits, `-` and accented Latin letters.
    static func isASCIIDomainLabelCharacter(_ v: UInt32) -> Bool {
        isASCIIAlphanumeric(v) || v == 0x2D || isLatinAccent(v)
    }

    /// The look-ahead after a TLD: `(?=[^0-9a-zA-Z@+-]|$)`.
    static func endsTLD(_ v: UInt32) -> Bool {
        !(isASCIIAlphanumeric(v) || v == 0x40 || v == 0x2B || v == 0x2D)
    }

    /// Lower-cases a scalar the way a case-insensitive match compares it.
    static func appendLowercased(_ scalar: Unicode.Scalar, to string: inout String) {
        let v = scalar.value
        if v < 0x80 {
            let lowered = (v >= 0x41 && v <= 0x5A) ? v + 0x20 : v
            string.unicodeScalars.append(Unicode.Scalar(UInt8(lowered)))
        } else {
            string.append(scalar.properties.lowercaseMapping)
        }
    }
}

// MARK: - Extraction

/// twitter-text's URL extractor (`extractUrlsWithIndices`) over an array of Unicode scalars.
struct TweetURLScanner {
    private typealias C = TweetURLCharacters

    /// One match of `extractUrl`, in scalar indices.
    private struct RawMatch {
        var start: Int
        var end: Int
        var hasProtocol: Bool
        var domain: Range<Int>
        var hasPath: Bool
        var preceding: UInt32?
    }

    /// The longest URL twitter-text accepts.
    static let maxURLLength = 4096
    /// The longest t.co slug twitter-text accepts.
    static let maxTcoSlugLength = 40
    /// The longest DNS label.
    static let maxLabelLength = 63

    /// Results already computed at a position (-2: not yet, -1: none), so that no input costs quadratic time.
    private final class Memo {
        var domainEnds: [Int]
        var tldEnds: [Int]

        init(count: Int) {
            domainEnds = Array(repeating: -2, count: count + 1)
            tldEnds = Array(repeating: -2, count: count + 1)
        }
    }

    /// A label followed by a dot: where the dot is, and whether a TLD may follow the label.
    private typealias Label = (dot: Int, allowsTLD: Bool)

    let scalars: [Unicode.Scalar]
    /// For each index, the end of the run of domain characters, `-` and `_` that starts there.
    private let labelRunEnds: [Int]
    /// For each index, the first `_` at or after it (or `count`).
    private let nextUnderscore: [Int]
    private let memo: Memo

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
        var runEnds = Array(repeating: scalars.count, count: scalars.count + 1)
        var underscores = Array(repeating: scalars.count, count: scalars.count + 1)
        for index in stride(from: scalars.count - 1, through: 0, by: -1) {
            let v = scalars[index].value
            let inLabel = v == 0x2D || v == 0x5F || C.isDomainCharacter(v)
            runEnds[index] = inLabel ? runEnds[index + 1] : index
            underscores[index] = v == 0x5F ? index : underscores[index + 1]
        }
        labelRunEnds = runEnds
        nextUnderscore = underscores
        memo = Memo(count: scalars.count)
    }

    private var count: Int { scalars.count }

    private func value(_ index: Int) -> UInt32 { scalars[index].value }

    private func isScalar(_ index: Int, _ v: UInt32) -> Bool { index < count && scalars[index].value == v }

    /// The URLs of the text as half-open ranges of scalar indices, in text order.
    func urlRanges() -> [Range<Int>] {
        guard scalars.contains(".") else { return [] }
        var urls: [Range<Int>] = []
        var position = 0
        while position < count {
            if let match = match(at: position) {
                accept(match, into: &urls)
                position = match.end
            } else {
                position += 1
            }
        }
        return urls
    }

    /// `extractUrl` tried at one position: the preceding character is consumed first, `^` is the fallback.
    private func match(at position: Int) -> RawMatch? {
        let preceding = value(position)
        if C.isValidURLPrecedingCharacter(preceding), let found = url(at: position + 1, preceding: preceding) {
            return found
        }
        if position == 0 { return url(at: 0, preceding: nil) }
        return nil
    }

    /// Protocol (optional), domain, port, path and query starting at `start`.
    private func url(at start: Int, preceding: UInt32?) -> RawMatch? {
        guard start < count else { return nil }
        if let domainStart = protocolEnd(at: start),
            let found = rest(start: start, domainStart: domainStart, hasProtocol: true, preceding: preceding)
        {
            return found
        }
        return rest(start: start, domainStart: start, hasProtocol: false, preceding: preceding)
    }

    private func rest(start: Int, domainStart: Int, hasProtocol: Bool, preceding: UInt32?) -> RawMatch? {
        guard let domainEnd = domainEnd(at: domainStart) else { return nil }
        var position = domainEnd
        if isScalar(position, 0x3A), position + 1 < count, C.isASCIIDigit(value(position + 1)) {
            position += 1
            while position < count, C.isASCIIDigit(value(position)) { position += 1 }
        }
        var hasPath = false
        if isScalar(position, 0x2F) {
            hasPath = true
            position = pathEnd(from: position + 1)
        }
        if isScalar(position, 0x3F), let queryEnd = queryEnd(from: position + 1, limit: count) {
            position = queryEnd
        }
        return RawMatch(
            start: start,
            end: position,
            hasProtocol: hasProtocol,
            domain: domainStart..<domainEnd,
            hasPath: hasPath,
            preceding: preceding
        )
    }

    /// The end of `https?://` (any case) at `index`.
    private func protocolEnd(at index: Int) -> Int? {
        guard hasPrefix("http", at: index, limit: count) else { return nil }
        var position = index + 4
        if position < count, value(position) | 0x20 == 0x73 { position += 1 }
        return hasPrefix("://", at: position, limit: count) ? position + 3 : nil
    }

    /// Case-insensitive ASCII prefix test within `limit`.
    private func hasPrefix(_ prefix: String, at index: Int, limit: Int) -> Bool {
        var position = index
        for expected in prefix.unicodeScalars {
            guard position < limit else { return false }
            let v = value(position)
            let lowered = (v >= 0x41 && v <= 0x5A) ? v + 0x20 : v
            guard lowered == expected.value else { return false }
            position += 1
        }
        return true
    }

    /// `validDomain`: subdomains, a domain name and a gTLD, ccTLD or punycode TLD. Labels are tried from the
    /// most to the fewest, as the greedy `validSubdomain*` backtracks; the domain name label takes no `_`.
    private func domainEnd(at start: Int) -> Int? {
        resolveLabelChain(from: start, memo: &memo.domainEnds, offset: 0, label: domainLabel(at:)) { position in
            tldEnd(at: position, limit: count)
        }
    }

    /// `(?:D(?:[_-]|D)*)?D\.` at `position`, where D is a domain character.
    private func domainLabel(at position: Int) -> Label? {
        guard position < count else { return nil }
        let dot = labelRunEnds[position]
        guard dot > position, dot < count, value(dot) == 0x2E, C.isDomainCharacter(value(position)),
            C.isDomainCharacter(value(dot - 1))
        else { return nil }
        return (dot, nextUnderscore[position] >= dot)
    }

    /// Follows labels from `start` and returns the end of the TLD after the furthest label that allows one, the
    /// order in which a greedy `label*` followed by a TLD backtracks. Results are kept in `memo` (indexed from
    /// `offset`), as every label chain is the tail of the chain that starts one label earlier.
    private func resolveLabelChain(
        from start: Int,
        memo: inout [Int],
        offset: Int,
        label: (Int) -> Label?,
        tld: (Int) -> Int?
    ) -> Int? {
        var chain: [(start: Int, label: Label)] = []
        var position = start
        var result: Int?
        while true {
            let known = memo[position - offset]
            if known != -2 {
                result = known >= 0 ? known : nil
                break
            }
            guard let found = label(position) else {
                memo[position - offset] = -1
                break
            }
            chain.append((position, found))
            position = found.dot + 1
        }
        for link in chain.reversed() {
            if result == nil, link.label.allowsTLD { result = tld(link.label.dot + 1) }
            memo[link.start - offset] = result ?? -1
        }
        return result
    }

    /// A known gTLD or ccTLD followed by the TLD look-ahead (first in twitter-text's order wins), else a
    /// punycode TLD `xn--[-0-9a-z]+`.
    func tldEnd(at start: Int, limit: Int) -> Int? {
        guard start < limit else { return nil }
        if limit == count {
            let known = memo.tldEnds[start]
            if known != -2 { return known >= 0 ? known : nil }
            let found = uncachedTLDEnd(at: start, limit: limit)
            memo.tldEnds[start] = found ?? -1
            return found
        }
        return uncachedTLDEnd(at: start, limit: limit)
    }

    private func uncachedTLDEnd(at start: Int, limit: Int) -> Int? {
        let table = TLDData.table
        var candidate = ""
        var best: (rank: Int, end: Int)?
        var length = 0
        while length < table.maxScalarCount, start + length < limit {
            let v = value(start + length)
            // Known TLDs hold letters only: an ASCII digit, space or punctuation ends every candidate.
            if v < 0x80, !C.isASCIILetter(v) { break }
            C.appendLowercased(scalars[start + length], to: &candidate)
            length += 1
            let end = start + length
            guard let entry = table.entries[candidate] else { continue }
            guard end == limit || C.endsTLD(value(end)) else { continue }
            if best.map({ entry.rank < $0.rank }) ?? true { best = (entry.rank, end) }
        }
        if let best { return best.end }
        guard hasPrefix("xn--", at: start, limit: limit) else { return nil }
        var position = start + 4
        while position < limit, C.isASCIIAlphanumeric(value(position)) || value(position) == 0x2D { position += 1 }
        return position > start + 4 ? position : nil
    }

    /// `validUrlPath*` after the slash: the longest run of path characters and balanced parentheses that ends in
    /// an ending character or a parenthesised group.
    private func pathEnd(from start: Int) -> Int {
        var position = start
        var end = start
        while position < count {
            let v = value(position)
            if C.isPathCharacter(v) {
                position += 1
                if C.isPathEndingCharacter(v) { end = position }
            } else if v == 0x28, let groupEnd = balancedParenthesesEnd(at: position) {
                position = groupEnd
                end = position
            } else {
                break
            }
        }
        return end
    }

    /// `validUrlBalancedParens`: `(chars)` or `(chars(chars)chars)`.
    private func balancedParenthesesEnd(at open: Int) -> Int? {
        var position = open + 1
        let firstRun = position
        while position < count, C.isPathCharacter(value(position)) { position += 1 }
        if isScalar(position, 0x29) { return position > firstRun ? position + 1 : nil }
        guard isScalar(position, 0x28) else { return nil }
        position += 1
        let innerRun = position
        while position < count, C.isPathCharacter(value(position)) { position += 1 }
        guard position > innerRun, isScalar(position, 0x29) else { return nil }
        position += 1
        while position < count, C.isPathCharacter(value(position)) { position += 1 }
        return isScalar(position, 0x29) ? position + 1 : nil
    }

    /// The query after `?`: the longest run of query characters ending in a query-ending character.
    private func queryEnd(from start: Int, limit: Int) -> Int? {
        var position = start
        var end: Int?
        while position < limit, C.isQueryCharacter(value(position)) {
            if C.isQueryEndingCharacter(value(position)) { end = position + 1 }
            position += 1
        }
        return end
    }

    /// What `extractUrlsWithIndices` does with one regular-expression match.
    private func accept(_ match: RawMatch, into urls: inout [Range<Int>]) {
        guard isValidDomain(match) else { return }
        guard match.hasProtocol else {
            if let preceding = match.preceding, C.forbidsURLWithoutProtocol(preceding) { return }
            var last: Range<Int>?
            for domain in asciiDomains(in: match.domain) {
                last = domain
                if match.hasPath || isShortDomain(domain, special: true) || !isShortDomain(domain, special: false) {
                    urls.append(domain)
                }
            }
            if match.hasPath, let last, !urls.isEmpty { urls[urls.count - 1] = last.lowerBound..<match.end }
            return
        }
        if let tco = tcoMatch(start: match.start, end: match.end) {
            guard tco.slugLength <= Self.maxTcoSlugLength else { return }
            urls.append(match.start..<tco.end)
        } else {
            urls.append(match.start..<match.end)
        }
    }

    /// `^https?://t\.co/([a-z0-9]+)(?:\?query)?` within the URL: t.co links take no extra path characters.
    private func tcoMatch(start: Int, end: Int) -> (end: Int, slugLength: Int)? {
        guard hasPrefix("http", at: start, limit: end) else { return nil }
        var position = start + 4
        if position < end, value(position) | 0x20 == 0x73 { position += 1 }
        guard hasPrefix("://t.co/", at: position, limit: end) else { return nil }
        position += 8
        let slugStart = position
        while position < end, C.isASCIIAlphanumeric(value(position)) { position += 1 }
        guard position > slugStart else { return nil }
        let slugLength = position - slugStart
        if position < end, value(position) == 0x3F, let queryEnd = queryEnd(from: position + 1, limit: end) {
            position = queryEnd
        }
        return (position, slugLength)
    }

    /// `validAsciiDomain` scanned over the domain, left to right, as `String.replace` with a global pattern does.
    private func asciiDomains(in domain: Range<Int>) -> [Range<Int>] {
        let limit = domain.upperBound
        var chainMemo = Array(repeating: -2, count: domain.count + 1)
        let label = { (position: Int) -> Label? in
            var dot = position
            while dot < limit, C.isASCIIDomainLabelCharacter(value(dot)) { dot += 1 }
            guard dot > position, dot < limit, value(dot) == 0x2E else { return nil }
            return (dot, true)
        }
        var found: [Range<Int>] = []
        var position = domain.lowerBound
        while position < limit {
            let end = resolveLabelChain(from: position, memo: &chainMemo, offset: domain.lowerBound, label: label) {
                tldEnd(at: $0, limit: limit)
            }
            if let end {
                found.append(position..<end)
                position = end
            } else {
                position += 1
            }
        }
        return found
    }

    /// `invalidShortDomain` (one label and a ccTLD, nothing else) or, with `special`, `validSpecialShortDomain`
    /// (one label and `co` or `tv`).
    private func isShortDomain(_ domain: Range<Int>, special: Bool) -> Bool {
        guard let dot = domain.firstIndex(where: { value($0) == 0x2E }), dot > domain.lowerBound else { return false }
        for index in domain.lowerBound..<dot {
            let v = value(index)
            guard C.isDomainCharacter(v) || v == 0x2D else { return false }
        }
        guard C.isDomainCharacter(value(domain.lowerBound)), C.isDomainCharacter(value(dot - 1)) else { return false }
        var tld = ""
        for index in (dot + 1)..<domain.upperBound { C.appendLowercased(scalars[index], to: &tld) }
        if special { return tld == "co" || tld == "tv" }
        return TLDData.table.entries[tld]?.kind == .country
    }

    /// `idna.toAscii` plus the 4,096-character limit: every label must encode to 1...63 ASCII characters.
    private func isValidDomain(_ match: RawMatch) -> Bool {
        let domain = match.domain
        if hasCaseSensitivePrefix("xn--", at: domain.lowerBound, limit: domain.upperBound),
            asciiDomains(in: domain).isEmpty
        {
            return false
        }
        var encodedLength = 0
        var labelStart = domain.lowerBound
        for index in domain.lowerBound...domain.upperBound where index == domain.upperBound || value(index) == 0x2E {
            guard let length = TweetPunycode.encodedLabelLength(scalars[labelStart..<index]),
                (1...Self.maxLabelLength).contains(length)
            else { return false }
            encodedLength += length + (index == domain.upperBound ? 0 : 1)
            labelStart = index + 1
        }
        let growth = max(encodedLength - domain.count, 0)
        let implied = match.hasProtocol ? 0 : "https://".count
        return match.end - match.start + growth + implied <= Self.maxURLLength
    }

    private func hasCaseSensitivePrefix(_ prefix: String, at index: Int, limit: Int) -> Bool {
        var position = index
        for expected in prefix.unicodeScalars {
            guard position < limit, scalars[position] == expected else { return false }
            position += 1
        }
        return true
    }
}

// MARK: - TweetPunycode

/// RFC 3492 punycode, only as far as twitter-text needs it: the length of a label once encoded.
enum TweetPunycode {
    private static let base = 36
    private static let tMin = 1
    private static let tMax = 26
    private static let skew = 38
    private static let damp = 700

    /// The length of `punycode.toASCII(label)`: the label itself when it is ASCII, else `xn--` and its encoding.
    /// Parts split by the IDNA dots U+3002, U+FF0E and U+FF61 are encoded apart, as punycode.js does. Returns nil
    /// when the label is too long to be valid anyway.
    static func encodedLabelLength(_ label: ArraySlice<Unicode.Scalar>) -> Int? {
        guard label.count <= TweetURLScanner.maxLabelLength else { return nil }
        var total = 0
        var partStart = label.startIndex
        for index in label.startIndex...label.endIndex {
            let isSeparator = index < label.endIndex && [0x3002, 0xFF0E, 0xFF61].contains(label[index].value)
            guard index == label.endIndex || isSeparator else { continue }
            let part = label[partStart..<index]
            if part.contains(where: { $0.value > 0x7E }) {
                total += 4 + encodedLength(part.map(\.value))
            } else {
                total += part.count
            }
            if isSeparator { total += 1 }
            partStart = index + 1
        }
        return total
    }

    /// The number of characters RFC 3492 encoding produces for `input` (without the `xn--` prefix).
    static func encodedLength(_ input: [UInt32]) -> Int {
        let basicCount = input.filter { $0 < 0x80 }.count
        var length = basicCount + (basicCount > 0 ? 1 : 0)
        var handled = basicCount
        var n = 0x80
        var delta = 0
        var bias = 72
        while handled < input.count {
            guard let next = input.lazy.map({ Int($0) }).filter({ $0 >= n }).min() else { break }
            delta += (next - n) * (handled + 1)
            n = next
            for codePoint in input.lazy.map({ Int($0) }) {
                if codePoint < n { delta += 1 }
                guard codePoint == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                    if q < t { break }
                    length += 1
                    q = (q - t) / (base - t)
                    k += base
                }
                length += 1
                bias = adapt(delta: delta, points: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return length
    }

    private static func adapt(delta: Int, points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}

// MARK: - Validation

/// twitter-text's `isValidUrl`: an RFC 3986 split, then each part checked as its regular expression would.
enum TweetURLValidator {
    private typealias C = TweetURLCharacters

    static func isValid(_ url: String, unicodeDomains: Bool, requireProtocol: Bool) -> Bool {
        let s = Array(url.unicodeScalars)
        guard !s.isEmpty else { return false }
        // ^(?:([^:/?#]+)://)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$
        var position = 0
        var scheme: ArraySlice<Unicode.Scalar>?
        if let stop = s.firstIndex(where: { ":/?#".unicodeScalars.contains($0) }), stop > 0, s[stop] == ":",
            stop + 2 < s.count, s[stop + 1] == "/", s[stop + 2] == "/"
        {
            scheme = s[0..<stop]
            position = stop + 3
        }
        let authorityStart = position
        while position < s.count, !"/?#".unicodeScalars.contains(s[position]) { position += 1 }
        let authority = Array(s[authorityStart..<position])
        let pathStart = position
        while position < s.count, !"?#".unicodeScalars.contains(s[position]) { position += 1 }
        let path = s[pathStart..<position]
        var query: ArraySlice<Unicode.Scalar>?
        if position < s.count, s[position] == "?" {
            let queryStart = position + 1
            position = queryStart
            while position < s.count, s[position] != "#" { position += 1 }
            query = s[queryStart..<position]
        }
        var fragment: ArraySlice<Unicode.Scalar>?
        if position < s.count, s[position] == "#" {
            fragment = s[(position + 1)...]
            let lineTerminators: [UInt32] = [0x0A, 0x0D, 0x2028, 0x2029]
            if fragment?.contains(where: { lineTerminators.contains($0.value) }) == true { return false }
        }

        if requireProtocol {
            guard let scheme, isHTTPScheme(scheme) else { return false }
        }
        guard path.isEmpty || (path.first == "/" && allMatch(path, extra: "/")) else { return false }
        if let query, !allMatch(query, extra: "/?") { return false }
        if let fragment, !allMatch(fragment, extra: "/?") { return false }
        return AuthorityMatcher(scalars: authority, unicode: unicodeDomains).matchEnd() == authority.count
    }

    private static func isHTTPScheme(_ scheme: ArraySlice<Unicode.Scalar>) -> Bool {
        let lowered = String(String.UnicodeScalarView(scheme)).lowercased()
        return lowered == "http" || lowered == "https"
    }

    /// Whether the whole part is a sequence of `pchar` (unreserved, `%XX`, sub-delims, `: | @`) and `extra`.
    private static func allMatch(_ part: ArraySlice<Unicode.Scalar>, extra: String) -> Bool {
        var index = part.startIndex
        while index < part.endIndex {
            let v = part[index].value
            if v == 0x25 {
                guard index + 2 < part.endIndex, C.isHexDigit(part[index + 1].value),
                    C.isHexDigit(part[index + 2].value)
                else { return false }
                index += 3
                continue
            }
            guard
                isUnreserved(v) || isSubDelimiter(v) || v == 0x3A || v == 0x7C || v == 0x40
                    || extra.unicodeScalars.contains(part[index])
            else { return false }
            index += 1
        }
        return true
    }

    /// `validateUrlUnreserved`: `[a-z\u0400-\u04FF0-9\-._~]`, any case.
    static func isUnreserved(_ v: UInt32) -> Bool {
        C.isASCIIAlphanumeric(v) || C.isCyrillic(v) || v == 0x2D || v == 0x2E || v == 0x5F || v == 0x7E
    }

    /// `validateUrlSubDelims`: `[!$&'()*+,;=]`.
    static func isSubDelimiter(_ v: UInt32) -> Bool {
        switch v {
        case 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: return true
        default: return false
        }
    }
}

/// `(?:(userinfo)@)?(host)(?::(port))?` matched from the start of the authority, returning where the regular
/// expression's first successful match ends (the URL is valid only if that is the whole authority).
private struct AuthorityMatcher {
    private typealias C = TweetURLCharacters

    let scalars: [Unicode.Scalar]
    let unicode: Bool

    private var count: Int { scalars.count }

    private func value(_ index: Int) -> UInt32 { scalars[index].value }

    func matchEnd() -> Int? {
        var position = 0
        while position < count {
            let v = value(position)
            if TweetURLValidator.isUnreserved(v) || TweetURLValidator.isSubDelimiter(v) || v == 0x3A {
                position += 1
            } else if v == 0x25, position + 2 < count, C.isHexDigit(value(position + 1)),
                C.isHexDigit(value(position + 2))
            {
                position += 3
            } else {
                break
            }
        }
        if position < count, value(position) == 0x40, let end = hostAndPortEnd(from: position + 1) { return end }
        return hostAndPortEnd(from: 0)
    }

    private func hostAndPortEnd(from start: Int) -> Int? {
        guard var position = ipv4End(at: start, octet: 1) ?? ipv6End(at: start) ?? domainEnd(at: start) else {
            return nil
        }
        if position + 1 < count, value(position) == 0x3A, C.isASCIIDigit(value(position + 1)) {
            let portStart = position + 1
            position = portStart
            while position < count, position - portStart < 5, C.isASCIIDigit(value(position)) { position += 1 }
        }
        return position
    }

    /// Ends of `dec_octet` at `index` in its alternation order: `d`, `[1-9]d`, `1dd`, `2[0-4]d`, `25[0-5]`.
    private func octetEnds(at index: Int) -> [Int] {
        func digit(_ offset: Int) -> UInt32? {
            let position = index + offset
            guard position < count, C.isASCIIDigit(value(position)) else { return nil }
            return value(position) - 0x30
        }
        var ends: [Int] = []
        guard let first = digit(0) else { return ends }
        ends.append(index + 1)
        guard let second = digit(1) else { return ends }
        if first >= 1 { ends.append(index + 2) }
        guard let third = digit(2) else { return ends }
        if first == 1 || (first == 2 && second <= 4) || (first == 2 && second == 5 && third <= 5) {
            ends.append(index + 3)
        }
        return ends
    }

    /// `dec_octet(\.dec_octet){3}` with the regular expression's backtracking order.
    private func ipv4End(at index: Int, octet: Int) -> Int? {
        for end in octetEnds(at: index) {
            if octet == 4 { return end }
            if end < count, value(end) == 0x2E, let rest = ipv4End(at: end + 1, octet: octet + 1) { return rest }
        }
        return nil
    }

    /// `\[[a-f0-9:.]+\]`.
    private func ipv6End(at index: Int) -> Int? {
        guard index < count, value(index) == 0x5B else { return nil }
        var position = index + 1
        while position < count, C.isHexDigit(value(position)) || value(position) == 0x3A || value(position) == 0x2E {
            position += 1
        }
        guard position > index + 1, position < count, value(position) == 0x5D else { return nil }
        return position + 1
    }

    private func isAlphanumeric(_ v: UInt32) -> Bool { C.isASCIIAlphanumeric(v) || (unicode && v > 0x7F) }

    /// `(?:subdomain_segment\.)*(?:domain_segment\.)tld`, non-ASCII characters allowed when `unicode`.
    private func domainEnd(at start: Int) -> Int? {
        var labelEnds: [(end: Int, hasUnderscore: Bool)] = []
        var labelStart = start
        while labelStart < count {
            var position = labelStart
            var hasUnderscore = false
            while position < count {
                let v = value(position)
                if v == 0x5F {
                    hasUnderscore = true
                } else if v != 0x2D && !isAlphanumeric(v) {
                    break
                }
                position += 1
            }
            guard position > labelStart, position < count, value(position) == 0x2E,
                isAlphanumeric(value(labelStart)), isAlphanumeric(value(position - 1))
            else { break }
            labelEnds.append((position, hasUnderscore))
            labelStart = position + 1
        }
        for label in labelEnds.reversed() where !label.hasUnderscore {
            if let end = tldEnd(at: label.end + 1) { return end }
        }
        return nil
    }

    /// `(?:[a-z]|[^\x00-\x7f])(?:(?:[a-z0-9\-]|[^\x00-\x7f])*(?:[a-z0-9]|[^\x00-\x7f]))?`.
    private func tldEnd(at start: Int) -> Int? {
        guard start < count else { return nil }
        let first = value(start)
        guard C.isASCIILetter(first) || (unicode && first > 0x7F) else { return nil }
        var end = start + 1
        var position = start + 1
        while position < count, isAlphanumeric(value(position)) || value(position) == 0x2D {
            if isAlphanumeric(value(position)) { end = position + 1 }
            position += 1
        }
        return end
    }
}
