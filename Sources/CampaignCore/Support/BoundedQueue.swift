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
