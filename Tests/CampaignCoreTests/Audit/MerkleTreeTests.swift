import CampaignCore
import Testing

// Known answers from transparency-dev/merkle (Apache-2.0), the successor of the certificate-transparency-go
// `merkle` package: testonly/constants.go (the RFC 6962 test tree of 8 leaves), testonly/reference_test.go
// (reference proofs) and proof/verify_test.go (proof vectors and the mutation probes ported below).

/// The leaf inputs of the RFC 6962 test tree (testonly.LeafInputs).
private let leafInputs: [[UInt8]] = [
    hex(""), hex("00"), hex("10"), hex("2021"), hex("3031"), hex("40414243"),
    hex("5051525354555657"), hex("606162636465666768696a6b6c6d6e6f"),
]

/// testonly.NodeHashes, level 0: the leaf hashes.
private let level0: [[UInt8]] = [
    hex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    hex("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
    hex("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
    hex("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
    hex("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    hex("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
    hex("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
    hex("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
]

/// testonly.NodeHashes, level 1.
private let level1: [[UInt8]] = [
    hex("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    hex("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
    hex("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
    hex("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
]

/// testonly.NodeHashes, level 2.
private let level2: [[UInt8]] = [
    hex("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    hex("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
]

/// testonly.RootHashes: the root for every tree size 0 through 8.
private let publishedRoots: [[UInt8]] = [
    hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    hex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    hex("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    hex("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    hex("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    hex("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    hex("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    hex("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    hex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

/// proof/verify_test.go sha256SomeHash and sha256EmptyTreeHash.
private let someHash = hex("abacaba000000000000000000000000000000000000000000060061e00123456")
private let emptyTreeHash = hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

struct InclusionVector: Sendable, CustomStringConvertible {
    let index: Int
    let size: Int
    let proof: [[UInt8]]
    var description: String { "leaf \(index) of \(size)" }
}

struct ConsistencyVector: Sendable, CustomStringConvertible {
    let oldSize: Int
    let newSize: Int
    let proof: [[UInt8]]
    var description: String { "\(oldSize) to \(newSize)" }
}

/// TestRefInclusionProof plus the verify_test.go inclusionProofs (whose leaf numbers are 1-based there).
private let inclusionVectors: [InclusionVector] = [
    InclusionVector(index: 0, size: 1, proof: []),
    InclusionVector(index: 0, size: 2, proof: [level0[1]]),
    InclusionVector(index: 1, size: 2, proof: [level0[0]]),
    InclusionVector(index: 2, size: 3, proof: [level1[0]]),
    InclusionVector(index: 1, size: 5, proof: [level0[0], level1[1], level0[4]]),
    InclusionVector(index: 0, size: 8, proof: [level0[1], level1[1], level2[1]]),
    InclusionVector(index: 5, size: 8, proof: [level0[4], level1[3], level2[0]]),
]

/// TestRefConsistencyProof plus the verify_test.go consistencyProofs.
private let consistencyVectors: [ConsistencyVector] = [
    ConsistencyVector(oldSize: 1, newSize: 1, proof: []),
    ConsistencyVector(oldSize: 1, newSize: 8, proof: [level0[1], level1[1], level2[1]]),
    ConsistencyVector(oldSize: 6, newSize: 8, proof: [level1[2], level1[3], level2[0]]),
    ConsistencyVector(oldSize: 2, newSize: 5, proof: [level1[1], level0[4]]),
    ConsistencyVector(oldSize: 6, newSize: 7, proof: [level1[2], level0[6], level2[0]]),
]

@Suite struct MerkleTreeTests {
    // MARK: Hashing

    @Test func leafHashesMatchTheRFC6962TestTree() {
        #expect(leafInputs.map { MerkleTree.leafHash($0) } == level0)
    }

    @Test func nodeHashesMatchTheRFC6962TestTree() {
        let computed1 = stride(from: 0, to: 8, by: 2).map { MerkleTree.nodeHash(level0[$0], level0[$0 + 1]) }
        #expect(computed1 == level1)
        #expect(MerkleTree.nodeHash(level1[0], level1[1]) == level2[0])
        #expect(MerkleTree.nodeHash(level1[2], level1[3]) == level2[1])
        #expect(MerkleTree.nodeHash(level2[0], level2[1]) == publishedRoots[8])
    }

    @Test func rootHashesMatchPublishedValuesForEveryPrefixOfTheTestTree() {
        for size in 0...8 {
            let root = MerkleTree.rootHash(leafHashes: Array(level0.prefix(size)))
            #expect(hexString(root) == hexString(publishedRoots[size]), "size \(size)")
        }
        #expect(hexString(publishedRoots[8]) == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
    }

    @Test func emptyTreeRootIsTheHashOfTheEmptyString() {
        #expect(MerkleTree.emptyRoot == emptyTreeHash)
        #expect(MerkleTree.rootHash(leafHashes: []) == emptyTreeHash)
    }

    @Test func leafAndNodeHashesAreDomainSeparated() {
        let left = level0[0]
        let right = level0[1]
        let interior = MerkleTree.nodeHash(left, right)
        // Without the 0x00/0x01 prefixes, "data" equal to left || right would hash to the interior node,
        // letting a log present a subtree as one entry (a second preimage, RFC 9162 §2.1.1).
        #expect(MerkleTree.leafHash(left + right) != interior)
        #expect(MerkleTree.leafHash([0x01] + left + right) != interior)
        let root = publishedRoots[4]
        let forgedLeaf = MerkleTree.leafHash([0x01] + left + right)
        #expect(
            !MerkleTree.verifyInclusion(leafHash: forgedLeaf, index: 0, treeSize: 2, proof: [level1[1]], root: root)
        )
        // The interior node itself only "verifies" at a smaller tree size than the signed one, so callers must
        // take the size from the checkpoint and the leaf hash from leafHash(entry), never from the prover.
        #expect(!MerkleTree.verifyInclusion(leafHash: interior, index: 0, treeSize: 4, proof: [level1[1]], root: root))
    }

    // MARK: Compact range

    @Test func compactRangeMatchesPublishedRootsAndCompactTrees() throws {
        // testonly.CompactTrees: the perfect-subtree roots that cover each prefix of the tree.
        let expectedHashes: [[[UInt8]]] = [
            [], [level0[0]], [level1[0]], [level1[0], level0[2]], [level2[0]], [level2[0], level0[4]],
            [level2[0], level1[2]], [level2[0], level1[2], level0[6]], [publishedRoots[8]],
        ]
        var range = CompactRange()
        #expect(range.root == publishedRoots[0])
        for size in 1...8 {
            range.append(leafHash: level0[size - 1])
            #expect(range.size == size)
            #expect(range.hashes == expectedHashes[size], "size \(size)")
            #expect(range.root == publishedRoots[size], "size \(size)")
        }
        let restored = try CompactRange(size: range.size, hashes: range.hashes)
        #expect(restored == range)
    }

    @Test func compactRangeRefusesStoredStateThatCannotBeRight() {
        #expect(throws: MerkleTreeError.invalidCompactRange(size: 3, hashCount: 1)) {
            try CompactRange(size: 3, hashes: [level0[0]])
        }
        #expect(throws: MerkleTreeError.invalidCompactRange(size: 1, hashCount: 1)) {
            try CompactRange(size: 1, hashes: [[0x00]])
        }
        #expect(throws: MerkleTreeError.invalidCompactRange(size: -1, hashCount: 0)) {
            try CompactRange(size: -1, hashes: [])
        }
    }

    @Test func compactRangeStateStaysLogarithmic() {
        var range = CompactRange()
        for index in 0..<1_025 {
            range.append(leafHash: MerkleTree.leafHash([UInt8(index & 0xFF), UInt8(index >> 8)]))
            #expect(range.hashes.count == range.size.nonzeroBitCount)
        }
        #expect(range.hashes.count == 2)
    }

    // MARK: Proof generation

    @Test(arguments: inclusionVectors)
    func inclusionProofsMatchReferenceVectors(_ vector: InclusionVector) throws {
        let leaves = Array(level0.prefix(vector.size))
        let proof = try MerkleTree.inclusionProof(index: vector.index, leafHashes: leaves)
        #expect(proof.map(hexString) == vector.proof.map(hexString))
    }

    @Test(arguments: consistencyVectors)
    func consistencyProofsMatchReferenceVectors(_ vector: ConsistencyVector) throws {
        let leaves = Array(level0.prefix(vector.newSize))
        let proof = try MerkleTree.consistencyProof(from: vector.oldSize, leafHashes: leaves)
        #expect(proof.map(hexString) == vector.proof.map(hexString))
    }

    @Test func proofGenerationRefusesImpossibleRequests() {
        #expect(throws: MerkleTreeError.indexOutOfRange(index: 0, treeSize: 0)) {
            try MerkleTree.inclusionProof(index: 0, leafHashes: [])
        }
        #expect(throws: MerkleTreeError.indexOutOfRange(index: 8, treeSize: 8)) {
            try MerkleTree.inclusionProof(index: 8, leafHashes: level0)
        }
        #expect(throws: MerkleTreeError.indexOutOfRange(index: -1, treeSize: 8)) {
            try MerkleTree.inclusionProof(index: -1, leafHashes: level0)
        }
        #expect(throws: MerkleTreeError.invalidSizes(oldSize: 9, newSize: 8)) {
            try MerkleTree.consistencyProof(from: 9, leafHashes: level0)
        }
        #expect(throws: MerkleTreeError.invalidSizes(oldSize: -1, newSize: 8)) {
            try MerkleTree.consistencyProof(from: -1, leafHashes: level0)
        }
    }

    // MARK: Verification with the transparency-dev mutation probes

    @Test(arguments: inclusionVectors)
    func inclusionProofVerifiesAndEveryMutationFails(_ vector: InclusionVector) {
        let root = publishedRoots[vector.size]
        let leaf = level0[vector.index]
        #expect(
            MerkleTree.verifyInclusion(
                leafHash: leaf,
                index: vector.index,
                treeSize: vector.size,
                proof: vector.proof,
                root: root
            )
        )
        for probe in inclusionProbes(vector, root: root, leaf: leaf) {
            let accepted = MerkleTree.verifyInclusion(
                leafHash: probe.leaf,
                index: probe.index,
                treeSize: probe.size,
                proof: probe.proof,
                root: probe.root
            )
            #expect(!accepted, "probe \(probe.name) was accepted")
        }
    }

    @Test(arguments: consistencyVectors)
    func consistencyProofVerifiesAndEveryMutationFails(_ vector: ConsistencyVector) {
        let oldRoot = publishedRoots[vector.oldSize]
        let newRoot = publishedRoots[vector.newSize]
        #expect(
            MerkleTree.verifyConsistency(
                oldSize: vector.oldSize,
                newSize: vector.newSize,
                oldRoot: oldRoot,
                newRoot: newRoot,
                proof: vector.proof
            )
        )
        // As in verifierConsistencyCheck, only non-trivial proofs are mutated.
        guard !vector.proof.isEmpty else {
            return
        }
        for probe in consistencyProbes(vector, oldRoot: oldRoot, newRoot: newRoot) {
            let accepted = MerkleTree.verifyConsistency(
                oldSize: probe.oldSize,
                newSize: probe.newSize,
                oldRoot: probe.oldRoot,
                newRoot: probe.newRoot,
                proof: probe.proof
            )
            #expect(!accepted, "probe \(probe.name) was accepted")
        }
    }

    /// TestVerifyInclusionSingleEntry.
    @Test func singleEntryTreeVerifiesOnlyItsOwnLeaf() {
        let hash = MerkleTree.leafHash(Array("data".utf8))
        #expect(MerkleTree.verifyInclusion(leafHash: hash, index: 0, treeSize: 1, proof: [], root: hash))
        #expect(!MerkleTree.verifyInclusion(leafHash: [], index: 0, treeSize: 1, proof: [], root: hash))
        #expect(!MerkleTree.verifyInclusion(leafHash: hash, index: 0, treeSize: 1, proof: [], root: []))
        #expect(!MerkleTree.verifyInclusion(leafHash: [], index: 0, treeSize: 1, proof: [], root: []))
    }

    /// TestVerifyInclusion's probes of impossible index and size pairs.
    @Test(arguments: [(0, 0), (0, 1), (1, 0), (2, 1)])
    func inclusionWithAnEmptyProofRejectsMismatchedInputs(index: Int, size: Int) {
        #expect(!MerkleTree.verifyInclusion(leafHash: someHash, index: index, treeSize: size, proof: [], root: []))
        #expect(
            !MerkleTree.verifyInclusion(leafHash: [], index: index, treeSize: size, proof: [], root: emptyTreeHash)
        )
        #expect(
            !MerkleTree.verifyInclusion(
                leafHash: someHash,
                index: index,
                treeSize: size,
                proof: [],
                root: emptyTreeHash
            )
        )
    }

    /// TestVerifyConsistency's table. Roots are 32 bytes here, and a size-0 tree must have the empty root:
    /// the Go verifier accepts "don't care" roots for size 0, this one is deliberately stricter.
    @Test func consistencyEdgeCasesFollowTheReferenceTable() {
        let root1 = MerkleTree.leafHash(Array("don't care 1".utf8))
        let root2 = MerkleTree.leafHash(Array("don't care 2".utf8))
        let cases: [(Int, Int, [UInt8], [UInt8], [[UInt8]], Bool)] = [
            (0, 0, root1, root2, [], false),
            (1, 1, root1, root2, [], false),
            // Sizes that are always consistent.
            (0, 0, emptyTreeHash, emptyTreeHash, [], true),
            (0, 1, emptyTreeHash, root2, [], true),
            (1, 1, root2, root2, [], true),
            // Stricter than Go: a size-0 checkpoint with a non-empty root is malformed.
            (0, 0, root1, root1, [], false),
            (0, 1, root1, root2, [], false),
            // Time travel to the past.
            (1, 0, root1, root2, [], false),
            (2, 1, root1, root2, [], false),
            // Empty proof.
            (1, 2, root1, root2, [], false),
            // Roots don't match.
            (0, 0, emptyTreeHash, root2, [], false),
            (1, 1, emptyTreeHash, root2, [], false),
            // Roots match but the proof is not empty.
            (0, 0, emptyTreeHash, emptyTreeHash, [emptyTreeHash], false),
            (0, 1, emptyTreeHash, emptyTreeHash, [emptyTreeHash], false),
            (1, 1, emptyTreeHash, emptyTreeHash, [emptyTreeHash], false),
        ]
        for (oldSize, newSize, oldRoot, newRoot, proof, expected) in cases {
            let verified = MerkleTree.verifyConsistency(
                oldSize: oldSize,
                newSize: newSize,
                oldRoot: oldRoot,
                newRoot: newRoot,
                proof: proof
            )
            #expect(verified == expected, "\(oldSize) to \(newSize)")
        }
    }

    // MARK: Properties

    @Test func randomTreesAgreeWithTheReferenceAndAllTheirProofsVerify() throws {
        var generator = SeededGenerator(seed: 0x6361_6d70_6169_676e)
        var sizes = Array(1...40)
        for _ in 0..<8 {
            sizes.append(Int.random(in: 41...300, using: &generator))
        }
        for size in sizes {
            let leaves = (0..<size).map { index in
                MerkleTree.leafHash(
                    (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                        UInt8.random(in: 0...255, using: &generator)
                    } + [UInt8(index & 0xFF)]
                )
            }
            // Every prefix: the compact range, the library and the textbook recursion agree.
            var range = CompactRange()
            var roots = [MerkleTree.emptyRoot]
            for leaf in leaves {
                range.append(leafHash: leaf)
                roots.append(range.root)
            }
            for prefix in [0, 1, size / 2, size - 1, size] {
                let slice = Array(leaves.prefix(prefix))
                #expect(roots[prefix] == MerkleTree.rootHash(leafHashes: slice), "size \(prefix)")
                #expect(roots[prefix] == referenceRoot(slice[...]), "size \(prefix)")
            }
            let indices =
                size <= 40 ? Array(0..<size) : (0..<12).map { _ in Int.random(in: 0..<size, using: &generator) }
            for index in indices {
                let proof = try MerkleTree.inclusionProof(index: index, leafHashes: leaves)
                #expect(
                    MerkleTree.verifyInclusion(
                        leafHash: leaves[index],
                        index: index,
                        treeSize: size,
                        proof: proof,
                        root: roots[size]
                    ),
                    "inclusion of \(index) in \(size)"
                )
                if var flipped = proof.first {
                    flipped[0] ^= 0x08
                    let mutated = [flipped] + proof.dropFirst()
                    #expect(
                        !MerkleTree.verifyInclusion(
                            leafHash: leaves[index],
                            index: index,
                            treeSize: size,
                            proof: mutated,
                            root: roots[size]
                        )
                    )
                }
            }
            let oldSizes =
                size <= 40 ? Array(0...size) : (0..<12).map { _ in Int.random(in: 0...size, using: &generator) }
            for oldSize in oldSizes {
                let proof = try MerkleTree.consistencyProof(from: oldSize, leafHashes: leaves)
                #expect(
                    MerkleTree.verifyConsistency(
                        oldSize: oldSize,
                        newSize: size,
                        oldRoot: roots[oldSize],
                        newRoot: roots[size],
                        proof: proof
                    ),
                    "consistency \(oldSize) to \(size)"
                )
                if var flipped = proof.last {
                    flipped[31] ^= 0x10
                    let mutated = Array(proof.dropLast()) + [flipped]
                    #expect(
                        !MerkleTree.verifyConsistency(
                            oldSize: oldSize,
                            newSize: size,
                            oldRoot: roots[oldSize],
                            newRoot: roots[size],
                            proof: mutated
                        )
                    )
                }
            }
        }
    }
}

