import Foundation
import Testing

@testable import CampaignCore

/// The import pipeline frees each batch on the thread that allocated it; these tests check that neither the queue
/// between two stages nor the hand-back keeps a batch alive past the point where the pipeline means to free it.
@Suite struct BoundedQueueTests {
    /// Counts its deinitialisations in a ``DeinitCounter``.
    final class Tracked: Sendable {
        let counter: DeinitCounter

        init(_ counter: DeinitCounter) {
            self.counter = counter
        }

        deinit {
            counter.count()
        }
    }

    /// How many ``Tracked`` were freed, and the thread that freed the last one.
    final class DeinitCounter: @unchecked Sendable {
        // @unchecked: both properties are touched only under `lock`.
        private let lock = NSLock()
        private var deinits = 0
        private var lastThread: pthread_t?

        func count() {
            lock.lock()
            deinits += 1
            lastThread = pthread_self()
            lock.unlock()
        }

        var snapshot: (deinits: Int, lastThread: pthread_t?) {
            lock.lock()
            defer { lock.unlock() }
            return (deinits, lastThread)
        }
    }

    final class LockedBox<Value>: @unchecked Sendable {
        // @unchecked: `stored` is touched only under `lock`.
        private let lock = NSLock()
        private var stored: Value

        init(_ value: Value) {
            stored = value
        }

        var value: Value {
            get {
                lock.lock()
                defer { lock.unlock() }
                return stored
            }
            set {
                lock.lock()
                stored = newValue
                lock.unlock()
            }
        }
    }

    @Test func aPoppedElementIsNotKeptByTheQueue() throws {
        let counter = DeinitCounter()
        let queue = BoundedQueue<Tracked, CatalogError>(capacity: 4)
        #expect(queue.push(Tracked(counter)))
        #expect(queue.push(Tracked(counter)))
        #expect(queue.push(Tracked(counter)))

        var first = try queue.pop()
        #expect(first != nil)
        first = nil
        // The consumer dropped the only reference: freed now, not when the queue next compacts its storage.
        #expect(counter.snapshot.deinits == 1)

        _ = try queue.pop()
        #expect(counter.snapshot.deinits == 2)
        // The third is still queued.
        queue.close(failure: nil)
        #expect(counter.snapshot.deinits == 2)
        _ = try queue.pop()
        #expect(try queue.pop() == nil)
        #expect(counter.snapshot.deinits == 3)
    }

    @Test func handedBackElementsAreFreedByTheReleasingThreadOnly() {
        let counter = DeinitCounter()
        let handBack = HandBack<[Tracked]>()
        let consumed = DispatchGroup()
        consumed.enter()
        let consumer = Thread {
            var batch: [Tracked]? = (0..<10).map { _ in Tracked(counter) }
            if let batch {
                handBack.handBack(batch)
            }
            batch = nil
            consumed.leave()
        }
        consumer.start()
        consumed.wait()
        // The consumer let go of its batch, but nothing is freed until the producer releases it.
        #expect(counter.snapshot.deinits == 0)

        let released = DispatchGroup()
        released.enter()
        let producerThread = LockedBox<pthread_t?>(nil)
        let producer = Thread {
            producerThread.value = pthread_self()
            handBack.release()
            released.leave()
        }
        producer.start()
        released.wait()
        #expect(counter.snapshot.deinits == 10)
        #expect(counter.snapshot.lastThread != nil)
        #expect(counter.snapshot.lastThread == producerThread.value)

        // Nothing is released twice, and the buffers are reused for later batches.
        handBack.release()
        #expect(counter.snapshot.deinits == 10)
        handBack.handBack([Tracked(counter)])
        handBack.release()
        #expect(counter.snapshot.deinits == 11)

        // What `release` shows its body may be handed further back (the import forwards each batch's records to the
        // reading thread): it outlives the release.
        let further = HandBack<[Tracked]>()
        handBack.handBack([Tracked(counter), Tracked(counter)])
        handBack.release { further.handBack($0) }
        #expect(counter.snapshot.deinits == 11)
        further.release()
        #expect(counter.snapshot.deinits == 13)
    }
}
