import Foundation
import GRDB
import Logging

/// The workspace's database: catalogs, campaigns, approvals and the audit log.
///
/// Every public write method is exactly one transaction. No GRDB type appears in the public API,
/// so that a PostgreSQL backend can slot in behind the same interface.
public struct CampaignStore: Sendable {
    /// The engine: a SQLite file (GRDB) or a PostgreSQL server.
    enum Engine: Sendable {
        case sqlite(any DatabaseWriter)
        case postgres(PostgresEngine)
    }

    let engine: Engine
    /// The clock, ids and logger.
    public let context: CoreContext
    /// Where the database lives, for messages (`:memory:` for in-memory stores; never a password).
    public let location: String

    init(_ writer: any DatabaseWriter, context: CoreContext, location: String) throws {
        self.engine = .sqlite(writer)
        self.context = context
        self.location = location
        do {
            try Self.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw StoreError(wrapping: error)
        }
        let applied = try Self.mapErrors { try writer.read { db in try Self.migrator.appliedIdentifiers(db) } }
        try Self.checkKnown(applied, location: location)
    }

    init(_ postgres: PostgresEngine, context: CoreContext) throws {
        self.engine = .postgres(postgres)
        self.context = context
        self.location = postgres.location
        let applied = try postgres.migrate(Self.migrations)
        try Self.checkKnown(applied, location: location)
    }

