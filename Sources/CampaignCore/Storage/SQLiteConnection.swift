import Foundation
import GRDB
internal import GRDBSQLite

/// The SQLite engine behind ``SQLConnection``: GRDB's connection inside one of its transactions.
final class SQLiteConnection: SQLConnection {
    let db: Database
    var kind: SQLBackendKind { .sqlite }

    init(_ db: Database) {
        self.db = db
    }

    @discardableResult
    func execute(sql: String, arguments: SQLArguments) throws -> Int {
        try db.execute(sql: sql, arguments: Self.arguments(arguments))
        return db.changesCount
    }

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        try Row.fetchAll(db, sql: sql, arguments: Self.arguments(arguments)).map(Self.row)
    }

    func fetchOne(sql: String, arguments: SQLArguments) throws -> SQLRow? {
        try Row.fetchOne(db, sql: sql, arguments: Self.arguments(arguments)).map(Self.row)
    }

    func forEachRow(sql: String, arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        // Through SQLite's C API, like the import's statements: a re-import's scan for unlisted products reads every
        // stored key, and GRDB's row cursor, with an `SQLRow` made from each of its rows, cost about 6,300
        // instructions a row, on one core at the import's end. A fresh statement: `body` may run the same query.
        let statement = SQLiteStatement(try db.makeStatement(sql: sql), in: db)
        try statement.checkArgumentCount(arguments)
        statement.bind(arguments)
        try statement.forEachRow(body)
    }

    func insertReturningID(sql: String, arguments: SQLArguments) throws -> Int64 {
        try db.execute(sql: sql, arguments: Self.arguments(arguments))
        return db.lastInsertedRowID
    }

    func finishPending() throws {}

    func prepare(sql: String) throws -> any SQLStatement {
        try SQLiteStatement(db.cachedStatement(sql: sql), in: db)
    }

    static func arguments(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(
            arguments.values.map { value -> DatabaseValue in
                switch value {
                case .null: .null
                case .integer(let number): number.databaseValue
                case .real(let number): number.databaseValue
                case .text(let text): text.databaseValue
                case .blob(let data): data.databaseValue
                }
            }
        )
    }

    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let number): .real(number)
        case .string(let text): .text(text)
        case .blob(let data): .blob(data)
        }
    }

    static func row(_ row: Row) -> SQLRow {
        SQLRow(columns: Array(row.columnNames), values: row.databaseValues.map(value))
    }
}

/// Binds and runs a statement GRDB prepared through SQLite's C API, for the hot loops (catalog
/// import, report ingest).
///
/// GRDB's `StatementArguments` box every value in an existential array and convert each string
/// through a C string; at a million rows that costs more than SQLite's own work. GRDB exposes the
/// prepared statement (`Statement.sqliteStatement`) for such uses; errors become GRDB's
/// `DatabaseError`, so they reach callers through the store's one error mapping.
final class SQLiteStatement: SQLStatement {
    private let db: Database
    private let statement: Statement
    private var handle: OpaquePointer { statement.sqliteStatement }

    /// The bytes of the values bound with `bindStaged` for the next run, and where each is. Hand-written rather than an
    /// `Array` because SQLite keeps pointers into it until the run: it must not move once they are bound, and it keeps
    /// its memory from row to row.
    /// `@exclusivity(unchecked)`: a statement is used by one thread at a time (its connection's), and the dynamic
    /// checks of these four cost more than the copies they guard.
    @exclusivity(unchecked) private var stage: UnsafeMutableRawPointer?
    @exclusivity(unchecked) private var stageCapacity = 0
    @exclusivity(unchecked) private var stageCount = 0
    @exclusivity(unchecked) private var staged: [(parameter: Int32, offset: Int, count: Int, isBlob: Bool)] = []

    init(_ statement: Statement, in db: Database) {
        self.db = db
        self.statement = statement
    }

    deinit {
        stage?.deallocate()
    }

    func bindStaged(_ value: String?, at parameter: Int32) {
        guard var value else {
            sqlite3_bind_null(handle, parameter)
            return
        }
        value.withUTF8 { addToStage(UnsafeRawBufferPointer($0), at: parameter, isBlob: false) }
    }

    func bindStaged(utf8Text bytes: [UInt8], at parameter: Int32) {
        bytes.withUnsafeBytes { addToStage($0, at: parameter, isBlob: false) }
    }

    func bindStaged(_ value: Data?, at parameter: Int32) {
        stageBlob(value, at: parameter)
    }

    func bindStaged(_ value: SHA256Value?, at parameter: Int32) {
        stageBlob(value, at: parameter)
    }

    private func stageBlob(_ value: (some ContiguousBytes)?, at parameter: Int32) {
        guard let value else {
            sqlite3_bind_null(handle, parameter)
            return
        }
        value.withUnsafeBytes { addToStage($0, at: parameter, isBlob: true) }
    }

    private func addToStage(_ bytes: UnsafeRawBufferPointer, at parameter: Int32, isBlob: Bool) {
        if stageCount + bytes.count > stageCapacity {
            // Nothing points into the stage yet (its values are bound just before the run), so it may move.
            let capacity = max(stageCapacity * 2, stageCount + bytes.count, 4096)
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
            if let stage {
                grown.copyMemory(from: stage, byteCount: stageCount)
                stage.deallocate()
            }
            stage = grown
            stageCapacity = capacity
        }
        if let source = bytes.baseAddress, let stage, !bytes.isEmpty {
            (stage + stageCount).copyMemory(from: source, byteCount: bytes.count)
        }
        staged.append((parameter, stageCount, bytes.count, isBlob))
        stageCount += bytes.count
    }

