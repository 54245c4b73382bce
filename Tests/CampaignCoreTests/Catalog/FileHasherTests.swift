import Crypto
import Foundation
import Testing

@testable import CampaignCore

/// The file's digest, hashed on a thread of its own from chunks the reader hands over, is the digest of the bytes in
/// the order they were read.
@Suite struct FileHasherTests {
    /// Bytes that differ from one position to the next, so that a chunk hashed twice, dropped or out of order
    /// changes the digest.
    private static func bytes(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31) ^ seed) }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    @Test func chunksOfEverySizeHashAsOneFile() {
        // More bytes than the buffers hold, so each is reused; chunks that fill a buffer exactly, overflow it, and
        // exceed its size (the buffer grows, then holds smaller ones again).
        let kib = 1024
        let sizes = [
            1, 256 * kib, 7, 300 * kib, 0, 1536 * kib, 64 * kib, 256 * kib, 3, 299 * kib, kib, 17, 256 * kib,
            1024 * kib, 5, 1024 * kib + 1, 256 * kib, 256 * kib,
        ]
        #expect(sizes.reduce(0, +) > FileHasher.depth * FileHasher.bufferSize)
        let chunks = sizes.enumerated().map { Self.bytes($0.element, seed: $0.offset) }
        let hasher = FileHasher()
        for chunk in chunks {
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        #expect(hasher.hexDigest() == Self.hex(chunks.flatMap { $0 }))
    }

    @Test func aFileReadInOtherChunksHasTheSameDigest() {
        let file = Self.bytes(5_000_000, seed: 5)
        let whole = FileHasher()
        file.withUnsafeBytes { whole.update($0) }
        let pieces = FileHasher()
        for start in stride(from: 0, to: file.count, by: 99_991) {
            file[start..<min(start + 99_991, file.count)].withUnsafeBytes { pieces.update($0) }
        }
        let digest = whole.hexDigest()
        #expect(digest == Self.hex(file))
        #expect(pieces.hexDigest() == digest)
    }

    @Test func noChunkIsTheEmptyFilesDigest() {
        let hasher = FileHasher()
        #expect(hasher.hexDigest() == Self.hex([]))
    }

    @Test func stoppingTwiceIsHarmlessAndKeepsTheDigest() {
        let hasher = FileHasher()
        Self.bytes(10, seed: 1).withUnsafeBytes { hasher.update($0) }
        hasher.stop()
        hasher.stop()
        #expect(hasher.hexDigest() == Self.hex(Self.bytes(10, seed: 1)))
    }
}

/// The reading thread reads a plain file straight into memory the hasher lends (`lend()`), and passes the chunk to
/// `update` where it is: the digest is still that of the chunks in order, among copied chunks and lent memory left
/// unused.
@Suite struct FileHasherLendingTests {
    private static func hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    @Test func chunksReadIntoLentMemoryHashAsOneFileAmongCopiedOnes() throws {
        let hasher = FileHasher()
        var expected: [UInt8] = []
        var unclaimed = 0
        // Sizes up to the lent size; every fourth chunk is copied from elsewhere, every fifth lent memory is filled
        // with junk and never passed on. More bytes than the buffers hold, so each is reused.
        for round in 0..<40 {
            let size = [FileHasher.lentSize, 1, 99_991, FileHasher.lentSize - 1, 4_096][round % 5]
            let chunk = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ round) }
            if round % 4 == 3 {
                chunk.withUnsafeBytes { hasher.update($0) }
            } else {
                let lent = try #require(hasher.lend())
                #expect(lent.count >= FileHasher.lentSize)
                if round % 5 == 4 {
                    lent.initializeMemory(as: UInt8.self, repeating: 0xEE)
                    unclaimed += 1
                    continue
                }
                chunk.withUnsafeBytes { lent.copyMemory(from: $0) }
                hasher.update(UnsafeRawBufferPointer(rebasing: lent[..<size]))
            }
            expected += chunk
        }
        #expect(unclaimed > 0)
        #expect(expected.count > FileHasher.depth * FileHasher.bufferSize)
        #expect(hasher.hexDigest() == Self.hex(expected))
    }

    @Test func aCopiedChunkAfterLentMemoryIsNotOverwrittenByIt() throws {
        // The gzip case: memory is lent, a chunk from elsewhere is copied in where it starts, then the lent memory
        // is written (inflated text). The copy must not be where the reader still writes.
        let hasher = FileHasher()
        _ = try #require(hasher.lend())
        let raw: [UInt8] = Array("compressed bytes".utf8)
        raw.withUnsafeBytes { hasher.update($0) }
        let next = try #require(hasher.lend())
        next.initializeMemory(as: UInt8.self, repeating: 0x41)
        #expect(hasher.hexDigest() == Self.hex(raw))
    }
}
