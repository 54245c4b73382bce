import Foundation

// Rule 7: parameters and path segments that send the browser on to another host (open redirects).
//
// Every query and fragment parameter whose value reads as a URL (absolute, protocol-relative `//host`,
// `https:/\host`, percent-encoded once or several times) must point to a verified domain. Parameters whose
// name says they redirect (`url`, `next`, `redirect_uri`, …) are also refused when their value is a bare
// host name such as `evil.example/login`. A relative path (`/cart`) is fine. A URL that points to a verified
// domain is itself scanned, so a redirect chained through the brand's own site is caught too.

extension LinkChecker {
    /// Names of redirect-like parameters, compared after lower-casing and dropping everything but letters and
    /// digits (so `redirect_uri`, `redirect-uri` and `redirectUri` are one name).
    static let redirectParameterNames: Set<String> = [
        "adurl", "back", "backurl", "callback", "callbackurl", "cancelurl", "cb", "checkouturl", "click",
        "clickurl", "continue", "continueto", "continueurl", "deeplink", "dest", "desturl", "destination",
        "destinationurl", "exit", "exiturl", "fallback", "fallbackurl", "finalurl", "forward", "forwardto",
        "forwardurl", "go", "goto", "gotourl", "href", "jump", "jumpto", "jumpurl", "landing", "landingurl",
        "link", "location", "lp", "lpurl", "next", "nextpage", "nexturl", "out", "r", "redir", "redirect",
        "redirection", "redirectto", "redirecturi", "redirecturl", "return", "returnpath", "returnto",
        "returnuri", "returnurl", "successurl", "target", "targeturl", "to", "u", "uri", "url",
    ]

    /// Nested URLs deeper than this are refused outright.
    static let maximumRedirectDepth = 4

    /// File extensions that make `name.ext` read as a file name rather than a host name.
    private static let fileExtensions: Set<String> = [
        "asp", "aspx", "css", "csv", "gif", "htm", "html", "ico", "jpeg", "jpg", "js", "json", "jsp", "mp3",
        "mp4", "pdf", "php", "png", "svg", "txt", "webp", "xml", "zip",
    ]

    private static let forbiddenSchemes: Set<String> = ["javascript", "data", "vbscript", "file", "blob", "filesystem"]
    private static let webSchemes: Set<String> = ["http", "https", "ftp", "ws", "wss"]

    /// What a parameter value points to.
    private enum Embedded {
        case nothing
        case forbiddenScheme(String)
        /// A host as written, and what followed it (path, query and fragment).
        case host(String, rest: String)
    }

    /// Messages describing each open redirect found in a URL's path, query and fragment.
    func openRedirectProblems(path: String, query: String?, fragment: String?, depth: Int = 0) -> [String] {
        var problems: [String] = []
        if let query, !query.isEmpty {
            for (name, value) in Self.parameters(query) {
                if let problem = valueProblem(value, redirectLike: Self.isRedirectName(name), depth: depth) {
                    problems.append("query parameter '\(name)' \(problem)")
                }
            }
        }
        if let fragment, !fragment.isEmpty {
            if fragment.contains("=") {
                for (name, value) in Self.parameters(fragment) {
                    if let problem = valueProblem(value, redirectLike: Self.isRedirectName(name), depth: depth) {
                        problems.append("fragment parameter '\(name)' \(problem)")
                    }
                }
            } else if let problem = valueProblem(fragment, redirectLike: false, depth: depth) {
                problems.append("fragment \(problem)")
            }
        }
        if let problem = pathProblem(path, depth: depth) {
            problems.append("path \(problem)")
        }
        return problems
    }

    // MARK: - Values

    private func valueProblem(_ value: String, redirectLike: Bool, depth: Int) -> String? {
        let variants = Self.decodingVariants(value, plusAsSpace: true)
        // Most decoded first: its message names the host as a browser would end up seeing it.
        for (level, variant) in variants.enumerated().reversed() {
            let isFullyDecoded = level == variants.count - 1
            let embedded = Self.interpret(variant, redirectLike: redirectLike, isFullyDecoded: isFullyDecoded)
            if let problem = problem(with: embedded, depth: depth) {
                return problem + Self.decodingNote(level)
            }
        }
        return nil
    }

