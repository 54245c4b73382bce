import Crypto
public import FeedImport
import Foundation

/// How to import a feed.
public struct ImportOptions: Sendable {
    /// The catalog to update (created on first import).
    public var catalog: String
    /// Which channel's rules to validate against.
    public var profile: ValidationProfile
    /// Validate and compute the diff, then roll everything back.
    public var dryRun: Bool
    /// Allow an import that removes more than half of the catalog.
    public var allowMassRemoval: Bool
    /// The feed's name in diagnostics (defaults to the path).
    public var displayName: String?
    /// Who runs the import, for the audit log (`system` for scheduled runs).
    public var actor: String = "system"
    /// How many ids the import keeps in memory before the rest go to a temporary table (tests lower it).
    var keysInMemory = ImportSession.defaultKeysInMemory

    /// Creates options.
    public init(
        catalog: String = "default",
        profile: ValidationProfile = .google,
        dryRun: Bool = false,
        allowMassRemoval: Bool = false,
        displayName: String? = nil
    ) {
        self.catalog = catalog
        self.profile = profile
        self.dryRun = dryRun
        self.allowMassRemoval = allowMassRemoval
        self.displayName = displayName
    }
}

/// How far an import has got, for progress lines.
public struct ImportProgress: Sendable {
    /// Items read so far.
    public var items: Int
    /// Raw bytes read so far.
    public var bytes: Int64
    /// The file's size, when known.
    public var totalBytes: Int64?
    /// Seconds since the import started.
    public var seconds: Double
}

/// What an import did.
public struct ImportReport: Sendable, Codable {
    /// The import's number (`nil` for a dry run, which stores nothing).
    public var importID: Int64?
    /// The catalog it updated.
    public var catalog: String
    /// The feed as named by the user.
    public var source: String
    /// SHA-256 of the file's bytes, hex.
    public var sha256: String
    /// The feed's dialect.
    public var format: String
    /// The validation profile.
    public var profile: String
    /// Whether this was a dry run.
    public var dryRun: Bool
    /// Records read.
    public var read = 0
    /// Products now current from this feed: added + changed + unchanged.
    public var stored: Int { added + changed + unchanged }
    /// New (or re-appearing) products.
    public var added = 0
    /// Products whose content changed.
    public var changed = 0
    /// Products missing from the feed, marked removed.
    public var removed = 0
    /// Products identical to their stored version (not rewritten).
    public var unchanged = 0
    /// Items rejected (errors, duplicates): their previous version, if any, stays.
    public var rejected = 0
    /// Error diagnostics.
    public var errors = 0
    /// Warning diagnostics.
    public var warnings = 0
    /// Raw bytes read.
    public var bytes: Int64 = 0
    /// Wall-clock seconds.
    public var seconds: Double = 0
    /// The diagnostics (the first ``CampaignStore/reportedDiagnosticsLimit``; all are stored).
    public var diagnostics: [Diagnostic] = []
    /// How many diagnostics were stored but not kept in ``diagnostics``.
    public var omittedDiagnostics = 0
    /// Unchanged items not validated again: their record was the one their stored product came from.
    var validationsSkipped = 0

    /// Items per second.
    public var itemsPerSecond: Double { seconds > 0 ? Double(read) / seconds : 0 }

    /// A diagnostic as reported and stored.
    public struct Diagnostic: Sendable, Codable, Hashable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var severity: String
        public var code: String
        public var itemID: String?
        public var attribute: String?
        public var message: String

        /// The compiler format: `file:line: error: [code] item 'ID': message`.
        public var description: String {
            let location = line > 0 ? "\(file):\(line)" : file
            let item = itemID.map { "item '\($0)': " } ?? ""
            return "\(location): \(severity): [\(code)] \(item)\(message)"
        }

        init(_ diagnostic: FeedDiagnostic) {
            file = diagnostic.location.file
            line = diagnostic.location.line
            severity = diagnostic.severity.rawValue
            code = diagnostic.code.rawValue
            itemID = diagnostic.itemID
            attribute = diagnostic.attribute
            message = diagnostic.message
        }

