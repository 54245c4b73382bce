public import Foundation

/// The PostgreSQL server the store and CLI tests also run on (`CAMPAIGNCTL_TEST_PG`), shared by both targets.
public enum TestPostgres {
    /// The server's URL, or nil: the tests then run on SQLite only.
    public static let url: String? = {
        let value = ProcessInfo.processInfo.environment["CAMPAIGNCTL_TEST_PG"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// `url` naming a fresh schema of its own (`prefix` + a random suffix), so parallel tests never share tables.
    public static func freshSchemaURL(_ url: String, prefix: String) -> (url: String, schema: String) {
        let schema = prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return (url + (url.contains("?") ? "&" : "?") + "schema=" + schema, schema)
    }
}
