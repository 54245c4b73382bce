import Crypto
// Hand-written: no Swift package in the local mirror implements RFC 9162 (Certificate Transparency 2.0)
// Merkle trees. The algorithms follow RFC 9162 §2.1 and are checked against the known answers and
// mutation probes of transparency-dev/merkle (see MerkleTreeTests).
public import Foundation

/// RFC 9162 §2.1 Merkle tree hashing with SHA-256, and inclusion and consistency proofs.
///
/// All hashes are 32-byte SHA-256 values. Proof generation works on the full list of leaf hashes;
/// verification needs only the sizes, the roots and the proof.
public enum MerkleTree {
    /// The size in bytes of every hash in the tree.
    public static let hashSize = 32

    /// The root of the empty tree: SHA-256 of the empty string.
    public static var emptyRoot: [UInt8] {
        Array(SHA256.hash(data: [UInt8]()))
    }

    /// The hash of a leaf: SHA-256(0x00 || data).
    public static func leafHash(_ data: some DataProtocol) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: data)
        return Array(hasher.finalize())
    }

    /// The hash of an interior node: SHA-256(0x01 || left || right).
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// The Merkle tree hash (MTH) over the given leaf hashes; the empty tree hashes to ``emptyRoot``.
    public static func rootHash(leafHashes: [[UInt8]]) -> [UInt8] {
        leafHashes.isEmpty ? emptyRoot : subtreeHash(leafHashes[...])
    }

    /// The audit path (RFC 9162 §2.1.3.1) proving that leaf `index` is in the tree of all `leafHashes`.
    public static func inclusionProof(index: Int, leafHashes: [[UInt8]]) throws(MerkleTreeError) -> [[UInt8]] {
        guard index >= 0, index < leafHashes.count else {
            throw .indexOutOfRange(index: index, treeSize: leafHashes.count)
        }
        return path(index, leafHashes[...])
    }

    /// The consistency proof (RFC 9162 §2.1.4.1) from the tree of the first `m` leaves to the tree of all of them.
    ///
    /// Sizes 0 and `leafHashes.count` need no proof and give an empty one.
    public static func consistencyProof(from m: Int, leafHashes: [[UInt8]]) throws(MerkleTreeError) -> [[UInt8]] {
        guard m >= 0, m <= leafHashes.count else {
            throw .invalidSizes(oldSize: m, newSize: leafHashes.count)
        }
        if m == 0 || m == leafHashes.count {
            return []
        }
        return subproof(m, leafHashes[...], complete: true)
    }

    /// Checks an inclusion proof with the RFC 9162 §2.1.3.2 algorithm; any malformed input gives `false`.
    public static func verifyInclusion(
        leafHash: [UInt8],
        index: Int,
        treeSize: Int,
        proof: [[UInt8]],
        root: [UInt8]
    ) -> Bool {
        guard index >= 0, index < treeSize, leafHash.count == hashSize, root.count == hashSize,
            proof.allSatisfy({ $0.count == hashSize })
        else {
            return false
        }
        var fn = index
        var sn = treeSize - 1
        var result = leafHash
        for sibling in proof {
            if sn == 0 {
                return false
            }
            if fn & 1 == 1 || fn == sn {
                result = nodeHash(sibling, result)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                result = nodeHash(result, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && constantTimeEqual(result, root)
    }

    /// Checks a consistency proof with the RFC 9162 §2.1.4.2 algorithm; any malformed input gives `false`.
    ///
    /// Equal sizes need equal roots and an empty proof. Old size 0 needs an empty proof and, stricter than
    /// transparency-dev/merkle, an old root equal to ``emptyRoot``.
    public static func verifyConsistency(
        oldSize: Int,
        newSize: Int,
        oldRoot: [UInt8],
        newRoot: [UInt8],
        proof: [[UInt8]]
    ) -> Bool {
        guard oldSize >= 0, oldSize <= newSize, oldRoot.count == hashSize, newRoot.count == hashSize,
            proof.allSatisfy({ $0.count == hashSize })
        else {
            return false
        }
        if oldSize == newSize {
            return proof.isEmpty && constantTimeEqual(oldRoot, newRoot)
                && (oldSize > 0 || constantTimeEqual(oldRoot, emptyRoot))
        }
        if oldSize == 0 {
            return proof.isEmpty && constantTimeEqual(oldRoot, emptyRoot)
        }
        guard !proof.isEmpty else {
            return false
        }
        var path = proof
        if oldSize & (oldSize - 1) == 0 {
            path.insert(oldRoot, at: 0)
        }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var firstResult = path[0]
        var secondResult = path[0]
        for sibling in path.dropFirst() {
            if sn == 0 {
                return false
            }
            if fn & 1 == 1 || fn == sn {
                firstResult = nodeHash(sibling, firstResult)
                secondResult = nodeHash(sibling, secondResult)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                secondResult = nodeHash(secondResult, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && constantTimeEqual(firstResult, oldRoot) && constantTimeEqual(secondResult, newRoot)
    }

    // MARK: - RFC 9162 recursive definitions

    /// The largest power of two strictly smaller than `n` (n ≥ 2).
    static func splitPoint(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n {
            k <<= 1
        }
        return k
    }

    /// MTH(D[n]) for a non-empty slice.
    private static func subtreeHash(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.count == 1, let only = leaves.first {
            return only
        }
        let k = splitPoint(leaves.count)
        let middle = leaves.startIndex + k
        return nodeHash(subtreeHash(leaves[..<middle]), subtreeHash(leaves[middle...]))
    }

    /// PATH(m, D[n]).
    private static func path(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        if leaves.count <= 1 {
            return []
        }
        let k = splitPoint(leaves.count)
        let middle = leaves.startIndex + k
        if m < k {
            return path(m, leaves[..<middle]) + [subtreeHash(leaves[middle...])]
        }
        return path(m - k, leaves[middle...]) + [subtreeHash(leaves[..<middle])]
    }

    /// SUBPROOF(m, D[n], b).
    private static func subproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, complete: Bool) -> [[UInt8]] {
        if m == leaves.count {
            return complete ? [] : [subtreeHash(leaves)]
        }
        let k = splitPoint(leaves.count)
        let middle = leaves.startIndex + k
        if m <= k {
            return subproof(m, leaves[..<middle], complete: complete) + [subtreeHash(leaves[middle...])]
        }
        return subproof(m - k, leaves[middle...], complete: false) + [subtreeHash(leaves[..<middle])]
    }

    /// Compares two hashes without stopping at the first difference.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else {
            return false
        }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) {
            difference |= left ^ right
        }
        return difference == 0
    }
}