        /// Creates a diagnostic from stored values.
        public init(
            file: String,
            line: Int,
            severity: String,
            code: String,
            itemID: String?,
            attribute: String?,
            message: String
        ) {
            self.file = file
            self.line = line
            self.severity = severity
            self.code = code
            self.itemID = itemID
            self.attribute = attribute
            self.message = message
        }
    }

    private enum CodingKeys: String, CodingKey {
        case importID = "import_id"
        case catalog, source, sha256, format, profile
        case dryRun = "dry_run"
        case read, stored, added, changed, removed, unchanged, rejected, errors, warnings
        case bytes, seconds
        case itemsPerSecond = "items_per_second"
        case diagnostics
        case omittedDiagnostics = "omitted_diagnostics"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(importID, forKey: .importID)
        try container.encode(catalog, forKey: .catalog)
        try container.encode(source, forKey: .source)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(format, forKey: .format)
        try container.encode(profile, forKey: .profile)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(read, forKey: .read)
        try container.encode(stored, forKey: .stored)
        try container.encode(added, forKey: .added)
        try container.encode(changed, forKey: .changed)
        try container.encode(removed, forKey: .removed)
        try container.encode(unchanged, forKey: .unchanged)
        try container.encode(rejected, forKey: .rejected)
        try container.encode(errors, forKey: .errors)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(bytes, forKey: .bytes)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(itemsPerSecond, forKey: .itemsPerSecond)
        try container.encode(diagnostics, forKey: .diagnostics)
        try container.encode(omittedDiagnostics, forKey: .omittedDiagnostics)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        importID = try container.decodeIfPresent(Int64.self, forKey: .importID)
        catalog = try container.decode(String.self, forKey: .catalog)
        source = try container.decode(String.self, forKey: .source)
        sha256 = try container.decode(String.self, forKey: .sha256)
        format = try container.decode(String.self, forKey: .format)
        profile = try container.decode(String.self, forKey: .profile)
        dryRun = try container.decode(Bool.self, forKey: .dryRun)
        read = try container.decode(Int.self, forKey: .read)
        added = try container.decode(Int.self, forKey: .added)
        changed = try container.decode(Int.self, forKey: .changed)
        removed = try container.decode(Int.self, forKey: .removed)
        unchanged = try container.decode(Int.self, forKey: .unchanged)
        rejected = try container.decode(Int.self, forKey: .rejected)
        errors = try container.decode(Int.self, forKey: .errors)
        warnings = try container.decode(Int.self, forKey: .warnings)
        bytes = try container.decode(Int64.self, forKey: .bytes)
        seconds = try container.decode(Double.self, forKey: .seconds)
        diagnostics = try container.decode([Diagnostic].self, forKey: .diagnostics)
        omittedDiagnostics = try container.decode(Int.self, forKey: .omittedDiagnostics)
    }

    init(catalog: String, source: String, profile: String, dryRun: Bool) {
        self.catalog = catalog
        self.source = source
        self.profile = profile
        self.dryRun = dryRun
        self.sha256 = ""
        self.format = ""
    }
}

extension CampaignStore {
    /// How many diagnostics an ``ImportReport`` carries in memory; all of them are stored.
    public static let reportedDiagnosticsLimit = 10_000

