import Foundation

// Link safety (security model §1.6, threats T12 and T13, rule R12): every destination a campaign shows
// (product link, image URL, checkout URL after template rendering) is checked against the brand's verified
// domains before anyone can approve it. Pure Swift, no network: redirects are not followed here.
//
// The Unicode parts (UTS #46 mapping, Punycode, UTS #39 skeletons and scripts) are hand-written because no
// Swift package available to campaignctl implements UTS #39 or IDNA, and ICU's `uspoof`/`uidna` are not
// reachable from Swift on Linux without the toolchain's private ICU module.

/// A destination URL after checking: both display forms of its host, and every rule it fails.
public struct CheckedLink: Hashable, Sendable {
    /// The URL exactly as given.
    public var original: String
    /// The URL with its host in Unicode (`аpple.com`); invisible characters are shown percent-encoded.
    public var unicodeForm: String
    /// The URL with its host in punycode (`xn--pple-43d.com`): what the browser actually requests.
    public var asciiForm: String
    /// The ASCII (punycode) host, lower case, without trailing dot; nil when no host could be read.
    public var host: String?
    /// Every rule the URL fails, in rule order; empty when the link is safe.
    public var findings: [LinkFinding]
    /// Whether the link passed every check.
    public var isSafe: Bool { findings.isEmpty }
    /// Human-readable names of the checks passed, for the approval preview ("https", "no userinfo", …).
    public var passedChecks: [String]

    /// A checked link; normally made by `LinkChecker.check(_:)`.
    public init(
        original: String,
        unicodeForm: String,
        asciiForm: String,
        host: String?,
        findings: [LinkFinding],
        passedChecks: [String]
    ) {
        self.original = original
        self.unicodeForm = unicodeForm
        self.asciiForm = asciiForm
        self.host = host
        self.findings = findings
        self.passedChecks = passedChecks
    }

    /// Whether one of the findings has this code.
    public func has(_ code: LinkFinding.Code) -> Bool {
        findings.contains { $0.code == code }
    }
}

/// Checks destination URLs against a brand's verified domains (https only, no look-alikes, no redirects, …).
public struct LinkChecker: Sendable {
    /// The verified domains in ASCII lower case, as used for matching; invalid or single-label entries dropped.
    public let verifiedDomains: [String]

    private struct VerifiedDomain: Sendable {
        var ascii: String
        var unicode: String
        var labelCount: Int
        var skeletons: Set<String>
    }

    private let verified: [VerifiedDomain]

    /// A checker for these domains (`maison-lumiere.fr`, `Bücher.example`), normalised to ASCII lower case.
    public init(verifiedDomains: [String]) {
        var seen: Set<String> = []
        var verified: [VerifiedDomain] = []
        for entry in verifiedDomains {
            let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let ascii = IDNA.toASCII(trimmed), ascii.contains("."), !Self.isIPAddress(ascii),
                seen.insert(ascii).inserted
            else { continue }
            let unicode = IDNA.toUnicode(ascii)
            verified.append(
                VerifiedDomain(
                    ascii: ascii,
                    unicode: unicode,
                    labelCount: ascii.split(separator: ".").count,
                    skeletons: Confusables.hostSkeletons(unicode)
                )
            )
        }
        self.verified = verified
        self.verifiedDomains = verified.map(\.ascii)
    }

