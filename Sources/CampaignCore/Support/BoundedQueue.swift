import Foundation

/// A first-in first-out queue with a capacity, closed by its producer (with or without an error)
/// and cancellable by its consumer.
final class BoundedQueue<Element: Sendable, Failure: Error & Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is read and written only under `condition`.
    private let condition = NSCondition()
    private let capacity: Int
    private var elements: [Element] = []
    private var head = 0
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
        while elements.count - head >= capacity && !cancelled {
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
    func pop() throws(Failure) -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == elements.count && !closed && !cancelled {
            condition.wait()
        }
        if head < elements.count {
            let element = elements[head]
            head += 1
            if head == elements.count {
                elements.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= capacity {
                // Drop consumed slots so the buffer never grows past about twice the capacity.
                elements.removeFirst(head)
                head = 0
            }
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
        head = 0
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