    /// Binds the staged values in place (`SQLITE_STATIC`: SQLite neither copies nor frees them).
    private func bindStage() {
        guard let stage else {
            return
        }
        for value in staged {
            let bytes = stage + value.offset
            if value.isBlob {
                _ = sqlite3_bind_blob(handle, value.parameter, bytes, Int32(value.count), nil)
            } else {
                // A zero-length text still needs a non-null pointer, or it would bind NULL.
                _ = sqlite3_bind_text(
                    handle,
                    value.parameter,
                    bytes.assumingMemoryBound(to: CChar.self),
                    Int32(value.count),
                    nil
                )
            }
        }
    }

    /// After the run: no parameter points into the stage any more, which is emptied for the next row. Every
    /// parameter is unbound in one call (as `SQLStatement.bindStaged` documents): one `sqlite3_bind_null` per
    /// staged value was about 3 % of a catalog import's writing thread.
    private func clearStage() {
        sqlite3_clear_bindings(handle)
        staged.removeAll(keepingCapacity: true)
        stageCount = 0
    }

    func bind(_ value: String?, at parameter: Int32) {
        guard var value else {
            sqlite3_bind_null(handle, parameter)
            return
        }
        value.withUTF8 { bindCopy(of: $0, at: parameter) }
    }

    func bind(utf8Text bytes: [UInt8], at parameter: Int32) {
        bytes.withUnsafeBufferPointer { bindCopy(of: $0, at: parameter) }
    }

    /// Binds UTF-8 text with SQLITE_TRANSIENT: SQLite copies the bytes before this returns. A null pointer would bind
    /// NULL, so the empty text gets a literal.
    private func bindCopy(of bytes: UnsafeBufferPointer<UInt8>, at parameter: Int32) {
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

    /// `SQLITE_STATIC`: SQLite reads the bytes in place. They stay valid and unchanged until the statement has run,
    /// and the parameter is bound again before it runs once more.
    func bind(_ text: PinnedText, at parameter: Int32) {
        _ = sqlite3_bind_text(handle, parameter, text.bytes, Int32(text.count), nil)
    }

    func clearBindings() {
        sqlite3_clear_bindings(handle)
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

    func bind(_ value: SQLValue, at parameter: Int32) {
        switch value {
        case .null: sqlite3_bind_null(handle, parameter)
        case .integer(let number): sqlite3_bind_int64(handle, parameter, number)
        case .real(let number): sqlite3_bind_double(handle, parameter, number)
        case .text(let text): bind(text, at: parameter)
        case .blob(let data): bind(data, at: parameter)
        }
    }

    /// Runs the statement to completion; returns the rows it changed.
    @discardableResult
    func execute() throws -> Int {
        try stepping {
            try check(sqlite3_step(handle), expecting: SQLITE_DONE)
            return Int(sqlite3_changes(db.sqliteConnection))
        }
    }

    func fetchFirst() throws -> SQLRow? {
        try stepping { try firstRow() }
    }

    /// Throws unless the statement has one parameter per argument, as GRDB checks for the statements it runs.
    func checkArgumentCount(_ arguments: SQLArguments) throws {
        guard sqlite3_bind_parameter_count(handle) == Int32(arguments.values.count) else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "wrong number of statement arguments: \(arguments.values.count)",
                sql: statement.sql
            )
        }
    }

    /// Runs the query with the values bound, handing each row to `body`.
    func forEachRow(_ body: (SQLRow) throws -> Void) throws {
        try stepping {
            while true {
                let result = sqlite3_step(handle)
                if result == SQLITE_DONE {
                    return
                }
                try check(result, expecting: SQLITE_ROW)
                try body(currentRow())
            }
        }
    }

    /// Runs `body` (which steps the statement) with the staged values bound; then resets the statement and unbinds them.
    private func stepping<T>(_ body: () throws -> T) rethrows -> T {
        if !staged.isEmpty {
            bindStage()
        }
        defer {
            sqlite3_reset(handle)
            if !staged.isEmpty {
                clearStage()
            }
        }
        return try body()
    }

    private func firstRow() throws -> SQLRow? {
        let result = sqlite3_step(handle)
        if result == SQLITE_DONE {
            return nil
        }
        try check(result, expecting: SQLITE_ROW)
        return currentRow()
    }

    /// The row the statement stands on.
    private func currentRow() -> SQLRow {
        let count = sqlite3_column_count(handle)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            values.append(value(column))
        }
        return SQLRow(columns: columnNames, values: values)
    }

    /// The result's column names, made once: a re-import looks up every stored product with one statement, and
    /// making the names anew cost two strings and an array per row.
    private lazy var columnNames: [String] = (0..<sqlite3_column_count(handle)).map {
        sqlite3_column_name(handle, $0).map { String(cString: $0) } ?? ""
    }

    private func value(_ column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL:
            return .null
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let bytes = sqlite3_column_blob(handle, column), count > 0 else {
                return .blob(Data())
            }
            return .blob(Data(bytes: bytes, count: count))
        default:
            guard let bytes = sqlite3_column_text(handle, column) else {
                return .text("")
            }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
        }
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