    /// Checks one URL against every rule; never throws, anything unreadable is a finding.
    public func check(_ url: String) -> CheckedLink {
        var report = Report()
        let parts: LinkURLParts
        switch LinkURLParser.parse(url) {
        case .success(let value):
            parts = value
        case .failure(let error):
            switch error {
            case .notHTTP(let message): report.fail(.notHTTPS, message)
            case .unparseable(let message): report.fail(.unparseable, message)
            }
            if let scalar = url.unicodeScalars.first(where: { !$0.isASCII && IDNA.isInvisible($0) }) {
                report.fail(.invisibleCharacter, "url contains invisible character \(IDNA.describe(scalar))")
            }
            return report.link(
                original: url,
                unicodeForm: Self.visible(url),
                asciiForm: Self.asciiOnly(url),
                host: nil
            )
        }

        if parts.scheme == "https" {
            report.pass("https")
        } else {
            report.fail(.notHTTPS, "scheme '\(parts.scheme)' is not https")
        }

        if let userinfo = parts.userinfo {
            report.fail(
                .userinfo,
                "url has userinfo '\(Self.visible(userinfo))@' before the host; the browser goes to "
                    + "'\(Self.visible(parts.host))'"
            )
        } else {
            report.pass("no userinfo")
        }

        checkPort(parts.port, scheme: parts.scheme, into: &report)
        let host = checkHost(parts.host, into: &report)
        checkInvisibleCharacters(parts, into: &report)

        if host != nil, !report.findings.contains(where: { $0.code == .invisibleCharacter }) {
            report.pass("no invisible characters")
        }

        let redirects = openRedirectProblems(path: parts.path, query: parts.query, fragment: parts.fragment)
        for problem in redirects {
            report.fail(.openRedirect, problem)
        }
        if redirects.isEmpty {
            report.pass("no open redirect")
        }

        let userinfoPart = parts.userinfo.map { $0 + "@" } ?? ""
        let portPart = parts.port.map { ":" + $0 } ?? ""
        let unicodeForm =
            "\(parts.scheme)://" + Self.visible(userinfoPart) + (host?.unicode ?? Self.visible(parts.host))
            + portPart + Self.visible(parts.rest)
        let asciiForm =
            "\(parts.scheme)://" + Self.asciiOnly(userinfoPart) + (host?.ascii ?? Self.asciiOnly(parts.host))
            + portPart + Self.asciiOnly(parts.rest)
        return report.link(original: url, unicodeForm: unicodeForm, asciiForm: asciiForm, host: host?.ascii)
    }

    /// Findings for ad copy (titles, descriptions) holding bidi controls, zero-width spaces or control characters.
    ///
    /// Ordinary spaces, no-break spaces, tabs and line breaks are fine in copy, and so are the zero-width
    /// joiner, variation selectors and tag characters that emoji sequences need; one finding per code point.
    public static func hiddenCharacterFindings(inCopy text: String) -> [LinkFinding] {
        var seen: Set<Unicode.Scalar> = []
        var findings: [LinkFinding] = []
        for scalar in text.unicodeScalars where isHiddenInCopy(scalar) && seen.insert(scalar).inserted {
            let message = "copy contains invisible character \(IDNA.describe(scalar))"
            findings.append(LinkFinding(code: .invisibleCharacter, message: message))
        }
        return findings
    }

