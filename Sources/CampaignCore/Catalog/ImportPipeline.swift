import Crypto
import FeedImport
import Foundation

/// An item ready for the store: validated, serialised and hashed on the reading thread.
struct PreparedItem: Sendable {
    var item: ValidatedItem
    /// `id` lower-cased: ids that differ only in case are one product.
    var key: String?
    var seenKey: SeenSet.Key?
    /// Canonical JSON of the attributes and its SHA-256, for valid items.
    var json: String?
    var hash: Data?
}

/// Reads, validates and hashes items on a second thread while the database thread applies them.
///
/// Parsing and validation use one core, SQLite the other: a bounded queue of batches between them
/// keeps memory flat (at most ``capacity`` batches of ``batchSize`` items in flight). Hand-written
/// over `Thread` and `NSCondition` because the work is synchronous C (libxml2, SQLite) that must not
/// block Swift's cooperative thread pool.
final class ImportPipeline: @unchecked Sendable {
    // @unchecked: the reader and validator are touched only by the producer thread after `start()`;
    // the queue, flags and counters only under `condition`.
    static let batchSize = 256
    static let capacity = 8

    struct Batch: Sendable {
        var items: [PreparedItem]
        /// Raw bytes read when the batch was closed, for progress.
        var bytes: Int64
    }

    private let reader: FeedReader
    private let validator: ItemValidator
    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var finished = false
    private var failure: FeedImportError?
    private var cancelled = false
    private var thread: Thread?
    private var producerDone = false

    init(reader: FeedReader, validator: ItemValidator) {
        self.reader = reader
        self.validator = validator
    }

    /// Starts the reading thread.
    func start() {
        let thread = Thread { [self] in
            produce()
        }
        thread.name = "campaignctl.import.reader"
        thread.stackSize = 4 << 20
        self.thread = thread
        thread.start()
    }

    /// The next batch, `nil` at the end of the feed; rethrows the reader's error.
    func next() throws(FeedImportError) -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished {
            condition.wait()
        }
        if !queue.isEmpty {
            let batch = queue.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure {
            throw failure
        }
        return nil
    }

    /// Stops the reading thread (after an error on the database side) and waits for it.
    func cancel() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        condition.broadcast()
        while !producerDone {
            condition.wait()
        }
        condition.unlock()
    }

    /// Waits until the reading thread has exited (it exits after the end marker).
    func join() {
        condition.lock()
        while !producerDone {
            condition.wait()
        }
        condition.unlock()
    }

    private func produce() {
        var batch: [PreparedItem] = []
        batch.reserveCapacity(Self.batchSize)
        do {
            while let record = try reader.next() {
                batch.append(Self.prepare(validator.validate(record)))
                if batch.count == Self.batchSize {
                    guard push(Batch(items: batch, bytes: reader.rawBytesConsumed)) else {
                        break
                    }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty {
                _ = push(Batch(items: batch, bytes: reader.rawBytesConsumed))
            }
            finish(nil)
        } catch {
            finish(error)
        }
    }

    /// Queues a batch, waiting while the queue is full; false when cancelled.
    private func push(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.capacity && !cancelled {
            condition.wait()
        }
        guard !cancelled else {
            return false
        }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    private func finish(_ error: FeedImportError?) {
        condition.lock()
        failure = error
        finished = true
        producerDone = true
        condition.broadcast()
        condition.unlock()
    }

    static func prepare(_ item: ValidatedItem) -> PreparedItem {
        guard let id = item.id, !id.isEmpty else {
            return PreparedItem(item: item)
        }
        let key = ImportSession.key(id)
        var prepared = PreparedItem(item: item, key: key, seenKey: SeenSet.Key(key))
        if let product = item.product {
            let bytes = product.attributes.canonicalJSONBytes()
            prepared.hash = bytes.withUnsafeBytes { Data(SHA256.hash(data: $0)) }
            prepared.json = String(decoding: bytes, as: UTF8.self)
        }
        return prepared
    }
}
