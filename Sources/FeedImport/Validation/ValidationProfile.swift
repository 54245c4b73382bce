/// TEMPORARY: replaced by the full validator.
public struct ValidationProfile: Hashable, Sendable {
    public var name: String
    public static let google = ValidationProfile(name: "google")
    public static let meta = ValidationProfile(name: "meta")
    public static let x = ValidationProfile(name: "x")
    public static func named(_ name: String) -> ValidationProfile? {
        ["google": google, "meta": meta, "x": x][name]
    }
}
