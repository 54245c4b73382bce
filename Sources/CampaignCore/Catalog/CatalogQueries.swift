import Foundation

/// A catalog and its size.
public struct CatalogSummary: Sendable, Codable, Hashable {
    public var name: String
    public var createdAt: String
    public var activeProducts: Int
    public var removedProducts: Int
    public var imports: Int
    public var lastImportID: Int64?
    public var lastImportAt: String?

    enum CodingKeys: String, CodingKey {
        case name
        case createdAt = "created_at"
        case activeProducts = "active_products"
        case removedProducts = "removed_products"
        case imports
        case lastImportID = "last_import_id"
        case lastImportAt = "last_import_at"
    }
}

/// A product as stored: its current typed fields and every attribute.
public struct StoredProduct: Sendable, Codable, Hashable {
    public var id: String
    public var catalog: String
    public var status: String
    public var title: String
    public var link: String
    public var imageLink: String
    public var priceMicros: Int64
    public var currency: String
    public var salePriceMicros: Int64?
    public var availability: String
    public var availabilityDate: String?
    public var brand: String?
    public var gtin: String?
    public var itemGroupID: String?
    public var productType: String?
    public var customLabels: [String?]
    /// The canonical JSON of every attribute.
    public var attributesJSON: String
    /// SHA-256 of ``attributesJSON``, hex.
    public var contentHash: String
    public var addedImportID: Int64
    public var changedImportID: Int64
    /// Set when the latest import rejected the item: this stored version is kept but flagged.
    public var rejectedImportID: Int64?

    enum CodingKeys: String, CodingKey {
        case id, catalog, status, title, link
        case imageLink = "image_link"
        case priceMicros = "price_micros"
        case currency
        case salePriceMicros = "sale_price_micros"
        case availability
        case availabilityDate = "availability_date"
        case brand
        case gtin
        case itemGroupID = "item_group_id"
        case productType = "product_type"
        case customLabels = "custom_labels"
        case attributesJSON = "attributes"
        case contentHash = "content_hash"
        case addedImportID = "added_import_id"
        case changedImportID = "changed_import_id"
        case rejectedImportID = "rejected_import_id"
    }

    static let columns = """
        p.product_id, c.name, p.status, p.title, p.link, p.image_link, p.price_micros, p.currency,
        p.sale_price_micros, p.availability, p.availability_date, p.brand, p.gtin, p.item_group_id, p.product_type,
        p.custom_label_0, p.custom_label_1, p.custom_label_2, p.custom_label_3, p.custom_label_4,
        p.attributes_json, p.content_hash, p.added_import_id, p.changed_import_id, p.rejected_import_id
        """

    init(row: SQLRow) throws {
        id = try row[0]
        catalog = try row[1]
        status = try row[2]
        title = try row[3]
        link = try row[4]
        imageLink = try row[5]
        priceMicros = try row[6]
        currency = try row[7]
        salePriceMicros = try row[8]
        availability = try row[9]
        availabilityDate = try row[10]
        brand = try row[11]
        gtin = try row[12]
        itemGroupID = try row[13]
        productType = try row[14]
        customLabels = [try row[15], try row[16], try row[17], try row[18], try row[19]]
        attributesJSON = try row[20]
        contentHash = Hex.encode(try row[21] as Data)
        addedImportID = try row[22]
        changedImportID = try row[23]
        rejectedImportID = try row[24]
    }
}

/// One entry of a product's history.
public struct ProductChange: Sendable, Codable, Hashable {
    public var importID: Int64
    public var importedAt: String
    public var productID: String
    public var change: String
    public var beforeHash: String?
    public var afterHash: String?
    /// The attributes before the change (for `changed` and `removed`).
    public var beforeJSON: String?

    enum CodingKeys: String, CodingKey {
        case importID = "import_id"
        case importedAt = "imported_at"
        case productID = "product_id"
        case change
        case beforeHash = "before_hash"
        case afterHash = "after_hash"
        case beforeJSON = "before"
    }
}

