/// Whether a product can be bought now, in Merchant Center's spelling.
public enum Availability: String, Hashable, Sendable, CaseIterable {
    case inStock = "in_stock"
    case outOfStock = "out_of_stock"
    case preorder = "preorder"
    case backorder = "backorder"

    /// Whether the product can be ordered (now, or ahead of a known date).
    public var isOrderable: Bool {
        self != .outOfStock
    }

    /// Whether Merchant Center requires `availability_date` with this value.
    public var requiresDate: Bool {
        self == .preorder || self == .backorder
    }
}
