import Crypto
import FeedImport
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An item ready for the store: validated, serialised and hashed off the database thread.
struct PreparedItem: Sendable {
    var item: ValidatedItem
    /// `id` lower-cased: ids that differ only in case are one product.
    var key: String?
    var seenKey: SeenSet.Key?
    /// Canonical JSON of the attributes (UTF-8, bound as text without becoming a `String`) and its SHA-256, for
    /// valid items.
    var json: [UInt8]?
    var hash: SHA256Value?
    /// SHA-256 of the record's ``ItemValidator/fingerprintInput(of:words:into:)``, to store with the product, for valid
    /// items.
    var sourceHash: SHA256Value?
    /// The item's warnings, stored with ``sourceHash`` for a later import that skips validating the same record
    /// (``StoredWarnings``); `nil` when it has none.
    var sourceWarnings: Data?
    /// When the record validates as it did (``ValidatedItem/stableTimes``), stored with ``sourceHash``: a later import
    /// at another time validates it again.
    var sourceTimes = ValidatedItem.anyTime
    /// The stored product of ``key`` as the import's transaction began, when the validating thread looked it up:
    /// `.some(nil)` when there is none.
    var stored: StoredRow?? = nil
    /// The record is the one the stored (active) product was validated from: it was not validated again, and
    /// ``item`` holds only its id and line.
    var isUnchanged = false
}

/// A stored product as an import compares its feed item with it.
struct StoredRow: Sendable {
    var rowID: Int64
    var isActive: Bool
    var hash: Data
    var rejectedImportID: Int64?
    var changedImportID: Int64
    /// See ``PreparedItem/sourceHash``.
    var sourceHash: Data?
    /// See ``PreparedItem/sourceWarnings``.
    var sourceWarnings: Data?
    /// See ``PreparedItem/sourceTimes``: stored as two columns, NULL for an open end.
    var sourceTimes: Range<Int64>

    /// The columns ``init(_:from:)`` reads, in order.
    static let columns = """
        id, status, content_hash, rejected_import_id, changed_import_id, source_hash, source_warnings, \
        source_valid_from, source_valid_until
        """
    /// One product of a catalog (`catalog_id`, `key`).
    static let lookupSQL = "SELECT \(columns) FROM product WHERE catalog_id = ? AND key = ?"

    init(_ row: SQLRow, from first: Int) throws {
        rowID = try row[first]
        isActive = try row[first + 1] == "active"
        hash = try row[first + 2]
        rejectedImportID = try row[first + 3]
        changedImportID = try row[first + 4]
        sourceHash = try row[first + 5]
        sourceWarnings = try row[first + 6]
        let from: Int64? = try row[first + 7]
        let until: Int64? = try row[first + 8]
        let lower = from ?? ValidatedItem.anyTime.lowerBound
        let upper = until ?? ValidatedItem.anyTime.upperBound
        // An empty or reversed range read from the database holds at no time.
        sourceTimes = lower < upper ? lower..<upper : lower..<lower
    }

    /// ``PreparedItem/sourceTimes`` as the two columns' values.
    static func columnValues(of times: Range<Int64>) -> (from: Int64?, until: Int64?) {
        (
            times.lowerBound == ValidatedItem.anyTime.lowerBound ? nil : times.lowerBound,
            times.upperBound == ValidatedItem.anyTime.upperBound ? nil : times.upperBound
        )
    }
}

/// Looks up a catalog's stored products by key, on a validating thread, inside a read transaction of its own.
struct StoredRowLookup {
    let statement: any SQLStatement
    let catalogID: Int64

    func product(key: String) throws -> StoredRow? {
        statement.bind(catalogID, at: 1)
        statement.bind(key, at: 2)
        return try statement.fetchFirst().map { try StoredRow($0, from: 0) }
    }
}

