import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// The PostgreSQL backend (team mode): a small pool of postgres-nio connections, used synchronously
/// like GRDB so that every store method runs unchanged on both engines.
///
/// - Writers are serialized by a transaction-scoped advisory lock per schema, as SQLite serializes
///   its single writer: two approvers and a publisher acting at once, or two imports of one catalog,
///   run one after the other and each sees what the previous one committed.
/// - Readers get one snapshot (`REPEATABLE READ READ ONLY`), as a SQLite WAL reader does.
/// - The password comes from the URL or `PGPASSWORD` and is never part of ``location`` or a message.
final class PostgresEngine: Sendable {
    /// How to reach the server, parsed from a `postgres://` URL.
    struct Endpoint: Sendable, Equatable {
        var host: String
        var port: Int
        var user: String
        var password: String?
        var database: String
        var schema: String?
        var sslMode: SSLMode

        enum SSLMode: String, Sendable {
            case disable, prefer, require
            case verifyCA = "verify-ca"
            case verifyFull = "verify-full"
        }

        /// The URL without its password, for messages.
        var redacted: String {
            var text = "postgres://\(user)@\(host):\(port)/\(database)"
            if let schema {
                text += "?schema=\(schema)"
            }
            return text
        }
    }

    let endpoint: Endpoint
    var location: String { endpoint.redacted }
    /// How long a writer waits for another one before giving up with a busy error.
    static let lockTimeout = "30s"

    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(1)
    private let logger: Logger
    private let tls: PostgresConnection.Configuration.TLS

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    init(url text: String, environment: [String: String], logger: Logger) throws {
        endpoint = try Self.parse(text, environment: environment)
        self.logger = logger
        tls = try Self.tls(for: endpoint)
        if let schema = endpoint.schema {
            // Created once, under a lock: concurrent `CREATE SCHEMA IF NOT EXISTS` may still collide.
            let connection = try connect(setSchema: false)
            do {
                let session = PostgresSQLConnection(connection, logger: logger)
                try session.run("BEGIN")
                try session.run("SELECT pg_advisory_xact_lock(\(Self.lockClass), 0)")
                try session.run("CREATE SCHEMA IF NOT EXISTS \(Self.quoted(schema))")
                try session.run("COMMIT")
                try session.run("SET search_path TO \(Self.quoted(schema))")
            } catch {
                Self.close(connection)
                throw error
            }
            release(connection)
        }
    }

    deinit {
        for connection in idle.withLock({ $0 }) {
            Self.close(connection)
        }
    }

    // MARK: - Transactions

    /// The first key of every advisory lock campaignctl takes ("cctl"), so that other software's locks never collide.
    static let lockClass: Int32 = 0x6363_746C

    /// Runs `body` in one transaction on a pooled connection; commits when `body` says so.
    func transaction<T>(
        writing: Bool,
        _ body: (any SQLConnection) throws -> (T, commit: Bool)
    ) throws -> T {
        try sessionTransaction(writing: writing, body)
    }

    private func sessionTransaction<T>(
        writing: Bool,
        _ body: (PostgresSQLConnection) throws -> (T, commit: Bool)
    ) throws -> T {
        try withConnection { connection in
            try connection.run(
                writing ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            )
            do {
                if writing {
                    // Waiting longer than the timeout (another writer's long import) is a busy error (exit 75).
                    try connection.run("SET LOCAL lock_timeout = '\(Self.lockTimeout)'")
                    try connection.run("SELECT pg_advisory_xact_lock(\(Self.lockClass), hashtext(current_schema()))")
                }
                let (value, commit) = try body(connection)
                if !commit {
                    connection.discardPendingInserts()
                }
                let ended = try connection.query(commit ? "COMMIT" : "ROLLBACK", []).metadata.command
                if commit, ended != "COMMIT" {
                    // PostgreSQL ends a transaction that saw an error with ROLLBACK, even when asked to commit.
                    throw StoreError(kind: .other, message: "the transaction failed earlier and was rolled back")
                }
                return value
            } catch {
                // A broken connection fails the rollback too; `withConnection` then drops it.
                connection.discardPendingInserts()
                do {
                    try connection.run("ROLLBACK")
                } catch {
                    // Still inside a transaction, or gone: never hand this connection out again.
                    connection.markBroken()
                }
                throw error
            }
        }
    }

