import FeedImport
import Foundation
import TestSupport
import Testing

@testable import CampaignCore

/// A catalog import writes with SQLite's foreign-key checks off (its rows refer only to its own catalog and import
/// run). Every reference it writes must still be valid, and the checks must be back on for every later write, after a
/// first import, a re-import and a failed import alike.
@Suite(.enabled(if: !TestEngine.isPostgres, "SQLite's foreign-key checks"))
struct ImportReferencesTests {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    /// Every reference in the store is valid, and a write with a dangling one is refused.
    private func expectChecked(_ store: CampaignStore, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
    {
        let violations = try store.read { db in try db.fetchAll(sql: "PRAGMA foreign_key_check") }
        #expect(violations.isEmpty, "dangling references: \(violations.count)", sourceLocation: sourceLocation)
        #expect(throws: (any Error).self, sourceLocation: sourceLocation) {
            try store.tamper(
                """
                INSERT INTO product_history (catalog_id, import_id, key, product_id, change)
                VALUES (9999, 9999, 'ghost', 'ghost', 'added')
                """
            )
        }
    }

    @Test(arguments: [true, false])
    func importsLeaveEveryReferenceValidAndTheChecksOn(onFile: Bool) throws {
        let store =
            onFile
            ? try CampaignStore.open(at: folder.path("workspace.sqlite"), context: .test())
            : try CampaignStore.inMemory(context: .test())
        try expectChecked(store)
        let options = ImportOptions(catalog: "shop")
        let first = try store.importFeed(
            at: FeedBuilder(count: 300).write(to: folder, as: "day1.xml"),
            options: options
        )
        #expect(first.added == 300)
        try expectChecked(store)
        // Day 2: changed, removed and new products, each with its history.
        var day2 = FeedBuilder(count: 280, price: "12.00 EUR")
        day2.items += (0..<20).map { FeedBuilder.Item("NEW-\($0)") }
        let second = try store.importFeed(at: day2.write(to: folder, as: "day2.xml"), options: options)
        #expect(second.changed == 280 && second.removed == 20 && second.added == 20)
        try expectChecked(store)
        // A failed import (the file ends inside an item) rolls back, and leaves the checks on too.
        let cut = String(FeedBuilder(count: 50, price: "13.00 EUR").xml.dropLast(40))
        let path = folder.path("cut.xml")
        try cut.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try store.importFeed(at: path, options: options) }
        try expectChecked(store)
        // Another catalog's first import.
        _ = try store.importFeed(
            at: FeedBuilder(count: 10).write(to: folder, as: "other.xml"),
            options: ImportOptions(catalog: "other")
        )
        try expectChecked(store)
    }
}
