import FeedImport
import Foundation
import TestSupport
import Testing

@testable import CampaignCore

/// A catalog's first import runs with a rollback journal when it has the SQLite file to itself, and through the WAL
/// when another connection has it open or when the catalog already has products; either way the file is back in WAL
/// mode afterwards, and a failed import leaves nothing behind.
@Suite(.enabled(if: !TestEngine.isPostgres, "SQLite's journal modes"))
struct BulkJournalTests {
    let folder: TemporaryDirectory
    let path: String

    init() throws {
        folder = try TemporaryDirectory()
        path = folder.path("workspace.sqlite")
    }

    /// Bytes in the WAL file (0 when there is none).
    private func walSize() -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
        return (attributes?[.size] as? Int) ?? 0
    }

    private func journalMode(_ store: CampaignStore) throws -> String? {
        try store.scalar("PRAGMA journal_mode")
    }

    private func importFeed(_ store: CampaignStore, _ feed: FeedBuilder, as name: String) throws -> ImportReport {
        try store.importFeed(at: feed.write(to: folder, as: name), options: ImportOptions(catalog: "shop"))
    }

    @Test func anImportWithTheFileToItselfWritesNoWALAndLeavesWALMode() throws {
        let store = try CampaignStore.open(at: path, context: .test())
        // Creating the workspace went through the WAL.
        #expect(walSize() > 0)
        let report = try importFeed(store, FeedBuilder(count: 400), as: "feed.xml")
        #expect(report.added == 400)
        // The pages went straight into the file: the WAL, made anew when the file went back to WAL mode, is empty.
        #expect(walSize() == 0)
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
        #expect(try journalMode(store) == "wal")
        #expect(try store.products(catalog: "shop").count == 400)
        // Every other write still goes through the WAL, a re-import of the catalog included.
        try store.tamper("UPDATE product SET title = title || '!' WHERE product_id = 'SKU-1'")
        #expect(walSize() > 0)
        #expect(try journalMode(store) == "wal")
        let walBefore = walSize()
        let day2 = try importFeed(store, FeedBuilder(count: 400, price: "11.00 EUR"), as: "day2.xml")
        #expect(day2.changed == 400)
        #expect(walSize() > walBefore)
        // Another catalog's first import takes the rollback journal again.
        let other = try store.importFeed(
            at: FeedBuilder(count: 50).write(to: folder, as: "other.xml"),
            options: ImportOptions(catalog: "other")
        )
        #expect(other.added == 50)
        #expect(walSize() == 0)
        #expect(try journalMode(store) == "wal")
    }

    @Test func anotherConnectionKeepsTheImportOnTheWALAndSeesItsResult() throws {
        let store = try CampaignStore.open(at: path, context: .test())
        // Another process's workspace, open and read: it holds the file, so the import cannot leave WAL mode.
        let other = try CampaignStore.open(at: path, context: .test())
        #expect(try other.catalogs().isEmpty)
        let report = try importFeed(store, FeedBuilder(count: 400), as: "feed.xml")
        #expect(report.added == 400)
        #expect(walSize() > 0)
        #expect(try journalMode(store) == "wal")
        #expect(try other.products(catalog: "shop").count == 400)
    }

    @Test func aFailedFirstImportLeavesTheWorkspaceNoJournalAndWALMode() throws {
        let store = try CampaignStore.open(at: path, context: .test())
        _ = try store.importFeed(
            at: FeedBuilder(count: 2000).write(to: folder, as: "first.xml"),
            options: ImportOptions(catalog: "first")
        )
        let before: String? = try store.scalar("SELECT group_concat(content_hash, ',') FROM product")
        // A first import of the catalog "shop", cut off after most of its items were written.
        let changed = FeedBuilder(count: 2000, price: "99.00 EUR").xml
        let cut = try folder.write("truncated.xml", String(changed.prefix(changed.utf8.count * 9 / 10)))
        #expect(throws: FeedImportError.self) {
            _ = try store.importFeed(at: cut, options: ImportOptions(catalog: "shop"))
        }
        #expect(try store.scalar("SELECT group_concat(content_hash, ',') FROM product") == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
        #expect(try journalMode(store) == "wal")
        #expect(try store.scalar("PRAGMA integrity_check") == "ok")
        #expect(try store.catalogs().map(\.activeProducts) == [2000, 0])
        // A dry run rolls back the same way.
        let dry = try store.importFeed(
            at: FeedBuilder(count: 2000, price: "99.00 EUR").write(to: folder, as: "dry.xml"),
            options: ImportOptions(catalog: "shop", dryRun: true)
        )
        #expect(dry.added == 2000)
        #expect(try store.scalar("SELECT group_concat(content_hash, ',') FROM product") == before)
        #expect(try journalMode(store) == "wal")
    }
}
