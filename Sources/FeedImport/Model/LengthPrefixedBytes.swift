/// The two pieces of the unambiguous byte encodings the import writes (the fingerprint's settings prefix, a product's
/// stored warnings): a 32-bit little-endian number, and text as its UTF-8 length in that form followed by its bytes.
extension Array where Element == UInt8 {
    /// Appends `value`, little-endian.
    package mutating func appendLittleEndian(_ value: UInt32) {
        Swift.withUnsafeBytes(of: value.littleEndian) { self += $0 }
    }

    /// Appends `text`'s UTF-8 length (``appendLittleEndian(_:)``), then its bytes.
    package mutating func appendLengthPrefixed(_ text: String) {
        appendLittleEndian(UInt32(truncatingIfNeeded: text.utf8.count))
        self += text.utf8
    }
}