    private static func checkKnown(_ applied: some Sequence<String>, location: String) throws {
        let known = Set(Self.migrations.map(\.id))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw StoreError(kind: .schemaTooNew, message: "unknown migration '\(unknown)' in \(location)")
        }
    }

    /// Whether `location` names a database server (`postgres://…`) rather than a SQLite file.
    public static func isServerLocation(_ location: String) -> Bool {
        PostgresEngine.isURL(location)
    }

    /// Opens the workspace database `location` names: a `postgres://` URL (team mode; password from the URL
    /// or `PGPASSWORD`, `sslmode` and `schema` as query parameters) or the path of a SQLite file.
    public static func open(
        location: String,
        context: CoreContext,
        environment: [String: String]? = nil
    ) throws -> CampaignStore {
        if PostgresEngine.isURL(location) {
            return try CampaignStore(
                PostgresEngine(
                    url: location,
                    environment: environment ?? ProcessInfo.processInfo.environment,
                    logger: context.logger
                ),
                context: context
            )
        }
        let path = location.hasPrefix("sqlite:") ? String(location.dropFirst("sqlite:".count)) : location
        return try open(at: path, context: context)
    }

    /// Opens (or creates) the SQLite database at `path`, in WAL mode, and migrates it.
    public static func open(at path: String, context: CoreContext) throws -> CampaignStore {
        _ = SQLiteLibrary.isConfigured
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // NORMAL is durable in WAL mode except for the last transactions on power loss,
            // and it keeps large imports fast.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 16 KiB pages for a new file (an existing one keeps its own): a product row is about 2 KB, two of which
            // left a quarter of a 4 KiB page empty. The catalog file is a fifth smaller, so an import writes (to the
            // WAL, then to the file) a fifth less.
            try db.execute(sql: "PRAGMA page_size = 16384")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            return try CampaignStore(pool, context: context, location: path)
        } catch let error as DatabaseError {
            var wrapped = StoreError(wrapping: error)
            if wrapped.kind == .other || wrapped.kind == .io {
                wrapped = StoreError(kind: .cannotOpen, message: "\(path): \(error.message ?? "\(error)")")
            }
            throw wrapped
        }
    }

    /// A fresh in-memory database, for tests and previews.
    public static func inMemory(context: CoreContext) throws -> CampaignStore {
        _ = SQLiteLibrary.isConfigured
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        do {
            return try CampaignStore(
                DatabaseQueue(configuration: configuration),
                context: context,
                location: ":memory:"
            )
        } catch let error as DatabaseError {
            throw StoreError(wrapping: error)
        }
    }

    // MARK: - Access helpers (the only doors to the database)

    /// Which engine the store runs on.
    var backendKind: SQLBackendKind {
        switch engine {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// Runs `body` in one write transaction; writers are serialized, as SQLite's single writer is.
    @discardableResult
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let writer):
            try Self.mapErrors { try writer.write { db in try body(SQLiteConnection(db)) } }
        case .postgres(let postgres):
            try postgres.transaction(writing: true) { connection in (try body(connection), commit: true) }
        }
    }

    /// Runs `body` in a transaction that commits only when `body` says so.
    ///
    /// `bulk`: the transaction may append hundreds of megabytes (a catalog's first import). On a SQLite file that no
    /// other connection has open, it then runs with a rollback journal instead of the WAL (see ``BulkJournal``).
    ///
    /// `referencesAreKnown`: every row `body` writes refers only to rows it made or read in the same transaction (a
    /// catalog import: its catalog and its own import run). SQLite then does not look each reference up again
    /// (`PRAGMA foreign_keys`, which only changes outside a transaction, is off for it, and back on after): those
    /// look-ups were a tenth of a catalog import's writing thread. PostgreSQL checks them as ever.
    ///
    /// `freedBytesArePublic`: nothing `body` deletes or moves needs wiping from the file (a catalog import: the feed's
    /// public product data, whose former versions its history keeps anyway). SQLite's `secure_delete`, which Debian's
    /// build turns on and which zeroes every byte a B-tree page frees (each cell a page split moves elsewhere, too), is
    /// then off for it, and back to its former value after, committed or not: the zeroing was 3 % of a first import's
    /// writing thread.
    func writeOrRollback<T>(
        bulk: Bool = false,
        referencesAreKnown: Bool = false,
        freedBytesArePublic: Bool = false,
        _ body: (any SQLConnection) throws -> (T, commit: Bool)
    ) throws -> T {
        switch engine {
        case .sqlite(let writer):
            try Self.mapErrors {
                let pool = bulk && sqliteFilePath != nil ? writer as? DatabasePool : nil
                // The pool's idle readers keep the file open (a WAL connection holds a shared lock until it closes).
                pool?.invalidateReadOnlyConnections()
                return try writer.writeWithoutTransaction { db in
                    let saved = try pool.flatMap { _ in try BulkJournal.enter(db, logger: context.logger) }
                    defer {
                        if let saved {
                            BulkJournal.leave(db, restoring: saved, logger: context.logger)
                        }
                    }
                    let relaxed = try referencesAreKnown && Bool.fetchOne(db, sql: "PRAGMA foreign_keys") == true
                    if relaxed {
                        try db.execute(sql: "PRAGMA foreign_keys = OFF")
                    }
                    defer {
                        if relaxed {
                            Self.checkForeignKeys(db, logger: context.logger)
                        }
                    }
                    let secureDelete = try freedBytesArePublic ? Int.fetchOne(db, sql: "PRAGMA secure_delete") : nil
                    if let secureDelete, secureDelete != 0 {
                        try db.execute(sql: "PRAGMA secure_delete = OFF")
                    }
                    defer {
                        if let secureDelete, secureDelete != 0 {
                            Self.restoreSecureDelete(secureDelete, db, logger: context.logger)
                        }
                    }
                    var result: T?
                    try db.inTransaction(.immediate) {
                        let (value, commit) = try body(SQLiteConnection(db))
                        result = value
                        return commit ? .commit : .rollback
                    }
                    guard let result else {
                        throw StoreError(kind: .other, message: "transaction produced no result")
                    }
                    return result
                }
            }
        case .postgres(let postgres):
            try postgres.transaction(writing: true, body)
        }
    }

    /// Turns SQLite's foreign-key checks back on for `db`, after a transaction that had them off. Outside a
    /// transaction the statement fails only on a broken connection; that is logged as an error.
    private static func checkForeignKeys(_ db: Database, logger: Logger) {
        do {
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        } catch {
            logger.error("SQLite's foreign-key checks could not be turned back on: \(error)")
        }
    }

    /// Puts SQLite's `secure_delete` back to `value` for `db`, after a transaction that had it off. A failure (only on
    /// a broken connection) is logged as an error.
    private static func restoreSecureDelete(_ value: Int, _ db: Database, logger: Logger) {
        do {
            try db.execute(sql: "PRAGMA secure_delete = \(value)")
        } catch {
            logger.error("SQLite's secure delete could not be turned back on: \(error)")
        }
    }

    /// The SQLite database file; `nil` for PostgreSQL and in-memory stores.
    var sqliteFilePath: String? {
        guard case .sqlite = engine, location != ":memory:" else {
            return nil
        }
        return location
    }

    /// The descriptor through which SQLite's writing connection reads and writes the database file, for the write-out
    /// pacer; `nil` when there is none or it cannot be found for certain.
    func sqliteDatabaseDescriptor() -> Int32? {
        guard case .sqlite(let writer) = engine, let path = sqliteFilePath else {
            return nil
        }
        return writer.writeWithoutTransaction { db in
            db.sqliteConnection.flatMap { WritebackPacer.databaseDescriptor(of: $0, path: path) }
        }
    }

    /// Runs `body` in a read-only transaction: one consistent snapshot.
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        switch engine {
        case .sqlite(let writer):
            try Self.mapErrors { try writer.read { db in try body(SQLiteConnection(db)) } }
        case .postgres(let postgres):
            try postgres.transaction(writing: false) { connection in (try body(connection), commit: true) }
        }
    }

    static func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError(wrapping: error)
        }
    }
}

extension StoreError {
    /// Wraps GRDB's error once, at the module edge. Statement arguments are never included.
    init(wrapping error: DatabaseError) {
        let message = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self.init(kind: .busy, message: message)
        case .SQLITE_CONSTRAINT:
            self.init(kind: .constraint, message: message)
        case .SQLITE_CANTOPEN, .SQLITE_NOTADB, .SQLITE_PERM, .SQLITE_READONLY:
            self.init(kind: .cannotOpen, message: message)
        case .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CORRUPT:
            self.init(kind: .io, message: message)
        default:
            self.init(kind: .other, message: message)
        }
    }
}

/// Timestamps as stored: ISO 8601 in UTC with milliseconds, which sort as text.
enum Timestamp {
    static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func date(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }
}
