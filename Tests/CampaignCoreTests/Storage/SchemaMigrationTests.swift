import Foundation
import GRDB
import TestSupport
import Testing

@testable import CampaignCore

/// Schema changes applied to a workspace that already holds data.
@Suite("Schema migrations")
struct SchemaMigrationTests {
    @Test("v7 rebuilds product_history with every row, its ids and the same rule for `change`")
    func historyRebuildKeepsRows() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("v6.sqlite")
        // Settings first, as the store does: SQLite takes them only before its first connection in the process, and
        // `SQLiteLibraryTests` checks they were taken.
        _ = SQLiteLibrary.isConfigured
        let old = try DatabaseQueue(path: path)
        try CampaignStore.migrator.migrate(old, upTo: "v6-active-products")
        func values(_ items: (any DatabaseValueConvertible)?...) -> [DatabaseValue] {
            items.map { $0?.databaseValue ?? .null }
        }
        let rows = [
            values(1, 1, 1, "mug", "MUG", "added", nil, Data([1]), nil),
            values(2, 1, 2, "mug", "MUG", "changed", Data([1]), Data([2]), "{\"title\":\"Mug\"}"),
            values(7, 1, 2, "vase", "Vase", "removed", Data([3]), nil, "{}"),
        ]
        try old.write { db in
            try db.execute(sql: "INSERT INTO catalog (id, name, created_at) VALUES (1, 'shop', 't')")
            for run in 1...2 {
                try db.execute(
                    sql: """
                        INSERT INTO import_run (id, catalog_id, source_path, profile, started_at, finished_at, outcome)
                        VALUES (?, 1, 'feed.xml', 'google', 't', 't', 'committed')
                        """,
                    arguments: [run]
                )
            }
            for row in rows {
                try db.execute(
                    sql: "INSERT INTO product_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: StatementArguments(row)
                )
            }
        }
        try old.close()

        _ = try CampaignStore.open(at: path, context: .test())
        let reopened = try DatabaseQueue(path: path)
        let after = try reopened.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM product_history ORDER BY id").map { Array($0.databaseValues) }
        }
        #expect(after == rows)
        try reopened.write { db in
            let indexes = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'product_history' ORDER BY 1"
            )
            #expect(indexes == ["product_history_by_import"])  // one index since v8
            // The rule is unchanged: any other word is refused.
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql:
                        "INSERT INTO product_history (catalog_id, import_id, key, product_id, change) VALUES (1, 1, 'a', 'A', 'moved')"
                )
            }
            // A new row follows the copied ids.
            try db.execute(
                sql:
                    "INSERT INTO product_history (catalog_id, import_id, key, product_id, change) VALUES (1, 2, 'a', 'A', 'added')"
            )
            #expect(db.lastInsertedRowID == 8)
            #expect(try String.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
    }

    @Test(
        "an import's history inserts check `change` without building a temporary B-tree per row",
        arguments: [ImportSession.insertHistorySQL, ImportSession.insertAddedHistorySQL]
    )
    func historyInsertHasNoEphemeralTable(sql: String) throws {
        let folder = try TemporaryDirectory()
        let store = try CampaignStore.open(at: folder.path("workspace.sqlite"), context: .test())
        // On the writing connection: a read-only one compiles an INSERT without its CHECK constraints.
        let opcodes = try store.write { db in
            try db.fetchAll(
                sql: "EXPLAIN " + sql,
                arguments: SQLArguments(Array(repeating: .null, count: sql.filter { $0 == "?" }.count))
            )
        }
        let names = try opcodes.map { row -> String in try row[1] }
        let haltCodes = try opcodes.filter { try $0[1] == "Halt" }.map { row -> Int in try row[2] }
        #expect(names.contains("Insert"))
        // The CHECK is compiled (its failure halts with SQLITE_CONSTRAINT_CHECK, 275), without a temporary B-tree.
        #expect(haltCodes.contains(275))
        #expect(!names.contains("OpenEphemeral"))
    }

    @Test(
        "an import reads a catalog's keys, removed products and active count from indexes alone",
        arguments: [0, 1, 2]
    )
    func catalogWideQueriesAreCovered(query: Int) throws {
        let folder = try TemporaryDirectory()
        let store = try CampaignStore.open(at: folder.path("workspace.sqlite"), context: .test())
        let sql = ImportSession.catalogWideQueries[query]
        let plan = try store.read { db in
            try db.fetchAll(
                sql: "EXPLAIN QUERY PLAN " + sql,
                arguments: SQLArguments(Array(repeating: .integer(1), count: sql.filter { $0 == "?" }.count))
            )
        }
        let steps = try plan.map { row -> String in try row[3] }.filter { $0.contains("product") }
        // Reading the rows instead (2 KB each) made every re-import of a million products read 1.8 GB twice.
        #expect(!steps.isEmpty)
        #expect(steps.allSatisfy { $0.contains("USING COVERING INDEX") }, "\(steps)")
    }
}
