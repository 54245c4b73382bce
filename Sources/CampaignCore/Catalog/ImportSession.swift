import FeedImport
import Foundation

/// One import in progress, inside its transaction: applies each validated item to the catalog as
/// it streams by, then marks what the feed no longer contains as removed.
///
/// Memory stays flat: the per-item state kept is the set of keys seen, which finds duplicate ids (``SeenSet`` holds
/// the first ``keysInMemory`` keys, 24 bytes each; ``SeenOverflow`` keeps the rest in a temporary table), and one bit
/// per stored product the feed lists (``ListedRows``), which finds, at the end, the products it no longer lists.
struct ImportSession {
    let db: any SQLConnection
    let catalogID: Int64
    let importID: Int64
    var report: ImportReport

    /// Products active before this import; the mass-removal valve compares against it.
    private let activeBefore: Int
    /// Whether the catalog had no product rows at all (first import: skip lookups).
    let catalogWasEmpty: Bool
    private var seen: SeenSet
    /// The stored products the feed lists (a re-import's), for the products it no longer lists.
    private var listed: ListedRows?
    /// Keys past ``keysInMemory``.
    private var overflow: SeenOverflow?
    /// How many keys ``seen`` holds before the rest go to ``overflow``.
    private let keysInMemory: Int
    /// A batch's stored rows by key, from ``prefetch(_:)`` (PostgreSQL); `.some(nil)`: known not stored.
    private var prefetched: [String: StoredRow?] = [:]
    /// Copies a row into `import_previous`; prepared once, with the table (`nil`: no table yet). Compiling that `INSERT … SELECT *` cost
    /// about 590,000 instructions, once per changed product, which made a re-import's changes its largest cost.
    private var copyToPrevious: (any SQLStatement)?
    /// What ``SeenSet/warm(_:)`` returned for the current batch, kept so that its loads are made.
    private var warmth: UInt64 = 0

    private let lookup: any SQLStatement
    private let insertProduct: any SQLStatement
    private let updateProduct: any SQLStatement
    private let insertHistory: any SQLStatement
    private let insertAddedHistory: any SQLStatement
    private let insertDiagnostic: any SQLStatement
    private let markRejected: any SQLStatement
    private let setSource: any SQLStatement

    init(
        db: any SQLConnection,
        catalog: String,
        sourcePath: String,
        profile: String,
        startedAt: String,
        expectedItems: Int = 0,
        keysInMemory: Int = ImportSession.defaultKeysInMemory,
        report: ImportReport
    ) throws {
        self.db = db
        self.report = report
        // A larger page cache for the import's B-tree inserts (8 MiB; SQLite's default is 2 MiB).
        if db.kind == .sqlite {
            try db.execute(sql: "PRAGMA cache_size = -8192")
        }
        let catalogID = try Self.catalogID(named: catalog, in: db, createdAt: startedAt)
        self.catalogID = catalogID
        importID = try db.insertReturningID(
            sql: """
                INSERT INTO import_run (catalog_id, source_path, profile, started_at, finished_at, outcome)
                VALUES (?, ?, ?, ?, ?, 'committed')
                """,
            arguments: [catalogID, sourcePath, profile, startedAt, startedAt]
        )
        self.report.importID = importID
        activeBefore = try Self.activeCount(catalogID: catalogID, in: db)
        catalogWasEmpty = try !Self.hasProducts(catalogNamed: catalog, in: db)
        if !catalogWasEmpty {
            listed = ListedRows(largestStoredID: try db.fetchOne(Int64.self, sql: "SELECT max(id) FROM product") ?? 0)
        }
        // Sized once for the items expected (a re-import lists about the active products again): tables that
        // grow step by step leave their old copies scattered in the heap.
        self.keysInMemory = max(keysInMemory, 1)
        seen = SeenSet(expectedCount: min(max(activeBefore, expectedItems), self.keysInMemory))
        lookup = try db.prepare(sql: StoredRow.lookupSQL)
        insertProduct = try db.prepare(
            sql: """
                INSERT INTO product (catalog_id, key, product_id, status, title, link, image_link, price_micros,
                    currency, sale_price_micros, availability, availability_date, brand, gtin, item_group_id,
                    product_type, custom_label_0, custom_label_1, custom_label_2, custom_label_3, custom_label_4,
                    attributes_json, content_hash, added_import_id, changed_import_id, source_hash, source_warnings,
                    source_valid_from, source_valid_until)
                VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        updateProduct = try db.prepare(
            sql: """
                UPDATE product SET product_id = ?, status = 'active', title = ?, link = ?, image_link = ?,
                    price_micros = ?, currency = ?, sale_price_micros = ?, availability = ?, availability_date = ?,
                    brand = ?, gtin = ?, item_group_id = ?, product_type = ?, custom_label_0 = ?,
                    custom_label_1 = ?, custom_label_2 = ?, custom_label_3 = ?, custom_label_4 = ?,
                    attributes_json = ?, content_hash = ?, changed_import_id = ?, rejected_import_id = NULL,
                    added_import_id = CASE WHEN status = 'removed' THEN ? ELSE added_import_id END, source_hash = ?,
                    source_warnings = ?, source_valid_from = ?, source_valid_until = ?
                WHERE id = ?
                """
        )
        insertHistory = try db.prepare(sql: Self.insertHistorySQL)
        insertAddedHistory = try db.prepare(sql: Self.insertAddedHistorySQL)
        insertDiagnostic = try db.prepare(
            sql: """
                INSERT INTO diagnostic (import_id, item_id, line, attribute, code, severity, message)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        )
        markRejected = try db.prepare(sql: "UPDATE product SET rejected_import_id = ? WHERE id = ?")
        setSource = try db.prepare(
            sql: """
                UPDATE product SET source_hash = ?, source_warnings = ?, source_valid_from = ?, source_valid_until = ?
                WHERE id = ?
                """
        )
    }

