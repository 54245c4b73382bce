import FeedImport
import Foundation
import Testing

/// A validating thread's memo (``ValidationMemo``) changes nothing in any outcome: each record validated with the memo
/// of the records before it gives exactly what it gives alone (product, diagnostics and their lines).
struct ValidationMemoTests {
    let validator = ItemValidator(profile: .google, file: "catalog.xml", now: fixedNow)

    /// Validates `records` in order with one memo, and each alone, and expects the same outcomes; returns the memo.
    @discardableResult
    func expectSameOutcomes(
        _ records: [FeedRecord],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> ValidationMemo {
        var memo = ValidationMemo()
        for (index, record) in records.enumerated() {
            let shared = validator.validate(record, memo: &memo)
            let alone = validator.validate(record)
            #expect(shared == alone, "record \(index)", sourceLocation: sourceLocation)
        }
        return memo
    }

    static let france = Sample.group(
        "shipping",
        ["country": "FR", "service": "Colissimo", "price": "4.90 EUR", "min_handling_time": "1"]
    )

    @Test func aRepeatedShippingGroupIsValidatedOnce() throws {
        let records = (0..<3).map { Sample.record(["id": "SKU-\($0)"], extra: [Self.france]) }
        let memo = expectSameOutcomes(records)
        #expect(memo.shippingCount == 1)
        let item = validator.validate(records[2])
        expectClean(item)
        let shipping = try #require(item.product?.attributes["shipping"])
        #expect(
            shipping
                == .list([
                    .group([
                        "country": .text("FR"), "service": .text("Colissimo"), "price": .text("4.90 EUR"),
                        "min_handling_time": .text("1"),
                    ])
                ])
        )
    }

    @Test func aPriceWithoutCurrencyTakesEachItemsOwn() throws {
        // The same group under a EUR item, then a USD one: the memo must not hand the second one "4.95 EUR".
        let group = Sample.group("shipping", ["country": "DE", "price": "4.95"])
        let records = [
            Sample.record(["price": "19.90 EUR"], extra: [group]),
            Sample.record(["price": "19.90 USD"], extra: [group]),
        ]
        let memo = expectSameOutcomes(records)
        #expect(memo.shippingCount == 2)
        var shared = ValidationMemo()
        let prices = records.map { record in
            validator.validate(record, memo: &shared).product?.attributes["shipping"]
        }
        #expect(prices[0] == .list([.group(["country": .text("DE"), "price": .text("4.95 EUR")])]))
        #expect(prices[1] == .list([.group(["country": .text("DE"), "price": .text("4.95 USD")])]))
    }

    @Test func aGroupWithADiagnosticIsReportedForEveryItemAtItsLine() {
        // `uk` is read as GB with a warning: never kept, so each item reports it again, at its own line.
        let group = Sample.group("shipping", ["country": "uk", "price": "0 EUR"])
        let records = [
            Sample.record(extra: [group]),
            Sample.record(["mpn": "M-1"], extra: [group]),
        ]
        let memo = expectSameOutcomes(records)
        #expect(memo.shippingCount == 0)
        var shared = ValidationMemo()
        for record in records {
            let item = validator.validate(record, memo: &shared)
            #expect(item.diagnostics("noncanonical_value").count == 1)
            #expect(item.diagnostics.allSatisfy { $0.location.line == record.line(of: "shipping") })
        }
    }

    @Test func groupsThatDifferInAnyWayAreKeptApart() {
        let variants: [FeedField] = [
            Self.france,
            Sample.group("shipping", ["country": "FR", "service": "Colissimo", "price": "4.90 EUR"]),
            Sample.group("shipping", ["country": "FR", "service": "Colissimo ", "price": "4.90 EUR"]),
            Sample.group("shipping", ["country": "FR", "service": "Colissimo", "price": "4.91 EUR"]),
            Sample.group("shipping", ["country": "FR", "price": "4.90 EUR", "service": "Colissimo"]),
            Sample.group("shipping", ["country": "FR", "carrier": "Colissimo", "price": "4.90 EUR"]),
            Sample.group("shipping", ["country": "FR", "carrier_x": "Colissimo", "price": "4.90 EUR"]),
            Sample.field("shipping", "FR::Colissimo:4.90 EUR"),
            Sample.field("shipping", "FR::Colissimo:4.90 USD"),
        ]
        let records = variants.map { Sample.record(extra: [$0]) }
        let memo = expectSameOutcomes(records + records)
        #expect(memo.shippingCount == variants.count)
    }

    @Test func everyItemOfTheSampleFeedsValidatesAsAlone() throws {
        // Records as the reader stores them (the groups' text back to back), with their real repetitions.
        let sample = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/maison-lumiere")
        let feeds = try FileManager.default.contentsOfDirectory(atPath: sample.path)
            .filter { $0.hasSuffix(".xml") }
            .map { sample.appendingPathComponent($0).path }
        #expect(!feeds.isEmpty)
        for path in feeds {
            let reader = try FeedReader(contentsOf: path)
            var records: [FeedRecord] = []
            while let record = try reader.next() {
                records.append(record)
            }
            expectSameOutcomes(records)
        }
    }
}