    private func problem(with embedded: Embedded, depth: Int, verb: String = "redirects to") -> String? {
        switch embedded {
        case .nothing:
            return nil
        case .forbiddenScheme(let scheme):
            return "holds a '\(scheme):' url"
        case .host(let host, let rest):
            guard let ascii = IDNA.toASCII(host), !Self.isIPAddress(ascii), verifiedDomain(for: ascii) != nil else {
                let shown = IDNA.toASCII(host) ?? host
                return "\(verb) '\(shown)', which is not a verified domain"
            }
            guard depth < Self.maximumRedirectDepth else {
                return "nests urls more than \(Self.maximumRedirectDepth) levels deep"
            }
            let (path, query, fragment) = Self.splitRest(rest)
            if let inner = openRedirectProblems(path: path, query: query, fragment: fragment, depth: depth + 1).first {
                return "leads to '\(ascii)', whose \(inner)"
            }
            return nil
        }
    }

    private func pathProblem(_ path: String, depth: Int) -> String? {
        for (level, variant) in Self.decodingVariants(path, plusAsSpace: false).enumerated() {
            let text = variant.replacingBackslashes()
            for candidate in Self.embeddedURLCandidates(in: text) {
                if let problem = problem(with: candidate, depth: depth, verb: "embeds a url to") {
                    return problem + Self.decodingNote(level)
                }
            }
        }
        return nil
    }

    // MARK: - Parsing helpers

    /// `name=value` pairs split on `&` and `;`; names are percent-decoded and lower-cased.
    /// A parameter without `=` is analysed as a value (it may be a bare URL).
    static func parameters(_ text: String) -> [(name: String, value: String)] {
        text.split(whereSeparator: { $0 == "&" || $0 == ";" }).map { pair in
            guard let equals = pair.firstIndex(of: "=") else {
                return (
                    name: LinkURLParser.percentDecode(String(pair), plusAsSpace: true).lowercased(),
                    value: String(pair)
                )
            }
            let name = LinkURLParser.percentDecode(String(pair[..<equals]), plusAsSpace: true).lowercased()
            return (name: name, value: String(pair[pair.index(after: equals)...]))
        }
    }

    static func isRedirectName(_ name: String) -> Bool {
        let normalised = String(
            name.lowercased().unicodeScalars.filter {
                $0.isASCII && $0.properties.isAlphabetic
                    || ("0"..."9").contains($0)
            }
        )
        return redirectParameterNames.contains(normalised)
    }

    /// The value as written, then decoded again and again until it stops changing (at most 6 rounds).
    private static func decodingVariants(_ value: String, plusAsSpace: Bool) -> [String] {
        var variants = [value]
        var current = value
        for round in 0..<6 {
            let decoded = LinkURLParser.percentDecode(current, plusAsSpace: plusAsSpace && round == 0)
            if decoded == current { break }
            variants.append(decoded)
            current = decoded
        }
        return variants
    }

    private static func decodingNote(_ level: Int) -> String {
        switch level {
        case 0: return ""
        case 1: return " (after percent-decoding)"
        default: return " (after \(level) rounds of percent-decoding)"
        }
    }

