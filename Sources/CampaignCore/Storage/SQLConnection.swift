import Foundation

/// Which engine a connection talks to, for the few statements whose spelling differs.
enum SQLBackendKind: Sendable, Equatable {
    case sqlite
    case postgres
}

/// One database connection inside a transaction, whatever the engine: the store's only door to SQL.
///
/// Statements are written once, in the SQL both SQLite (3.39+) and PostgreSQL (13+) accept, with `?`
/// placeholders; the PostgreSQL connection numbers them. Errors leave as ``StoreError``.
protocol SQLConnection: AnyObject {
    var kind: SQLBackendKind { get }

    /// Runs a statement; returns the rows it changed.
    @discardableResult
    func execute(sql: String, arguments: SQLArguments) throws -> Int

    /// Runs a query and collects its rows.
    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow]

    /// Runs a query for its first row.
    func fetchOne(sql: String, arguments: SQLArguments) throws -> SQLRow?

    /// Runs a query and hands each row to `body` as it arrives; memory stays flat however many rows.
    func forEachRow(sql: String, arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws

    /// Runs an `INSERT` into a table whose key is an `id` integer and returns the new row's id.
    func insertReturningID(sql: String, arguments: SQLArguments) throws -> Int64

    /// Waits until every statement sent ahead (``SQLStatement/execute(reportingChanges:)``, batched inserts) is
    /// done, throwing the first failure.
    func finishPending() throws

    /// Prepares a statement run many times in a hot loop (catalog import, report ingest); the same SQL
    /// gets the same prepared statement again within a transaction.
    func prepare(sql: String) throws -> any SQLStatement
}

extension SQLConnection {
    @discardableResult
    func execute(sql: String) throws -> Int {
        try execute(sql: sql, arguments: [])
    }

    func fetchAll(sql: String) throws -> [SQLRow] {
        try fetchAll(sql: sql, arguments: [])
    }

    func fetchOne(sql: String) throws -> SQLRow? {
        try fetchOne(sql: sql, arguments: [])
    }

    /// The first column of every row.
    func fetchAll<T: SQLValueConvertible>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> [T] {
        try fetchAll(sql: sql, arguments: arguments).map { try $0[0] }
    }

    /// The first column of the first row; `nil` when there is no row or the value is NULL.
    func fetchOne<T: SQLValueConvertible>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> T? {
        guard let row = try fetchOne(sql: sql, arguments: arguments), !row.isNull(0) else {
            return nil
        }
        return try row[0] as T
    }
}

/// `?, ?, …`: `count` positional placeholders for a column list or an `IN (…)`.
func sqlPlaceholders(_ count: Int) -> String {
    Array(repeating: "?", count: count).joined(separator: ", ")
}

/// A statement prepared once and run many times, bound by position (from 1) like SQLite's C API.
protocol SQLStatement: AnyObject {
    func bind(_ value: String?, at parameter: Int32)
    func bind(_ value: Int64?, at parameter: Int32)
    func bind(_ value: Data?, at parameter: Int32)
    func bind(_ value: SQLValue, at parameter: Int32)
    /// Binds text the caller built as UTF-8 bytes (valid UTF-8 by construction), without making a `String` of it.
    func bind(utf8Text bytes: [UInt8], at parameter: Int32)
    /// Binds text held by a ``PinnedTexts`` until the statement has run: SQLite reads it in place instead of copying
    /// it; a server connection copies it, as any text.
    func bind(_ text: PinnedText, at parameter: Int32)

    /// Binds text or a blob for the next run only: bind it again before the run after. SQLite reads it from a buffer
    /// the statement keeps and reuses row after row, instead of allocating a copy of each value (which it frees when
    /// the value is bound again). After a run with staged values, every parameter of the statement is NULL, staged
    /// or not: a statement that stages values is bound in full before each run. A server connection binds it as any
    /// value.
    func bindStaged(_ value: String?, at parameter: Int32)
    /// The same, for text the caller built as UTF-8 bytes.
    func bindStaged(utf8Text bytes: [UInt8], at parameter: Int32)
    /// The same, for a blob.
    func bindStaged(_ value: Data?, at parameter: Int32)
    /// The same, for a SHA-256 value (a blob).
    func bindStaged(_ value: SHA256Value?, at parameter: Int32)

    /// Forgets every bound value, so that none still points to pinned text once its owner is gone.
    func clearBindings()

    /// Runs the statement with the values bound; returns the rows it changed.
    @discardableResult
    func execute() throws -> Int

    /// Runs the query with the values bound; its first row, or `nil`.
    func fetchFirst() throws -> SQLRow?

    /// Runs the statement, perhaps later: a server connection sends it and goes on, and hands the changed-row
    /// count to `changed` when the server answers (at the latest by ``SQLConnection/finishPending()``).
    func execute(reportingChanges changed: @escaping (Int) -> Void) throws
}

extension SQLStatement {
    func bindStaged(_ value: String?, at parameter: Int32) {
        bind(value, at: parameter)
    }

    func bindStaged(utf8Text bytes: [UInt8], at parameter: Int32) {
        bind(utf8Text: bytes, at: parameter)
    }

    func bindStaged(_ value: Data?, at parameter: Int32) {
        bind(value, at: parameter)
    }

    func bindStaged(_ value: SHA256Value?, at parameter: Int32) {
        bind(value?.data, at: parameter)
    }

    func execute(reportingChanges changed: @escaping (Int) -> Void) throws {
        changed(try execute())
    }

    func bind(_ arguments: SQLArguments) {
        for (index, value) in arguments.values.enumerated() {
            bind(value, at: Int32(index + 1))
        }
    }

    @discardableResult
    func execute(arguments: SQLArguments) throws -> Int {
        bind(arguments)
        return try execute()
    }

    func fetchFirst(arguments: SQLArguments) throws -> SQLRow? {
        bind(arguments)
        return try fetchFirst()
    }
}