    /// Applies the migrations not yet applied, in one transaction; returns every applied identifier.
    func migrate(_ migrations: [SchemaMigration]) throws -> [String] {
        try sessionTransaction(writing: true) { connection in
            try connection.run(
                "CREATE TABLE IF NOT EXISTS schema_migration (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            var applied = try connection.fetchAll(String.self, sql: "SELECT id FROM schema_migration ORDER BY id")
            for migration in migrations where !applied.contains(migration.id) {
                for statement in Self.statements(migration.postgresSQL ?? Self.translate(migration.sql)) {
                    try connection.run(statement)
                }
                try connection.execute(
                    sql: "INSERT INTO schema_migration (id, applied_at) VALUES (?, ?)",
                    arguments: [migration.id, Timestamp.string(Date())]
                )
                applied.append(migration.id)
            }
            return (applied, commit: true)
        }
    }

    /// Rewrites SQLite's DDL words into PostgreSQL's: 64-bit integers, identity keys, `BYTEA`.
    static func translate(_ ddl: String) -> String {
        var text = ddl.replacingOccurrences(
            of: "INTEGER PRIMARY KEY,",
            with: "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
        )
        text = text.replacingOccurrences(of: "INTEGER", with: "BIGINT")
        text = text.replacingOccurrences(of: "BLOB", with: "BYTEA")
        text = text.replacingOccurrences(of: ") WITHOUT ROWID", with: ")")
        return text
    }

    /// Splits a script at the semicolons that end its lines (the schema's own DDL holds no other).
    static func statements(_ script: String) -> [String] {
        script.components(separatedBy: ";\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";"))) }
            .filter { !$0.isEmpty }
    }

    // MARK: - Connections

    private func withConnection<T>(_ body: (PostgresSQLConnection) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? connect(setSchema: true)
        let session = PostgresSQLConnection(connection, logger: logger)
        do {
            let value = try body(session)
            release(connection)
            return value
        } catch {
            if connection.isClosed || session.broken {
                Self.close(connection)
            } else {
                release(connection)
            }
            throw error
        }
    }

    private func release(_ connection: PostgresConnection) {
        guard !connection.isClosed else {
            return
        }
        let overflow = idle.withLock { connections -> PostgresConnection? in
            if connections.count >= 4 {
                return connection
            }
            connections.append(connection)
            return nil
        }
        if let overflow {
            Self.close(overflow)
        }
    }

    private func connect(setSchema: Bool) throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: endpoint.host,
            port: endpoint.port,
            username: endpoint.user,
            password: endpoint.password,
            database: endpoint.database,
            tls: tls
        )
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", "campaignctl")]
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(),
                configuration: configuration,
                id: nextID.add(1, ordering: .relaxed).oldValue,
                logger: logger
            ).wait()
        } catch {
            var wrapped = PostgresSQLConnection.storeError(error)
            if wrapped.kind == .other || wrapped.kind == .io {
                wrapped.kind = .cannotOpen
            }
            wrapped.message = "\(location): \(wrapped.message)"
            throw wrapped
        }
        if setSchema, let schema = endpoint.schema {
            do {
                try PostgresSQLConnection(connection, logger: logger).run("SET search_path TO \(Self.quoted(schema))")
            } catch {
                Self.close(connection)
                throw error
            }
        }
        return connection
    }

    private static func close(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        // postgres-nio asserts that a connection is closed before it is freed: hold it until then.
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - URL

    static func parse(_ text: String, environment: [String: String]) throws -> Endpoint {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme)
        else {
            throw StoreError(kind: .cannotOpen, message: "not a postgres:// URL: \(redact(text))")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { _, last in last }
        )
        let user =
            components.user?.removingPercentEncoding ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        let database = String(components.path.drop(while: { $0 == "/" }))
        let sslText = query["sslmode"] ?? environment["PGSSLMODE"] ?? "prefer"
        guard let sslMode = Endpoint.SSLMode(rawValue: sslText) else {
            throw StoreError(
                kind: .cannotOpen,
                message: "sslmode '\(sslText)' (expected disable, prefer, require, verify-ca or verify-full)"
            )
        }
        if let schema = query["schema"], schema.isEmpty || schema.count > 63 {
            throw StoreError(kind: .cannotOpen, message: "schema '\(schema)': expected 1 to 63 characters")
        }
        return Endpoint(
            host: components.host.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGHOST"] ?? "localhost",
            port: components.port ?? environment["PGPORT"].flatMap(Int.init) ?? 5432,
            user: user,
            password: components.password?.removingPercentEncoding ?? environment["PGPASSWORD"],
            database: database.isEmpty ? (environment["PGDATABASE"] ?? user) : database,
            schema: query["schema"],
            sslMode: sslMode
        )
    }

    /// `text` with any password replaced, for messages about a URL that could not be parsed.
    static func redact(_ text: String) -> String {
        text.replacingOccurrences(of: #"://([^:/@]*):[^@]*@"#, with: "://$1:***@", options: .regularExpression)
    }

    private static func tls(for endpoint: Endpoint) throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch endpoint.sslMode {
        case .disable:
            return .disable
        case .prefer, .require:
            // As libpq: these modes encrypt but do not authenticate the server.
            configuration.certificateVerification = .none
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw StoreError(kind: .cannotOpen, message: "TLS set-up failed: \(error)")
        }
        return endpoint.sslMode == .prefer ? .prefer(context) : .require(context)
    }
}