/// Reads, validates and hashes items on worker threads while the database thread applies them.
///
/// Three stages linked by bounded queues of batches: libxml2 parsing on one thread, then validation and canonical
/// serialisation on ``lanes`` threads, then SQLite (the caller). The reader deals its batches to the validating
/// threads in turn, and the database thread takes them back in the same turn, so items reach the store in feed
/// order. Memory stays flat: at most ``capacity`` batches of ``batchSize`` items wait in each queue. Hand-written over
/// `Thread` and `NSCondition` because the work is synchronous C (libxml2, SQLite) that must not block Swift's
/// cooperative thread pool.
///
/// Why two validating threads on a two-core machine: validation is the heaviest stage (over a third of the CPU an
/// import uses). Alone on its thread it could not keep up with the other two, which then waited on its queues,
/// leaving a core idle; shared between two threads, the work of all three stages fills both cores.
///
/// On a re-import, each validating thread can look up the stored products (``Lookups``). An item whose record has
/// the fingerprint its active stored product was validated from, at a time that outcome holds for, is not validated
/// again: it is unchanged, its stored warnings are reported again at its lines, and the database thread only marks it
/// seen. Every other item carries its stored row, so the database thread does not look it up either.
final class ImportPipeline: @unchecked Sendable {
    /// Runs its argument with a lookup of the catalog's stored products that sees the catalog as the import's
    /// transaction began (a read transaction started after it, on another connection); throws when it cannot.
    typealias Lookups = @Sendable (_ body: (StoredRowLookup) -> Void) throws -> Void

    // @unchecked: the reader is touched only by the reading thread until `join()` returns, the validator (immutable)
    // by the validating threads, `nextLane` only by the database thread; the queues synchronise themselves.
    static let batchSize = 64
    static let capacity = 4
    static let lanes = 2

    struct Batch: Sendable {
        var items: [PreparedItem]
        /// Raw bytes read when the batch was closed, for progress.
        var bytes: Int64
        /// The validating thread that made the items.
        fileprivate var lane = 0
    }

    private struct RecordBatch: Sendable {
        var records: [FeedRecord]
        var bytes: Int64
    }

    private let reader: FeedReader
    private let validator: ItemValidator
    private let lookups: Lookups?
    /// Says when the look-ups fail and the validating threads validate every item instead (slower, same result).
    private let logger: Logger
    /// One queue of records and one of prepared items per validating thread.
    private let records = (0..<ImportPipeline.lanes).map { _ in
        BoundedQueue<RecordBatch, FeedImportError>(capacity: ImportPipeline.capacity)
    }
    private let prepared = (0..<ImportPipeline.lanes).map { _ in
        BoundedQueue<Batch, FeedImportError>(capacity: ImportPipeline.capacity)
    }
    /// Batches go back to the thread that allocated most of them, to be freed there (see ``HandBack``).
    private let spentRecords = HandBack<[FeedRecord]>()
    private let spentItems = (0..<ImportPipeline.lanes).map { _ in HandBack<Batch>() }
    /// The lane of the next batch in feed order.
    private var nextLane = 0
    private let finished = DispatchGroup()

    init(reader: FeedReader, validator: ItemValidator, lookups: Lookups? = nil, logger: Logger) {
        self.reader = reader
        self.validator = validator
        self.lookups = lookups
        self.logger = logger
    }

    /// Starts the reading and validating threads.
    func start() {
        spawn("campaignctl.import.read") { [self] in read() }
        for lane in 0..<Self.lanes {
            spawn("campaignctl.import.validate.\(lane)") { [self] in
                // Only a re-import's validating threads have less to do than the reader (see `yieldToReader`).
                if lookups != nil {
                    Self.yieldToReader()
                }
                validate(lane: lane)
            }
        }
    }

    /// Lowers the calling thread's scheduling priority by 5 nice levels, for the threads that are not the pipeline's
    /// critical path. On Linux, a thread's nice value is its own; elsewhere this does nothing (on macOS it would be
    /// the whole process's).
    ///
    /// The reading thread is the critical path whenever the others have less to do than it (a re-import skips
    /// validating its unchanged items): it alone needs a core for the whole feed. With four busy threads on two cores,
    /// an even share left it waiting for a core a tenth of the time. In a first import every thread is busy and the
    /// validating ones keep their priority; the file's hashing thread always yields.
    static func yieldToReader() {
        #if os(Linux)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        // -1 is both a nice value and getpriority's error: errno tells them apart.
        errno = 0
        let current = getpriority(which, 0)
        guard errno == 0 else {
            return
        }
        _ = setpriority(which, 0, min(current + 5, 19))
        #endif
    }

    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        finished.enter()
        let thread = Thread { [finished] in
            body()
            finished.leave()
        }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// The next batch in feed order, `nil` at the end of the feed; rethrows the reader's error where it occurred.
    ///
    /// The reader deals batches to the lanes in turn, so the end of the feed (or its error) is first met in the lane
    /// whose turn it is.
    func next() throws(FeedImportError) -> Batch? {
        let batch = try prepared[nextLane].pop()
        nextLane = (nextLane + 1) % Self.lanes
        return batch
    }

