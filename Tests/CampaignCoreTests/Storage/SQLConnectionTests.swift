import Foundation
import TestSupport
import Testing

@testable import CampaignCore

/// The store's SQL layer behaves the same on both engines: values, NULLs, prepared statements, cursors,
/// identity keys and error kinds (run on PostgreSQL when `CAMPAIGNCTL_TEST_PG` is set).
@Suite("SQL connection")
struct SQLConnectionTests {
    let folder: TemporaryDirectory
    let store: CampaignStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try TestEngine.openStore(folder, context: .test())
        try store.write { db in
            try db.execute(sql: "CREATE TABLE t (id TEXT PRIMARY KEY, name TEXT, hash \(blob), n \(integer))")
        }
    }

    private var blob: String { TestEngine.isPostgres ? "BYTEA" : "BLOB" }
    private var integer: String { TestEngine.isPostgres ? "BIGINT" : "INTEGER" }

    @Test("empty texts and blobs stay empty, not NULL; nil binds NULL; a query reads them back")
    func roundTrip() throws {
        try store.write { db in
            let insert = try db.prepare(sql: "INSERT INTO t (id, name, hash, n) VALUES (?, ?, ?, ?)")
            let rows: [(String, String?, Data?, Int64?)] = [
                ("a", "", Data(), 0), ("b", nil, nil, nil), ("c", "Linge lavé 🛏 'quoted' ?", Data([0, 1, 2]), -7),
                ("d", "big", Data([255]), Int64.max),
            ]
            for (id, name, hash, n) in rows {
                insert.bind(id, at: 1)
                insert.bind(name, at: 2)
                insert.bind(hash, at: 3)
                insert.bind(n, at: 4)
                #expect(try insert.execute() == 1)
            }
            let nulls = try db.fetchAll(
                Int64.self,
                sql: "SELECT (CASE WHEN name IS NULL THEN 1 ELSE 0 END) + (CASE WHEN hash IS NULL THEN 2 ELSE 0 END) "
                    + "FROM t ORDER BY id"
            )
            #expect(nulls == [0, 3, 0, 0])
            let select = try db.prepare(sql: "SELECT name, hash, n FROM t WHERE id = ?")
            select.bind("c", at: 1)
            let row = try #require(try select.fetchFirst())
            #expect(try row[0] as String == "Linge lavé 🛏 'quoted' ?")
            #expect(try row[1] as Data == Data([0, 1, 2]))
            #expect(try row[2] as Int64 == -7)
            #expect(try row["n"] as Int64 == -7)
            select.bind("nope", at: 1)
            #expect(try select.fetchFirst() == nil)
            #expect(try db.fetchOne(Int64.self, sql: "SELECT n FROM t WHERE id = ?", arguments: ["d"]) == .max)
            #expect(try db.fetchOne(String.self, sql: "SELECT name FROM t WHERE id = ?", arguments: ["b"]) == nil)
            #expect(
                try db.fetchOne(String.self, sql: "SELECT '?' || name FROM t WHERE id = ?", arguments: ["a"]) == "?"
            )
        }
    }

    @Test("staged values are stored as bound, row after row, and leave NULL behind once the row has run")
    func stagedValues() throws {
        try store.write { db in
            let insert = try db.prepare(sql: "INSERT INTO t (id, name, hash, n) VALUES (?, ?, ?, ?)")
            // The long texts make the stage grow (and move) while a row is being staged.
            let long = String(repeating: "Nappe en lin lavé ", count: 400)
            let rows: [(String, String?, Data?)] = [
                ("a", "", Data()), ("b", nil, nil), ("c", long, Data(repeating: 7, count: 32)),
                ("d", "court", Data([1])), ("e", long + "!", Data(repeating: 9, count: 5000)),
            ]
            for (index, (id, name, hash)) in rows.enumerated() {
                insert.bindStaged(id, at: 1)
                insert.bindStaged(name, at: 2)
                insert.bindStaged(hash, at: 3)
                insert.bind(Int64(index), at: 4)
                #expect(try insert.execute() == 1)
            }
            for (id, name, hash) in rows {
                let row = try #require(try db.fetchOne(sql: "SELECT name, hash FROM t WHERE id = ?", arguments: [id]))
                #expect(try row[0] as String? == name)
                #expect(try row[1] as Data? == hash)
            }
            // Run again with only the id bound. On SQLite the staged text and blob of the last row are gone, not left
            // pointing into the reused buffer; a server connection keeps values bound, as for `bind`.
            let json = Array("{\"k\":\"v\"}".utf8)
            insert.bindStaged(utf8Text: json, at: 1)
            insert.bind(Int64(9), at: 4)
            #expect(try insert.execute() == 1)
            let last = try #require(try db.fetchOne(sql: "SELECT name, hash FROM t WHERE n = 9"))
            if !TestEngine.isPostgres {
                #expect(try last[0] as String? == nil)
                #expect(try last[1] as Data? == nil)
            }
            #expect(
                try db.fetchOne(Int64.self, sql: "SELECT count(*) FROM t WHERE id = ?", arguments: ["{\"k\":\"v\"}"])
                    == 1
            )
            // Every parameter is NULL after a run with staged values, the plainly bound `n` too (SQLite unbinds them
            // all in one call): such a statement is bound in full before each run.
            insert.bindStaged("f", at: 1)
            #expect(try insert.execute() == 1)
            if !TestEngine.isPostgres {
                #expect(
                    try db.fetchOne(sql: "SELECT n FROM t WHERE id = 'f'").map { try $0[0] as Int64? } == .some(nil)
                )
            }
        }
    }

    @Test("sums, counts and EXISTS read as integers on both engines")
    func aggregates() throws {
        try store.write { db in
            for (id, n) in [("a", Int64(4_000_000_000_000)), ("b", 5), ("c", -1)] {
                try db.execute(sql: "INSERT INTO t (id, n) VALUES (?, ?)", arguments: [id, n])
            }
            let row = try #require(
                try db.fetchOne(sql: "SELECT SUM(n), COUNT(*), EXISTS (SELECT 1 FROM t WHERE id = 'b') FROM t")
            )
            #expect(try row[0] as Int64 == 4_000_000_000_004)
            #expect(try row[1] as Int == 3)
            #expect(try row[2] as Bool == true)
            #expect(try db.execute(sql: "UPDATE t SET n = n + 1 WHERE n > ?", arguments: [0]) == 2)
        }
    }

    @Test("a cursor streams every row, in order, past its page size")
    func cursor() throws {
        try store.write { db in
            let insert = try db.prepare(sql: "INSERT INTO t (id, n) VALUES (?, ?)")
            for index in 0..<4_500 {
                try insert.execute(arguments: [String(format: "%05d", index), Int64(index)])
            }
            var seen: [Int64] = []
            try db.forEachRow(sql: "SELECT n FROM t WHERE n >= ? ORDER BY id", arguments: [10]) { row in
                seen.append(try row[0])
            }
            #expect(seen == Array(10..<4_500).map(Int64.init))
            // The same query again from inside its own loop, and named columns.
            var pairs = 0
            var outerRows = 0
            try db.forEachRow(sql: "SELECT id, n FROM t WHERE n < ?", arguments: [2]) { outer in
                // A statement shared by both loops would start the outer one again, for ever.
                outerRows += 1
                guard outerRows <= 2 else {
                    throw StoreError(kind: .other, message: "the outer query started again")
                }
                try db.forEachRow(sql: "SELECT id, n FROM t WHERE n < ?", arguments: [2]) { inner in
                    pairs += 1
                    #expect(inner.columns == ["id", "n"])
                    let n: Int64 = try outer["n"]
                    #expect(n < 2)
                }
            }
            #expect(pairs == 4)
            // SQLite: an argument too many or too few is an error, not a NULL or a dropped value. (PostgreSQL ignores
            // one too many, and one too few fails the whole transaction.)
            if !TestEngine.isPostgres {
                #expect(throws: (any Error).self) {
                    try db.forEachRow(sql: "SELECT n FROM t WHERE n >= ?", arguments: [1, 2]) { _ in }
                }
                #expect(throws: (any Error).self) {
                    try db.forEachRow(sql: "SELECT n FROM t WHERE n >= ?", arguments: []) { _ in }
                }
            }
        }
    }

    @Test("inserts return their identity key, one after the other")
    func identity() throws {
        let ids = try store.write { db in
            try (0..<3).map { index in
                try db.insertReturningID(
                    sql: "INSERT INTO catalog (name, created_at) VALUES (?, ?)",
                    arguments: ["c\(index)", "2026-11-26"]
                )
            }
        }
        #expect(ids.count == 3)
        #expect(ids[1] == ids[0] + 1 && ids[2] == ids[1] + 1)
    }

    @Test("a constraint violation is a constraint error, and the transaction left nothing behind")
    func errorsAreMapped() throws {
        try store.tamper("INSERT INTO t (id) VALUES ('x')")
        let error = #expect(throws: StoreError.self) {
            try store.write { db in
                try db.execute(sql: "INSERT INTO t (id) VALUES ('y')")
                try db.execute(sql: "INSERT INTO t (id) VALUES ('x')")
            }
        }
        #expect(error?.kind == .constraint)
        #expect(try store.scalar("SELECT COUNT(*) FROM t") == 1)
        // The failure left the engine usable: the same statement runs again with new values.
        let changed = try store.write { db in
            try db.prepare(sql: "INSERT INTO t (id) VALUES (?)").execute(arguments: ["z"])
        }
        #expect(changed == 1)
    }

    @Test("a failing row among many prepared inserts fails the whole transaction, whenever it is sent")
    func failingRowInABatch() throws {
        let error = #expect(throws: StoreError.self) {
            try store.write { db in
                let insert = try db.prepare(sql: "INSERT INTO t (id, n) VALUES (?, ?)")
                for index in 0..<1_200 {
                    try insert.execute(arguments: [String(index % 1_100), Int64(index)])
                }
            }
        }
        #expect(error?.kind == .constraint)
        #expect(try store.scalar("SELECT COUNT(*) FROM t") == 0)
        // The engine is usable afterwards, and reads what a transaction's earlier inserts wrote.
        let read = try store.write { db in
            let insert = try db.prepare(sql: "INSERT INTO t (id, n) VALUES (?, ?)")
            for index in 0..<1_234 {
                try insert.execute(arguments: [String(index), Int64(index)])
            }
            return try db.fetchOne(Int64.self, sql: "SELECT SUM(n) FROM t")
        }
        #expect(read == Int64(1_233 * 1_234 / 2))
    }

    @Test(
        "a value of the wrong type, edited into SQLite behind campaignctl's back, is an error, not a crash",
        .enabled(if: !TestEngine.isPostgres, "PostgreSQL's columns refuse the edit itself")
    )
    func wrongTypeIsAnError() throws {
        try store.tamper("INSERT INTO t (id, n) VALUES ('x', 'cheap')")
        let error = #expect(throws: StoreError.self) {
            try store.read { db in try db.fetchOne(Int64.self, sql: "SELECT n FROM t") }
        }
        #expect(error?.kind == .corrupt)
        #expect(error?.message == "column 'n' holds text, where Int64 was expected (edited by hand?)")
    }

    @Test("a transaction that asks to roll back leaves nothing")
    func rollback() throws {
        let value: Int = try store.writeOrRollback { db in
            try db.execute(sql: "INSERT INTO t (id) VALUES ('r')")
            return (7, commit: false)
        }
        #expect(value == 7)
        #expect(try store.scalar("SELECT COUNT(*) FROM t") == 0)
    }
}
