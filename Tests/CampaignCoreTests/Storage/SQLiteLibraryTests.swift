import GRDB
import GRDBSQLite
import TestSupport
import Testing

@testable import CampaignCore

/// SQLite runs in multi-thread mode: a connection takes no mutex on each call (GRDB serializes its use).
@Suite("SQLite library settings")
struct SQLiteLibraryTests {
    @Test("connections of a SQLite store are opened without a per-connection mutex")
    func noConnectionMutex() throws {
        let folder = try TemporaryDirectory()
        let store = try CampaignStore.open(at: folder.path("workspace.sqlite"), context: .test())
        #expect(SQLiteLibrary.isConfigured)
        try store.write { connection in
            let sqlite = try #require(connection as? CampaignCore.SQLiteConnection)
            // sqlite3_db_mutex is NULL exactly when the connection was opened in multi-thread mode.
            #expect(sqlite3_db_mutex(sqlite.db.sqliteConnection) == nil)
        }
        let memory = try CampaignStore.inMemory(context: .test())
        try memory.write { connection in
            let sqlite = try #require(connection as? CampaignCore.SQLiteConnection)
            #expect(sqlite3_db_mutex(sqlite.db.sqliteConnection) == nil)
        }
    }

    @Test("a new SQLite store has 16 KiB pages; an existing file keeps its own and still opens")
    func pageSize() throws {
        let folder = try TemporaryDirectory()
        let store = try CampaignStore.open(at: folder.path("new.sqlite"), context: .test())
        #expect(try store.read { try $0.fetchOne(Int.self, sql: "PRAGMA page_size", arguments: []) } == 16_384)
        let oldPath = folder.path("old.sqlite")
        let old = try DatabaseQueue(path: oldPath)
        try old.write { db in
            try db.execute(sql: "PRAGMA page_size = 4096")
            try db.execute(sql: "CREATE TABLE kept (id INTEGER PRIMARY KEY)")
        }
        try old.close()
        let reopened = try CampaignStore.open(at: oldPath, context: .test())
        #expect(try reopened.read { try $0.fetchOne(Int.self, sql: "PRAGMA page_size", arguments: []) } == 4096)
        #expect(try reopened.read { try $0.fetchOne(Int.self, sql: "SELECT count(*) FROM kept", arguments: []) } == 0)
    }
}
