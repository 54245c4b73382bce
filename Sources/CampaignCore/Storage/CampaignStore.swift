import Foundation
import GRDB

/// The workspace's database: catalogs, campaigns, approvals and the audit log.
///
/// Every public write method is exactly one transaction. No GRDB type appears in the public API,
/// so that a PostgreSQL backend can slot in behind the same interface.
public struct CampaignStore: Sendable {
    let writer: any DatabaseWriter
    /// The clock, ids and logger.
    public let context: CoreContext
    /// Where the database lives, for messages (`:memory:` for in-memory stores).
    public let location: String

    init(_ writer: any DatabaseWriter, context: CoreContext, location: String) throws {
        self.writer = writer
        self.context = context
        self.location = location
        do {
            try Self.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw StoreError(wrapping: error)
        }
        let applied = try Self.mapErrors { try writer.read { db in try Self.migrator.appliedIdentifiers(db) } }
        let known = Set(Self.migrator.migrations)
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw StoreError(kind: .schemaTooNew, message: "unknown migration '\(unknown)' in \(location)")
        }
    }

    /// Opens (or creates) the SQLite database at `path`, in WAL mode, and migrates it.
    public static func open(at path: String, context: CoreContext) throws -> CampaignStore {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // NORMAL is durable in WAL mode except for the last transactions on power loss,
            // and it keeps large imports fast.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
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

    /// Runs `body` in one write transaction; database errors become ``StoreError``.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.mapErrors { try writer.write(body) }
    }

    /// Runs `body` in a transaction that commits only when `body` says so.
    func writeOrRollback<T>(_ body: (Database) throws -> (T, commit: Bool)) throws -> T {
        try Self.mapErrors {
            try writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    let (value, commit) = try body(db)
                    result = value
                    return commit ? .commit : .rollback
                }
                guard let result else {
                    throw StoreError(kind: .other, message: "transaction produced no result")
                }
                return result
            }
        }
    }

    /// Runs `body` with a read-only connection.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.mapErrors { try writer.read(body) }
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