    /// One history row per added, changed or removed product; `before_json` is the stored row's attributes.
    static let insertHistorySQL = """
        INSERT INTO product_history (catalog_id, import_id, key, product_id, change, before_hash,
            after_hash, before_json)
        VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT attributes_json FROM product WHERE id = ?))
        """

    /// The history row of a product new to the catalog, which has no stored attributes before: without the
    /// subquery, which opened and closed a cursor on `product` for every added row (a tenth of the statement's work).
    static let insertAddedHistorySQL = """
        INSERT INTO product_history (catalog_id, import_id, key, product_id, change, before_hash,
            after_hash, before_json)
        VALUES (?, ?, ?, ?, 'added', NULL, ?, NULL)
        """

    /// A million keys: 24 MB, which keeps a million-item import under 100 MB.
    static let defaultKeysInMemory = 1_000_000

    /// Whether the catalog named `name` has product rows (removed ones included); `false` when there is no such
    /// catalog.
    static func hasProducts(catalogNamed name: String, in db: any SQLConnection) throws -> Bool {
        try db.fetchOne(
            Bool.self,
            sql: "SELECT EXISTS (SELECT 1 FROM product p JOIN catalog c ON c.id = p.catalog_id WHERE c.name = ?)",
            arguments: [name]
        ) == true
    }

    static func catalogID(named name: String, in db: any SQLConnection, createdAt: String) throws -> Int64 {
        if let id = try db.fetchOne(Int64.self, sql: "SELECT id FROM catalog WHERE name = ?", arguments: [name]) {
            return id
        }
        return try db.insertReturningID(
            sql: "INSERT INTO catalog (name, created_at) VALUES (?, ?)",
            arguments: [name, createdAt]
        )
    }

    // MARK: - Items