    /// Imports a feed as a full snapshot of the catalog, in one transaction.
    ///
    /// - Products missing from the feed are marked removed (kept in history).
    /// - Unchanged products (same content hash) are not rewritten.
    /// - An item with errors does not replace the previous good version of its product.
    /// - Every copy of a duplicated id is rejected (ids that differ only in case are duplicates).
    /// - An import that would remove more than half of the catalog is refused unless allowed.
    /// - A fatal error (unreadable, malformed, truncated, hostile, wrong format) leaves the catalog
    ///   exactly as it was; the failed attempt is recorded as an import run.
    ///
    /// - Throws: ``FeedImportError`` for a bad file, ``CatalogError`` for a refused import,
    ///   ``StoreError`` for the database.
    public func importFeed(
        at path: String,
        options: ImportOptions = ImportOptions(),
        progress: ((ImportProgress) -> Void)? = nil
    ) throws -> ImportReport {
        let displayName = options.displayName ?? path
        let started = context.now()
        let report = ImportReport(
            catalog: options.catalog,
            source: displayName,
            profile: options.profile.name,
            dryRun: options.dryRun
        )
        let hasher = FileHasher()
        defer { hasher.stop() }
        do {
            return try runImport(
                path: path,
                displayName: displayName,
                options: options,
                hasher: hasher,
                report: report,
                started: started,
                progress: progress
            )
        } catch let error as CatalogError {
            try recordFailedImport(
                options: options,
                source: displayName,
                started: started,
                outcome: "refused",
                error: error
            )
            throw error
        } catch let error as FeedImportError {
            try recordFailedImport(
                options: options,
                source: displayName,
                started: started,
                outcome: "failed",
                error: error
            )
            throw error
        }
    }

    private func runImport(
        path: String,
        displayName: String,
        options: ImportOptions,
        hasher: FileHasher,
        report: ImportReport,
        started: Date,
        progress: ((ImportProgress) -> Void)?
    ) throws -> ImportReport {
        let clock = ContinuousClock()
        let start = clock.now
        var report = report
        do {
            let reader = try FeedReader(contentsOf: path, displayName: displayName)
            reader.rawBytesObserver = { hasher.update($0) }
            reader.rawChunkLender = { hasher.lend() }
            // The store's clock, which the import's timestamps read too.
            let validator = ItemValidator(
                profile: options.profile,
                file: displayName,
                now: Int64(started.timeIntervalSince1970.rounded(.down))
            )
            // The pages start going to disk as the import writes them (into the file itself with a rollback journal,
            // see BulkJournal; into the WAL, then the file at the commit, otherwise), instead of all at the commit's
            // end (see WritebackPacer).
            let writeback = sqliteFilePath.flatMap {
                WritebackPacer.forSQLiteFile($0, databaseDescriptor: sqliteDatabaseDescriptor())
            }
            writeback?.start()
            defer { writeback?.stop() }
            // A catalog's first import appends its pages to the file: a rollback journal writes them once (see
            // BulkJournal). A re-import mostly changes pages in place, which either journal writes twice; it stays on
            // the WAL (a rollback journal made it no faster, at times slower, in interleaved runs).
            let firstImport = try !catalogHasProducts(options.catalog)
            // Its rows refer only to its catalog and its import run, which it finds or makes in the same transaction.
            report = try writeOrRollback(bulk: firstImport, referencesAreKnown: true, freedBytesArePublic: true) { db in
                var session = try ImportSession(
                    db: db,
                    catalog: options.catalog,
                    sourcePath: displayName,
                    profile: options.profile.name,
                    startedAt: Timestamp.string(started),
                    // Merchant items run 1 to 3 KB; an underestimate only means the id set grows.
                    expectedItems: Int(clamping: (reader.rawSize ?? 0) / 2_000),
                    keysInMemory: options.keysInMemory,
                    report: report
                )
                var lastProgress = clock.now
                let pipeline = ImportPipeline(
                    reader: reader,
                    validator: validator,
                    lookups: firstImport || session.catalogWasEmpty ? nil : try storedRowLookups(session.catalogID, db),
                    logger: context.logger
                )
                pipeline.start()
                do {
                    while var batch = try pipeline.next() {
                        try session.prefetch(batch.items)
                        // Each item is moved out of the batch, applied, and moved back, whether or not it throws:
                        // reading it in place (`for item in batch.items`, or through a buffer pointer) made the
                        // compiler copy the 529-byte item first, retaining and releasing each of its strings.
                        try batch.items.withUnsafeMutableBufferPointer { items in
                            guard let first = items.baseAddress else {
                                return
                            }
                            for slot in first..<first + items.count {
                                let item = slot.move()
                                defer { slot.initialize(to: item) }
                                try session.ingest(item)
                            }
                        }
                        pipeline.handBack(batch)
                        if let progress, clock.now - lastProgress > .milliseconds(200) {
                            lastProgress = clock.now
                            progress(
                                ImportProgress(
                                    items: session.report.read,
                                    bytes: batch.bytes,
                                    totalBytes: reader.rawSize,
                                    seconds: (clock.now - start).seconds
                                )
                            )
                        }
                    }
                    pipeline.join()
                } catch {
                    pipeline.cancel()
                    throw error
                }
                session.report.format = reader.format?.rawValue ?? ""
                try session.recordFeedDiagnostics(reader.feedDiagnostics)
                try session.finish(allowMassRemoval: options.allowMassRemoval)
                session.report.bytes = reader.rawBytesConsumed
                session.report.sha256 = hasher.hexDigest()
                try session.recordOutcome(finishedAt: Timestamp.string(context.now()))
                let counts = session.report
                try Self.appendAudit(
                    AuditRecord(
                        actor: options.actor,
                        action: "import",
                        target: "catalog:\(options.catalog)",
                        digest: counts.sha256,
                        details: .object([
                            "import_id": .integer(session.importID), "source": .string(counts.source),
                            "read": .integer(Int64(counts.read)), "added": .integer(Int64(counts.added)),
                            "changed": .integer(Int64(counts.changed)), "removed": .integer(Int64(counts.removed)),
                            "rejected": .integer(Int64(counts.rejected)),
                        ])
                    ),
                    at: Timestamp.string(context.now()),
                    in: db
                )
                if options.dryRun {
                    session.report.importID = nil
                }
                return (session.report, !options.dryRun)
            }
            // Up to the end of the commit, which a large import's user waits for too (its last `fsync` calls).
            report.seconds = (clock.now - start).seconds
            return report
        }
    }