/// One pooled PostgreSQL connection inside a transaction.
final class PostgresSQLConnection: SQLConnection {
    private let connection: PostgresConnection
    private let logger: Logger
    private var cursors = 0
    /// Set when the connection failed in a way that leaves it unusable.
    private(set) var broken = false

    func markBroken() {
        broken = true
    }
    var kind: SQLBackendKind { .postgres }

    init(_ connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Runs a statement without arguments (transaction control, DDL).
    func run(_ sql: String) throws {
        _ = try query(sql, [])
    }

    @discardableResult
    func execute(sql: String, arguments: SQLArguments) throws -> Int {
        try query(Self.numbered(sql), arguments.values).metadata.rows ?? 0
    }

    func fetchAll(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        try query(Self.numbered(sql), arguments.values).rows.map(Self.row)
    }

    func fetchOne(sql: String, arguments: SQLArguments) throws -> SQLRow? {
        try fetchAll(sql: sql, arguments: arguments).first
    }

    /// Streams through a server-side cursor, a page at a time, so that memory stays flat.
    func forEachRow(sql: String, arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        cursors += 1
        let name = "campaignctl_cursor_\(cursors)"
        _ = try query("DECLARE \(name) NO SCROLL CURSOR FOR " + Self.numbered(sql), arguments.values)
        while true {
            let page = try query("FETCH FORWARD 2000 FROM \(name)", []).rows
            for row in page {
                try body(Self.row(row))
            }
            if page.count < 2000 {
                break
            }
        }
        try run("CLOSE \(name)")
    }

    func insertReturningID(sql: String, arguments: SQLArguments) throws -> Int64 {
        guard let row = try fetchOne(sql: sql + " RETURNING id", arguments: arguments), !row.isNull(0) else {
            throw StoreError(kind: .other, message: "INSERT returned no id")
        }
        return try row[0]
    }

    func prepare(sql: String) throws -> any SQLStatement {
        PostgresSQLStatement(sql: sql, connection: self)
    }

    func finishPending() throws {
        try flushPendingInserts()
        try waitForInFlight(atMost: 0)
    }

    // MARK: Batched inserts

    /// Statements holding inserts not yet sent, in the order they were first queued.
    private var pendingInserts: [PostgresSQLStatement] = []

    func queue(_ statement: PostgresSQLStatement) {
        if !pendingInserts.contains(where: { $0 === statement }) {
            pendingInserts.append(statement)
        }
    }

    /// Sends every queued insert; any other statement on this connection runs after them, so it sees them.
    func flushPendingInserts() throws {
        while !pendingInserts.isEmpty {
            let statement = pendingInserts.removeFirst()
            try statement.flush()
        }
    }

    /// Sends the statements queued before `statement` (a full batch is about to be sent out of turn).
    func flushPendingInsertsBefore(_ statement: PostgresSQLStatement) throws {
        guard let index = pendingInserts.firstIndex(where: { $0 === statement }) else {
            return
        }
        let earlier = pendingInserts[..<index]
        pendingInserts.removeSubrange(...index)
        for other in earlier {
            try other.flush()
        }
    }

    func discardPendingInserts() {
        for statement in pendingInserts {
            statement.discard()
        }
        pendingInserts.removeAll()
        // The transaction is being abandoned: what is in flight only has to finish, whatever its outcome.
        while !inFlight.isEmpty {
            _ = try? inFlight.removeFirst().result.wait()
        }
    }

    func query(_ sql: String, _ values: [SQLValue]) throws -> PostgresQueryResult {
        try flushPendingInserts()
        try waitForInFlight(atMost: 0)
        return try send(sql, values)
    }

    // MARK: Pipelining

    /// Batches sent and not yet acknowledged; the server works on them while this process reads the feed.
    private var inFlight: [(result: EventLoopFuture<PostgresQueryResult>, changed: ((Int) -> Void)?)] = []

    /// Sends a batch without waiting for it (at most two at once, so memory stays bounded). Its error, if any,
    /// is thrown by the next statement on this connection, before that statement runs.
    func sendInBackground(_ sql: String, _ values: [SQLValue], changed: ((Int) -> Void)? = nil) throws {
        try waitForInFlight(atMost: 1)
        let result = connection.query(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(values)), logger: logger)
        inFlight.append((result, changed))
    }

