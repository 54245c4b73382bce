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
}
