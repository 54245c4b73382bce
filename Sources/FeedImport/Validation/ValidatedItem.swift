/// The outcome of validating one record: the product when it is acceptable, and every diagnostic.
public struct ValidatedItem: Hashable, Sendable {
    /// The trimmed id, when the record has one.
    public var id: String?
    /// The line of the record's start tag.
    public var line: Int
    /// The product, or `nil` when at least one diagnostic is an error.
    public var product: ProductData?
    /// Every problem found, errors and warnings, in attribute order.
    public var diagnostics: [FeedDiagnostic]
    /// Whether a rule compared a value with the validator's `now` (`expiration_date`): the same record validated
    /// later may get other diagnostics.
    public var dependsOnClock = false

    /// Creates an outcome.
    public init(id: String?, line: Int, product: ProductData?, diagnostics: [FeedDiagnostic]) {
        self.id = id
        self.line = line
        self.product = product
        self.diagnostics = diagnostics
    }

    /// Whether the item is rejected.
    public var hasErrors: Bool {
        diagnostics.contains { $0.severity == .error }
    }
}