/// One import run.
public struct ImportRun: Sendable, Codable, Hashable {
    public var id: Int64
    public var catalog: String
    public var source: String
    public var sha256: String?
    public var profile: String
    public var format: String?
    public var startedAt: String
    public var finishedAt: String
    public var outcome: String
    public var bytes: Int64
    public var read: Int
    public var added: Int
    public var changed: Int
    public var removed: Int
    public var unchanged: Int
    public var rejected: Int
    public var errors: Int
    public var warnings: Int
    public var message: String?

    enum CodingKeys: String, CodingKey {
        case id, catalog, source, sha256, profile, format
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case outcome, bytes, read, added, changed, removed, unchanged, rejected, errors, warnings, message
    }
}

extension CampaignStore {
    /// Every catalog with its counts.
    public func catalogs() throws -> [CatalogSummary] {
        try read { db in
            try db.fetchAll(
                sql: """
                    SELECT c.name, c.created_at,
                        (SELECT count(*) FROM product p WHERE p.catalog_id = c.id),
                        (SELECT count(*) FROM product p WHERE p.catalog_id = c.id AND p.status = 'removed'),
                        (SELECT count(*) FROM import_run r WHERE r.catalog_id = c.id),
                        (SELECT max(id) FROM import_run r WHERE r.catalog_id = c.id AND r.outcome = 'committed'),
                        (SELECT finished_at FROM import_run r WHERE r.catalog_id = c.id AND r.outcome = 'committed'
                            ORDER BY id DESC LIMIT 1)
                    FROM catalog c ORDER BY c.name
                    """
            ).map {
                // Active: all of the catalog's products (its unique key index) less the removed ones.
                let total: Int = try $0[2]
                let removed: Int = try $0[3]
                return CatalogSummary(
                    name: try $0[0],
                    createdAt: try $0[1],
                    activeProducts: total - removed,
                    removedProducts: removed,
                    imports: try $0[4],
                    lastImportID: try $0[5],
                    lastImportAt: try $0[6]
                )
            }
        }
    }

    /// The catalog's products, by id; removed ones only when asked.
    public func products(catalog: String, includeRemoved: Bool = false, limit: Int? = nil) throws -> [StoredProduct] {
        try read { db in
            let catalogID = try Self.requireCatalog(catalog, db)
            var sql = """
                SELECT \(StoredProduct.columns) FROM product p JOIN catalog c ON c.id = p.catalog_id
                WHERE p.catalog_id = ?
                """
            if !includeRemoved {
                sql += " AND p.status = 'active'"
            }
            sql += " ORDER BY p.key"
            if let limit {
                sql += " LIMIT \(max(0, limit))"
            }
            return try db.fetchAll(sql: sql, arguments: [catalogID]).map(StoredProduct.init(row:))
        }
    }

    /// One product, removed or not.
    public func product(catalog: String, id: String) throws -> StoredProduct {
        try read { db in
            let catalogID = try Self.requireCatalog(catalog, db)
            guard
                let row = try db.fetchOne(
                    sql: """
                        SELECT \(StoredProduct.columns) FROM product p JOIN catalog c ON c.id = p.catalog_id
                        WHERE p.catalog_id = ? AND p.key = ?
                        """,
                    arguments: [catalogID, ImportSession.key(id)]
                )
            else {
                throw CatalogError.unknownProduct(catalog: catalog, id: id)
            }
            return try StoredProduct(row: row)
        }
    }

    /// A product's history, oldest first.
    public func productHistory(catalog: String, id: String) throws -> [ProductChange] {
        try read { db in
            let catalogID = try Self.requireCatalog(catalog, db)
            return try db.fetchAll(
                sql: """
                    SELECT h.import_id, r.finished_at, h.product_id, h.change, h.before_hash, h.after_hash,
                        h.before_json
                    FROM product_history h JOIN import_run r ON r.id = h.import_id
                    WHERE h.import_id IN (SELECT id FROM import_run WHERE catalog_id = ?) AND h.key = ?
                    ORDER BY h.id
                    """,
                arguments: [catalogID, ImportSession.key(id)]
            ).map(Self.change(from:))
        }
    }

