import Foundation
import Testing

@testable import FeedImport

/// ``CanonicalJSONScratch/recycle(_:)``: a document handed back is filled again with the next one, in its own memory
/// when nothing else holds it, and never while another copy of it is alive.
struct CanonicalJSONRecycleTests {
    let validator = ItemValidator(profile: .google, file: "feed.xml", now: fixedNow)

    private func products() throws -> [ProductData] {
        try [
            Sample.record([:]),
            Sample.record(
                ["additional_image_link": "https://shop.example/a.jpg", "title": "Lampe « Orage » en laiton"],
                extra: [Sample.group("shipping", ["country": "FR", "price": "4.90 EUR"]), Sample.field("x_note", "é")]
            ),
            Sample.record(["title": "Vase"]),
        ].map { try #require(validator.validate($0).product) }
    }

    private static func address(of array: [UInt8]) -> UnsafeRawPointer? {
        array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func aRecycledDocumentIsFilledAgainInItsOwnMemory() throws {
        var scratch = CanonicalJSONScratch.forOneThread()
        let products = try products()
        var previous = products[1].attributes.canonicalJSONBytes(reusing: &scratch)
        for product in products + products {
            let memory = Self.address(of: previous)
            scratch.recycle(previous)
            previous = []  // the scratch holds the only reference
            let document = product.attributes.canonicalJSONBytes(reusing: &scratch)
            #expect(document == product.attributes.canonicalJSONBytes())
            #expect(Self.address(of: document) == memory)
            previous = document
        }
    }

    @Test func aRecycledDocumentStillHeldElsewhereIsNeverOverwritten() throws {
        var scratch = CanonicalJSONScratch.forOneThread()
        let products = try products()
        let kept = products[1].attributes.canonicalJSONBytes(reusing: &scratch)
        let snapshot = Array(kept)
        scratch.recycle(kept)
        let next = products[0].attributes.canonicalJSONBytes(reusing: &scratch)
        #expect(next == products[0].attributes.canonicalJSONBytes())
        #expect(kept == snapshot)
        #expect(Self.address(of: next) != Self.address(of: kept))
    }

    @Test func withoutRecycledDocumentsEachIsNew() throws {
        var scratch = CanonicalJSONScratch.forOneThread()
        let products = try products()
        let first = products[1].attributes.canonicalJSONBytes(reusing: &scratch)
        let second = products[1].attributes.canonicalJSONBytes(reusing: &scratch)
        #expect(first == second)
        #expect(Self.address(of: first) != Self.address(of: second))
    }
}