    mutating func ingest(_ prepared: PreparedItem) throws {
        let item = prepared.item
        report.read += 1
        for diagnostic in item.diagnostics {
            try store(diagnostic)
        }
        guard let id = item.id, let key = prepared.key, let seenKey = prepared.seenKey else {
            report.rejected += 1
            return
        }
        // Whatever this item writes, a later copy of its key reads the row again.
        defer { prefetched.removeValue(forKey: key) }
        if let first = try seenEntry(seenKey, key: key) {
            try handleDuplicate(id: id, key: key, seenKey: seenKey, line: item.line, first: first)
            return
        }
        if prepared.isUnchanged, let row = try storedProduct(key, looked: prepared.stored) {
            try keep(row)
            report.validationsSkipped += 1
            try markSeen(seenKey, key: key, line: item.line, action: .unchanged)
            return
        }
        guard let product = item.product, let json = prepared.json, let hash = prepared.hash else {
            try reject(id: id, key: key, seenKey: seenKey, line: item.line, stored: prepared.stored)
            return
        }
        let existing = catalogWasEmpty ? nil : try storedProduct(key, looked: prepared.stored)
        let action: SeenSet.Action
        switch existing {
        case nil:
            try insert(product, key: key, json: json, hash: hash, source: prepared)
            try recordHistory(key: key, id: id, change: "added", before: nil, after: hash, previousRow: nil)
            report.added += 1
            action = .added
        case let row? where row.isActive && hash.isStored(in: row.hash):
            try keep(row)
            if !SHA256Value.isStored(prepared.sourceHash, in: row.sourceHash)
                || prepared.sourceWarnings != row.sourceWarnings || prepared.sourceTimes != row.sourceTimes
            {
                bindSource(prepared, to: setSource, from: 1)
                setSource.bind(row.rowID, at: 5)
                try setSource.execute()
            }
            action = .unchanged
        case let row?:
            try savePrevious(rowID: row.rowID)
            try recordHistory(
                key: key,
                id: id,
                change: row.isActive ? "changed" : "added",
                before: row.hash,
                after: hash,
                previousRow: row.rowID
            )
            try update(row.rowID, with: product, json: json, hash: hash, source: prepared)
            if row.isActive {
                report.changed += 1
                action = .changed
            } else {
                report.added += 1
                action = .readded
            }
        }
        try markSeen(seenKey, key: key, line: item.line, action: action)
    }

    /// The item is its active stored product again: the product stays as it is, unflagged if an earlier import had
    /// rejected its item.
    private mutating func keep(_ row: StoredRow) throws {
        if row.rejectedImportID != nil {
            try setRejected(nil, row: row.rowID)
        }
        report.unchanged += 1
    }

    private mutating func reject(
        id: String,
        key: String,
        seenKey: SeenSet.Key,
        line: Int,
        stored: StoredRow??
    ) throws {
        report.rejected += 1
        try markSeen(seenKey, key: key, line: line, action: .rejected)
        guard !catalogWasEmpty, let row = try storedProduct(key, looked: stored) else {
            return
        }
        if row.isActive {
            try setRejected(importID, row: row.rowID)
            try store(
                FeedDiagnostic(
                    severity: .warning,
                    code: FeedDiagnostic.Code(rawValue: "previous_version_kept"),
                    location: SourceLocation(file: report.source, line: line),
                    itemID: id,
                    attribute: nil,
                    message: "the item is rejected; the version stored by import #\(row.changedImportID) stays "
                        + "in the catalog, flagged, and cannot be used in new campaigns until the feed is fixed"
                )
            )
        }
    }

    /// Every copy of a duplicated id is rejected: the first copy's effect is undone.
    private mutating func handleDuplicate(
        id: String,
        key: String,
        seenKey: SeenSet.Key,
        line: Int,
        first: SeenSet.Entry
    ) throws {
        report.rejected += 1
        if first.action != .duplicate {
            let firstID = try firstCopyID(key: key, line: Int(first.line)) ?? id
            switch first.action {
            case .added:
                try db.execute(
                    sql: "DELETE FROM product WHERE catalog_id = ? AND key = ?",
                    arguments: [catalogID, key]
                )
                try deleteHistory(key)
                report.added -= 1
            case .readded, .changed:
                try restorePrevious(key)
                try deleteHistory(key)
                if first.action == .changed {
                    report.changed -= 1
                } else {
                    report.added -= 1
                }
            case .unchanged:
                report.unchanged -= 1
            case .rejected, .duplicate:
                report.rejected -= 1
            }
            report.rejected += 1
            if let row = try fetchExisting(key) {
                try setRejected(importID, row: row.rowID)
            }
            try store(duplicateDiagnostic(id: firstID, line: Int(first.line), otherLine: line))
            if seen.lookup(seenKey) != nil {
                seen.update(seenKey, action: .duplicate)
            } else {
                try overflow?.update(key, action: .duplicate)
            }
        }
        try store(duplicateDiagnostic(id: id, line: line, otherLine: Int(first.line)))
    }