    /// The database thread is done with `batch`: the validating thread that made its items frees them.
    func handBack(_ batch: Batch) {
        spentItems[batch.lane].handBack(batch)
    }

    /// Stops every thread (after an error on the database side) and waits for them.
    func cancel() {
        for queue in records {
            queue.cancel()
        }
        for queue in prepared {
            queue.cancel()
        }
        finished.wait()
    }

    /// Waits until every thread has exited (they exit after the end of the feed).
    func join() {
        finished.wait()
    }

    private func read() {
        var batch: [FeedRecord] = []
        batch.reserveCapacity(Self.batchSize)
        var lane = 0
        do {
            while let record = try reader.next() {
                batch.append(record)
                if batch.count == Self.batchSize {
                    spentRecords.release()
                    guard records[lane].push(RecordBatch(records: batch, bytes: reader.rawBytesConsumed)) else {
                        return
                    }
                    lane = (lane + 1) % Self.lanes
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty {
                _ = records[lane].push(RecordBatch(records: batch, bytes: reader.rawBytesConsumed))
            }
            for queue in records {
                queue.close(failure: nil)
            }
        } catch {
            // Every lane ends with the error; the database thread meets it in the lane whose turn it is, after every
            // batch read before it.
            for queue in records {
                queue.close(failure: error)
            }
        }
    }

    private func validate(lane: Int) {
        var scratch = CanonicalJSONScratch.forOneThread()
        var looking = false
        if let lookups {
            // An error before `body` runs (no reader) means validating every item; one after it (the read
            // transaction's end) changes nothing.
            do {
                try lookups { lookup in
                    looking = true
                    validate(lane: lane, json: &scratch, lookup: lookup)
                }
            } catch let error where !looking {
                Self.logLookupFailure(error, logger: logger)
            } catch {
                // The items were all prepared; only ending the read transaction failed.
            }
        }
        if !looking {
            validate(lane: lane, json: &scratch, lookup: nil)
        }
    }

    private func validate(lane: Int, json scratch: inout CanonicalJSONScratch, lookup: StoredRowLookup?) {
        var lookup = lookup
        // This thread's own copy: the lanes would otherwise change the reference counts of the same buffers for
        // every record (ItemValidator.forOneThread).
        let validator = validator.forOneThread()
        var words: [UInt32] = []
        var memo = ValidationMemo()
        do {
            while let batch = try records[lane].pop() {
                spentItems[lane].release()
                var items: [PreparedItem] = []
                items.reserveCapacity(batch.records.count)
                for record in batch.records {
                    items.append(
                        prepare(
                            record,
                            validator: validator,
                            json: &scratch,
                            memo: &memo,
                            words: &words,
                            lookup: &lookup
                        )
                    )
                }
                // The items share nothing with their records (the validator makes its own strings), whose two buffers
                // go straight back to the reading thread that allocated them.
                spentRecords.handBack(batch.records)
                let ready = Batch(items: items, bytes: batch.bytes, lane: lane)
                guard prepared[lane].push(ready) else {
                    return
                }
            }
            prepared[lane].close(failure: nil)
        } catch {
            prepared[lane].close(failure: error)
        }
    }

    /// Fingerprints `record`, looks its stored product up and, unless the record is the one that product was
    /// validated from, validates it. A failed look-up stops this thread's look-ups: the database thread makes them.
    private func prepare(
        _ record: FeedRecord,
        validator: borrowing ItemValidator,
        json scratch: inout CanonicalJSONScratch,
        memo: inout ValidationMemo,
        words: inout [UInt32],
        lookup: inout StoredRowLookup?
    ) -> PreparedItem {
        var fingerprint: SHA256Value?
        var stored: (key: String, row: StoredRow?)?
        if let active = lookup, let id = validator.id(of: record) {
            let recordPrint = Self.fingerprint(of: record, validator: validator, words: &words)
            fingerprint = recordPrint
            let key = ImportSession.key(id)
            do {
                let row = try active.product(key: key)
                if let row, row.isActive, recordPrint.isStored(in: row.sourceHash),
                    row.sourceTimes.contains(validator.now),
                    let warnings = StoredWarnings.decode(
                        row.sourceWarnings,
                        recordLine: record.line,
                        file: validator.file,
                        itemID: id
                    )
                {
                    return PreparedItem(
                        item: ValidatedItem(id: id, line: record.line, product: nil, diagnostics: warnings),
                        key: key,
                        seenKey: SeenSet.Key(key),
                        stored: .some(row),
                        isUnchanged: true
                    )
                }
                stored = (key, row)
            } catch {
                lookup = nil
                Self.logLookupFailure(error, logger: logger)
            }
        }
        return Self.prepare(
            validator.validate(record, memo: &memo),
            of: record,
            json: &scratch,
            stored: stored,
            fingerprint: fingerprint,
            validator: validator,
            words: &words
        )
    }

    /// The look-ups of stored products failed: this validating thread validates its (remaining) items, as a first
    /// import does. The outcome is the same; only the time differs.
    private static func logLookupFailure(_ error: any Error, logger: Logger) {
        logger.notice(
            "re-import: looking up stored products failed; validating every remaining item instead",
            metadata: ["error": "\(error)"]
        )
    }

    /// SHA-256 of the record's fingerprint input.
    private static func fingerprint(
        of record: FeedRecord,
        validator: ItemValidator,
        words: inout [UInt32]
    ) -> SHA256Value {
        var sink = HashSink()
        validator.fingerprintInput(of: record, words: &words, into: &sink)
        return SHA256Value(sink.hasher.finalize())
    }

    private struct HashSink: FingerprintSink {
        var hasher = SHA256()

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            hasher.update(bufferPointer: bytes)
        }
    }

    /// `item`, validated from `record`, with its key, canonical JSON and hashes and, when it is valid, what a later
    /// import needs to skip validating the same record (its fingerprint, warnings and times); `stored` is the stored
    /// row the look-up found for its key, and `fingerprint` the record's when the look-up made it.
    ///
    /// `item` is consumed, and its product read in place, and the result made in one expression at the end: copying
    /// the item, or setting properties of a local result after creating it (the compiler then copied it to return it),
    /// retained and released each of its strings.
    private static func prepare(
        _ item: consuming ValidatedItem,
        of record: FeedRecord,
        json scratch: inout CanonicalJSONScratch,
        stored: (key: String, row: StoredRow?)?,
        fingerprint: SHA256Value?,
        validator: ItemValidator,
        words: inout [UInt32]
    ) -> PreparedItem {
        guard let id = item.id, !id.isEmpty else {
            return PreparedItem(item: item)
        }
        let key = ImportSession.key(id)
        var json: [UInt8]?
        var hash: SHA256Value?
        var source: (hash: SHA256Value, warnings: Data?, times: Range<Int64>)?
        if let bytes = item.product?.attributes.canonicalJSONBytes(reusing: &scratch) {
            hash = bytes.withUnsafeBytes { SHA256Value(SHA256.hash(data: $0)) }
            json = bytes
            // Valid items only (they have a product), whose diagnostics are warnings.
            if !item.hasErrors {
                source = (
                    fingerprint ?? Self.fingerprint(of: record, validator: validator, words: &words),
                    StoredWarnings.encode(item.diagnostics, recordLine: record.line),
                    item.stableTimes
                )
            }
        }
        var storedRow: StoredRow?? = nil
        if let stored, stored.key == key {
            storedRow = .some(stored.row)
        }
        return PreparedItem(
            item: item,
            key: key,
            seenKey: SeenSet.Key(key),
            json: json,
            hash: hash,
            sourceHash: source?.hash,
            sourceWarnings: source?.warnings,
            sourceTimes: source?.times ?? ValidatedItem.anyTime,
            stored: storedRow
        )
    }
}
