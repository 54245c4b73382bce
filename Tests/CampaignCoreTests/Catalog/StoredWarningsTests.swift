import FeedImport
import Foundation
import Testing

@testable import CampaignCore

/// The warnings stored beside a product's fingerprint come back as they were, at the same distance from their
/// record's start; bytes in any other shape are refused (the item is then validated again), never misread.
@Suite struct StoredWarningsTests {
    static let warnings = [
        FeedDiagnostic(
            severity: .warning,
            code: .noncanonicalValue,
            location: SourceLocation(file: "day1.xml", line: 12),
            itemID: "SKU-1",
            attribute: "availability",
            message: "availability 'in stock' was read as in_stock"
        ),
        FeedDiagnostic(
            severity: .warning,
            code: FeedDiagnostic.Code(rawValue: "missing_gtin"),
            location: SourceLocation(file: "day1.xml", line: 10),
            itemID: "SKU-1",
            attribute: nil,
            message: "prix réduit – «\u{1F600}»\n\tand a tab"
        ),
    ]

    @Test func warningsComeBackAtTheirNewLinesInTheNewFile() throws {
        let data = try #require(StoredWarnings.encode(Self.warnings, recordLine: 10))
        let decoded = try #require(StoredWarnings.decode(data, recordLine: 110, file: "day2.xml", itemID: "SKU-1"))
        #expect(decoded.count == 2)
        for (old, new) in zip(Self.warnings, decoded) {
            #expect(new.location == SourceLocation(file: "day2.xml", line: old.location.line + 100))
            #expect(new.severity == old.severity)
            #expect(new.code == old.code)
            #expect(new.itemID == old.itemID)
            #expect(new.attribute == old.attribute)
            #expect(new.message == old.message)
        }
    }

    @Test func noWarningsAreNoBytesAndNoBytesAreNoWarnings() {
        #expect(StoredWarnings.encode([], recordLine: 3) == nil)
        #expect(StoredWarnings.decode(nil, recordLine: 3, file: "f.xml", itemID: "A")?.isEmpty == true)
    }

    @Test func bytesInAnotherShapeAreRefused() throws {
        let data = try #require(StoredWarnings.encode(Self.warnings, recordLine: 10))
        var refused: [Data] = [Data(), Data([2]), Data([1, 0, 0]), data + [0]]
        // Every cut, inside a warning or between two.
        refused += (0..<data.count).map { data.prefix($0) }
        // A length beyond the end, and a count above the warnings there are.
        var long = data
        long[9] = 0xFF
        var more = data
        more[1] = 3
        refused += [long, more]
        for bytes in refused {
            #expect(StoredWarnings.decode(bytes, recordLine: 10, file: "f.xml", itemID: "A") == nil, "\(Array(bytes))")
        }
    }
}
