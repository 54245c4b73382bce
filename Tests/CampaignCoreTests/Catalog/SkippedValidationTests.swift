import FeedImport
import Foundation
import TestSupport
import Testing

@testable import CampaignCore

/// A re-import on a SQLite file does not validate again an item whose record is the one its active stored product was
/// validated from. The shortcut must change nothing: every import below runs on a file (with the shortcut) and in
/// memory (one connection, so without it), and both end with the same catalog, history, diagnostics and counts.
@Suite(.enabled(if: !TestEngine.isPostgres, "the shortcut runs on SQLite files"))
struct SkippedValidationTests {
    let folder: TemporaryDirectory
    /// Both stores' clock, which their validators read too.
    let clock = TestClock()
    let file: CampaignStore
    let memory: CampaignStore

    init() throws {
        folder = try TemporaryDirectory()
        file = try CampaignStore.open(at: folder.path("workspace.sqlite"), context: .test(clock))
        memory = try CampaignStore.inMemory(context: .test(clock))
    }

    /// Imports `feed` into both stores and checks they agree; returns the file store's report.
    @discardableResult
    private func importBoth(
        _ feed: FeedBuilder,
        profile: ValidationProfile = .google,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> ImportReport {
        let path = try feed.write(to: folder, as: "feed.xml")
        let options = ImportOptions(catalog: "shop", profile: profile, displayName: "feed.xml")
        let viaFile = try file.importFeed(at: path, options: options)
        let inMemory = try memory.importFeed(at: path, options: options)
        #expect(inMemory.validationsSkipped == 0, sourceLocation: sourceLocation)
        for (query, name) in Self.dumps {
            #expect(try dump(file, query) == dump(memory, query), "\(name) differ", sourceLocation: sourceLocation)
        }
        return viaFile
    }

    private func dump(_ store: CampaignStore, _ query: String) throws -> [String] {
        try store.read { db in try db.fetchAll(sql: query).map { row in try row[0] as String } }
    }

    static let dumps = [
        (
            """
            SELECT key || '|' || product_id || '|' || status || '|' || hex(content_hash) || '|'
                || ifnull(hex(source_hash), '-') || '|' || ifnull(hex(source_warnings), '-') || '|'
                || ifnull(source_valid_from, '-') || '|' || ifnull(source_valid_until, '-') || '|'
                || added_import_id || '|' || changed_import_id || '|'
                || ifnull(rejected_import_id, '-') || '|' || price_micros || '|' || attributes_json
            FROM product ORDER BY key
            """, "products"
        ),
        (
            """
            SELECT import_id || '|' || key || '|' || change || '|' || ifnull(hex(before_hash), '-') || '|'
                || ifnull(hex(after_hash), '-') || '|' || ifnull(before_json, '-')
            FROM product_history ORDER BY import_id, key, id
            """, "history"
        ),
        (
            """
            SELECT import_id || '|' || ifnull(item_id, '-') || '|' || line || '|' || code || '|' || severity || '|'
                || message
            FROM diagnostic ORDER BY id
            """, "diagnostics"
        ),
        (
            """
            SELECT outcome || '|' || items_read || '|' || added || '|' || changed || '|' || removed || '|' || unchanged
                || '|' || rejected || '|' || errors || '|' || warnings
            FROM import_run ORDER BY id
            """, "import runs"
        ),
    ]

    /// Ten days after the test clock's start.
    private static let soon = TestClock().now.addingTimeInterval(10 * 86_400).formatted(.iso8601)

    /// Ten plain items, one whose `expiration_date` is compared with the clock, one with a warning.
    private static func dayOne() -> FeedBuilder {
        var feed = FeedBuilder(count: 10)
        var expiring = FeedBuilder.Item("SKU-EXP")
        expiring.extra = "<g:expiration_date>\(soon)</g:expiration_date>"
        var warned = FeedBuilder.Item("SKU-WARN")
        warned.extra = "<g:label>old</g:label>"  // a retired Google Base attribute
        feed.items += [expiring, warned]
        return feed
    }

    @Test func reimportsSkipOnlyCleanUnchangedItemsAndEndAsFullValidationDoes() throws {
        let first = try importBoth(Self.dayOne())
        #expect(first.added == 12)
        #expect(first.warnings == 1)
        #expect(first.validationsSkipped == 0)
        // Stored with their record's fingerprint: every item, the one with a warning with it, the one whose outcome
        // depends on the clock with the times it holds (from 30 days before its date on).
        let fingerprinted: Int? = try file.scalar("SELECT count(*) FROM product WHERE source_hash IS NOT NULL")
        #expect(fingerprinted == 12)
        let bounded: Int? = try file.scalar(
            "SELECT count(*) FROM product WHERE source_valid_from IS NOT NULL OR source_valid_until IS NOT NULL"
        )
        #expect(bounded == 1)
        let warned: String? = try file.scalar("SELECT key FROM product WHERE source_warnings IS NOT NULL")
        #expect(warned == "sku-warn")

        // The same feed, with its lines shifted: every item is skipped; the warning is reported again, at its new line
        // (the dumps compare the diagnostics with a full validation's).
        var shifted = Self.dayOne()
        shifted.items[0].extra = "\n\n\n"
        let again = try importBoth(shifted)
        #expect(again.unchanged == 12)
        #expect(again.validationsSkipped == 12)
        #expect(again.warnings == 1)
        let lines: [Int] = try file.read { db in
            try db.fetchAll(sql: "SELECT line FROM diagnostic ORDER BY import_id").map { try $0[0] }
        }
        #expect(lines.count == 2 && lines[1] == lines[0] + 3)

        // Day 2: a price changes, an item goes, a duplicate of an unchanged item, a broken item, a new one.
        var dayTwo = Self.dayOne()
        dayTwo.items[1].price = "12.00 EUR"
        dayTwo.items.remove(at: 2)  // SKU-2
        dayTwo.items.append(dayTwo.items[2])  // SKU-3, twice
        dayTwo.items[3].price = "lots"  // SKU-4
        dayTwo.items.append(FeedBuilder.Item("SKU-NEW"))
        let second = try importBoth(dayTwo)
        #expect(second.changed == 1)
        #expect(second.removed == 1)
        #expect(second.added == 1)
        #expect(second.rejected == 3)
        // SKU-0, SKU-5 … SKU-9, SKU-EXP and SKU-WARN, and the first copy of SKU-3 (both copies are then rejected).
        #expect(second.validationsSkipped == 9)
        #expect(second.unchanged == 8)

        // Back to day 1: the removed item returns (validated, added), the flagged SKU-3 and SKU-4 are their stored
        // versions again (skipped, flags cleared), SKU-1 changes back.
        let third = try importBoth(Self.dayOne())
        #expect(third.added == 1)
        #expect(third.changed == 1)
        #expect(third.removed == 1)
        #expect(third.validationsSkipped == 10)
        let flagged: Int? = try file.scalar("SELECT count(*) FROM product WHERE rejected_import_id IS NOT NULL")
        #expect(flagged == 0)

        // Another profile validates everything again.
        let meta = try importBoth(Self.dayOne(), profile: .meta)
        #expect(meta.validationsSkipped == 0)
        #expect(meta.unchanged == 12)
    }

    @Test func rowsWithoutAFingerprintGetOneAtTheNextImport() throws {
        try importBoth(FeedBuilder(count: 20))
        // As a workspace made before fingerprints were stored.
        for store in [file, memory] {
            try store.tamper("UPDATE product SET source_hash = NULL")
        }
        let upgrade = try importBoth(FeedBuilder(count: 20))
        #expect(upgrade.unchanged == 20)
        #expect(upgrade.validationsSkipped == 0)
        let missing: Int? = try file.scalar("SELECT count(*) FROM product WHERE source_hash IS NULL")
        #expect(missing == 0)
        let next = try importBoth(FeedBuilder(count: 20))
        #expect(next.validationsSkipped == 20)
    }

    /// Stored warnings that cannot be read do not stop the warnings from being reported: the item is validated again,
    /// and its warnings stored anew.
    @Test func unreadableStoredWarningsMeanTheItemIsValidatedAgain() throws {
        try importBoth(Self.dayOne())
        for store in [file, memory] {
            try store.tamper("UPDATE product SET source_warnings = x'02' WHERE key = 'sku-warn'")
        }
        let report = try importBoth(Self.dayOne())
        #expect(report.validationsSkipped == 11)
        #expect(report.warnings == 1)
        #expect(report.diagnostics.contains { $0.itemID == "SKU-WARN" && $0.code == "deprecated_attribute" })
        let stored: Data? = try file.scalar("SELECT source_warnings FROM product WHERE key = 'sku-warn'")
        #expect(stored?.first == 1)
        #expect(try importBoth(Self.dayOne()).validationsSkipped == 12)
    }

    /// An outcome that depends on the clock is reused for as long as it holds: an `expiration_date` more than 30 days
    /// ahead is warned about, and skipped, until the clock is 30 days before it; then validated again, unwarned.
    @Test func anOutcomeThatDependsOnTheClockIsReusedOnlyWhileItHolds() throws {
        let date = clock.now.addingTimeInterval(40 * 86_400)
        var feed = FeedBuilder(count: 2)
        feed.items[1].extra = "<g:expiration_date>\(date.formatted(.iso8601))</g:expiration_date>"
        let first = try importBoth(feed)
        #expect(first.warnings == 1)
        let until: Int64? = try file.scalar("SELECT source_valid_until FROM product WHERE key = 'sku-1'")
        #expect(until == Int64(date.timeIntervalSince1970) - 30 * 86_400)

        clock.advance(by: 9 * 86_400)
        let before = try importBoth(feed)
        #expect(before.validationsSkipped == 2)
        #expect(before.warnings == 1)

        // One second past: 29 days, 23 hours, 59 minutes and 59 seconds ahead.
        clock.advance(by: 86_401)
        let after = try importBoth(feed)
        #expect(after.validationsSkipped == 1)
        #expect(after.warnings == 0)
        let from: Int64? = try file.scalar("SELECT source_valid_from FROM product WHERE key = 'sku-1'")
        #expect(from == until)
        #expect(try importBoth(feed).validationsSkipped == 2)

        // A clock set back before that instant validates the item again (and warns again).
        clock.advance(by: -2 * 86_400)
        let back = try importBoth(feed)
        #expect(back.validationsSkipped == 1)
        #expect(back.warnings == 1)
    }

    /// A stored fingerprint vouches for the record it came from only: a record changed in any way is validated.
    @Test func aChangedRecordIsValidatedEvenWithItsProductsFingerprintStored() throws {
        try importBoth(FeedBuilder(count: 3))
        var broken = FeedBuilder(count: 3)
        broken.items[0].link = "javascript:alert(1)"
        let report = try importBoth(broken)
        #expect(report.validationsSkipped == 2)
        #expect(report.rejected == 1)
        #expect(report.diagnostics.contains { $0.itemID == "SKU-0" && $0.severity == "error" })
    }
}
