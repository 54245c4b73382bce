/// Upserts performance rows 64 at a time, binding through SQLite's C API.
///
/// At ten million rows GRDB's `SQLArguments` cost more than SQLite's own work, so this binds through
/// ``SQLStatement`` (SQLite's C API). A row identical to the stored one is not rewritten (`WHERE … IS DISTINCT FROM …`), so
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

    private let many: any SQLStatement
    private let one: any SQLStatement
    private var pending: [Values] = []
    /// New or changed rows, and rows already stored identically, so far.
    private(set) var changed = 0
    private(set) var unchanged = 0

    /// Whether rows for a key already queued replace it (PostgreSQL) rather than follow it (SQLite).
    private let mergesRepeatedKeys: Bool

    init(db: any SQLConnection) throws {
        mergesRepeatedKeys = db.kind == .postgres
        many = try db.prepare(sql: Self.sql(rows: Self.rowsPerStatement))
        one = try db.prepare(sql: Self.sql(rows: 1))
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
            WHERE (performance.currency, performance.impressions, performance.engagements, performance.clicks,
                performance.link_clicks, performance.buy_clicks, performance.spend_micros)
                IS DISTINCT FROM (excluded.currency, excluded.impressions, excluded.engagements, excluded.clicks,
                excluded.link_clicks, excluded.buy_clicks, excluded.spend_micros)
            """
    }

    /// Queues a row; full statements are written at once.
    func append(_ row: Values) throws {
        if mergesRepeatedKeys,
            let index = pending.firstIndex(where: {
                $0.day == row.day && $0.entity == row.entity && $0.hour == row.hour && $0.placement == row.placement
            })
        {
            // PostgreSQL refuses an upsert that names one key twice; SQLite keeps the last, and so does this.
            pending[index] = row
            return
        }
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

    private func write(_ rows: ArraySlice<Values>, with statement: any SQLStatement) throws {
        var parameter: Int32 = 1
        for row in rows {
            statement.bind(row.day, at: parameter)
            statement.bind(row.entity, at: parameter + 1)
            statement.bind(Int64(row.hour), at: parameter + 2)
            statement.bind(row.placement, at: parameter + 3)
            statement.bind(row.currency, at: parameter + 4)
            statement.bind(row.metrics.impressions, at: parameter + 5)
            statement.bind(row.metrics.engagements, at: parameter + 6)
            statement.bind(row.metrics.clicks, at: parameter + 7)
            statement.bind(row.metrics.linkClicks, at: parameter + 8)
            statement.bind(row.metrics.buyClicks, at: parameter + 9)
            statement.bind(row.metrics.spendMicros, at: parameter + 10)
            parameter += Int32(Self.columns)
        }
        let changes = try statement.execute()
        changed += changes
        unchanged += rows.count - changes
    }
}
