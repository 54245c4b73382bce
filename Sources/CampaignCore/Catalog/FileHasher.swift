import Crypto
import Foundation

/// SHA-256 of the raw feed file, fed by the reader as it reads (the file is read once), computed on a thread of its
/// own.
///
/// The reading thread only copies each chunk into one of a few buffers that take turns. A re-import, which skips
/// validating its unchanged items, is limited by that thread: hashing there was a tenth of its time, copying is about
/// a tenth of that. Hand-written over `Thread` and ``BoundedQueue`` like ``ImportPipeline``, for the same reason
/// (synchronous work that must not block Swift's cooperative pool).
final class FileHasher: @unchecked Sendable {
    // @unchecked: `digest` is written by the hashing thread before it leaves `finished`, and read only after waiting
    // on it; the chunks travel through the queues, each owned by one thread at a time.
    /// Buffers in turn: while the hashing thread works on one, the reader fills the next.
    static let depth = 4

    private let filled = BoundedQueue<Chunk, Never>(capacity: FileHasher.depth)
    private let empty = BoundedQueue<Chunk, Never>(capacity: FileHasher.depth)
    private let finished = DispatchGroup()
    private var digest: SHA256.Digest?
    private var stopped = false

    init() {
        for _ in 0..<Self.depth {
            _ = empty.push(Chunk())
        }
        finished.enter()
        let thread = Thread { [filled, empty, finished, self] in
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
        // The hashing thread hands every chunk back until `filled` is closed, which only the reading side does.
        guard let chunk = empty.pop() else {
            return
        }
        chunk.copy(bytes)
        _ = filled.push(chunk)
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
            filled.close(failure: nil)
        }
        finished.wait()
    }

    /// A copy of one raw chunk, its buffer kept for the next one.
    private final class Chunk: @unchecked Sendable {
        // @unchecked: owned by one thread at a time (see FileHasher).
        private var storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        private(set) var bytes = UnsafeRawBufferPointer(start: nil, count: 0)

        func copy(_ source: UnsafeRawBufferPointer) {
            if storage.count < source.count {
                storage.deallocate()
                storage = .allocate(byteCount: source.count, alignment: 16)
            }
            if let base = storage.baseAddress, let from = source.baseAddress {
                base.copyMemory(from: from, byteCount: source.count)
            }
            bytes = UnsafeRawBufferPointer(start: storage.baseAddress, count: source.count)
        }

        deinit {
            storage.deallocate()
        }
    }
}
