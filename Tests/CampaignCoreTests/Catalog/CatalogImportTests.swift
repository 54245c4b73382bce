import CampaignCore
import Crypto
import FeedImport
import Foundation
import TestSupport
import Testing

@Suite struct CatalogImportTests {
    let folder: TemporaryDirectory
    let store: CampaignStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try TestEngine.openStore(folder, file: "test.sqlite", context: .test())
    }

    private func importFeed(
        _ feed: FeedBuilder,
        name: String = "feed.xml",
        options: ImportOptions = ImportOptions(catalog: "shop")
    ) throws -> ImportReport {
        try store.importFeed(at: feed.write(to: folder, as: name), options: options)
    }

    /// Everything observable about the catalog, to prove that a refused import changed nothing.
    private func snapshot() throws -> String {
        let products = try store.products(catalog: "shop", includeRemoved: true)
        return products.map { "\($0.id) \($0.status) \($0.contentHash) \($0.changedImportID)" }.joined(separator: "\n")
    }

    @Test func firstImportAddsEveryValidItem() throws {
        let started = ContinuousClock.now
        let report = try importFeed(FeedBuilder(count: 5))
        let wall = ContinuousClock.now - started
        // Timed up to the end of the commit, within the call.
        #expect(report.seconds > 0)
        #expect(Duration.seconds(report.seconds) <= wall)
        #expect(report.read == 5)
        #expect(report.added == 5)
        #expect(report.stored == 5)
        #expect(report.rejected == 0)
        #expect(report.errors == 0)
        #expect(report.importID == 1)
        #expect(try store.products(catalog: "shop").map(\.id) == ["SKU-0", "SKU-1", "SKU-2", "SKU-3", "SKU-4"])
        #expect(report.sha256.count == 64)
    }

    @Test func theImportRecordsTheSHA256OfTheFileItRead() throws {
        // About 5 MB (a comment pads each item): read in many chunks, more than the hashing thread's buffers hold.
        var feed = FeedBuilder(count: 2_000)
        for index in feed.items.indices {
            feed.items[index].extra = "<!-- \(String(repeating: "padding ", count: 250)) -->"
        }
        let path = try feed.write(to: folder, as: "feed.xml")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count > 4_000_000)
        let report = try store.importFeed(at: path, options: ImportOptions(catalog: "shop"))
        #expect(report.read == 2_000)
        #expect(report.sha256 == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        #expect(try store.imports(catalog: "shop").first?.sha256 == report.sha256)
    }

    @Test func reimportAppliesOnlyTheDiffAndDoesNotRewriteUnchangedProducts() throws {
        _ = try importFeed(FeedBuilder(count: 4))
        var next = FeedBuilder(count: 4)
        next.items[1].price = "12.50 EUR"  // changed
        next.items.remove(at: 3)  // removed
        next.items.append(FeedBuilder.Item("SKU-9"))  // added
        let report = try importFeed(next, name: "day2.xml")
        #expect((report.added, report.changed, report.removed, report.unchanged) == (1, 1, 1, 2))
        let diff = try store.importDiff(importID: try #require(report.importID))
        #expect(diff.map { "\($0.change) \($0.productID)" } == ["changed SKU-1", "removed SKU-3", "added SKU-9"])
        #expect(diff[0].fields == [.init(attribute: "price", before: "10.00 EUR", after: "12.50 EUR")])
        // Unchanged products keep the import that last wrote them.
        #expect(try store.product(catalog: "shop", id: "SKU-0").changedImportID == 1)
        #expect(try store.product(catalog: "shop", id: "SKU-1").changedImportID == 2)
        #expect(try store.product(catalog: "shop", id: "SKU-3").status == "removed")
        #expect(try store.product(catalog: "shop", id: "SKU-1").priceMicros == 12_500_000)
    }

    @Test func removedProductsStayInHistoryAndCanComeBack() throws {
        _ = try importFeed(FeedBuilder(count: 3))
        _ = try importFeed(FeedBuilder(count: 2))
        let back = try importFeed(FeedBuilder(count: 3))
        #expect(back.added == 1)
        let history = try store.productHistory(catalog: "shop", id: "SKU-2")
        #expect(history.map(\.change) == ["added", "removed", "added"])
        #expect(history.map(\.importID) == [1, 2, 3])
        #expect(history[1].beforeJSON?.contains("\"id\":\"SKU-2\"") == true)
    }

    @Test func anItemWithErrorsKeepsThePreviousGoodVersionFlagged() throws {
        _ = try importFeed(FeedBuilder(count: 2))
        var broken = FeedBuilder(count: 2)
        broken.items[0].price = ""
        let report = try importFeed(broken)
        #expect(report.rejected == 1)
        #expect(report.unchanged == 1)
        #expect(report.removed == 0)
        let kept = try store.product(catalog: "shop", id: "SKU-0")
        #expect(kept.priceMicros == 10_000_000)
        #expect(kept.status == "active")
        #expect(kept.rejectedImportID == report.importID)
        #expect(report.diagnostics.contains { $0.code == "previous_version_kept" && $0.itemID == "SKU-0" })
        // Fixed the next day (same content as stored): the flag goes away without a rewrite.
        let fixed = try importFeed(FeedBuilder(count: 2))
        #expect(fixed.unchanged == 2)
        #expect(try store.product(catalog: "shop", id: "SKU-0").rejectedImportID == nil)
    }

    @Test func everyCopyOfADuplicatedIdIsRejectedEvenWhenCaseDiffers() throws {
        _ = try importFeed(FeedBuilder([.init("A", price: "5.00 EUR"), .init("B")]))
        let feed = FeedBuilder([.init("A", price: "6.00 EUR"), .init("B"), .init("a", price: "7.00 EUR")])
        let report = try importFeed(feed)
        #expect(report.rejected == 2)
        #expect(report.changed == 0)
        #expect(report.unchanged == 1)
        let duplicates = report.diagnostics.filter { $0.code == "duplicate_id" }
        #expect(duplicates.map(\.itemID) == ["A", "a"])
        #expect(duplicates.allSatisfy { $0.severity == "error" })
        #expect(Set(duplicates.map(\.line)).count == 2)
        // The stored version is the previous one, flagged; nothing ambiguous reaches a campaign.
        let stored = try store.product(catalog: "shop", id: "A")
        #expect(stored.priceMicros == 5_000_000)
        #expect(stored.rejectedImportID == report.importID)
        #expect(try store.productHistory(catalog: "shop", id: "A").map(\.change) == ["added"])
    }

    /// Batches of 64 are validated on two threads in turn; whatever thread finishes first, the store applies them in
    /// feed order: the report lists diagnostics in feed order, and a duplicate is found whichever batches hold its
    /// copies.
    @Test func itemsAcrossManyBatchesReachTheStoreInFeedOrder() throws {
        let batch = 64
        var items = (0..<(batch * 5 + 10)).map { FeedBuilder.Item("SKU-\($0)") }
        // One broken price in each batch after the first, alternately on either validating thread; the last batch
        // is partial.
        let broken = [batch + 5, 2 * batch + 1, 3 * batch + 60, 4 * batch + 9]
        for index in broken {
            items[index].price = "not a price"
        }
        items[3 * batch + 7].id = "SKU-3"  // the fourth batch repeats an id of the first
        let report = try importFeed(FeedBuilder(items))

        #expect(report.read == items.count)
        #expect(report.rejected == broken.count + 2)
        #expect(report.added == items.count - broken.count - 2)
        let stored = Set(try store.products(catalog: "shop").map(\.id))
        #expect(stored.count == items.count - broken.count - 2)
        #expect(!stored.contains("SKU-3"))
        #expect(stored.isDisjoint(with: broken.map { "SKU-\($0)" }))

        let priceErrors = report.diagnostics.filter { $0.severity == "error" && $0.code != "duplicate_id" }
        #expect(priceErrors.map(\.itemID) == broken.map { "SKU-\($0)" })
        let duplicates = report.diagnostics.filter { $0.code == "duplicate_id" }
        #expect(duplicates.map(\.itemID) == ["SKU-3", "SKU-3"])
    }

    @Test func aDuplicatedNewIdIsNotStoredAtAll() throws {
        let report = try importFeed(FeedBuilder([.init("X"), .init("Y"), .init("X")]))
        #expect(report.added == 1)
        #expect(report.rejected == 2)
        #expect(try store.products(catalog: "shop").map(\.id) == ["Y"])
    }

    @Test func anImportRemovingMoreThanHalfTheCatalogIsRefusedAndChangesNothing() throws {
        _ = try importFeed(FeedBuilder(count: 10))
        let before = try snapshot()
        #expect(
            throws: CatalogError.massRemovalRefused(
                catalog: "shop",
                source: folder.path("cut.xml"),
                removing: 6,
                of: 10
            )
        ) {
            _ = try importFeed(FeedBuilder(count: 4), name: "cut.xml")
        }
        #expect(try snapshot() == before)
        #expect(try store.imports(catalog: "shop").first?.outcome == "refused")
        // Exactly half is allowed; more needs the flag.
        let half = try importFeed(FeedBuilder(count: 5))
        #expect(half.removed == 5)
        let allowed = try importFeed(
            FeedBuilder(count: 1),
            options: ImportOptions(catalog: "shop", allowMassRemoval: true)
        )
        #expect(allowed.removed == 4)
    }

    @Test func removalsAreRecordedOnceEachAcrossManyAndLeaveOtherCatalogsAlone() throws {
        _ = try importFeed(FeedBuilder(count: 1_201))
        _ = try store.importFeed(
            at: FeedBuilder(count: 3, prefix: "OTHER").write(to: folder, as: "other.xml"),
            options: ImportOptions(catalog: "other")
        )
        let cut = try importFeed(
            FeedBuilder(count: 1),
            name: "cut.xml",
            options: ImportOptions(catalog: "shop", allowMassRemoval: true)
        )
        #expect((cut.removed, cut.unchanged) == (1_200, 1))
        let diff = try store.importDiff(importID: try #require(cut.importID))
        #expect(diff.allSatisfy { $0.change == "removed" })
        #expect(diff.count == 1_200)
        #expect(Set((1..<1_201).map { "SKU-\($0)" }).subtracting(diff.map(\.productID)).isEmpty)
        let history = try store.productHistory(catalog: "shop", id: "SKU-700")
        #expect(history.map(\.change) == ["added", "removed"])
        #expect(history[1].beforeJSON?.contains("\"id\":\"SKU-700\"") == true)
        // A removed product is not removed again by the next import; the other catalog is untouched.
        let again = try importFeed(FeedBuilder(count: 1), name: "again.xml")
        #expect((again.removed, again.unchanged) == (0, 1))
        #expect(try store.products(catalog: "other").count == 3)
        #expect(try store.products(catalog: "shop").count == 1)
        let summaries = try store.catalogs().map { ($0.name, $0.activeProducts, $0.removedProducts) }
        #expect(summaries.map(\.0) == ["other", "shop"])
        #expect(summaries.map(\.1) == [3, 1])
        #expect(summaries.map(\.2) == [0, 1_200])
    }

    @Test func aFatalErrorMidwayLeavesTheCatalogExactlyAsItWas() throws {
        _ = try importFeed(FeedBuilder(count: 3000))
        let before = try snapshot()
        // Every price changes, and the file is cut off well after the first items were applied.
        let changed = FeedBuilder(count: 3000, price: "99.00 EUR").xml
        let cut = String(changed.prefix(changed.utf8.count * 9 / 10))
        let path = try folder.write("truncated.xml", cut)
        let error = #expect(throws: FeedImportError.self) {
            _ = try store.importFeed(at: path, options: ImportOptions(catalog: "shop"))
        }
        guard case .malformedXML = error else {
            Issue.record("expected a malformed XML error, got \(String(describing: error))")
            return
        }
        #expect(try snapshot() == before)
        let runs = try store.imports(catalog: "shop")
        #expect(runs.first?.outcome == "failed")
        #expect(runs.first?.message?.contains("truncated.xml") == true)
        #expect(try store.diagnostics(catalog: "shop").isEmpty)
    }

    /// The disk fills up while items are being written (SQLite's page limit stands in for a full disk): the import
    /// fails with the store's I/O error, its worker threads stop with batches still in flight, and the catalog is
    /// exactly as it was.
    @Test(.enabled(if: !TestEngine.isPostgres, "SQLite's page limit stands in for a full disk"))
    func aFullDiskMidwayLeavesTheCatalogExactlyAsItWas() throws {
        _ = try importFeed(FeedBuilder(count: 500))
        let before = try snapshot()
        let pages: Int64 = try store.scalar("PRAGMA page_count") ?? 0
        try store.tamper("PRAGMA max_page_count = \(pages + 8)")
        let error = #expect(throws: StoreError.self) {
            _ = try importFeed(FeedBuilder(count: 3000, price: "12.00 EUR"))
        }
        #expect(error?.kind == .io)
        #expect(try snapshot() == before)
        #expect(try store.diagnostics(catalog: "shop").isEmpty)
        // Room again: the next import goes through, so nothing was left half-done.
        try store.tamper("PRAGMA max_page_count = 1073741823")
        let report = try importFeed(FeedBuilder(count: 3000, price: "12.00 EUR"))
        #expect((report.changed, report.added) == (500, 2500))
    }

    @Test func aDryRunStoresNothing() throws {
        _ = try importFeed(FeedBuilder(count: 2))
        let before = try snapshot()
        let report = try importFeed(
            FeedBuilder(count: 3, price: "1.00 EUR"),
            options: ImportOptions(catalog: "shop", dryRun: true)
        )
        #expect(report.importID == nil)
        #expect((report.added, report.changed) == (1, 2))
        #expect(try snapshot() == before)
        #expect(try store.imports(catalog: "shop").count == 1)
    }

    @Test func anUnreadableFeedIsRecordedAsAFailedImport() throws {
        #expect(throws: FeedImportError.self) {
            _ = try store.importFeed(at: folder.path("missing.xml"), options: ImportOptions(catalog: "shop"))
        }
        #expect(try store.imports(catalog: "shop").map(\.outcome) == ["failed"])
    }
}
