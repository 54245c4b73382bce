import Testing

@testable import CampaignCore

/// The bits that say which stored products a re-import's feed listed.
@Suite struct ListedRowsTests {
    @Test func onlyMarkedRowsUpToTheLargestStoredOneAreListed() {
        var listed = ListedRows(largestStoredID: 1_000_000)
        // Both ends of a word and of a block, and rows far apart (blocks made on demand).
        let marked: [Int64] = [1, 63, 64, 65_535, 65_536, 65_537, 999_999, 1_000_000]
        for row in marked {
            listed.mark(row)
        }
        for row in marked {
            #expect(listed.isListed(row), "row \(row)")
        }
        for row: Int64 in [0, 2, 62, 65, 65_534, 65_538, 131_072, 500_000, 999_998] {
            #expect(!listed.isListed(row), "row \(row)")
        }
    }

    @Test func rowsAddedByTheImportAreListedWithoutAMark() {
        let listed = ListedRows(largestStoredID: 10)
        #expect(!listed.isListed(10))
        #expect(listed.isListed(11))
        #expect(listed.isListed(Int64.max))
    }

    @Test func markingTwiceOrMarkingNeighboursChangesNothingElse() {
        var listed = ListedRows(largestStoredID: 200)
        listed.mark(100)
        listed.mark(100)
        listed.mark(102)
        #expect(listed.isListed(100))
        #expect(!listed.isListed(101))
        #expect(listed.isListed(102))
    }
}
