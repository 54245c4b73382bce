/// One reason a destination URL is refused: a stable code and a sentence for people.
public struct LinkFinding: Hashable, Sendable, CustomStringConvertible {
    /// Stable kebab-case identifier of a link-safety rule, e.g. `link-homograph`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The kebab-case identifier.
        public var rawValue: String

        /// Wraps an identifier; use the static constants rather than spelling codes by hand.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The kebab-case identifier.
        public var description: String { rawValue }

        /// Rule 1: the scheme is not `https`.
        public static let notHTTPS = Code(rawValue: "link_not_https")
        /// Rule 2: the host is neither a verified domain nor a subdomain of one.
        public static let domainNotVerified = Code(rawValue: "link_domain_not_verified")
        /// Rule 3: the URL has userinfo (`user@` or `user:password@`) before the host.
        public static let userinfo = Code(rawValue: "link_userinfo")
        /// Rule 4: the host is an IP address (dotted, integer, hexadecimal, octal or IPv6).
        public static let ipHost = Code(rawValue: "link_ip_host")
        /// Rule 5: the URL names a port other than the default `443`.
        public static let port = Code(rawValue: "link_port")
        /// Rule 6: the host is a known URL shortener, hiding the real destination.
        public static let shortener = Code(rawValue: "link_shortener")
        /// Rule 7: a parameter or path segment redirects to a host that is not verified.
        public static let openRedirect = Code(rawValue: "link_open_redirect")
        /// Rule 8: the host looks like a verified domain (same UTS #39 skeleton) without being it.
        public static let homograph = Code(rawValue: "link_homograph")
        /// Rule 8: a host label mixes scripts (e.g. Latin with Cyrillic) or digit systems.
        public static let mixedScript = Code(rawValue: "link_mixed_script")
        /// Rule 8: the URL holds an invisible or text-reordering character (bidi control, zero-width, control).
        public static let invisibleCharacter = Code(rawValue: "link_invisible_character")
        /// Rule 8: the host holds a visible character that domain names do not allow (symbol, punctuation).
        public static let disallowedCharacter = Code(rawValue: "link_disallowed_character")
        /// The URL cannot be read without ambiguity (backslash, stray whitespace, bad `xn--` label, …).
        public static let unparseable = Code(rawValue: "link_unparseable")

        /// Every code, in the order findings are reported.
        public static let allCases: [Code] = [
            .unparseable, .notHTTPS, .domainNotVerified, .userinfo, .ipHost, .port, .shortener, .openRedirect,
            .homograph, .mixedScript, .invisibleCharacter, .disallowedCharacter,
        ]
    }

    /// Which rule failed.
    public var code: Code
    /// A lower-case sentence naming the URL part, e.g. "host 'xn--pple-43d.com' (аpple.com) looks like …".
    public var message: String

    /// A finding with its code and message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