    /// Reads a value the way a lenient browser or redirect handler might.
    private static func interpret(_ raw: String, redirectLike: Bool, isFullyDecoded: Bool) -> Embedded {
        var text = String(
            raw.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }.reduce(into: "") {
                $0.unicodeScalars.append($1)
            }
        ).replacingBackslashes()
        while let first = text.unicodeScalars.first, first.value <= 0x20 { text.unicodeScalars.removeFirst() }
        while let last = text.unicodeScalars.last, last.value <= 0x20 { text.unicodeScalars.removeLast() }
        guard !text.isEmpty else { return .nothing }
        if text.hasPrefix("//") {
            return hostAndRest(String(text.drop { $0 == "/" }))
        }
        if let colon = text.firstIndex(of: ":") {
            let scheme = text[..<colon]
            if LinkURLParser.isScheme(scheme.unicodeScalars), !scheme.contains(".") {
                let lowered = scheme.lowercased()
                if webSchemes.contains(lowered) {
                    let rest = String(text[text.index(after: colon)...].drop { $0 == "/" })
                    return rest.isEmpty ? .nothing : hostAndRest(rest)
                }
                if forbiddenSchemes.contains(lowered) {
                    return .forbiddenScheme(lowered)
                }
                return .nothing
            }
        }
        if text.hasPrefix("/") { return .nothing }
        if redirectLike, isFullyDecoded, looksLikeHostName(firstSegment(text)) {
            return hostAndRest(text)
        }
        return .nothing
    }

    /// URLs hidden in a path: `…/https://host/…`, `…/https:host`, `…//host/…`.
    private static func embeddedURLCandidates(in path: String) -> [Embedded] {
        var candidates: [Embedded] = []
        let lowered = path.lowercased()
        var searchStart = lowered.startIndex
        while let range = lowered.range(of: "http", range: searchStart..<lowered.endIndex) {
            var index = range.upperBound
            if index < lowered.endIndex, lowered[index] == "s" { index = lowered.index(after: index) }
            if index < lowered.endIndex, lowered[index] == ":" {
                let rest = String(path[lowered.index(after: index)...].drop { $0 == "/" })
                if !rest.isEmpty { candidates.append(hostAndRest(rest)) }
            }
            searchStart = range.upperBound
        }
        searchStart = path.startIndex
        while let range = path.range(of: "//", range: searchStart..<path.endIndex) {
            let rest = String(path[range.lowerBound...].drop { $0 == "/" })
            if looksLikeHostName(firstSegment(rest)) { candidates.append(hostAndRest(rest)) }
            searchStart = range.upperBound
        }
        return candidates
    }

    private static func firstSegment(_ text: String) -> String {
        String(text.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
    }

    /// Splits `authority/rest` into the host (without userinfo, port and trailing dot) and the rest.
    private static func hostAndRest(_ text: String) -> Embedded {
        let authority = firstSegment(text)
        let rest = String(text.dropFirst(authority.count))
        var host = Substring(authority)
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if host.hasPrefix("[") {
            if let close = host.firstIndex(of: "]") { host = host[...close] }
        } else if let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        guard !host.isEmpty, host != "." else { return .nothing }
        return .host(String(host), rest: rest)
    }

    /// `a.b` whose last label is made of letters and is not a file extension, or a dotted IPv4 address.
    private static func looksLikeHostName(_ segment: String) -> Bool {
        var host = Substring(segment)
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if let colon = host.firstIndex(of: ":") { host = host[..<colon] }
        if host.hasSuffix(".") { host = host.dropLast() }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let last = labels.last else { return false }
        if labels.count == 4, labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return true }
        return last.count >= 2 && last.allSatisfy(\.isLetter) && !fileExtensions.contains(last.lowercased())
    }

    /// Splits what follows a host into path, query and fragment.
    private static func splitRest(_ rest: String) -> (path: String, query: String?, fragment: String?) {
        var path = Substring(rest)
        var query: String?
        var fragment: String?
        if let hash = path.firstIndex(of: "#") {
            fragment = String(path[path.index(after: hash)...])
            path = path[..<hash]
        }
        if let question = path.firstIndex(of: "?") {
            query = String(path[path.index(after: question)...])
            path = path[..<question]
        }
        return (String(path), query, fragment)
    }

    /// Whether an ASCII host is an IPv4 address in any form browsers accept, or an IPv6 literal.
    static func isIPAddress(_ asciiHost: String) -> Bool {
        if asciiHost.hasPrefix("[") { return true }
        var labels = asciiHost.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last == "" { labels.removeLast() }
        guard let last = labels.last?.lowercased() else { return false }
        if !last.isEmpty, last.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        if last.hasPrefix("0x"), last.dropFirst(2).allSatisfy({ $0.isHexDigit }) { return true }
        return false
    }
}

extension String {
    fileprivate func replacingBackslashes() -> String {
        String(unicodeScalars.map { $0 == "\\" ? "/" : Character($0) })
    }
}
