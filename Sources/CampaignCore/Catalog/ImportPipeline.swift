import Crypto
import FeedImport
import Foundation

/// An item ready for the store: validated, serialised and hashed off the database thread.
struct PreparedItem: Sendable {
    var item: ValidatedItem
    /// `id` lower-cased: ids that differ only in case are one product.
    var key: String?
    var seenKey: SeenSet.Key?
    /// Canonical JSON of the attributes (UTF-8, bound as text without becoming a `String`) and its SHA-256, for
    /// valid items.
    var json: [UInt8]?
    var hash: Data?
}

/// Reads, validates and hashes items on two worker threads while the database thread applies them.
///
/// Three stages linked by bounded queues of batches: libxml2 parsing, then validation and
/// canonical serialisation, then SQLite (the caller). Memory stays flat: at most
/// ``capacity`` batches of ``batchSize`` items wait between two stages. Hand-written over `Thread`
/// and `NSCondition` because the work is synchronous C (libxml2, SQLite) that must not block
/// Swift's cooperative thread pool.
final class ImportPipeline: @unchecked Sendable {
    // @unchecked: the reader is touched only by the reading thread until `join()` returns,
    // the validator only by the validating thread; the queues synchronise themselves.
    static let batchSize = 64
    static let capacity = 4

    struct Batch: Sendable {
        var items: [PreparedItem]
        /// Raw bytes read when the batch was closed, for progress.
        var bytes: Int64
        /// The records the items were made from, kept until the items are freed: the items share their strings,
        /// which the reading thread made and so frees last.
        fileprivate var records: [FeedRecord] = []
    }

    private struct RecordBatch: Sendable {
        var records: [FeedRecord]
        var bytes: Int64
    }

    private let reader: FeedReader
    private let validator: ItemValidator
    private let records = BoundedQueue<RecordBatch, FeedImportError>(capacity: ImportPipeline.capacity)
    private let prepared = BoundedQueue<Batch, FeedImportError>(capacity: ImportPipeline.capacity)
    /// Batches go back to the thread that allocated most of them, to be freed there (see ``HandBack``).
    private let spentRecords = HandBack<[FeedRecord]>()
    private let spentItems = HandBack<Batch>()
    private let finished = DispatchGroup()

    init(reader: FeedReader, validator: ItemValidator) {
        self.reader = reader
        self.validator = validator
    }

    /// Starts the reading and validating threads.
    func start() {
        spawn("campaignctl.import.read") { [self] in read() }
        spawn("campaignctl.import.validate") { [self] in validate() }
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

    /// The next batch, `nil` at the end of the feed; rethrows the reader's error.
    func next() throws(FeedImportError) -> Batch? {
        try prepared.pop()
    }

    /// The database thread is done with `batch`: the validating thread, which made its items, frees them, then the
    /// reading thread frees their records.
    func handBack(_ batch: Batch) {
        spentItems.handBack(batch)
    }

    /// Stops both threads (after an error on the database side) and waits for them.
    func cancel() {
        records.cancel()
        prepared.cancel()
        finished.wait()
    }

    /// Waits until both threads have exited (they exit after the end of the feed).
    func join() {
        finished.wait()
    }

    private func read() {
        var batch: [FeedRecord] = []
        batch.reserveCapacity(Self.batchSize)
        do {
            while let record = try reader.next() {
                batch.append(record)
                if batch.count == Self.batchSize {
                    spentRecords.release()
                    guard records.push(RecordBatch(records: batch, bytes: reader.rawBytesConsumed)) else {
                        return
                    }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty {
                _ = records.push(RecordBatch(records: batch, bytes: reader.rawBytesConsumed))
            }
            records.close(failure: nil)
        } catch {
            records.close(failure: error)
        }
    }

    private func validate() {
        do {
            while let batch = try records.pop() {
                spentItems.release { spent in spentRecords.handBack(spent.records) }
                let items = batch.records.map { Self.prepare(validator.validate($0)) }
                guard prepared.push(Batch(items: items, bytes: batch.bytes, records: batch.records)) else {
                    return
                }
            }
            prepared.close(failure: nil)
        } catch {
            prepared.close(failure: error)
        }
    }

    /// `item` is consumed, and its product read in place: copying either would retain each of its strings.
    static func prepare(_ item: consuming ValidatedItem) -> PreparedItem {
        guard let id = item.id, !id.isEmpty else {
            return PreparedItem(item: item)
        }
        let key = ImportSession.key(id)
        var json: [UInt8]?
        var hash: Data?
        if let bytes = item.product?.attributes.canonicalJSONBytes() {
            hash = bytes.withUnsafeBytes { Data(SHA256.hash(data: $0)) }
            json = bytes
        }
        return PreparedItem(item: item, key: key, seenKey: SeenSet.Key(key), json: json, hash: hash)
    }
}