    /// The first copy's id as spelled in the feed: from the row it wrote, else from its diagnostics.
    private func firstCopyID(key: String, line: Int) throws -> String? {
        if let id = try db.fetchOne(
            String.self,
            sql: "SELECT item_id FROM diagnostic WHERE import_id = ? AND line >= ? AND item_id IS NOT NULL "
                + "AND lower(item_id) = ? ORDER BY line LIMIT 1",
            arguments: [importID, line, key]
        ) {
            return id
        }
        return try db.fetchOne(
            String.self,
            sql: "SELECT product_id FROM product WHERE catalog_id = ? AND key = ?",
            arguments: [catalogID, key]
        )
    }

    private func duplicateDiagnostic(id: String, line: Int, otherLine: Int) -> FeedDiagnostic {
        FeedDiagnostic(
            severity: .error,
            code: FeedDiagnostic.Code(rawValue: "duplicate_id"),
            location: SourceLocation(file: report.source, line: line),
            itemID: id,
            attribute: "id",
            message: "the id is also used by the item at line \(otherLine) (ids that differ only in case are "
                + "the same); every copy is rejected so that ambiguous data never reaches an ad"
        )
    }

    // MARK: - Removal and outcome

    mutating func recordFeedDiagnostics(_ diagnostics: [FeedDiagnostic]) throws {
        for diagnostic in diagnostics {
            try store(diagnostic)
        }
    }

    /// Marks every active product the feed did not list as removed, after the mass-removal check.
    mutating func finish(allowMassRemoval: Bool) throws {
        let missing = try unlistedProducts()
        if missing.count * 2 > activeBefore, activeBefore > 0, !allowMassRemoval {
            throw CatalogError.massRemovalRefused(
                catalog: report.catalog,
                source: report.source,
                removing: missing.count,
                of: activeBefore
            )
        }
        let markRemoved = try db.prepare(
            sql: "UPDATE product SET status = 'removed', changed_import_id = ? WHERE id = ?"
        )
        // Their ids and hashes for the history, a few hundred rows per query (one round trip on PostgreSQL).
        var removed = 0
        for start in stride(from: 0, to: missing.count, by: 500) {
            let chunk = missing[start..<min(start + 500, missing.count)]
            var rows: [Int64: (key: String, id: String, hash: Data)] = [:]
            try db.forEachRow(
                sql: """
                    SELECT id, key, product_id, content_hash FROM product
                    WHERE id IN (\(sqlPlaceholders(chunk.count)))
                    """,
                arguments: SQLArguments(chunk.map { .integer($0) })
            ) { row in
                rows[try row[0]] = (try row[1], try row[2], try row[3])
            }
            for rowID in chunk {
                guard let content = rows[rowID] else {
                    continue
                }
                try recordHistory(
                    key: content.key,
                    id: content.id,
                    change: "removed",
                    before: content.hash,
                    after: nil,
                    previousRow: rowID
                )
                markRemoved.bind(importID, at: 1)
                markRemoved.bind(rowID, at: 2)
                try markRemoved.execute()
                removed += 1
            }
        }
        report.removed = removed
        if copyToPrevious != nil {
            copyToPrevious = nil  // finalized before its table goes
            try db.execute(sql: "DROP TABLE import_previous")
        }
        if overflow != nil {
            try SeenOverflow.drop(in: db)
        }
    }

    /// How many products of the catalog are active: all of them (the unique key index) less the removed ones (the
    /// `product_removed` index), without reading the stored rows (2 KB each).
    static func activeCount(catalogID: Int64, in db: any SQLConnection) throws -> Int {
        try db.fetchOne(Int.self, sql: activeCountSQL, arguments: [catalogID, catalogID]) ?? 0
    }