// MARK: - Ported probe generators (proof/verify_test.go corruptInclusionProof, corruptConsistencyProof)

private struct InclusionProbe {
    let name: String
    let index: Int
    let size: Int
    let root: [UInt8]
    let leaf: [UInt8]
    let proof: [[UInt8]]
}

private func inclusionProbes(_ vector: InclusionVector, root: [UInt8], leaf: [UInt8]) -> [InclusionProbe] {
    let (index, size, proof) = (vector.index, vector.size, vector.proof)
    var probes = [
        InclusionProbe(name: "leafIndex - 1", index: index - 1, size: size, root: root, leaf: leaf, proof: proof),
        InclusionProbe(name: "leafIndex + 1", index: index + 1, size: size, root: root, leaf: leaf, proof: proof),
        InclusionProbe(name: "leafIndex ^ 2", index: index ^ 2, size: size, root: root, leaf: leaf, proof: proof),
        InclusionProbe(name: "treeSize * 2", index: index, size: size * 2, root: root, leaf: leaf, proof: proof),
        InclusionProbe(name: "treeSize / 2", index: index, size: size / 2, root: root, leaf: leaf, proof: proof),
        InclusionProbe(
            name: "wrong leaf",
            index: index,
            size: size,
            root: root,
            leaf: Array("WrongLeaf".utf8),
            proof: proof
        ),
        InclusionProbe(name: "empty root", index: index, size: size, root: emptyTreeHash, leaf: leaf, proof: proof),
        InclusionProbe(name: "random root", index: index, size: size, root: someHash, leaf: leaf, proof: proof),
        InclusionProbe(name: "trailing garbage", index: index, size: size, root: root, leaf: leaf, proof: proof + [[]]),
        InclusionProbe(name: "trailing root", index: index, size: size, root: root, leaf: leaf, proof: proof + [root]),
        InclusionProbe(
            name: "preceding garbage",
            index: index,
            size: size,
            root: root,
            leaf: leaf,
            proof: [[]] + proof
        ),
        InclusionProbe(name: "preceding root", index: index, size: size, root: root, leaf: leaf, proof: [root] + proof),
    ]
    for position in proof.indices {
        var wrong = proof
        wrong[position][0] ^= 8
        probes.append(
            InclusionProbe(
                name: "modified proof[\(position)] bit 3",
                index: index,
                size: size,
                root: root,
                leaf: leaf,
                proof: wrong
            )
        )
    }
    if !proof.isEmpty {
        probes.append(
            InclusionProbe(
                name: "removed component",
                index: index,
                size: size,
                root: root,
                leaf: leaf,
                proof: Array(proof.dropLast())
            )
        )
    }
    if proof.count > 1 {
        probes.append(
            InclusionProbe(
                name: "inserted component",
                index: index,
                size: size,
                root: root,
                leaf: leaf,
                proof: [proof[0], someHash] + Array(proof.dropFirst())
            )
        )
    }
    return probes
}

