/// The stored products a re-import's feed lists, by row id: at the end, every other active product of the catalog is
/// unlisted (removed).
///
/// Each item whose key has a stored product marks that product's row as it is applied. Rows added by the import
/// itself have ids above the largest one stored when it began (SQLite gives a new row the largest id plus one, and
/// PostgreSQL's sequence only grows), so they need no mark. The final pass then reads only the row ids of the
/// catalog's key index and tests a bit for each, where it made a string of every stored key, hashed it twice and
/// probed the 24 MB key table at random, on one core while the other waited: about 1.5 s of a million-item
/// re-import's last 2 s.
///
/// One bit per row, in blocks of 65,536 made on demand, so that memory follows the rows marked (128 KiB for a million
/// rows), not the ids' range, which gaps can stretch.
struct ListedRows {
    /// The largest row id stored when the import began; larger ones are the import's own.
    let largestStoredID: Int64
    private var blocks: [Int64: [UInt64]] = [:]
    private static let blockBits = 16

    init(largestStoredID: Int64) {
        self.largestStoredID = largestStoredID
    }

    /// The item listing this stored row was applied.
    mutating func mark(_ rowID: Int64) {
        let (block, word, bit) = Self.position(rowID)
        blocks[block, default: [UInt64](repeating: 0, count: 1 << (Self.blockBits - 6))][word] |= bit
    }

    /// Whether the feed listed this row: an item marked it, or the import added it.
    func isListed(_ rowID: Int64) -> Bool {
        if rowID > largestStoredID {
            return true
        }
        let (block, word, bit) = Self.position(rowID)
        guard let words = blocks[block] else {
            return false
        }
        return words[word] & bit != 0
    }

    private static func position(_ rowID: Int64) -> (block: Int64, word: Int, bit: UInt64) {
        let offset = Int(truncatingIfNeeded: rowID & ((1 << blockBits) - 1))
        return (rowID >> blockBits, offset >> 6, 1 << UInt64(offset & 63))
    }
}
