import Foundation
import TestSupport
import Testing

@testable import FeedImport

/// A store skips validating a record whose fingerprint input is the one its stored product was validated from, and
/// finds that product by ``ItemValidator/id(of:)``: both must agree with what validation itself does.
/// Collects the input.
private struct Bytes: FingerprintSink {
    var bytes: [UInt8] = []

    mutating func update(_ piece: UnsafeRawBufferPointer) {
        bytes += piece
    }
}

@Suite struct FingerprintTests {
    let validator = ItemValidator(profile: .google, file: "catalog.xml", now: fixedNow)

    private func input(_ record: FeedRecord, _ validator: ItemValidator? = nil) -> [UInt8] {
        var sink = Bytes()
        var words: [UInt32] = [7, 7]  // scratch: replaced, not appended to
        (validator ?? self.validator).fingerprintInput(of: record, words: &words, into: &sink)
        return sink.bytes
    }

    /// The samples and every real feed (`../shared/feeds/real/`).
    static let feeds: [String] = {
        let real = Paths.shared.appendingPathComponent("feeds/real")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: real.path)) ?? []
        return ["catalog-day1.xml", "catalog-day2.xml", "catalog-day1.atom.xml"].map {
            Paths.sampleBrand.appendingPathComponent($0).path
        } + names.filter { $0.hasSuffix(".xml") }.sorted().map { real.appendingPathComponent($0).path }
    }()

    /// Every record of the samples and of the real feeds: `id(of:)` is the id validation reports.
    @Test(arguments: feeds)
    func theIDFoundWithoutValidatingIsTheOneValidationReports(path: String) throws {
        let reader = try FeedReader(contentsOf: path)
        // Up to the end, or to the error of a feed that is malformed or not a product feed.
        while let record = try? reader.next() {
            #expect(validator.id(of: record) == validator.validate(record).id, "line \(record.line)")
        }
    }

    @Test func theFeedsAreThere() {
        #expect(Self.feeds.count == 14)
    }

    @Test func theIDRuleMatchesValidationOnEdgeCases() {
        let cases: [FeedRecord] = [
            Sample.record(["id": "  SKU-9 \u{00A0}"]),
            Sample.record(["id": "   "]),
            Sample.record(["id": nil]),
            // The format's own id loses to Google's, whichever comes first; two Google ids: the first.
            Sample.record(["id": "G-1"], extra: [Sample.field("id", "N-1", origin: .native)]),
            Sample.record(["id": nil], extra: [Sample.field("id", "N-1", origin: .native), Sample.field("id", "G-2")]),
            Sample.record(["id": "G-1"], extra: [Sample.field("id", "G-2")]),
            Sample.record(["id": nil], extra: [Sample.group("id", ["value": "X"])]),
            Sample.record(["id": ""], extra: [Sample.field("id", "G-3")]),
        ]
        let expected: [String?] = ["SKU-9", nil, nil, "G-1", "G-2", "G-1", nil, nil]
        for (record, id) in zip(cases, expected) {
            #expect(validator.id(of: record) == id)
            #expect(validator.validate(record).id == id)
        }
    }

    @Test func linesDoNotChangeTheInputButEveryValueNameAndShapeDoes() {
        let record = Sample.record(extra: [Sample.group("shipping", ["country": "FR", "price": "4.90 EUR"])])
        var moved = record
        moved.line += 40
        moved.storage.entries = moved.storage.entries.map {
            var entry = $0
            entry.line += 40
            return entry
        }
        #expect(input(moved) == input(record))
        #expect(validator.validate(moved).product == validator.validate(record).product)

        // A field further from the record's start tag is another input: its diagnostics would be elsewhere.
        var spread = record
        spread.storage.entries[1].line += 1
        #expect(input(spread) != input(record))
        var lineless = record
        lineless.storage.entries[1].line = 0
        #expect(input(lineless) != input(record))

        let variants: [FeedRecord] = [
            Sample.record(
                ["price": "19.91 EUR"],
                extra: [Sample.group("shipping", ["country": "FR", "price": "4.90 EUR"])]
            ),
            Sample.record(extra: [Sample.group("shipping", ["country": "BE", "price": "4.90 EUR"])]),
            Sample.record(extra: [Sample.field("shipping", "FR:::4.90 EUR")]),
            Sample.record(extra: [Sample.group("shipping", ["price": "4.90 EUR", "country": "FR"])]),
            Sample.record(
                extra: [Sample.group("shipping", ["country": "FR", "price": "4.90 EUR"])],
                origin: .native
            ),
            Sample.record(extra: [
                Sample.group("shipping", ["country": "FR", "price": "4.90 EUR"]), Sample.field("x_note", ""),
            ]),
            Sample.record(extra: [
                Sample.group("shipping", ["country": "FR", "price": "4.90 EUR"]), Sample.field("y_note", ""),
            ]),
        ]
        var seen: Set<[UInt8]> = [input(record)]
        for variant in variants {
            #expect(seen.insert(input(variant)).inserted)
        }
        var atom = record
        atom.format = .atom1
        #expect(seen.insert(input(atom)).inserted)
    }

    /// Values are length-prefixed: moving bytes from one value to the next is another input.
    @Test func valueBoundariesArePartOfTheInput() {
        let first = Sample.record(["brand": "Acme", "gtin": "4006381333931"])
        let second = Sample.record(["brand": "Acme4", "gtin": "006381333931"])
        #expect(first.storage.text == second.storage.text)
        #expect(input(first) != input(second))
    }

    /// The scratch words of a larger record before do not leak into a smaller one's input.
    @Test func reusedScratchSpaceIsNotPartOfTheInput() {
        let large = Sample.record(extra: (0..<40).map { Sample.field("x_note_\($0)", "\($0)") })
        let small = Sample.record()
        var words: [UInt32] = []
        var first = Bytes()
        validator.fingerprintInput(of: large, words: &words, into: &first)
        var second = Bytes()
        validator.fingerprintInput(of: small, words: &words, into: &second)
        #expect(words.count > 2 + 5 * small.storage.entries.count)
        #expect(second.bytes == input(small))
        #expect(first.bytes == input(large))
    }

    /// Bytes of the record's buffer that no field refers to are not part of the input.
    @Test func onlyTheBytesFieldsReferToArePartOfTheInput() {
        let record = Sample.record(extra: [Sample.field("x_note", "kept")])
        var padded = record
        padded.storage.text += Array("unused".utf8)
        #expect(input(padded) == input(record))
        #expect(validator.validate(padded).product == validator.validate(record).product)
    }

    @Test func everyProfileSettingIsPartOfTheInput() {
        let record = Sample.record()
        var profiles = ValidationProfile.all
        var longer = ValidationProfile.google
        longer.maximumTitleLength += 1
        var ages = ValidationProfile.google
        ages.ageGroups.insert("teen")
        var renamed = ValidationProfile.google
        renamed.name = "google-eu"
        profiles += [longer, ages, renamed]
        let inputs = profiles.map { input(record, ItemValidator(profile: $0, file: "catalog.xml", now: fixedNow)) }
        #expect(Set(inputs).count == profiles.count)
        // The same settings give the same input, whatever the file or the clock.
        #expect(input(record, ItemValidator(profile: .google, file: "other.xml", now: 0)) == input(record))
    }

    @Test func onlyARuleThatReadsTheClockMakesTheOutcomeDependOnIt() throws {
        #expect(!validator.validate(Sample.record()).dependsOnClock)
        #expect(validator.validate(Sample.record()).stableTimes == ValidatedItem.anyTime)
        let expiring = Sample.record(["expiration_date": "2026-02-01T00:00:00Z"])
        #expect(validator.validate(expiring).dependsOnClock)
        #expect(validator.validate(expiring).diagnostics.isEmpty)
        // Unwarned from 30 days before the date on, and for ever after.
        let flip = try #require(ISO8601.epochSeconds("2026-02-01T00:00:00Z")) - 30 * 86_400
        #expect(validator.validate(expiring).stableTimes == flip..<Int64.max)
        // The same record, validated two months earlier, is more than 30 days ahead, until the flip.
        let earlier = ItemValidator(profile: .google, file: "catalog.xml", now: fixedNow - 60 * 86_400)
        #expect(earlier.validate(expiring).diagnostics.map(\.code) == [.expirationDateTooFar])
        #expect(earlier.validate(expiring).stableTimes == Int64.min..<flip)
        // At the flip itself: no longer more than 30 days ahead.
        let atFlip = ItemValidator(profile: .google, file: "catalog.xml", now: flip)
        #expect(atFlip.validate(expiring).diagnostics.isEmpty)
        let justBefore = ItemValidator(profile: .google, file: "catalog.xml", now: flip - 1)
        #expect(justBefore.validate(expiring).diagnostics.map(\.code) == [.expirationDateTooFar])
        // A date that cannot be read fails whatever the clock, before it is compared.
        #expect(!validator.validate(Sample.record(["expiration_date": "soon"])).dependsOnClock)
    }
}
