import Foundation
import Synchronization
import TestSupport
import Testing

@testable import CampaignCore

/// The thread that starts the write-out of a SQLite file's pages during an import.
@Suite("Write-out pacing")
struct WritebackPacerTests {
    /// The files a pacer flushed, in order, by path (read back from each descriptor).
    final class Flushes: Sendable {
        let paths = Mutex<[String]>([])
        let descriptors = Mutex<Set<Int32>>([])

        func record(_ descriptor: Int32) {
            let path =
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")) ?? "?"
            paths.withLock { $0.append(path) }
            descriptors.withLock { _ = $0.insert(descriptor) }
        }

        func count(of path: String) -> Int {
            paths.withLock { $0.filter { $0 == path }.count }
        }
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test("flushes each file again and again, picks up one created later, stops, closes its own descriptors only")
    func flushesFilesUntilStopped() async throws {
        let folder = try TemporaryDirectory()
        let database = folder.path("workspace.sqlite")
        let wal = database + "-wal"
        try Data("pages".utf8).write(to: URL(fileURLWithPath: database))
        let lent = open(database, O_RDONLY)
        defer { close(lent) }
        let flushes = Flushes()
        let pacer = WritebackPacer(paths: [wal], lent: [lent], interval: .milliseconds(10)) { flushes.record($0) }
        pacer.start()
        try await waitUntil { flushes.count(of: database) >= 3 }
        #expect(flushes.count(of: database) >= 3)
        #expect(flushes.count(of: wal) == 0)

        // SQLite creates the WAL at the transaction's first write.
        try Data("frames".utf8).write(to: URL(fileURLWithPath: wal))
        try await waitUntil { flushes.count(of: wal) >= 2 }
        #expect(flushes.count(of: wal) >= 2)

        pacer.stop()
        let total = flushes.paths.withLock { $0.count }
        try await Task.sleep(for: .milliseconds(50))
        #expect(flushes.paths.withLock { $0.count } == total)
        // The WAL was opened once and is closed now (or its number reused for another file); the lent descriptor of
        // the database file is still open.
        let descriptors = flushes.descriptors.withLock { $0 }
        #expect(descriptors == [lent, descriptors.subtracting([lent]).first ?? -1])
        for descriptor in descriptors {
            let now = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")
            #expect(descriptor == lent ? now == database : now != wal)
        }
    }

    @Test("an import keeps the shared lock SQLite holds on the database file, which closing any descriptor would drop")
    func importKeepsTheDatabaseLock() throws {
        #if os(Linux)
        let folder = try TemporaryDirectory()
        let path = folder.path("workspace.sqlite")
        var probe: Int32 = -1
        do {
            let store = try CampaignStore.open(at: path, context: .test())
            // A second workspace of this process holds the file open, so the import goes through the WAL (see
            // BulkJournal) and every connection keeps its shared lock. POSIX locks are the process's: a descriptor of
            // the file closed by the pacer would drop the other connection's lock too.
            let other = try CampaignStore.open(at: path, context: .test())
            _ = try other.catalogs()
            // The probe stays open until the store is gone: closing it would drop the locks it is there to see.
            probe = open(path, O_RDWR)
            #expect(store.sqliteDatabaseDescriptor() != nil)
            #expect(Self.sharedLockHeld(probe: probe))
            _ = try store.importFeed(at: FeedBuilder(count: 3).write(to: folder, as: "feed.xml"), options: .init())
            #expect(Self.sharedLockHeld(probe: probe))
            _ = try other.catalogs()
        }
        close(probe)
        #endif
    }

    #if os(Linux)
    /// Whether some connection holds SQLite's shared lock on the database file, this process's included: an open file
    /// description lock (`F_OFD_GETLK`) conflicts with the process's own POSIX locks, which `F_GETLK` would not see.
    private static func sharedLockHeld(probe: Int32) -> Bool {
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0x4000_0002  // SQLite's shared range: PENDING_BYTE + 2, 510 bytes
        lock.l_len = 510
        let ofdGetLock: Int32 = 36  // F_OFD_GETLK in <fcntl.h>
        guard fcntl(probe, ofdGetLock, &lock) == 0 else {
            return false
        }
        return lock.l_type != Int16(F_UNLCK)
    }
    #endif

    @Test("on Linux the kernel's sync_file_range is found, starts a write-out, and refuses a bad descriptor")
    func systemWriteOut() throws {
        #if os(Linux)
        let folder = try TemporaryDirectory()
        let database = folder.path("workspace.sqlite")
        try Data(repeating: 7, count: 1 << 20).write(to: URL(fileURLWithPath: database))
        let startWriteOut = try #require(WritebackPacer.startWriteOut)
        let descriptor = open(database, O_RDONLY)
        defer { close(descriptor) }
        #expect(startWriteOut(descriptor) == 0)
        #expect(startWriteOut(-1) == -1)
        #expect(errno == EBADF)
        let pacer = try #require(WritebackPacer.forSQLiteFile(database, databaseDescriptor: descriptor))
        pacer.start()
        pacer.stop()
        #endif
    }
}