    /// Look-ups of a catalog's stored products for the import's validating threads, on a SQLite file in WAL mode
    /// (`nil` otherwise): each runs in a read transaction of a connection of its own, which sees no change the
    /// import's transaction (on `db`) makes.
    /// - An in-memory store has one connection, which the import holds.
    /// - With a rollback journal (a workspace that could not go back to WAL mode), readers would keep the import's
    ///   connection from writing its pages until they finish, and they finish after it.
    /// - PostgreSQL looks up a batch's products in one query on the database thread instead
    ///   (``ImportSession/prefetch(_:)``).
    private func storedRowLookups(_ catalogID: Int64, _ db: any SQLConnection) throws -> ImportPipeline.Lookups? {
        guard sqliteFilePath != nil, try db.fetchOne(String.self, sql: "PRAGMA journal_mode") == "wal" else {
            return nil
        }
        return { [self] body in
            try read { db in
                body(StoredRowLookup(statement: try db.prepare(sql: StoredRow.lookupSQL), catalogID: catalogID))
            }
        }
    }

    /// Whether the catalog named `name` has product rows (removed ones included).
    private func catalogHasProducts(_ name: String) throws -> Bool {
        try read { db in try ImportSession.hasProducts(catalogNamed: name, in: db) }
    }

    /// Records an import that stored nothing, in its own transaction, so the attempt stays visible.
    private func recordFailedImport(
        options: ImportOptions,
        source: String,
        started: Date,
        outcome: String,
        error: any Error
    ) throws {
        guard !options.dryRun else {
            return
        }
        try write { db in
            let catalogID = try ImportSession.catalogID(
                named: options.catalog,
                in: db,
                createdAt: Timestamp.string(started)
            )
            let importID = try db.insertReturningID(
                sql: """
                    INSERT INTO import_run (catalog_id, source_path, profile, started_at, finished_at, outcome, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    catalogID, source, options.profile.name, Timestamp.string(started),
                    Timestamp.string(context.now()), outcome, "\(error)",
                ]
            )
            try Self.appendAudit(
                AuditRecord(
                    actor: options.actor,
                    action: "import",
                    target: "catalog:\(options.catalog)",
                    outcome: outcome,
                    details: .object([
                        "import_id": .integer(importID), "source": .string(source),
                        "reason": .string("\(error)"),
                    ])
                ),
                at: Timestamp.string(context.now()),
                in: db
            )
        }
    }
}