    private func waitForInFlight(atMost count: Int) throws {
        while inFlight.count > count {
            do {
                let (result, changed) = inFlight.removeFirst()
                let rows = try result.wait().metadata.rows ?? 0
                changed?(rows)
            } catch {
                inFlight.removeAll()
                let wrapped = Self.storeError(error)
                if wrapped.kind == .cannotOpen {
                    broken = true
                }
                throw wrapped
            }
        }
    }

    static func bindings(_ values: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .blob(let data): bindings.append(ByteBuffer(bytes: data))
            }
        }
        return bindings
    }

    /// Runs one statement now, without sending queued inserts first.
    func send(_ sql: String, _ values: [SQLValue]) throws -> PostgresQueryResult {
        do {
            return try connection.query(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(values)), logger: logger)
                .wait()
        } catch {
            let wrapped = Self.storeError(error)
            if wrapped.kind == .cannotOpen {
                broken = true
            }
            throw wrapped
        }
    }

    /// SQLite's placeholders as PostgreSQL's, outside quoted text: `?N` as `$N`, a bare `?` as the next number.
    static func numbered(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        var characters = sql.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if let open = quote {
                if character == open {
                    quote = nil
                }
                output.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                output.append(character)
            } else if character == "?" {
                output.append("$")
                var digits = ""
                while let next = pending, next.isASCII, next.isNumber {
                    digits.append(next)
                    pending = characters.next()
                }
                // As SQLite: `?N` is parameter N; a bare `?` is one more than the largest so far.
                number = digits.isEmpty ? number + 1 : max(number, Int(digits) ?? 0)
                output += digits.isEmpty ? String(number) : digits
            } else {
                output.append(character)
            }
        }
        return output
    }

    static func row(_ row: PostgresRow) -> SQLRow {
        var columns: [String] = []
        var values: [SQLValue] = []
        for cell in row {
            columns.append(cell.columnName)
            values.append(value(cell))
        }
        return SQLRow(columns: columns, values: values)
    }

    private static func value(_ cell: PostgresCell) -> SQLValue {
        guard cell.bytes != nil else {
            return .null
        }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8:
                return .integer(try cell.decode(Int64.self))
            case .bool:
                return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .float4, .float8:
                return .real(try cell.decode(Double.self))
            case .numeric:
                // SUM over BIGINT is NUMERIC in PostgreSQL; whole numbers come back as integers, as in SQLite.
                let decimal = try cell.decode(Decimal.self)
                let number = NSDecimalNumber(decimal: decimal)
                if Decimal(number.int64Value) == decimal {
                    return .integer(number.int64Value)
                }
                return .real(number.doubleValue)
            case .bytea:
                return .blob(try cell.decode(Data.self))
            default:
                return .text(try cell.decode(String.self))
            }
        } catch {
            // A type this store never declares: keep its bytes readable rather than trap.
            return .blob(Data(cell.bytes.map { Array($0.readableBytesView) } ?? []))
        }
    }

    /// PostgreSQL's error as the store's, keeping the server's sentence and SQLSTATE, never arguments.
    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError {
            return error
        }
        guard let error = error as? PSQLError else {
            return StoreError(kind: .cannotOpen, message: "\(error)")
        }
        if error.code == .sslUnsupported {
            return StoreError(
                kind: .cannotOpen,
                message: "the server does not offer TLS, which sslmode requires (sslmode=disable or prefer to connect)"
            )
        }
        guard let state = error.serverInfo?[.sqlState] else {
            let reason = error.underlying.map { "\($0)" } ?? "\(error.code)"
            return StoreError(kind: .cannotOpen, message: "connection failed: \(reason)")
        }
        let message = (error.serverInfo?[.message] ?? "error") + " (SQLSTATE \(state))"
        switch state {
        case "40001", "40P01", "55P03", "57014":
            return StoreError(kind: .busy, message: message)
        case _ where state.hasPrefix("23"):
            return StoreError(kind: .constraint, message: message)
        case _ where state.hasPrefix("28") || state.hasPrefix("08") || state == "3D000" || state.hasPrefix("57P"):
            return StoreError(kind: .cannotOpen, message: message)
        case _ where state.hasPrefix("53") || state.hasPrefix("58") || state.hasPrefix("XX"):
            return StoreError(kind: .io, message: message)
        default:
            return StoreError(kind: .other, message: message)
        }
    }
}

