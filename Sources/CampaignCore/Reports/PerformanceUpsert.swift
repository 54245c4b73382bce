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

    /// Rows per statement: 64 on SQLite (in-process, past that no gain); 500 on PostgreSQL, where each statement is
    /// a round trip.
    let rowsPerStatement: Int
    private static let columns = 11

    private let many: any SQLStatement
    /// Days, placements and currencies repeat row after row: each is bound from one pinned copy (one cache per
    /// column, so that a lookup mostly hits its first entry).
    private let days = PinnedTexts()
    private let placements = PinnedTexts()
    private let currencies = PinnedTexts()
    private let db: any SQLConnection
    private var pending: [Values] = []
    /// New or changed rows, and rows already stored identically, so far.
    private(set) var changed = 0
    private(set) var unchanged = 0

    /// Whether rows for a key already queued replace it (PostgreSQL) rather than follow it (SQLite).
    private let mergesRepeatedKeys: Bool
    private var pendingKeys: [Key: Int] = [:]

    private struct Key: Hashable {
        var day: String
        var entity: Int64
        var hour: Int
        var placement: String
    }

    init(db: any SQLConnection) throws {
        mergesRepeatedKeys = db.kind == .postgres
        rowsPerStatement = db.kind == .postgres ? 500 : 64
        many = try db.prepare(sql: Self.sql(rows: rowsPerStatement))
        self.db = db
        pending.reserveCapacity(rowsPerStatement)
    }

    deinit {
        // The statement stays in the connection's cache after this upsert, and the texts bound in place, are gone.
        many.clearBindings()
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
        if mergesRepeatedKeys {
            // PostgreSQL refuses an upsert that names one key twice; SQLite keeps the last, and so does this.
            let key = Key(day: row.day, entity: row.entity, hour: row.hour, placement: row.placement)
            if let index = pendingKeys[key] {
                pending[index] = row
                return
            }
            pendingKeys[key] = pending.count
        }
        pending.append(row)
        if pending.count == rowsPerStatement {
            try write(pending[...], with: many)
            pending.removeAll(keepingCapacity: true)
            pendingKeys.removeAll(keepingCapacity: true)
        }
    }

    /// Writes what is queued, as one statement, and waits for every upsert sent: the counts are then final.
    func flush() throws {
        if !pending.isEmpty {
            let tail = try db.prepare(sql: Self.sql(rows: pending.count))
            defer { tail.clearBindings() }
            try write(pending[...], with: tail)
        }
        try db.finishPending()
        pending.removeAll(keepingCapacity: true)
        pendingKeys.removeAll(keepingCapacity: true)
    }

    private func write(_ rows: ArraySlice<Values>, with statement: any SQLStatement) throws {
        var parameter: Int32 = 1
        for row in rows {
            statement.bind(days.pinned(row.day), at: parameter)
            statement.bind(row.entity, at: parameter + 1)
            statement.bind(Int64(row.hour), at: parameter + 2)
            statement.bind(placements.pinned(row.placement), at: parameter + 3)
            statement.bind(currencies.pinned(row.currency), at: parameter + 4)
            statement.bind(row.metrics.impressions, at: parameter + 5)
            statement.bind(row.metrics.engagements, at: parameter + 6)
            statement.bind(row.metrics.clicks, at: parameter + 7)
            statement.bind(row.metrics.linkClicks, at: parameter + 8)
            statement.bind(row.metrics.buyClicks, at: parameter + 9)
            statement.bind(row.metrics.spendMicros, at: parameter + 10)
            parameter += Int32(Self.columns)
        }
        // On PostgreSQL the upsert is pipelined: the next one is prepared while the server runs this one (its values
        // were copied when bound).
        let count = rows.count
        try statement.execute { [self] changes in
            changed += changes
            unchanged += count - changes
        }
        // The statement has run (or holds copies): texts no row of it needs any more can go. Those it still points
        // to are bound again before it runs next (every parameter is, each time).
        days.releaseRetired()
        placements.releaseRetired()
        currencies.releaseRetired()
    }
}
