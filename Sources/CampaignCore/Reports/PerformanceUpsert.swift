import GRDB
internal import GRDBSQLite

/// Upserts performance rows 64 at a time, binding through SQLite's C API.
///
/// GRDB's `StatementArguments` box every value in an existential array; at ten million rows that costs more than
/// SQLite's own work, so this binds into the statement GRDB prepared (`Statement.sqliteStatement`, public for such
/// uses) with `sqlite3_bind_*`. A row identical to the stored one is not rewritten (`WHERE … IS NOT …`), so
/// `sqlite3_changes` counts exactly the new or changed rows.
final class PerformanceUpsert {
    struct Values {
        var day: String
        var entity: Int64
        var hour: Int
        var placement: String
        var currency: String
        var metrics: PerformanceMetrics
    }

    static let rowsPerStatement = 64
    private static let columns = 11

    private let db: Database
    private let many: Statement
    private let one: Statement
    private var pending: [Values] = []
    /// New or changed rows, and rows already stored identically, so far.
    private(set) var changed = 0
    private(set) var unchanged = 0

    init(db: Database) throws {
        self.db = db
        many = try db.makeStatement(sql: Self.sql(rows: Self.rowsPerStatement))
        one = try db.makeStatement(sql: Self.sql(rows: 1))
        pending.reserveCapacity(Self.rowsPerStatement)
    }

    static func sql(rows: Int) -> String {
        let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
        return """
            INSERT INTO performance (day, entity, hour, placement, currency, impressions, engagements, clicks,
                link_clicks, buy_clicks, spend_micros)
            VALUES \(values)
            ON CONFLICT (day, entity, hour, placement) DO UPDATE SET
                currency = excluded.currency, impressions = excluded.impressions,
                engagements = excluded.engagements, clicks = excluded.clicks, link_clicks = excluded.link_clicks,
                buy_clicks = excluded.buy_clicks, spend_micros = excluded.spend_micros
            WHERE (currency, impressions, engagements, clicks, link_clicks, buy_clicks, spend_micros)
                IS NOT (excluded.currency, excluded.impressions, excluded.engagements, excluded.clicks,
                excluded.link_clicks, excluded.buy_clicks, excluded.spend_micros)
            """
    }

    /// Queues a row; full statements are written at once.
    func append(_ row: Values) throws {
        pending.append(row)
        if pending.count == Self.rowsPerStatement {
            try write(pending[...], with: many)
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Writes what is queued.
    func flush() throws {
        for index in pending.indices {
            try write(pending[index...index], with: one)
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func write(_ rows: ArraySlice<Values>, with statement: Statement) throws {
        let handle = statement.sqliteStatement
        var parameter: Int32 = 1
        for row in rows {
            bindText(row.day, handle, parameter)
            sqlite3_bind_int64(handle, parameter + 1, row.entity)
            sqlite3_bind_int64(handle, parameter + 2, Int64(row.hour))
            bindText(row.placement, handle, parameter + 3)
            bindText(row.currency, handle, parameter + 4)
            sqlite3_bind_int64(handle, parameter + 5, row.metrics.impressions)
            sqlite3_bind_int64(handle, parameter + 6, row.metrics.engagements)
            sqlite3_bind_int64(handle, parameter + 7, row.metrics.clicks)
            sqlite3_bind_int64(handle, parameter + 8, row.metrics.linkClicks)
            sqlite3_bind_int64(handle, parameter + 9, row.metrics.buyClicks)
            sqlite3_bind_int64(handle, parameter + 10, row.metrics.spendMicros)
            parameter += Int32(Self.columns)
        }
        let result = sqlite3_step(handle)
        let changes = Int(sqlite3_changes(db.sqliteConnection))
        sqlite3_reset(handle)
        guard result == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            throw StoreError(kind: result == SQLITE_BUSY ? .busy : .other, message: message)
        }
        changed += changes
        unchanged += rows.count - changes
    }

    private func bindText(_ text: String, _ handle: OpaquePointer, _ parameter: Int32) {
        guard !text.isEmpty else {
            _ = sqlite3_bind_text(handle, parameter, "", 0, nil)
            return
        }
        var text = text
        text.withUTF8 { bytes in
            // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
            _ = sqlite3_bind_text(
                handle,
                parameter,
                UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self),
                Int32(bytes.count),
                unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            )
        }
    }
}
