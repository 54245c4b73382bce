import Foundation
import Testing

@testable import FeedImport

/// ``FeedReader/recycle(_:)``: the next records are read into the buffers of records handed back once nothing else
/// holds them, and read exactly as without; a record handed back but still held elsewhere never changes.
struct RecordRecyclingTests {
    /// About a megabyte: records of the later chunks are read after the first ones are handed back.
    private static let xml: String = {
        var xml = "<rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\"><channel>\n"
        for index in 0..<6_000 {
            xml += "<item><g:id>P\(index)</g:id><title>Lampe n° \(index) – laiton</title>"
            xml += "<g:shipping><g:country>FR</g:country><g:price>4.90 EUR</g:price></g:shipping></item>\n"
        }
        return xml + "</channel></rss>\n"
    }()

    private static func address<T>(of array: [T]) -> UnsafeRawPointer? {
        array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    /// A record with buffers of its own.
    private static func copy(_ record: FeedRecord) -> FeedRecord {
        FeedRecord(
            format: record.format,
            line: record.line,
            storage: FieldStorage(text: record.storage.text.map { $0 }, entries: record.storage.entries.map { $0 })
        )
    }

    @Test func recycledRecordsAreReadAgainIntoTheirBuffers() throws {
        let reader = FeedReader(bytes: Array(Self.xml.utf8), displayName: "feed.xml")
        var read: [FeedRecord] = []
        var batch: [FeedRecord] = []
        var kept = 0
        var refilled = false
        while let record = try reader.next() {
            // The records of a new chunk took every spare buffer.
            refilled = refilled || (kept > 0 && reader.spareRecordBuffers == 0)
            read.append(Self.copy(record))
            batch.append(record)
            if batch.count == 64 {
                reader.recycle(batch)
                batch = []  // the reader holds the only references now
                kept = max(kept, reader.spareRecordBuffers)
            }
        }
        #expect(read == (try readAll(Self.xml)))
        #expect(read.count == 6_000)
        #expect(kept >= 64)
        #expect(refilled)
    }

    @Test func aRecycledRecordStillHeldNeverChanges() throws {
        let reader = FeedReader(bytes: Array(Self.xml.utf8), displayName: "feed.xml")
        var held: [(record: FeedRecord, copy: FeedRecord)] = []
        var batch: [FeedRecord] = []
        while let record = try reader.next() {
            batch.append(record)
            if batch.count == 64 {
                held += batch.map { ($0, Self.copy($0)) }
                reader.recycle(batch)
                batch = []
            }
        }
        #expect(held.count > 5_000)
        #expect(held.allSatisfy { $0.record == $0.copy })
    }
}
