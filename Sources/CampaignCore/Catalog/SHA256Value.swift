import Crypto
import Foundation

/// A SHA-256 value held inline: 32 bytes, no allocation. An import makes two per item (the content hash and the
/// record's fingerprint); as `Data`, each was two allocations, their frees and a reference count on every copy.
struct SHA256Value: Hashable, Sendable, ContiguousBytes {
    // A tuple: its layout is its elements in order, so the bytes are the digest's.
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init(_ digest: SHA256.Digest) {
        withUnsafeMutableBytes(of: &words) { target in
            digest.withUnsafeBytes { target.copyMemory(from: $0) }
        }
    }

    /// The digest's bytes.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words, body)
    }

    /// The bytes as `Data` (for a server connection, which binds values, and for tests).
    var data: Data {
        withUnsafeBytes { Data($0) }
    }

    /// Whether `data` (a stored hash) holds these bytes.
    func isStored(in data: Data?) -> Bool {
        guard let data, data.count == 32 else {
            return false
        }
        return withUnsafeBytes { mine in data.withUnsafeBytes { $0.elementsEqual(mine) } }
    }

    /// Whether `data` (a stored hash, perhaps NULL) holds `value` (perhaps none).
    static func isStored(_ value: SHA256Value?, in data: Data?) -> Bool {
        guard let value else {
            return data == nil
        }
        return value.isStored(in: data)
    }

    static func == (lhs: SHA256Value, rhs: SHA256Value) -> Bool {
        lhs.words == rhs.words
    }

    func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
