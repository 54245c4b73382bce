import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts the kernel's write-out of a SQLite file's dirty pages while a long transaction runs, so that its commit does
/// not wait for all of them at once.
///
/// A catalog import is one transaction: every page it writes goes to the WAL, and at the commit SQLite copies them
/// into the database file (a checkpoint), after an `fsync` of the WAL and before one of the file. With 23 GB of RAM
/// the kernel writes back almost none of a million-item import's 1.8 GB WAL until that first `fsync`, so the import
/// ended with about 5 s on one core, waiting for the disk or copying. Every ``interval`` this thread asks the kernel to
/// start writing what is dirty in each file (`sync_file_range` with `SYNC_FILE_RANGE_WRITE`, which only starts the
/// write-out and never waits for it): the WAL during the import, the database file during the checkpoint. Traced on a
/// million-item import (`strace -T`), the commit's two `fdatasync` calls took 1.05 and 0.87 s before, 0.05 and 0.28 s
/// with this. It changes nothing about durability: SQLite still makes its own `fsync` calls, which now find little
/// left to write.
///
/// Hand-written: no package of the mirror paces write-out. On Linux only (`sync_file_range` is Linux's; Glibc's Swift
/// module does not declare it, so it is looked up with `dlsym`); elsewhere it does nothing.
final class WritebackPacer: @unchecked Sendable {
    // @unchecked: `descriptors` is touched only by the pacing thread; `stopped` only under `condition`.
    typealias Flush = @Sendable (_ descriptor: Int32) -> Void

    static let interval: Duration = .milliseconds(250)

    private let paths: [String]
    private let interval: Duration
    private let flush: Flush
    private let condition = NSCondition()
    private var stopped = false
    private let finished = DispatchGroup()
    private var descriptors: [String: Int32] = [:]

    /// A pacer for these files, which need not exist yet (SQLite creates the WAL at the first write); `nil` where the
    /// system cannot start a write-out.
    static func forSQLiteFile(_ path: String) -> WritebackPacer? {
        guard let startWriteOut else {
            return nil
        }
        return WritebackPacer(paths: [path + "-wal", path], interval: interval) { _ = startWriteOut($0) }
    }

    init(paths: [String], interval: Duration, flush: @escaping Flush) {
        self.paths = paths
        self.interval = interval
        self.flush = flush
    }

    /// Starts the pacing thread.
    func start() {
        finished.enter()
        let thread = Thread { [self] in
            run()
            finished.leave()
        }
        thread.name = "campaignctl.writeback"
        thread.start()
    }

    /// Stops the thread and waits for it (at most one flush of each file); its descriptors are then closed.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }

    private func run() {
        condition.lock()
        while !stopped {
            condition.unlock()
            flushAll()
            condition.lock()
            if !stopped {
                _ = condition.wait(until: Date(timeIntervalSinceNow: interval.seconds))
            }
        }
        condition.unlock()
        for descriptor in descriptors.values {
            close(descriptor)
        }
        descriptors.removeAll()
    }

    private func flushAll() {
        for path in paths {
            if descriptors[path] == nil {
                // Read-only: write-out is per file, whichever descriptor asks for it.
                let descriptor = open(path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    continue
                }
                descriptors[path] = descriptor
            }
            if let descriptor = descriptors[path] {
                flush(descriptor)
            }
        }
    }

    /// `sync_file_range(descriptor, 0, 0, SYNC_FILE_RANGE_WRITE)`, which starts writing every dirty page of the file:
    /// 0, or -1 with `errno` set.
    static let startWriteOut: (@Sendable (_ descriptor: Int32) -> Int32)? = {
        #if os(Linux)
        typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
        guard let symbol = dlsym(nil, "sync_file_range") else {
            return nil
        }
        let syncFileRange = unsafeBitCast(symbol, to: SyncFileRange.self)
        let startWrite: UInt32 = 2  // SYNC_FILE_RANGE_WRITE in <fcntl.h>
        return { descriptor in syncFileRange(descriptor, 0, 0, startWrite) }
        #else
        return nil
        #endif
    }()
}
