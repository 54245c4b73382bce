/// A problem with a campaign spec or with what it resolves to (texts, cards, links).
///
/// Like feed diagnostics, these are collected and all reported at once, in the compiler format
/// `spring.yml:12: error: [headline_too_long] product 'ML-1': the headline is 84 characters (at most 70)`.
public struct CampaignDiagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Error (the campaign cannot be created or submitted) or warning.
    public enum Severity: String, Hashable, Sendable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    /// Stable snake_case code (`text_too_long`, `link_homograph` …).
    public var code: String
    /// The spec file.
    public var file: String
    /// The line in the spec the problem comes from (0 when it concerns the whole file).
    public var line: Int
    /// The product concerned, when there is one.
    public var productID: String?
    /// A lower-case sentence.
    public var message: String

    /// Creates a diagnostic.
    public init(
        _ severity: Severity,
        _ code: String,
        file: String,
        line: Int,
        productID: String? = nil,
        _ message: String
    ) {
        self.severity = severity
        self.code = code
        self.file = file
        self.line = line
        self.productID = productID
        self.message = message
    }

    public var description: String {
        let location = line > 0 ? "\(file):\(line)" : file
        let product = productID.map { "product '\($0)': " } ?? ""
        return "\(location): \(severity.rawValue): [\(code)] \(product)\(message)"
    }

    enum CodingKeys: String, CodingKey {
        case severity, code, file, line
        case productID = "product_id"
        case message
    }
}

extension Array where Element == CampaignDiagnostic {
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool {
        contains { $0.severity == .error }
    }
}
