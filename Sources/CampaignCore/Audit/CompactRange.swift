// Hand-written for the same reason as MerkleTree.swift; the idea is the "compact range" of
// transparency-dev/merkle (docs/compact_ranges.md), restricted to ranges that start at leaf 0.

/// The root of an append-only Merkle tree kept in O(log n) state, so appending to a huge log stays cheap.
///
/// It holds one hash per set bit of ``size``: the roots of the perfect subtrees that cover leaves
/// `0..<size`, largest (leftmost) first. Persist ``size`` and ``hashes`` to resume later.
public struct CompactRange: Sendable, Hashable {
    /// The number of leaves appended so far.
    public private(set) var size: Int
    /// The perfect-subtree roots covering all leaves, leftmost (largest) first.
    public private(set) var hashes: [[UInt8]]

    /// An empty range (a tree of size 0).
    public init() {
        size = 0
        hashes = []
    }

    /// Restores a stored range; the number of hashes must equal the number of set bits of `size`.
    public init(size: Int, hashes: [[UInt8]]) throws(MerkleTreeError) {
        guard size >= 0, size.nonzeroBitCount == hashes.count,
            hashes.allSatisfy({ $0.count == MerkleTree.hashSize })
        else {
            throw .invalidCompactRange(size: size, hashCount: hashes.count)
        }
        self.size = size
        self.hashes = hashes
    }

    /// Appends one leaf hash (from ``MerkleTree/leafHash(_:)``), merging completed subtrees.
    public mutating func append(leafHash: [UInt8]) {
        precondition(leafHash.count == MerkleTree.hashSize, "a leaf hash is 32 bytes")
        var merged = leafHash
        var remaining = size
        while remaining & 1 == 1, let left = hashes.popLast() {
            merged = MerkleTree.nodeHash(left, merged)
            remaining >>= 1
        }
        hashes.append(merged)
        size += 1
    }

    /// The Merkle tree hash of all leaves appended so far; ``MerkleTree/emptyRoot`` when empty.
    public var root: [UInt8] {
        guard var result = hashes.last else {
            return MerkleTree.emptyRoot
        }
        for left in hashes.dropLast().reversed() {
            result = MerkleTree.nodeHash(left, result)
        }
        return result
    }
}
