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
    /// The values of the validator's `now` (seconds since 1970) for which the same record validates to the same
    /// outcome: every value (``anyTime``) unless a rule compared one of the record's dates with `now`
    /// (`expiration_date`), then those on the same side of each date compared.
    public var stableTimes = ValidatedItem.anyTime

    /// Every time: the outcome of a record no rule compared with the clock.
    public static let anyTime = Int64.min..<Int64.max

    /// Whether a rule compared a value with the validator's `now`: the same record validated at another time may get
    /// other diagnostics (outside ``stableTimes``).
    public var dependsOnClock: Bool {
        stableTimes != Self.anyTime
    }

    /// Whether the item is rejected.
    public var hasErrors: Bool {
        diagnostics.contains { $0.severity == .error }
    }
}

extension ValidatedItem {
    /// Creates an outcome that holds at any time.
    ///
    /// Declared here, not in the type: an initializer in the type's body takes the place of its memberwise one, which
    /// the validator uses (with ``stableTimes``). Made through an initializer of the body, an outcome was copied
    /// before it was returned (a retain and release of each string of its product).
    public init(id: String?, line: Int, product: ProductData?, diagnostics: [FeedDiagnostic]) {
        self.init(id: id, line: line, product: product, diagnostics: diagnostics, stableTimes: Self.anyTime)
    }
}
