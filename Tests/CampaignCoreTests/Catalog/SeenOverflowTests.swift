import FeedImport
import Foundation
import TestSupport
import Testing

@testable import CampaignCore

/// Imports whose ids do not all fit in memory: past `keysInMemory` they go to a temporary table (SQLite), and the
/// import must find duplicates, rejected items and unlisted products exactly as when every id is in memory. Three ids
/// in memory here, so most of each feed lands in the table.
@Suite struct SeenOverflowTests {
    let folder: TemporaryDirectory
    let store: CampaignStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try TestEngine.openStore(folder, file: "test.sqlite", context: .test())
    }

    /// Three ids in memory; the rest go to the table.
    private func options(dryRun: Bool = false) -> ImportOptions {
        var options = ImportOptions(catalog: "shop", dryRun: dryRun)
        options.keysInMemory = 3
        return options
    }

    private func importFeed(_ feed: FeedBuilder, name: String = "feed.xml", dryRun: Bool = false) throws -> ImportReport
    {
        try store.importFeed(at: feed.write(to: folder, as: name), options: options(dryRun: dryRun))
    }

    @Test func duplicatesAreFoundWhereverTheirCopiesAreKept() throws {
        var items = (0..<12).map { FeedBuilder.Item("SKU-\($0)") }
        items[8].id = "sku-1"  // the first copy is in memory, the second past it
        items[10].id = "SKU-6"  // both copies past it
        items[11].id = "SKU-6"  // and a third
        let report = try importFeed(FeedBuilder(items))
        #expect(report.read == 12)
        #expect(report.added == 7)
        #expect(report.rejected == 5)
        let duplicates = report.diagnostics.filter { $0.code == "duplicate_id" }
        #expect(duplicates.compactMap(\.itemID).sorted() == ["SKU-1", "SKU-6", "SKU-6", "SKU-6", "sku-1"])
        #expect(Set(duplicates.map(\.line)).count == 5)
        // Each copy names the line of another copy, kept in memory or in the table.
        for diagnostic in duplicates {
            let others = duplicates.filter { other in
                other.itemID?.lowercased() == diagnostic.itemID?.lowercased() && other.line != diagnostic.line
            }
            #expect(others.contains { diagnostic.message.contains("at line \($0.line) (") })
        }
        let stored = Set(try store.products(catalog: "shop").map(\.id))
        #expect(stored == Set(["SKU-0", "SKU-2", "SKU-3", "SKU-4", "SKU-5", "SKU-7", "SKU-9"]))
    }

    /// The table is read a batch (64 items) at a time: copies in different batches are found too.
    @Test func duplicatesInDifferentBatchesAreFound() throws {
        var items = (0..<200).map { FeedBuilder.Item("SKU-\($0)") }
        items[150].id = "SKU-10"
        items[199].id = "SKU-10"
        let report = try importFeed(FeedBuilder(items))
        #expect((report.added, report.rejected) == (197, 3))
        let duplicates = report.diagnostics.filter { $0.code == "duplicate_id" }
        #expect(duplicates.compactMap(\.itemID) == ["SKU-10", "SKU-10", "SKU-10"])
        #expect(try store.products(catalog: "shop").contains { $0.id == "SKU-10" } == false)
        // A re-import lists every key again, each looked up in the table by its batch.
        let again = try importFeed(FeedBuilder(items), name: "again.xml")
        #expect((again.unchanged, again.rejected, again.removed) == (197, 3, 0))
    }

    @Test func aReimportFindsExactlyTheUnlistedProducts() throws {
        _ = try importFeed(FeedBuilder(count: 10))
        var next = FeedBuilder(count: 10)
        next.items[7].price = "12.50 EUR"  // changed, past the memory budget
        next.items.remove(at: 8)  // removed
        next.items[2].price = ""  // rejected: the stored version stays, flagged, and is not removed
        next.items.append(FeedBuilder.Item("SKU-42"))  // added
        let report = try importFeed(next, name: "day2.xml")
        #expect((report.added, report.changed, report.removed, report.unchanged) == (1, 1, 1, 7))
        #expect(report.rejected == 1)
        let diff = try store.importDiff(importID: try #require(report.importID))
        #expect(diff.map { "\($0.change) \($0.productID)" } == ["added SKU-42", "changed SKU-7", "removed SKU-8"])
        let kept = try store.product(catalog: "shop", id: "SKU-2")
        #expect(kept.status == "active")
        #expect(kept.rejectedImportID == report.importID)
        // The same feed again: nothing changes, nothing is removed.
        let again = try importFeed(next, name: "day3.xml")
        #expect((again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 9))
    }

    /// The table lives in the import's transaction: a dry run, a failed import and a finished one each leave none
    /// behind, so the next import can make its own.
    @Test func everyImportStartsWithoutATable() throws {
        let dry = try importFeed(FeedBuilder(count: 6), dryRun: true)
        #expect(dry.added == 6)
        let cut = String(FeedBuilder(count: 50).xml.prefix(4_000))
        #expect(throws: FeedImportError.self) {
            _ = try store.importFeed(at: try folder.write("truncated.xml", cut), options: options())
        }
        #expect(try importFeed(FeedBuilder(count: 6)).added == 6)
        #expect(try importFeed(FeedBuilder(count: 6)).unchanged == 6)
        #expect(try store.products(catalog: "shop").count == 6)
    }
}