private struct ConsistencyProbe {
    let name: String
    let oldSize: Int
    let newSize: Int
    let oldRoot: [UInt8]
    let newRoot: [UInt8]
    let proof: [[UInt8]]
}

private func consistencyProbes(_ vector: ConsistencyVector, oldRoot: [UInt8], newRoot: [UInt8]) -> [ConsistencyProbe] {
    let (m, n, proof) = (vector.oldSize, vector.newSize, vector.proof)
    let wrongRoot = Array("WrongRoot".utf8)
    func probe(_ name: String, _ m: Int, _ n: Int, _ r1: [UInt8], _ r2: [UInt8], _ p: [[UInt8]]) -> ConsistencyProbe {
        ConsistencyProbe(name: name, oldSize: m, newSize: n, oldRoot: r1, newRoot: r2, proof: p)
    }
    var probes = [
        probe("size1 - 1", m - 1, n, oldRoot, newRoot, proof),
        probe("size1 + 1", m + 1, n, oldRoot, newRoot, proof),
        probe("size1 ^ 2", m ^ 2, n, oldRoot, newRoot, proof),
        probe("size2 * 2", m, n * 2, oldRoot, newRoot, proof),
        probe("size2 / 2", m, n / 2, oldRoot, newRoot, proof),
        probe("wrong root1", m, n, wrongRoot, newRoot, proof),
        probe("wrong root2", m, n, oldRoot, wrongRoot, proof),
        probe("swapped roots", m, n, newRoot, oldRoot, proof),
        probe("empty proof", m, n, oldRoot, newRoot, []),
        probe("trailing garbage", m, n, oldRoot, newRoot, proof + [[]]),
        probe("trailing root1", m, n, oldRoot, newRoot, proof + [oldRoot]),
        probe("trailing root2", m, n, oldRoot, newRoot, proof + [newRoot]),
        probe("preceding garbage", m, n, oldRoot, newRoot, [[]] + proof),
        probe("preceding root1", m, n, oldRoot, newRoot, [oldRoot] + proof),
        probe("preceding root2", m, n, oldRoot, newRoot, [newRoot] + proof),
        probe("preceding proof[0]", m, n, oldRoot, newRoot, [proof[0]] + proof),
        probe("truncated proof", m, n, oldRoot, newRoot, Array(proof.dropLast())),
    ]
    for position in proof.indices {
        var wrong = proof
        wrong[position][0] ^= 16
        probes.append(probe("modified proof[\(position)] bit 4", m, n, oldRoot, newRoot, wrong))
    }
    return probes
}

/// The textbook RFC 9162 MTH recursion (testonly/reference_test.go refRootHash), for cross-checking.
private func referenceRoot(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
    if leaves.isEmpty {
        return emptyTreeHash
    }
    if leaves.count == 1, let only = leaves.first {
        return only
    }
    var split = 1
    while split * 2 < leaves.count {
        split *= 2
    }
    let middle = leaves.startIndex + split
    return MerkleTree.nodeHash(referenceRoot(leaves[..<middle]), referenceRoot(leaves[middle...]))
}
