import Foundation

/// A first-in first-out queue with a capacity, closed by its producer (with or without an error)
/// and cancellable by its consumer.
final class BoundedQueue<Element: Sendable, Failure: Error & Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is read and written only under `condition`.
    private let condition = NSCondition()
    private let capacity: Int
    private var elements: [Element] = []
    private var closed = false
    private var cancelled = false
    private var failure: Failure?

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds an element, waiting while the queue is full; `false` when the consumer cancelled.
    func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while elements.count >= capacity && !cancelled {
            condition.wait()
        }
        guard !cancelled else {
            return false
        }
        elements.append(element)
        condition.broadcast()
        return true
    }

    /// The next element, waiting while the queue is empty; `nil` once closed and drained.
    ///
    /// The element is moved out: the queue keeps no reference to it, so that what the consumer releases is freed
    /// where the consumer decides (see ``HandBack``). Shifting the few others costs nothing at this capacity.
    func pop() throws(Failure) -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while elements.isEmpty && !closed && !cancelled {
            condition.wait()
        }
        if !elements.isEmpty {
            let element = elements.removeFirst()
            condition.broadcast()
            return element
        }
        if let failure, !cancelled {
            throw failure
        }
        return nil
    }

    /// No more elements will come; `failure` is thrown to the consumer once the queue is drained.
    func close(failure: Failure?) {
        condition.lock()
        closed = true
        self.failure = failure
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer gives up: waiting producers return `false`, elements are dropped.
    func cancel() {
        condition.lock()
        cancelled = true
        elements.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs a producer on its own thread, feeding a ``BoundedQueue`` that the calling thread drains: parsing then runs
/// on one core while the caller writes to SQLite on the other.
final class ProducerThread<Element: Sendable, Failure: Error & Sendable>: @unchecked Sendable {
    // @unchecked: the queue is thread-safe, and `finished` is a DispatchGroup.
    private let queue: BoundedQueue<Element, Failure>
    private let finished = DispatchGroup()

    /// Starts `produce` on a thread named `name`. It hands each element to `push`, which returns false once the
    /// consumer cancelled (then `produce` should return); an error it throws reaches the consumer after the elements
    /// pushed before it.
    init(
        name: String,
        capacity: Int,
        produce: @escaping @Sendable (_ push: (Element) -> Bool) throws(Failure) -> Void
    ) {
        let queue = BoundedQueue<Element, Failure>(capacity: capacity)
        self.queue = queue
        finished.enter()
        let thread = Thread { [finished] in
            do throws(Failure) {
                try produce { queue.push($0) }
                queue.close(failure: nil)
            } catch {
                queue.close(failure: error)
            }
            finished.leave()
        }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// The next element, nil at the end; rethrows the producer's error.
    func next() throws(Failure) -> Element? {
        try queue.pop()
    }

    /// Stops the producer (the consumer failed) and waits for its thread.
    func cancel() {
        queue.cancel()
        finished.wait()
    }

    /// Waits until the producer's thread has exited.
    func join() {
        finished.wait()
    }
}

/// Elements a later stage of a pipeline is done with, handed back so that the stage that made them frees them.
///
/// glibc's malloc gives each thread an arena of its own. A block freed by another thread goes back to its maker's
/// arena under that arena's lock, while the maker keeps taking the same lock to allocate, its own cache being
/// empty. Freeing each batch where it was consumed made the threads contend for those locks: in a 100,000-item
/// import the database thread slept on one about 15,000 times (perf `sched_switch`). With the items handed back to
/// the validating thread, and the records from there to the reader, the process sleeps about 2,400 times instead
/// of 23,000.
///
/// Any thread may hand elements back; one thread releases them.
final class HandBack<Element: Sendable>: @unchecked Sendable {
    // @unchecked: `handedBack` is touched only under `lock`; `releasing` only by the one releasing thread, and by
    // `lock`-protected swaps.
    private let lock = NSLock()
    private var handedBack: [Element] = []
    private var releasing: [Element] = []

    /// Called by the consumer once it is done with `element`.
    func handBack(_ element: Element) {
        lock.lock()
        handedBack.append(element)
        lock.unlock()
    }

    /// Called by the producer between two elements: releases what was handed back, on this thread, after showing each
    /// element to `body` (which may hand parts of it further back). The two buffers take turns, so neither is
    /// reallocated.
    func release(_ body: (Element) -> Void = { _ in }) {
        lock.lock()
        swap(&handedBack, &releasing)
        lock.unlock()
        for element in releasing {
            body(element)
        }
        releasing.removeAll(keepingCapacity: true)
    }
}
