import Foundation

/// What one import did to one product, attribute by attribute.
public struct ProductDiff: Sendable, Codable, Hashable {
    /// The product id.
    public var productID: String
    /// `added`, `changed` or `removed`.
    public var change: String
    /// For `changed`: every attribute whose value differs.
    public var fields: [FieldChange]

    /// One attribute's old and new value (`nil` when absent), as compact JSON or plain text.
    public struct FieldChange: Sendable, Codable, Hashable {
        public var attribute: String
        public var before: String?
        public var after: String?

        /// Creates a change.
        public init(attribute: String, before: String?, after: String?) {
            self.attribute = attribute
            self.before = before
            self.after = after
        }
    }

    enum CodingKeys: String, CodingKey {
        case productID = "product_id"
        case change, fields
    }
}

extension CampaignStore {
    /// The diff an import made: added, changed (with attribute changes) and removed products, by id.
    public func importDiff(importID: Int64) throws -> [ProductDiff] {
        try read { db in
            _ = try Self.requireImport(importID, db)
            let rows = try db.fetchAll(
                sql: """
                    SELECT h.id, h.catalog_id, h.key, h.product_id, h.change, h.before_json
                    FROM product_history h WHERE h.import_id = ? ORDER BY h.key
                    """,
                arguments: [importID]
            )
            return try rows.map { row in
                let change: String = try row[4]
                var diff = ProductDiff(productID: try row[3], change: change, fields: [])
                if change == "changed", let before: String = try row[5] {
                    let after = try Self.versionAfter(historyID: row[0], catalogID: row[1], key: row[2], db)
                    diff.fields = Self.fieldChanges(before: before, after: after ?? "{}")
                }
                return diff
            }
        }
    }

    /// The attributes as they were right after a history entry: the next entry's `before`, else the current row.
    static func versionAfter(historyID: Int64, catalogID: Int64, key: String, _ db: any SQLConnection) throws -> String?
    {
        if let next = try db.fetchOne(
            String.self,
            sql: """
                SELECT before_json FROM product_history
                WHERE import_id IN (SELECT id FROM import_run WHERE catalog_id = ?) AND key = ? AND id > ?
                    AND before_json IS NOT NULL
                ORDER BY id LIMIT 1
                """,
            arguments: [catalogID, key, historyID]
        ) {
            return next
        }
        return try db.fetchOne(
            String.self,
            sql: "SELECT attributes_json FROM product WHERE catalog_id = ? AND key = ?",
            arguments: [catalogID, key]
        )
    }

    /// Attribute-level differences between two canonical attribute documents.
    static func fieldChanges(before: String, after: String) -> [ProductDiff.FieldChange] {
        let old = topLevel(before)
        let new = topLevel(after)
        return Set(old.keys).union(new.keys).sorted().compactMap { name in
            old[name] == new[name] ? nil : ProductDiff.FieldChange(attribute: name, before: old[name], after: new[name])
        }
    }

    /// Each top-level member of a canonical JSON object: strings as text, the rest as compact JSON.
    private static func topLevel(_ json: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return [:]
        }
        var result: [String: String] = [:]
        for (key, value) in object {
            if let text = value as? String {
                result[key] = text
            } else if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
                result[key] = String(decoding: data, as: UTF8.self)
            }
        }
        return result
    }
}
