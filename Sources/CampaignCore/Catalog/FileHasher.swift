import Crypto
import Foundation

/// SHA-256 of the raw feed file, fed by the reader as it reads (the file is read once), computed on a thread of its
/// own.
///
/// The reading thread only copies each chunk into one of a few buffers that take turns. A re-import, which skips
/// validating its unchanged items, is limited by that thread: hashing there was a tenth of its time, copying is about
/// a tenth of that. A buffer holds several chunks, so the hashing thread is woken once per megabyte rather than per
/// read. Hand-written over `Thread` and ``BoundedQueue`` like ``ImportPipeline``, for the same reason (synchronous
/// work that must not block Swift's cooperative pool).
///
/// The hashing thread waits for chunks until ``stop()`` (or ``hexDigest()``): call one of them once done, failed or
/// not.
final class FileHasher: @unchecked Sendable {
    // @unchecked: `digest` is written by the hashing thread before it leaves `finished`, and read only after waiting
    // on it; the chunks travel through the queues, each owned by one thread at a time; `current` is touched by the
    // reading thread, then, like `stopped`, by the importing thread in `stop()`, once the reading thread is done.
    /// Buffers in turn: while the hashing thread works on one, the reader fills the next.
    static let depth = 3
    /// What a buffer holds before it is handed over: four of the reader's chunks.
    static let bufferSize = 1 << 20

    private let filled = BoundedQueue<Chunk, Never>(capacity: FileHasher.depth)
    private let empty = BoundedQueue<Chunk, Never>(capacity: FileHasher.depth)
    private let finished = DispatchGroup()
    private var digest: SHA256.Digest?
    private var stopped = false
    /// The buffer being filled.
    private var current: Chunk?

    init() {
        for _ in 0..<Self.depth {
            _ = empty.push(Chunk())
        }
        finished.enter()
        let thread = Thread { [filled, empty, finished, self] in
            ImportPipeline.yieldToReader()
            var hasher = SHA256()
            while let chunk = filled.pop() {
                hasher.update(bufferPointer: chunk.bytes)
                _ = empty.push(chunk)
            }
            digest = hasher.finalize()
            finished.leave()
        }
        thread.name = "campaignctl.import.hash"
        thread.start()
    }

    /// Called by the reading thread with each raw chunk of the file, in order.
    func update(_ bytes: UnsafeRawBufferPointer) {
        if let chunk = current, chunk.append(bytes) {
            return
        }
        handOver()
        // The hashing thread hands every buffer back until `filled` is closed, which only the reading side does.
        guard let chunk = empty.pop() else {
            return
        }
        chunk.reset(holding: bytes.count)
        _ = chunk.append(bytes)
        current = chunk
    }

    private func handOver() {
        if let chunk = current {
            current = nil
            _ = filled.push(chunk)
        }
    }

    /// The digest of every chunk passed to ``update(_:)``, in lowercase hex; waits for the hashing thread. Call once,
    /// after the last chunk.
    func hexDigest() -> String {
        stop()
        return digest.map { Hex.encode($0) } ?? ""
    }

    /// No more chunks: lets the hashing thread finish, and waits for it. Safe to call more than once.
    func stop() {
        if !stopped {
            stopped = true
            handOver()
            filled.close(failure: nil)
        }
        finished.wait()
    }

    /// Copies of consecutive raw chunks, in a buffer kept for the next ones.
    private final class Chunk: @unchecked Sendable {
        // @unchecked: owned by one thread at a time (see FileHasher).
        private var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: FileHasher.bufferSize, alignment: 16)
        private var count = 0

        var bytes: UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: storage.baseAddress, count: count)
        }

        /// Empties the buffer, and makes room for `capacity` bytes (a larger chunk than usual).
        func reset(holding capacity: Int) {
            count = 0
            if storage.count < capacity {
                storage.deallocate()
                storage = .allocate(byteCount: capacity, alignment: 16)
            }
        }

        /// Appends `source` if it fits; `false` when it does not.
        func append(_ source: UnsafeRawBufferPointer) -> Bool {
            guard source.count <= storage.count - count else {
                return false
            }
            if let base = storage.baseAddress, let from = source.baseAddress {
                (base + count).copyMemory(from: from, byteCount: source.count)
            }
            count += source.count
            return true
        }

        deinit {
            storage.deallocate()
        }
    }
}