    static let activeCountSQL = """
        SELECT (SELECT count(*) FROM product WHERE catalog_id = ?)
            - (SELECT count(*) FROM product WHERE catalog_id = ? AND status = 'removed')
        """
    /// The row id of every product of a catalog (`catalog_id`), from its key index.
    static let catalogRowsSQL = "SELECT id FROM product WHERE catalog_id = ?"
    /// A catalog's removed products (`catalog_id`), in row order.
    static let removedRowsSQL = "SELECT id FROM product WHERE catalog_id = ? AND status = 'removed' ORDER BY id"
    /// The queries that read a whole catalog's worth of index entries at each import: each must be answered from an
    /// index alone (a test checks SQLite's plans), never from the stored rows.
    static let catalogWideQueries = [activeCountSQL, catalogRowsSQL, removedRowsSQL]

    /// The row ids of the active products the feed did not list. A first import stored only what it saw; otherwise
    /// the row ids come from the unique key index and the removed products from the `product_removed` index, without
    /// reading the stored rows (2 KB each), and ``listed`` says which the feed listed.
    private func unlistedProducts() throws -> [Int64] {
        guard let listed else {
            return []
        }
        // In row order, as the index lists them: 8 bytes per removed product, searched by bisection.
        var removed: [Int64] = []
        try db.forEachRow(sql: Self.removedRowsSQL, arguments: [catalogID]) { row in
            removed.append(try row[0])
        }
        var missing: [Int64] = []
        try db.forEachRow(sql: Self.catalogRowsSQL, arguments: [catalogID]) { row in
            let rowID: Int64 = try row[0]
            if !listed.isListed(rowID), !Self.contains(removed, rowID) {
                missing.append(rowID)
            }
        }
        return missing
    }

