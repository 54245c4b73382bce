import Foundation
import Testing

@testable import FeedImport

/// ``ItemValidator/forOneThread()``: a validating thread's own copy validates exactly as the original does, and holds
/// none of its buffers (whose reference counts two threads would otherwise both change for every record).
struct ValidatorPerThreadTests {
    /// A path longer than a small string (15 bytes), so that it has a buffer of its own.
    let original = ItemValidator(profile: .meta, file: "/srv/feeds/maison-lumiere/catalog.xml", now: fixedNow)

    @Test func theCopyValidatesAsTheOriginal() throws {
        let copy = original.forOneThread()
        #expect(copy.profile == original.profile)
        #expect(copy.file == original.file)
        #expect(copy.now == original.now)
        #expect(copy.fingerprintPrefix == original.fingerprintPrefix)
        let records = [
            Sample.record([:]),
            Sample.record(["age_group": "toddler", "gender": "unisex"]),
            Sample.record(["age_group": "teen"]),  // one of Meta's age groups, not Google's
            Sample.record(["age_group": "senior"]),  // one of neither
            Sample.record(["price": "12 EUR", "sale_price": "15 EUR"]),
            Sample.record(["link": "ftp://example.com/p"], extra: [Sample.field("label", "x")]),  // retired
        ]
        for (index, record) in records.enumerated() {
            #expect(copy.validate(record) == original.validate(record), "record \(index)")
            var memo = ValidationMemo()
            #expect(copy.validate(record, memo: &memo) == original.validate(record), "record \(index), memo")
        }
        // The copied profile still reads its own age groups.
        #expect(!copy.validate(records[2]).diagnostics.contains { $0.code == .invalidAgeGroup })
        #expect(copy.validate(records[3]).diagnostics.contains { $0.code == .invalidAgeGroup })
    }

    @Test func theCopySharesNoBufferWithTheOriginal() {
        let copy = original.forOneThread()
        #expect(Self.address(of: copy.file) != Self.address(of: original.file))
        #expect(Self.address(of: copy.fingerprintPrefix) != Self.address(of: original.fingerprintPrefix))
        #expect(Self.address(of: copy.ruleEntries) != Self.address(of: original.ruleEntries))
        #expect(Self.address(of: copy.slotRanks) != Self.address(of: original.slotRanks))
        #expect(Self.identity(of: copy.profile.ageGroups) != Self.identity(of: original.profile.ageGroups))
        // The original's tables are the globals themselves; a second copy shares nothing with the first either.
        #expect(Self.address(of: original.ruleEntries) == Self.address(of: FieldNames.tableEntries))
        let second = original.forOneThread()
        #expect(Self.address(of: second.ruleEntries) != Self.address(of: copy.ruleEntries))
    }

    /// ``CanonicalJSONScratch/forOneThread()``: the same documents, from a key table of its own.
    @Test func aScratchOfItsOwnWritesTheSameDocuments() throws {
        var own = CanonicalJSONScratch.forOneThread()
        var shared = CanonicalJSONScratch()
        #expect(Self.address(of: own.keys.bytes) != Self.address(of: FieldNames.jsonKeys.bytes))
        #expect(Self.address(of: own.keys.starts) != Self.address(of: FieldNames.jsonKeys.starts))
        #expect(Self.address(of: shared.keys.bytes) == Self.address(of: FieldNames.jsonKeys.bytes))
        let records = [
            Sample.record([:]),
            // A group (shipping), a list (additional images) and a name without a rank.
            Sample.record(
                ["additional_image_link": "https://shop.example/a.jpg"],
                extra: [Sample.group("shipping", ["country": "FR", "price": "4.90 EUR"]), Sample.field("x_note", "é")]
            ),
        ]
        for (index, record) in records.enumerated() {
            let product = try #require(original.validate(record).product, "record \(index)")
            let expected = product.attributes.canonicalJSONBytes()
            #expect(product.attributes.canonicalJSONBytes(reusing: &own) == expected, "record \(index)")
            #expect(product.attributes.canonicalJSONBytes(reusing: &shared) == expected, "record \(index)")
        }
    }

    private static func address(of text: String) -> UnsafeRawPointer? {
        var text = text
        return text.withUTF8 { UnsafeRawPointer($0.baseAddress) }
    }

    private static func address<T>(of array: [T]) -> UnsafeRawPointer? {
        array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    /// A set's storage: a `Set` is one reference to it.
    private static func identity(of set: Set<String>) -> UnsafeRawPointer? {
        withUnsafeBytes(of: set) { $0.load(as: UnsafeRawPointer?.self) }
    }
}