    private static func isHiddenInCopy(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        case 0x200B, 0x2060...0x2064, 0xFEFF, 0x180E, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x00AD: return true
        default: return false
        }
    }

    // MARK: - Rules

    /// Rule 5: only the default port, written `:443` at most.
    private func checkPort(_ port: String?, scheme: String, into report: inout Report) {
        guard let port else {
            report.pass("default port")
            return
        }
        if port.isEmpty {
            report.fail(.port, "port is empty (':' without a number after the host)")
        } else if port == "443", scheme == "https" {
            report.pass("default port")
        } else {
            report.fail(.port, "port \(port) is not the default https port 443")
        }
    }

    /// Rules 2, 4, 6 and 8 on the host; returns its two forms when it could be read.
    private func checkHost(_ rawHost: String, into report: inout Report) -> (unicode: String, ascii: String)? {
        if rawHost.hasPrefix("[") {
            report.fail(.ipHost, "host '\(rawHost)' is an ip address, not a domain name")
            return (rawHost, rawHost)
        }
        if rawHost.contains("%") {
            report.fail(.unparseable, "host '\(rawHost)' contains percent-encoding")
            return nil
        }
        let labels: [IDNA.Label]
        switch IDNA.process(rawHost) {
        case .success(let value):
            labels = value
        case .failure(let failure):
            reportHostFailure(failure, rawHost: rawHost, into: &report)
            return nil
        }
        let ascii = labels.map(\.ascii).joined(separator: ".")
        let unicode = labels.map(\.unicode).joined(separator: ".")
        let shown = ascii == unicode ? "'\(ascii)'" : "'\(ascii)' (\(unicode))"

        if Self.isIPAddress(ascii) {
            let dotted = Self.ipv4(ascii).flatMap { $0 == ascii ? nil : " (browsers read it as \($0))" } ?? ""
            report.fail(.ipHost, "host \(shown) is an ip address\(dotted), not a domain name")
            return (unicode, ascii)
        }
        report.pass("not an ip address")

        let match = verifiedDomain(for: ascii)
        if let match {
            report.pass("verified domain \(match)")
        } else {
            report.fail(.domainNotVerified, "host \(shown) is neither a verified domain nor a subdomain of one")
            if let lookalike = lookalike(of: labels, rawHost: rawHost) {
                report.fail(.homograph, "host \(shown) looks like verified domain \(lookalike)")
            } else {
                report.pass("no look-alike of a verified domain")
            }
        }

        let ownLabels = match.map { labels.dropLast($0.split(separator: ".").count) } ?? labels[...]
        var mixed = false
        for label in ownLabels where !label.unicode.unicodeScalars.allSatisfy(\.isASCII) {
            if UnicodeScript.isMixedScript(label.unicode) {
                mixed = true
                report.fail(
                    .mixedScript,
                    "host label '\(label.ascii)' (\(label.unicode)) mixes \(Self.scriptNames(label.unicode)) scripts"
                )
            } else if UnicodeScript.mixesDigitSystems(label.unicode) {
                mixed = true
                report.fail(
                    .mixedScript,
                    "host label '\(label.ascii)' (\(label.unicode)) mixes digits of different numbering systems"
                )
            }
        }
        if !mixed {
            report.pass("one script per host label")
        }

        if let shortener = URLShorteners.match(ascii) {
            report.fail(.shortener, "host \(shown) is the url shortener '\(shortener)', which hides the destination")
        } else {
            report.pass("not a url shortener")
        }
        return (unicode, ascii)
    }

    private func reportHostFailure(_ failure: IDNA.Failure, rawHost: String, into report: inout Report) {
        let host = Self.visible(rawHost)
        switch failure {
        case .invisibleCharacter(let scalar):
            report.fail(.invisibleCharacter, "host '\(host)' contains invisible character \(IDNA.describe(scalar))")
        case .disallowedCharacter(let scalar):
            report.fail(
                .disallowedCharacter,
                "host '\(host)' contains \(IDNA.describe(scalar)), which domain names do not allow"
            )
        case .leadingCombiningMark(let label):
            report.fail(.disallowedCharacter, "host label '\(label)' starts with a combining mark")
        case .empty:
            report.fail(.unparseable, "url has no host")
        case .emptyLabel:
            report.fail(.unparseable, "host '\(host)' has an empty label")
        case .labelTooLong(let label):
            report.fail(.unparseable, "host label '\(label)' is longer than 63 characters")
        case .hostTooLong:
            report.fail(.unparseable, "host '\(host)' is longer than 253 characters")
        case .hyphen(let label):
            report.fail(
                .unparseable,
                "host label '\(label)' starts or ends with '-' or has '--' in third and fourth position"
            )
        case .invalidPunycode(let label):
            report.fail(.unparseable, "host label '\(label)' is not valid punycode")
        }
    }

    /// Rule 8, invisible characters outside the host (the host is checked by IDNA), raw or percent-encoded.
    private func checkInvisibleCharacters(_ parts: LinkURLParts, into report: inout Report) {
        let components: [(String, String?)] = [
            ("userinfo", parts.userinfo), ("path", parts.path), ("query", parts.query), ("fragment", parts.fragment),
        ]
        for (name, text) in components {
            guard let text else { continue }
            if let scalar = text.unicodeScalars.first(where: Self.isInvisibleInURL) {
                report.fail(.invisibleCharacter, "\(name) contains invisible character \(IDNA.describe(scalar))")
                continue
            }
            let decoded = LinkURLParser.percentDecode(text)
            if let scalar = decoded.unicodeScalars.first(where: Self.isHiddenFormatCharacter) {
                report.fail(
                    .invisibleCharacter,
                    "\(name) contains percent-encoded invisible character \(IDNA.describe(scalar))"
                )
            }
        }
    }

    /// The verified domain that an ASCII host equals or is a subdomain of (the longest such domain).
    func verifiedDomain(for asciiHost: String) -> String? {
        verified.map(\.ascii)
            .filter { asciiHost == $0 || asciiHost.hasSuffix("." + $0) }
            .max { $0.count < $1.count }
    }

    /// The verified domain whose skeleton the host's last labels share (as mapped, or as written).
    private func lookalike(of labels: [IDNA.Label], rawHost: String) -> String? {
        let mapped = labels.map(\.unicode)
        var written = Self.splitWrittenHost(rawHost)
        if written.count != mapped.count { written = [] }
        for domain in verified where mapped.count >= domain.labelCount {
            var candidates = [mapped.suffix(domain.labelCount).joined(separator: ".")]
            if !written.isEmpty {
                candidates.append(written.suffix(domain.labelCount).joined(separator: "."))
            }
            for candidate in candidates where !Confusables.hostSkeletons(candidate).isDisjoint(with: domain.skeletons) {
                return domain.unicode == domain.ascii ? "'\(domain.ascii)'" : "'\(domain.ascii)' (\(domain.unicode))"
            }
        }
        return nil
    }

    // MARK: - Helpers

    /// The host as written (not lower-cased), split on full stops and their UTS #46 equivalents.
    private static func splitWrittenHost(_ host: String) -> [String] {
        let separators: Set<Character> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]
        var labels = host.split(omittingEmptySubsequences: false, whereSeparator: separators.contains).map(String.init)
        if labels.count > 1, labels.last == "" { labels.removeLast() }
        return labels
    }

    /// Invisible in a URL: non-ASCII invisible code points and ASCII controls.
    private static func isInvisibleInURL(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value < 0x20 || scalar.value == 0x7F }
        return IDNA.isInvisible(scalar)
    }

    /// Format characters and default-ignorables (bidi controls, zero-width characters) and ASCII controls.
    private static func isHiddenFormatCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value < 0x20 || scalar.value == 0x7F }
        return scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.generalCategory == .format
    }

    /// Percent-encodes invisible characters so they can be seen.
    static func visible(_ text: String) -> String {
        LinkURLParser.percentEncode(text, where: isInvisibleInURL)
    }

    /// Percent-encodes everything outside printable ASCII, as a browser does before requesting.
    static func asciiOnly(_ text: String) -> String {
        LinkURLParser.percentEncode(text) { !$0.isASCII || $0.value < 0x20 || $0.value == 0x7F }
    }

    /// Script names used in a label, for messages: "cyrillic and latin".
    private static func scriptNames(_ label: String) -> String {
        let names: [String: String] = [
            "Latn": "latin", "Cyrl": "cyrillic", "Grek": "greek", "Armn": "armenian", "Hebr": "hebrew",
            "Arab": "arabic", "Hani": "han", "Hira": "hiragana", "Kana": "katakana", "Hang": "hangul",
            "Bopo": "bopomofo", "Thai": "thai", "Deva": "devanagari", "Geor": "georgian", "Cher": "cherokee",
        ]
        var seen: [String] = []
        for scalar in label.unicodeScalars {
            let script = UnicodeScript.script(of: scalar)
            guard script != "Zyyy", script != "Zinh" else { continue }
            let name = names[script] ?? script.lowercased()
            if !seen.contains(name) { seen.append(name) }
        }
        return seen.sorted().joined(separator: " and ")
    }

    /// The dotted-quad form of an IPv4 host written in any form browsers accept (`3232235521`, `0xC0A80001`).
    static func ipv4(_ host: String) -> String? {
        var parts = host.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 1, parts.last == "" { parts.removeLast() }
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            let lowered = part.lowercased()
            let number: UInt64?
            if lowered.hasPrefix("0x") {
                number = lowered.count == 2 ? 0 : UInt64(lowered.dropFirst(2), radix: 16)
            } else if lowered.count > 1, lowered.hasPrefix("0") {
                number = UInt64(lowered.dropFirst(), radix: 8)
            } else {
                number = UInt64(lowered, radix: 10)
            }
            guard let number else { return nil }
            numbers.append(number)
        }
        guard let last = numbers.last, numbers.dropLast().allSatisfy({ $0 <= 255 }) else { return nil }
        let lastLimit = UInt64(1) << (8 * UInt64(5 - numbers.count))
        guard last < lastLimit else { return nil }
        var address = last
        for (index, number) in numbers.dropLast().enumerated() {
            address += number << (8 * UInt64(3 - index))
        }
        return [24, 16, 8, 0].map { String((address >> UInt64($0)) & 0xFF) }.joined(separator: ".")
    }
}

/// Collects findings and passed checks while a URL is checked.
private struct Report {
    var findings: [LinkFinding] = []
    var passed: [String] = []

    mutating func fail(_ code: LinkFinding.Code, _ message: String) {
        let finding = LinkFinding(code: code, message: message)
        if !findings.contains(finding) { findings.append(finding) }
    }

    mutating func pass(_ check: String) {
        if !passed.contains(check) { passed.append(check) }
    }

    func link(original: String, unicodeForm: String, asciiForm: String, host: String?) -> CheckedLink {
        let order = Dictionary(uniqueKeysWithValues: LinkFinding.Code.allCases.enumerated().map { ($1, $0) })
        let sorted = findings.enumerated().sorted { lhs, rhs in
            let left = order[lhs.element.code] ?? order.count
            let right = order[rhs.element.code] ?? order.count
            return left == right ? lhs.offset < rhs.offset : left < right
        }.map(\.element)
        return CheckedLink(
            original: original,
            unicodeForm: unicodeForm,
            asciiForm: asciiForm,
            host: host,
            findings: sorted,
            passedChecks: passed
        )
    }
}
