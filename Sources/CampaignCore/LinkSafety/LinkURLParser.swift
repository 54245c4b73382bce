// A deliberately strict URL splitter for destination checks.
//
// Foundation's URL parsing differs between platforms and is lenient where browsers are lenient in other
// ways, so links are split here by hand, and whatever a browser and a server could read differently
// (backslashes, stray whitespace, missing or extra slashes, percent-encoded hosts) is refused.

/// The parts of an absolute URL, as written (only the scheme is lower-cased).
struct LinkURLParts: Hashable, Sendable {
    var scheme: String
    var userinfo: String?
    /// The host as written: a name, or an IPv6 literal with its brackets.
    var host: String
    var port: String?
    /// From the first `/` after the host up to `?` or `#`; may be empty.
    var path: String
    /// After `?`, up to `#`.
    var query: String?
    /// After `#`.
    var fragment: String?

    /// Path, query and fragment as written, with their `?` and `#`.
    var rest: String {
        path + (query.map { "?" + $0 } ?? "") + (fragment.map { "#" + $0 } ?? "")
    }

    var isIPv6Literal: Bool { host.hasPrefix("[") }
}

/// Why a URL could not be split.
enum LinkURLParseError: Error, Hashable, Sendable {
    /// No scheme at all, or a scheme other than http(s): reported as `link-not-https`, nothing else is checked.
    case notHTTP(String)
    /// Ambiguous or malformed: reported as `link-unparseable`.
    case unparseable(String)
}

enum LinkURLParser {
    /// Splits an absolute `http` or `https` URL, refusing anything ambiguous.
    static func parse(_ url: String) -> Result<LinkURLParts, LinkURLParseError> {
        let scalars = Array(url.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last else {
            return .failure(.unparseable("url is empty"))
        }
        if first.value <= 0x20 || last.value <= 0x20 || first.value == 0x7F || last.value == 0x7F {
            return .failure(.unparseable("url has leading or trailing whitespace or control characters"))
        }
        if scalars.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            return .failure(.unparseable("url contains a tab or line break, which browsers silently remove"))
        }
        if scalars.contains(" ") {
            return .failure(.unparseable("url contains a space"))
        }
        if scalars.contains("\\") {
            return .failure(.unparseable("url contains a backslash, which browsers read as '/'"))
        }
        guard let colon = scalars.firstIndex(of: ":"), isScheme(scalars[..<colon]) else {
            return .failure(.notHTTP("url has no scheme; only https links are allowed"))
        }
        let scheme = string(scalars[..<colon]).lowercased()
        guard scheme == "https" || scheme == "http" else {
            return .failure(.notHTTP("scheme '\(scheme)' is not https"))
        }
        let afterColon = colon + 1
        guard scalars.count >= afterColon + 2, scalars[afterColon] == "/", scalars[afterColon + 1] == "/",
            scalars.count == afterColon + 2 || scalars[afterColon + 2] != "/"
        else {
            return .failure(.unparseable("url does not have exactly two slashes after '\(scheme):'"))
        }
        let authorityStart = afterColon + 2
        let authorityEnd =
            scalars[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? scalars.count
        var authority = Array(scalars[authorityStart..<authorityEnd])
        var userinfo: String?
        if let at = authority.lastIndex(of: "@") {
            userinfo = string(authority[..<at])
            authority = Array(authority[(at + 1)...])
        }
        guard !authority.isEmpty else { return .failure(.unparseable("url has no host")) }
        let host: String
        var port: String?
        if authority[0] == "[" {
            guard let close = authority.firstIndex(of: "]") else {
                return .failure(.unparseable("ipv6 host has no closing ']'"))
            }
            host = string(authority[...close]).lowercased()
            let after = authority[(close + 1)...]
            if let colonAfter = after.first {
                guard colonAfter == ":" else { return .failure(.unparseable("unexpected text after ipv6 host")) }
                port = string(after.dropFirst())
            }
        } else {
            let colons = authority.indices.filter { authority[$0] == ":" }
            guard colons.count <= 1 else { return .failure(.unparseable("host contains more than one ':'")) }
            if let portColon = colons.first {
                host = string(authority[..<portColon])
                port = string(authority[(portColon + 1)...])
            } else {
                host = string(authority[...])
            }
            guard !host.isEmpty else { return .failure(.unparseable("url has no host")) }
        }
        if let port, !port.isEmpty, !port.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) {
            return .failure(.unparseable("port '\(port)' is not a number"))
        }
        let rest = Array(scalars[authorityEnd...])
        var path = rest[...]
        var query: String?
        var fragment: String?
        if let hash = path.firstIndex(of: "#") {
            fragment = string(path[(hash + 1)...])
            path = path[..<hash]
        }
        if let question = path.firstIndex(of: "?") {
            query = string(path[(question + 1)...])
            path = path[..<question]
        }
        return .success(
            LinkURLParts(
                scheme: scheme,
                userinfo: userinfo,
                host: host,
                port: port,
                path: string(path),
                query: query,
                fragment: fragment
            )
        )
    }

    /// RFC 3986 scheme: a letter, then letters, digits, `+`, `-` or `.`.
    static func isScheme<C: Collection>(_ scalars: C) -> Bool where C.Element == Unicode.Scalar {
        guard let first = scalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return scalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "+-.".unicodeScalars
                        .contains(scalar))
        }
    }

    /// Decodes `%XX` sequences as UTF-8 (and `+` as a space when asked); malformed sequences stay as they are.
    static func percentDecode(_ s: String, plusAsSpace: Bool = false) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(s.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count, let high = hexValue(utf8[index + 1]),
                let low = hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else if plusAsSpace, byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
                index += 1
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-encodes (as UTF-8) the code points for which `shouldEncode` is true.
    static func percentEncode(_ s: String, where shouldEncode: (Unicode.Scalar) -> Bool) -> String {
        var result = ""
        for scalar in s.unicodeScalars {
            if shouldEncode(scalar) {
                for byte in String(scalar).utf8 {
                    let hex = String(byte, radix: 16, uppercase: true)
                    result += "%" + (hex.count == 1 ? "0" + hex : hex)
                }
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func string<C: Collection>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
