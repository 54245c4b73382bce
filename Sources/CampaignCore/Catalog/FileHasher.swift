import Crypto
import Foundation

/// SHA-256 of the raw feed file, fed by the reader as it reads (the file is read once), computed on a thread of its
/// own.
///
/// The reading thread reads a plain file straight into one of a few buffers that take turns (``lend()``), so a chunk
/// reaches this hasher without a copy; a chunk read elsewhere (the compressed bytes of a gzipped feed) is copied in.
/// A re-import, which skips validating its unchanged items, is limited by that thread: hashing there was a tenth of
/// its time, copying a 1.7 GB file another 2 % of its instructions. A buffer holds several chunks, so the hashing
/// thread is woken once per megabyte rather than per read. Hand-written over `Thread` and ``BoundedQueue`` like
/// ``ImportPipeline``, for the same reason (synchronous work that must not block Swift's cooperative pool).
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

    /// Called by the reading thread with each raw chunk of the file, in order. A chunk read into the memory ``lend()``
    /// returned last is kept where it is; any other is copied.
    func update(_ bytes: UnsafeRawBufferPointer) {
        if let chunk = current, chunk.claim(bytes) || chunk.append(bytes) {
            return
        }
        guard let chunk = takeEmpty(holding: bytes.count) else {
            return
        }
        _ = chunk.append(bytes)
    }

    /// At least ``lentSize`` bytes of free memory at the end of the buffer being filled, for the reading thread to read
    /// the file's next chunk into. Until the next call of this or ``update(_:)``, that memory is the reader's; a chunk
    /// it reads there and passes to ``update(_:)`` joins the buffer without a copy. Memory whose bytes never reach
    /// ``update(_:)`` stays free.
    func lend() -> UnsafeMutableRawBufferPointer? {
        if let chunk = current, let free = chunk.freeSpace(atLeast: Self.lentSize) {
            return free
        }
        return takeEmpty(holding: Self.lentSize)?.freeSpace(atLeast: Self.lentSize)
    }

    /// What ``lend()`` returns: the reader's chunk size.
    static let lentSize = FileHasher.bufferSize / 4

    /// Hands the buffer being filled over, and makes an empty one (with room for `capacity` bytes) the current one.
    private func takeEmpty(holding capacity: Int) -> Chunk? {
        handOver()
        // The hashing thread hands every buffer back until `filled` is closed, which only the reading side does.
        guard let chunk = empty.pop() else {
            return nil
        }
        chunk.reset(holding: capacity)
        current = chunk
        return chunk
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

        /// The free memory after the bytes held, when there are at least `count` bytes of it.
        func freeSpace(atLeast count: Int) -> UnsafeMutableRawBufferPointer? {
            guard let base = storage.baseAddress, storage.count - self.count >= count else {
                return nil
            }
            return UnsafeMutableRawBufferPointer(start: base + self.count, count: storage.count - self.count)
        }

        /// Takes `source` as held when it was written in place, right after the bytes held; `false` otherwise.
        func claim(_ source: UnsafeRawBufferPointer) -> Bool {
            guard let base = storage.baseAddress, let start = source.baseAddress,
                UnsafeRawPointer(base + count) == start, source.count <= storage.count - count
            else {
                return false
            }
            count += source.count
            return true
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
