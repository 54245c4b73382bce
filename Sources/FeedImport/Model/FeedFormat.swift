/// The XML dialect a feed is written in, recognised from its root element and namespace.
public enum FeedFormat: String, Hashable, Sendable, CaseIterable {
    /// RSS 2.0: `rss/channel/item`, attributes in the Google namespace.
    case rss2 = "rss2"
    /// Atom 1.0: `feed/entry` in `http://www.w3.org/2005/Atom`.
    case atom1 = "atom1"
    /// Google Base's legacy Atom 0.3 (`http://purl.org/atom/ns#`): read like Atom 1.0, with a warning.
    case atom03 = "atom03"
    /// Yandex Market Language: `yml_catalog/shop/offers/offer`.
    case yml = "yml"

    /// A human name for summaries.
    public var displayName: String {
        switch self {
        case .rss2: "RSS 2.0"
        case .atom1: "Atom 1.0"
        case .atom03: "Atom 0.3 (legacy)"
        case .yml: "YML"
        }
    }
}

/// Namespace URIs the reader matches on (never on prefixes).
public enum FeedNamespace {
    /// Google's product attributes, whatever prefix the feed binds it to.
    public static let google = "http://base.google.com/ns/1.0"
    /// Atom 1.0.
    public static let atom = "http://www.w3.org/2005/Atom"
    /// Google Base's legacy Atom 0.3.
    public static let atom03 = "http://purl.org/atom/ns#"
}