    /// What an import changed: added, changed and removed products, by id.
    public func changes(importID: Int64) throws -> [ProductChange] {
        try read { db in
            _ = try Self.requireImport(importID, db)
            return try db.fetchAll(
                sql: """
                    SELECT h.import_id, r.finished_at, h.product_id, h.change, h.before_hash, h.after_hash,
                        h.before_json
                    FROM product_history h JOIN import_run r ON r.id = h.import_id
                    WHERE h.import_id = ? ORDER BY h.change, h.key
                    """,
                arguments: [importID]
            ).map(Self.change(from:))
        }
    }

    /// Import runs, newest first (committed, failed and refused ones).
    public func imports(catalog: String? = nil) throws -> [ImportRun] {
        try read { db in
            var arguments: SQLArguments = []
            var filter = ""
            if let catalog {
                arguments = [try Self.requireCatalog(catalog, db)]
                filter = "WHERE r.catalog_id = ?"
            }
            return try db.fetchAll(
                sql: """
                    SELECT r.id, c.name, r.source_path, r.sha256, r.profile, r.format, r.started_at, r.finished_at,
                        r.outcome, r.bytes, r.items_read, r.added, r.changed, r.removed, r.unchanged, r.rejected,
                        r.errors, r.warnings, r.message
                    FROM import_run r JOIN catalog c ON c.id = r.catalog_id \(filter) ORDER BY r.id DESC
                    """,
                arguments: arguments
            ).map {
                ImportRun(
                    id: try $0[0],
                    catalog: try $0[1],
                    source: try $0[2],
                    sha256: try $0[3],
                    profile: try $0[4],
                    format: try $0[5],
                    startedAt: try $0[6],
                    finishedAt: try $0[7],
                    outcome: try $0[8],
                    bytes: try $0[9],
                    read: try $0[10],
                    added: try $0[11],
                    changed: try $0[12],
                    removed: try $0[13],
                    unchanged: try $0[14],
                    rejected: try $0[15],
                    errors: try $0[16],
                    warnings: try $0[17],
                    message: try $0[18]
                )
            }
        }
    }

    /// The diagnostics of an import (the latest committed one of the catalog when `importID` is nil).
    public func diagnostics(catalog: String, importID: Int64? = nil) throws -> [ImportReport.Diagnostic] {
        try read { db in
            let catalogID = try Self.requireCatalog(catalog, db)
            let id: Int64
            if let importID {
                id = importID
            } else if let latest = try db.fetchOne(
                Int64.self,
                sql: "SELECT max(id) FROM import_run WHERE catalog_id = ? AND outcome = 'committed'",
                arguments: [catalogID]
            ) {
                id = latest
            } else {
                return []
            }
            let source = try Self.requireImport(id, db)
            return try db.fetchAll(
                sql: """
                    SELECT line, severity, code, item_id, attribute, message FROM diagnostic
                    WHERE import_id = ? ORDER BY line, id
                    """,
                arguments: [id]
            ).map {
                ImportReport.Diagnostic(
                    file: source,
                    line: try $0[0],
                    severity: try $0[1],
                    code: try $0[2],
                    itemID: try $0[3],
                    attribute: try $0[4],
                    message: try $0[5]
                )
            }
        }
    }

    static func requireCatalog(_ name: String, _ db: any SQLConnection) throws -> Int64 {
        guard let id = try db.fetchOne(Int64.self, sql: "SELECT id FROM catalog WHERE name = ?", arguments: [name])
        else {
            throw CatalogError.unknownCatalog(name)
        }
        return id
    }

    /// The import's source path; throws when there is no such import.
    static func requireImport(_ id: Int64, _ db: any SQLConnection) throws -> String {
        guard
            let source = try db.fetchOne(
                String.self,
                sql: "SELECT source_path FROM import_run WHERE id = ?",
                arguments: [id]
            )
        else {
            throw CatalogError.unknownImport(id)
        }
        return source
    }

    private static func change(from row: SQLRow) throws -> ProductChange {
        ProductChange(
            importID: try row[0],
            importedAt: try row[1],
            productID: try row[2],
            change: try row[3],
            beforeHash: (try row[4] as Data?).map { Hex.encode($0) },
            afterHash: (try row[5] as Data?).map { Hex.encode($0) },
            beforeJSON: try row[6]
        )
    }
}
