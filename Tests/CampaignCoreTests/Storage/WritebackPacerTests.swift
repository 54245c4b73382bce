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

    @Test("flushes each file again and again, picks up one created later, stops and closes its descriptors")
    func flushesFilesUntilStopped() async throws {
        let folder = try TemporaryDirectory()
        let database = folder.path("workspace.sqlite")
        let wal = database + "-wal"
        try Data("pages".utf8).write(to: URL(fileURLWithPath: database))
        let flushes = Flushes()
        let pacer = WritebackPacer(paths: [wal, database], interval: .milliseconds(10)) { flushes.record($0) }
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
        // Each file was opened once, and every descriptor is closed now (or reused for another file).
        let descriptors = flushes.descriptors.withLock { $0 }
        #expect(descriptors.count == 2)
        for descriptor in descriptors {
            let now = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")
            #expect(now != database && now != wal)
        }
    }

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
        let pacer = try #require(WritebackPacer.forSQLiteFile(database))
        pacer.start()
        pacer.stop()
        #endif
    }
}
