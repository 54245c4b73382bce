import Foundation
import TestSupport
import Testing

@testable import CampaignCore

/// SQLite's secure delete (on in Debian's build, which zeroes every byte a page frees) is off only for a transaction
/// that says the bytes it frees are public (a catalog import), and back to its former value after it, whether the
/// transaction committed, rolled back or failed: every other write still wipes what it deletes.
@Suite(.enabled(if: !TestEngine.isPostgres, "SQLite's secure delete"))
struct SecureDeleteTests {
    let folder: TemporaryDirectory
    let store: CampaignStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try CampaignStore.open(at: folder.path("workspace.sqlite"), context: .test())
        // On whatever the library's default (macOS builds have it off).
        try store.writeOrRollback { db in (try db.execute(sql: "PRAGMA secure_delete = ON"), commit: true) }
    }

    /// The writing connection's setting, read inside a transaction of the given kind.
    private func secureDelete(publicBytes: Bool = false, commit: Bool = true) throws -> Int64? {
        try store.writeOrRollback(freedBytesArePublic: publicBytes) { db in
            (try db.fetchOne(Int64.self, sql: "PRAGMA secure_delete"), commit: commit)
        }
    }

    private struct Failure: Error {}

    @Test func onlyATransactionOfPublicBytesRunsWithoutIt() throws {
        #expect(try secureDelete() == 1)
        #expect(try secureDelete(publicBytes: true) == 0)
        #expect(try secureDelete() == 1)
        #expect(try secureDelete(publicBytes: true, commit: false) == 0)
        #expect(try secureDelete() == 1)
    }

    @Test func aFailedTransactionPutsItBack() throws {
        #expect(throws: Failure.self) {
            try store.writeOrRollback(freedBytesArePublic: true) { _ -> (Int, commit: Bool) in throw Failure() }
        }
        #expect(try secureDelete() == 1)
    }

    @Test func aCatalogImportLeavesItOnForTheWritesAfter() throws {
        let feed = try FeedBuilder(count: 300).write(to: folder, as: "feed.xml")
        let report = try store.importFeed(at: feed, options: ImportOptions(catalog: "shop"))
        #expect(report.added == 300)
        #expect(try secureDelete() == 1)
        let day2 = try FeedBuilder(count: 300, price: "11.00 EUR").write(to: folder, as: "day2.xml")
        #expect(try store.importFeed(at: day2, options: ImportOptions(catalog: "shop")).changed == 300)
        #expect(try secureDelete() == 1)
    }

    @Test func itStaysOffWhenItWasOff() throws {
        try store.writeOrRollback { db in (try db.execute(sql: "PRAGMA secure_delete = OFF"), commit: true) }
        #expect(try secureDelete(publicBytes: true) == 0)
        #expect(try secureDelete() == 0)
    }
}
