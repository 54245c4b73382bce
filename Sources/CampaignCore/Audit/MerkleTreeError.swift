/// Why a Merkle proof could not be produced or a compact range restored.
public enum MerkleTreeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The leaf index is not inside the tree.
    case indexOutOfRange(index: Int, treeSize: Int)
    /// A consistency proof needs 0 ≤ old size ≤ new size.
    case invalidSizes(oldSize: Int, newSize: Int)
    /// A stored compact range does not hold one 32-byte hash per set bit of its size.
    case invalidCompactRange(size: Int, hashCount: Int)

    /// A lower-case, human-readable message.
    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let treeSize):
            return "leaf index \(index) is outside a tree of size \(treeSize)"
        case .invalidSizes(let oldSize, let newSize):
            return "no consistency proof from size \(oldSize) to size \(newSize)"
        case .invalidCompactRange(let size, let hashCount):
            return "compact range of size \(size) cannot hold \(hashCount) hashes"
        }
    }
}
