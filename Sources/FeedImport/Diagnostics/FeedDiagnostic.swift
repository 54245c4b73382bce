/// A problem found in one feed item, or in the feed as a whole.
///
/// Diagnostics are data, not exceptions: the importer collects every one of them and reports
/// them all, like a compiler. Only conditions that make the whole file unusable are thrown
/// (see ``FeedImportError``).
public struct FeedDiagnostic: Hashable, Sendable {
    /// How bad a problem is, mirroring Merchant Center's disapproval and demotion.
    public enum Severity: String, Hashable, Sendable, Comparable {
        /// The item is rejected: it is not stored (a previous good version is kept).
        case error
        /// The item is stored; the feed should still be fixed.
        case warning

        public static func < (lhs: Self, rhs: Self) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// Whether the item is rejected or only flagged.
    public var severity: Severity
    /// A stable identifier that scripts and tests match on, e.g. `coupon_gtin`.
    public var code: Code
    /// Where the problem is: the attribute's line when known, else the item's.
    public var location: SourceLocation
    /// The item's id, when one was read.
    public var itemID: String?
    /// The attribute concerned (`price`, `shipping.country`), when there is one.
    public var attribute: String?
    /// A lower-case sentence saying what is wrong and what was expected.
    public var message: String

    /// Creates a diagnostic.
    public init(
        severity: Severity,
        code: Code,
        location: SourceLocation,
        itemID: String?,
        attribute: String?,
        message: String
    ) {
        self.severity = severity
        self.code = code
        self.location = location
        self.itemID = itemID
        self.attribute = attribute
        self.message = message
    }
}

extension FeedDiagnostic: CustomStringConvertible {
    /// The compiler format editors and CI annotators understand:
    /// `catalog.xml:42: error: [missing_price] item 'SKU-1': price is required`.
    public var description: String {
        var text = "\(location): \(severity.rawValue): [\(code.rawValue)] "
        if let itemID {
            text += "item '\(itemID)': "
        }
        return text + message
    }
}

extension FeedDiagnostic {
    /// Open set of stable codes, like GRDB's `ResultCode` static lets.
    ///
    /// Where Google's Content API has an issue code for the same problem, the code is Google's,
    /// verbatim (`coupon_gtin`, `attribute_has_too_many_values` …); see the ValidationRules article.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String

        /// Creates a code from its stable spelling.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public var description: String { rawValue }
    }
}