    /// Whether the ascending `rows` hold `rowID`.
    static func contains(_ rows: [Int64], _ rowID: Int64) -> Bool {
        var low = 0
        var high = rows.count
        while low < high {
            let middle = (low + high) / 2
            if rows[middle] < rowID {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < rows.count && rows[low] == rowID
    }

    func recordOutcome(finishedAt: String) throws {
        try db.execute(
            sql: """
                UPDATE import_run SET sha256 = ?, format = ?, finished_at = ?, bytes = ?, items_read = ?, added = ?,
                    changed = ?, removed = ?, unchanged = ?, rejected = ?, errors = ?, warnings = ?
                WHERE id = ?
                """,
            arguments: [
                report.sha256, report.format, finishedAt, report.bytes, report.read, report.added,
                report.changed, report.removed, report.unchanged, report.rejected, report.errors,
                report.warnings, importID,
            ]
        )
    }

    // MARK: - Rows

    /// The stored product of a key's first item: as its validating thread found it (`looked`), else as stored now.
    /// Every item that has one comes here once, whatever becomes of it, so this is where ``listed`` learns that the
    /// feed lists the product.
    private mutating func storedProduct(_ key: String, looked: StoredRow??) throws -> StoredRow? {
        let row: StoredRow?
        if case let .some(known) = looked {
            row = known
        } else {
            row = try fetchExisting(key)
        }
        if let row {
            listed?.mark(row.rowID)
        }
        return row
    }

    private func fetchExisting(_ key: String) throws -> StoredRow? {
        if let known = prefetched[key] {
            return known
        }
        lookup.bind(catalogID, at: 1)
        lookup.bind(key, at: 2)
        return try lookup.fetchFirst().map { try StoredRow($0, from: 0) }
    }

    /// The stored rows of a batch's keys, looked up in one query on PostgreSQL, where a round trip per item
    /// would dominate a re-import (SQLite's lookups are in-process and stay one by one); and, on both, what the
    /// overflow table holds for them and the memory where ``seen`` will look them up.
    mutating func prefetch(_ items: [PreparedItem]) throws {
        warmth = seen.warm(items.lazy.compactMap(\.seenKey))
        try overflow?.load(keysOf: items)
        prefetched.removeAll(keepingCapacity: true)
        guard db.kind == .postgres, !catalogWasEmpty else {
            return
        }
        let keys = Array(Set(items.compactMap(\.key)))
        guard !keys.isEmpty else {
            return
        }
        for key in keys {
            prefetched[key] = .some(nil)
        }
        let rows = try db.fetchAll(
            sql: """
                SELECT key, \(StoredRow.columns)
                FROM product WHERE catalog_id = ? AND key IN (\(sqlPlaceholders(keys.count)))
                """,
            arguments: SQLArguments([.integer(catalogID)] + keys.map { .text($0) })
        )
        for row in rows {
            prefetched[try row[0]] = .some(try StoredRow(row, from: 1))
        }
    }

    private func setRejected(_ rejectedImportID: Int64?, row rowID: Int64) throws {
        markRejected.bind(rejectedImportID, at: 1)
        markRejected.bind(rowID, at: 2)
        try markRejected.execute()
    }

    private func insert(
        _ product: ProductData,
        key: String,
        json: [UInt8],
        hash: SHA256Value,
        source: PreparedItem
    ) throws {
        insertProduct.bind(catalogID, at: 1)
        insertProduct.bindStaged(key, at: 2)
        let next = bindContent(product, json: json, hash: hash, to: insertProduct, from: 3)
        insertProduct.bind(importID, at: next)
        insertProduct.bind(importID, at: next + 1)
        bindSource(source, to: insertProduct, from: next + 2)
        try insertProduct.execute()
    }

    private func update(
        _ rowID: Int64,
        with product: ProductData,
        json: [UInt8],
        hash: SHA256Value,
        source: PreparedItem
    ) throws {
        let next = bindContent(product, json: json, hash: hash, to: updateProduct, from: 1)
        updateProduct.bind(importID, at: next)
        updateProduct.bind(importID, at: next + 1)
        bindSource(source, to: updateProduct, from: next + 2)
        updateProduct.bind(rowID, at: next + 6)
        try updateProduct.execute()
    }

    /// Binds what a later import needs to skip validating the item's record (`source_hash`, `source_warnings`,
    /// `source_valid_from`, `source_valid_until`), in that order from `first`.
    private func bindSource(_ item: PreparedItem, to statement: any SQLStatement, from first: Int32) {
        statement.bindStaged(item.sourceHash, at: first)
        statement.bindStaged(item.sourceWarnings, at: first + 1)
        let times = StoredRow.columnValues(of: item.sourceTimes)
        statement.bind(times.from, at: first + 2)
        statement.bind(times.until, at: first + 3)
    }

    /// Binds the product's columns, in the order both `insertProduct` and `updateProduct` list them;
    /// returns the next parameter. Texts and blobs are staged: SQLite reads them in place instead of allocating and
    /// freeing a copy of each of the 17, row after row.
    private func bindContent(
        _ product: ProductData,
        json: [UInt8],
        hash: SHA256Value,
        to statement: any SQLStatement,
        from first: Int32
    ) -> Int32 {
        let p = first
        statement.bindStaged(product.id, at: p)
        statement.bindStaged(product.title, at: p + 1)
        statement.bindStaged(product.link, at: p + 2)
        statement.bindStaged(product.imageLink, at: p + 3)
        statement.bind(product.price.micros, at: p + 4)
        statement.bindStaged(product.price.currency, at: p + 5)
        statement.bind(product.salePrice?.micros, at: p + 6)
        statement.bindStaged(product.availability.rawValue, at: p + 7)
        statement.bindStaged(product.availabilityDate, at: p + 8)
        statement.bindStaged(product.brand, at: p + 9)
        statement.bindStaged(product.gtin, at: p + 10)
        statement.bindStaged(product.itemGroupID, at: p + 11)
        statement.bindStaged(product.productTypes.first, at: p + 12)
        for index in 0..<5 {
            statement.bindStaged(label(product, index), at: p + 13 + Int32(index))
        }
        statement.bindStaged(utf8Text: json, at: p + 18)
        statement.bindStaged(hash, at: p + 19)
        return p + 20
    }

    private func label(_ product: ProductData, _ index: Int) -> String? {
        index < product.customLabels.count ? product.customLabels[index] : nil
    }

    private func recordHistory(
        key: String,
        id: String,
        change: String,
        before: Data?,
        after: SHA256Value?,
        previousRow: Int64?
    ) throws {
        // Both statements start with the same four parameters.
        let isNew = previousRow == nil && change == "added"
        let statement = isNew ? insertAddedHistory : insertHistory
        statement.bind(catalogID, at: 1)
        statement.bind(importID, at: 2)
        statement.bindStaged(key, at: 3)
        statement.bindStaged(id, at: 4)
        if isNew {
            statement.bindStaged(after, at: 5)
        } else {
            statement.bindStaged(change, at: 5)
            statement.bindStaged(before, at: 6)
            statement.bindStaged(after, at: 7)
            statement.bind(previousRow, at: 8)
        }
        try statement.execute()
    }

    private func deleteHistory(_ key: String) throws {
        try db.execute(
            sql: "DELETE FROM product_history WHERE import_id = ? AND catalog_id = ? AND key = ?",
            arguments: [importID, catalogID, key]
        )
    }

    /// Keeps the row as it was before this import touched it, so a later duplicate can undo the change.
    private mutating func savePrevious(rowID: Int64) throws {
        let copy: any SQLStatement
        if let copyToPrevious {
            copy = copyToPrevious
        } else {
            try db.execute(sql: "CREATE TEMP TABLE import_previous AS SELECT * FROM product WHERE 1 = 0")
            copy = try db.prepare(sql: "INSERT INTO import_previous SELECT * FROM product WHERE id = ?")
            copyToPrevious = copy
        }
        copy.bind(rowID, at: 1)
        try copy.execute()
    }

    private func restorePrevious(_ key: String) throws {
        try db.execute(sql: "DELETE FROM product WHERE catalog_id = ? AND key = ?", arguments: [catalogID, key])
        try db.execute(
            sql: "INSERT INTO product SELECT * FROM import_previous WHERE catalog_id = ? AND key = ?",
            arguments: [catalogID, key]
        )
    }

    private mutating func store(_ diagnostic: FeedDiagnostic) throws {
        if diagnostic.severity == .error {
            report.errors += 1
        } else {
            report.warnings += 1
        }
        insertDiagnostic.bind(importID, at: 1)
        insertDiagnostic.bind(diagnostic.itemID, at: 2)
        insertDiagnostic.bind(Int64(diagnostic.location.line), at: 3)
        insertDiagnostic.bind(diagnostic.attribute, at: 4)
        insertDiagnostic.bind(diagnostic.code.rawValue, at: 5)
        insertDiagnostic.bind(diagnostic.severity.rawValue, at: 6)
        insertDiagnostic.bind(diagnostic.message, at: 7)
        try insertDiagnostic.execute()
        if report.diagnostics.count < CampaignStore.reportedDiagnosticsLimit {
            report.diagnostics.append(ImportReport.Diagnostic(diagnostic))
        } else {
            report.omittedDiagnostics += 1
        }
    }

    // MARK: - Keys and hashes

    /// What this import did with the key so far: ``seen`` first, then the overflow table.
    private func seenEntry(_ seenKey: SeenSet.Key, key: String) throws -> SeenSet.Entry? {
        if let entry = seen.lookup(seenKey) {
            return entry
        }
        guard let overflow, let stored = try overflow.lookup(key) else {
            return nil
        }
        return SeenSet.Entry(check: seenKey.check, line: UInt32(clamping: stored.line), action: stored.action)
    }

    private mutating func markSeen(_ seenKey: SeenSet.Key, key: String, line: Int, action: SeenSet.Action) throws {
        guard seen.count >= keysInMemory else {
            seen.insert(seenKey, line: line, action: action)
            return
        }
        if overflow == nil {
            overflow = try SeenOverflow(db: db)
        }
        try overflow?.insert(key, line: line, action: action)
    }

    /// Ids that differ only in case are one product (Merchant Center's rule for ids).
    static func key(_ id: String) -> String {
        id.lowercased()
    }
}
