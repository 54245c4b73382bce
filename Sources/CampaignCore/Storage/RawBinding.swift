import Foundation
import GRDB
internal import GRDBSQLite

/// Binds and runs a statement GRDB prepared through SQLite's C API, for the hot loops (catalog
/// import, report ingest).
///
/// GRDB's `StatementArguments` box every value in an existential array and convert each string
/// through a C string; at a million rows that costs more than SQLite's own work. GRDB exposes the
/// prepared statement (`Statement.sqliteStatement`) for such uses; errors become GRDB's
/// `DatabaseError`, so they reach callers through the store's one error mapping.
struct RawBinding {
    private let db: Database
    private let statement: Statement
    private var handle: OpaquePointer { statement.sqliteStatement }

    init(_ statement: Statement, in db: Database) {
        self.db = db
        self.statement = statement
    }

    func bind(_ value: String?, at parameter: Int32) {
        guard var value else {
            sqlite3_bind_null(handle, parameter)
            return
        }
        value.withUTF8 { bytes in
            // SQLITE_TRANSIENT: SQLite copies the bytes before this returns. A null pointer would bind NULL,
            // so the empty string gets a literal.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                _ = sqlite3_bind_text(handle, parameter, "", 0, nil)
                return
            }
            _ = sqlite3_bind_text(
                handle,
                parameter,
                UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                Int32(bytes.count),
                unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            )
        }
    }

    func bind(_ value: Int64?, at parameter: Int32) {
        guard let value else {
            sqlite3_bind_null(handle, parameter)
            return
        }
        sqlite3_bind_int64(handle, parameter, value)
    }

    func bind(_ value: Data?, at parameter: Int32) {
        guard let value else {
            sqlite3_bind_null(handle, parameter)
            return
        }
        value.withUnsafeBytes { bytes in
            // A null pointer would bind NULL, so the empty blob is bound as a zero-length blob.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                sqlite3_bind_zeroblob(handle, parameter, 0)
                return
            }
            _ = sqlite3_bind_blob(
                handle,
                parameter,
                base,
                Int32(bytes.count),
                unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            )
        }
    }

    /// Runs the statement to completion; returns the rows it changed.
    @discardableResult
    func execute() throws -> Int {
        defer { sqlite3_reset(handle) }
        try check(sqlite3_step(handle), expecting: SQLITE_DONE)
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    /// Runs a query for its first row: `read` gets the statement positioned on it, `nil` when there is none.
    func fetchFirst<T>(_ read: (RawRow) -> T) throws -> T? {
        defer { sqlite3_reset(handle) }
        let result = sqlite3_step(handle)
        if result == SQLITE_DONE {
            return nil
        }
        try check(result, expecting: SQLITE_ROW)
        return read(RawRow(handle: handle))
    }

    private func check(_ result: Int32, expecting expected: Int32) throws {
        guard result == expected else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: sqlite3_extended_errcode(db.sqliteConnection)),
                message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: statement.sql
            )
        }
    }
}

/// The row a ``RawBinding`` query is positioned on; columns count from 0.
struct RawRow {
    fileprivate let handle: OpaquePointer

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else {
            return ""
        }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func data(_ column: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let bytes = sqlite3_column_blob(handle, column), count > 0 else {
            return Data()
        }
        return Data(bytes: bytes, count: count)
    }
}
