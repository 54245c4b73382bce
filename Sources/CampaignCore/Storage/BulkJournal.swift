import GRDB
import Logging

/// Runs one very large SQLite transaction (a catalog's first import) with a rollback journal instead of the WAL, when no
/// other connection has the file open, and puts the file back in WAL mode afterwards.
///
/// SQLite's own advice (<https://www.sqlite.org/wal.html>, "Disadvantages"): WAL does not work well for very large
/// transactions; above about 100 MB a rollback journal is likely faster, and one should be used for transactions
/// larger than a few dozen megabytes. A million-item import writes 1.8 GB. Through the WAL, every page is written
/// twice (to the WAL, then, at the commit, copied into the file), and the commit first re-reads the whole WAL to
/// recompute its checksums (a transaction that rewrites a frame in place, as a B-tree's balancing does, makes SQLite
/// re-checksum from that frame on): the last 3–4 s of such an import ran on one core. With a rollback journal the new
/// pages go straight into the file (pages added past its end need no journal), and only the pages the import changes
/// are first copied to the journal. That is why only a catalog's first import, which mostly appends pages, takes this
/// path: a re-import mostly changes pages in place, which a rollback journal writes twice as the WAL does.
///
/// The change is invisible to the data: the transaction is as atomic either way (a crash leaves a hot journal that the
/// next connection rolls back before it reads), and it runs with `synchronous = FULL`, which SQLite requires for a
/// rollback journal to be safe from corruption on power loss (`NORMAL` suffices for the WAL only).
///
/// What it costs: leaving WAL mode needs every other connection to the file closed, and while the transaction runs,
/// other processes cannot read the database (in WAL mode they could read the state before the import). So the switch
/// is tried without waiting: when another connection has the file open, the import goes through the WAL as before, and
/// says so in the log. Another `campaignctl` started during a large import waits for it (the busy timeout), as it
/// would to write.
enum BulkJournal {
    /// The connection's state before ``enter(_:logger:)``, to restore.
    struct Saved {
        var busyTimeout: Int
        var synchronous: Int
    }

    /// Switches `db` (the pool's writer, outside any transaction) to a rollback journal; `nil` when another connection
    /// holds the file (nothing changed then).
    static func enter(_ db: Database, logger: Logger) throws -> Saved? {
        let saved = Saved(
            busyTimeout: try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0,
            synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 1
        )
        // Leaving WAL mode needs an exclusive lock: fail at once rather than wait for a connection that may stay open.
        try db.execute(sql: "PRAGMA busy_timeout = 0")
        defer { try? db.execute(sql: "PRAGMA busy_timeout = \(saved.busyTimeout)") }
        let mode: String?
        do {
            mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
        {
            logger.notice("another connection has the database open: this import writes through the WAL")
            return nil
        }
        guard mode == "delete" else {
            logger.notice("the database stays in journal mode \(mode ?? "unknown") for this import")
            return nil
        }
        do {
            try db.execute(sql: "PRAGMA synchronous = FULL")
        } catch {
            leave(db, restoring: saved, logger: logger)
            throw error
        }
        return saved
    }

    /// Puts `db` back in WAL mode with its former settings, after the transaction (committed or not).
    ///
    /// Waits for other connections as long as the busy timeout allows. If the file still cannot go back (another
    /// process is reading it), it is left with its rollback journal, which is consistent, and the next connection that
    /// opens the workspace puts it back in WAL mode (every `CampaignStore.open` does).
    static func leave(_ db: Database, restoring saved: Saved, logger: Logger) {
        do {
            try db.execute(sql: "PRAGMA synchronous = \(saved.synchronous)")
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            if mode != "wal" {
                logger.warning("the database could not go back to WAL mode (\(mode ?? "unknown")); the next open will")
            }
        } catch {
            logger.warning("the database could not go back to WAL mode (\(error)); the next open will")
        }
    }
}