/// A statement bound by position and sent with its values each time it runs.
///
/// A plain one-row `INSERT … VALUES (…)` (catalog import, sales) is not sent row by row: its rows are queued
/// and sent as one multi-row INSERT of up to ``batchRows`` rows, before any other statement on the connection
/// and before COMMIT, so that what the transaction reads and commits is exactly what SQLite would see.
/// Batches are pipelined: the server inserts one while this process prepares the next. A queued row reports
/// one changed row; a failing row fails the transaction, at the next statement or at COMMIT.
final class PostgresSQLStatement: SQLStatement {
    static let batchRows = 500

    private let sql: String
    private let numbered: String
    private let connection: PostgresSQLConnection
    private var values: [SQLValue] = []
    /// For a batchable insert: the text before `VALUES` and the row tuple, with `?` placeholders.
    private let batch: (head: String, tuple: String)?
    private var queued: [SQLValue] = []
    private var queuedRows = 0

    init(sql: String, connection: PostgresSQLConnection) {
        self.sql = sql
        self.numbered = PostgresSQLConnection.numbered(sql)
        self.connection = connection
        batch = Self.batchShape(sql)
    }

    /// `(head, tuple)` when `sql` is `INSERT INTO … VALUES (…)` with one row and nothing after it.
    static func batchShape(_ sql: String) -> (head: String, tuple: String)? {
        let text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.components(separatedBy: "VALUES")
        guard text.hasPrefix("INSERT INTO"), parts.count == 2 else {
            return nil
        }
        let tuple = parts[1].trimmingCharacters(in: .whitespacesAndNewlines)
        guard tuple.hasPrefix("("), tuple.hasSuffix(")"), !tuple.contains("ON CONFLICT"), !tuple.contains("RETURNING")
        else {
            return nil
        }
        return (parts[0], tuple)
    }

    func bind(_ value: SQLValue, at parameter: Int32) {
        let index = Int(parameter) - 1
        while values.count <= index {
            values.append(.null)
        }
        values[index] = value
    }

    func bind(_ value: String?, at parameter: Int32) { bind(value.sqlValue, at: parameter) }
    func bind(_ text: PinnedText, at parameter: Int32) { bind(text.string, at: parameter) }
    func bind(utf8Text bytes: [UInt8], at parameter: Int32) {
        bind(String(decoding: bytes, as: UTF8.self), at: parameter)
    }
    func clearBindings() { values.removeAll(keepingCapacity: true) }
    func bind(_ value: Int64?, at parameter: Int32) { bind(value.sqlValue, at: parameter) }
    func bind(_ value: Data?, at parameter: Int32) { bind(value.sqlValue, at: parameter) }

    @discardableResult
    func execute() throws -> Int {
        guard batch != nil else {
            return try connection.query(numbered, values).metadata.rows ?? 0
        }
        queued += values
        queuedRows += 1
        if queuedRows >= Self.batchRows {
            try flush()
        } else {
            connection.queue(self)
        }
        return 1
    }

    func fetchFirst() throws -> SQLRow? {
        try connection.query(numbered, values).rows.first.map(PostgresSQLConnection.row)
    }

    func execute(reportingChanges changed: @escaping (Int) -> Void) throws {
        guard batch == nil else {
            changed(try execute())
            return
        }
        try connection.flushPendingInserts()
        try connection.sendInBackground(numbered, values, changed: changed)
    }

    /// Sends the queued rows as one statement.
    func flush() throws {
        guard let batch, queuedRows > 0 else {
            return
        }
        let rows = queuedRows
        let arguments = queued
        queued.removeAll(keepingCapacity: true)
        queuedRows = 0
        let text = batch.head + "VALUES " + Array(repeating: batch.tuple, count: rows).joined(separator: ", ")
        // Statements queued before this one go first, as they were executed first.
        try connection.flushPendingInsertsBefore(self)
        try connection.sendInBackground(PostgresSQLConnection.numbered(text), arguments)
    }

    func discard() {
        queued.removeAll()
        queuedRows = 0
    }
}
