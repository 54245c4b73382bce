import Foundation
import GRDB
import Testing

@testable import CampaignCore

@Suite("RawBinding")
struct RawBindingTests {
    private func table() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, blob BLOB, n INTEGER)")
        }
        return queue
    }

    @Test("empty texts and blobs stay empty, not NULL; nil binds NULL; a query reads them back")
    func roundTrip() throws {
        let queue = try table()
        try queue.write { db in
            let insert = RawBinding(
                try db.makeStatement(sql: "INSERT INTO t (id, name, blob, n) VALUES (?, ?, ?, ?)"),
                in: db
            )
            let rows: [(Int64, String?, Data?, Int64?)] = [
                (1, "", Data(), 0), (2, nil, nil, nil), (3, "Linge lavé 🛏", Data([0, 1, 2]), -7),
            ]
            for (id, name, blob, n) in rows {
                insert.bind(id, at: 1)
                insert.bind(name, at: 2)
                insert.bind(blob, at: 3)
                insert.bind(n, at: 4)
                #expect(try insert.execute() == 1)
            }
            let types = try String.fetchAll(db, sql: "SELECT typeof(name) || '/' || typeof(blob) FROM t ORDER BY id")
            #expect(types == ["text/blob", "null/null", "text/blob"])
            let select = RawBinding(try db.makeStatement(sql: "SELECT name, blob, n FROM t WHERE id = ?"), in: db)
            select.bind(3, at: 1)
            let row = try select.fetchFirst { ($0.text(0), $0.data(1), $0.int64(2), $0.isNull(0)) }
            #expect(row?.0 == "Linge lavé 🛏")
            #expect(row?.1 == Data([0, 1, 2]))
            #expect(row?.2 == -7)
            #expect(row?.3 == false)
            select.bind(99, at: 1)
            #expect(try select.fetchFirst { $0.int64(2) } == nil)
        }
    }

    @Test("a failing statement throws the engine's error, which the store maps like any other")
    func errorsAreMapped() throws {
        let queue = try table()
        try queue.write { db in
            let insert = RawBinding(try db.makeStatement(sql: "INSERT INTO t (id) VALUES (?)"), in: db)
            insert.bind(1, at: 1)
            try insert.execute()
            let error = #expect(throws: DatabaseError.self) { try insert.execute() }
            #expect(error.map { StoreError(wrapping: $0).kind } == .constraint)
            // The statement was reset: it runs again with new values.
            insert.bind(2, at: 1)
            #expect(try insert.execute() == 1)
        }
    }
}
