import Foundation
internal import GRDBSQLite

#if canImport(Glibc)
import Glibc
#endif

/// Starts the kernel's write-out of a SQLite file's dirty pages while a long transaction runs, so that its commit does
/// not wait for all of them at once.
///
/// A catalog import is one transaction. A catalog's first import, alone on the file, writes its pages straight into
/// it (see ``BulkJournal``), and this thread flushes them as they come. Otherwise every page goes to the WAL, and at
/// the commit SQLite copies them into the database file (a checkpoint), after an `fsync` of the WAL and before one of
/// the file. With 23 GB of RAM
/// the kernel writes back almost none of a million-item import's 1.8 GB WAL until that first `fsync`, so the import
/// ended with about 5 s on one core, waiting for the disk or copying. Every ``interval`` this thread asks the kernel to
/// start writing what is dirty in each file (`sync_file_range` with `SYNC_FILE_RANGE_WRITE`, which only starts the
/// write-out and never waits for it): the WAL during the import, the database file during the checkpoint. Traced on a
/// million-item import (`strace -T`), the commit's two `fdatasync` calls took 1.05 and 0.87 s before, 0.05 and 0.28 s
/// with this. It changes nothing about durability: SQLite still makes its own `fsync` calls, which now find little
/// left to write.
///
/// The database file is flushed through SQLite's own descriptor, lent by the caller and never closed here: closing any
/// descriptor of a file drops every POSIX lock the process holds on it, and a WAL-mode connection holds a shared lock
/// on the database file for as long as it is open (another process that then found the file unlocked could take it
/// for the last connection, checkpoint and delete the WAL under this one). The WAL itself is opened and closed here:
/// SQLite locks the `-shm` file, never the WAL.
///
/// Hand-written: no package of the mirror paces write-out. On Linux only (`sync_file_range` is Linux's; Glibc's Swift
/// module does not declare it, so it is looked up with `dlsym`); elsewhere it does nothing.
final class WritebackPacer: @unchecked Sendable {
    // @unchecked: `descriptors` is touched only by the pacing thread; `stopped` only under `condition`.
    typealias Flush = @Sendable (_ descriptor: Int32) -> Void

    static let interval: Duration = .milliseconds(250)

    private let paths: [String]
    private let lent: [Int32]
    private let interval: Duration
    private let flush: Flush
    private let condition = NSCondition()
    private var stopped = false
    private let finished = DispatchGroup()
    private var descriptors: [String: Int32] = [:]

    /// A pacer for the WAL of the database at `path` (which need not exist yet: SQLite creates it at the first write)
    /// and for the database file through `databaseDescriptor`, SQLite's own (`nil`: the WAL only); `nil` where the
    /// system cannot start a write-out.
    static func forSQLiteFile(_ path: String, databaseDescriptor: Int32?) -> WritebackPacer? {
        guard let startWriteOut else {
            return nil
        }
        return WritebackPacer(paths: [path + "-wal"], lent: databaseDescriptor.map { [$0] } ?? [], interval: interval) {
            _ = startWriteOut($0)
        }
    }

    /// - Parameters:
    ///   - paths: files to open (read-only) once they exist, flush, and close when stopped.
    ///   - lent: descriptors the caller owns and keeps open until after ``stop()``; flushed, never closed.
    init(paths: [String], lent: [Int32] = [], interval: Duration, flush: @escaping Flush) {
        self.paths = paths
        self.lent = lent
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

    /// Stops the thread and waits for it (at most one flush of each file); the descriptors it opened are then closed.
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
        for descriptor in lent {
            flush(descriptor)
        }
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

    /// The descriptor of the database file `connection` opened at `path`, or `nil`.
    ///
    /// `SQLITE_FCNTL_FILE_POINTER` gives the connection's `sqlite3_file`, which the unix VFS extends as `unixFile`:
    /// three pointers (its methods, its VFS, its inode information), then the descriptor. That layout is SQLite's
    /// private business, so the descriptor is used only when the VFS is a unix one and `fstat` finds it is this very
    /// file (same device and inode as the path).
    static func databaseDescriptor(of connection: OpaquePointer, path: String) -> Int32? {
        var vfs: UnsafeMutablePointer<sqlite3_vfs>?
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(connection, "main", SQLITE_FCNTL_VFS_POINTER, &vfs) == SQLITE_OK,
            let name = vfs?.pointee.zName, String(cString: name).hasPrefix("unix"),
            sqlite3_file_control(connection, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK,
            let file
        else {
            return nil
        }
        let descriptor = UnsafeRawPointer(file).load(
            fromByteOffset: 3 * MemoryLayout<UnsafeRawPointer>.stride,
            as: Int32.self
        )
        var opened = stat()
        var named = stat()
        guard descriptor > 2, fstat(descriptor, &opened) == 0, stat(path, &named) == 0,
            opened.st_dev == named.st_dev, opened.st_ino == named.st_ino
        else {
            return nil
        }
        return descriptor
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
