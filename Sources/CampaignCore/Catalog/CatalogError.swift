/// Why a catalog operation was refused.
public enum CatalogError: Error, Equatable, Sendable {
    /// The import would remove more than half of the catalog (a truncated or hijacked feed).
    case massRemovalRefused(catalog: String, source: String, removing: Int, of: Int)
    /// No catalog has that name.
    case unknownCatalog(String)
    /// No product has that id in the catalog.
    case unknownProduct(catalog: String, id: String)
    /// No import has that number.
    case unknownImport(Int64)
    /// The validation profile is not `google`, `meta` or `x`.
    case unknownProfile(String)
}

extension CatalogError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .massRemovalRefused(let catalog, let source, let removing, let total):
            "\(source): error: [mass_removal] importing this feed would remove \(removing) of the \(total) "
                + "products of catalog '\(catalog)' (more than half); nothing was changed. A truncated or hijacked "
                + "feed must not wipe the catalog: check the file, then pass --allow-mass-removal if it is right"
        case .unknownCatalog(let name):
            "no catalog named '\(name)' (import a feed first: campaignctl import FEED --catalog \(name))"
        case .unknownProduct(let catalog, let id):
            "no product '\(id)' in catalog '\(catalog)'"
        case .unknownImport(let id):
            "no import #\(id)"
        case .unknownProfile(let name):
            "unknown validation profile '\(name)' (expected google, meta or x)"
        }
    }
}
