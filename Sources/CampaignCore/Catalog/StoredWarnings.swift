import FeedImport
import Foundation

/// The warnings a stored product's feed item had, kept beside its fingerprint (`source_warnings`), so that a
/// re-import that skips validating the same record reports them again, at the lines they are on now.
///
/// Without them, an item with a warning got no fingerprint and every import validated it again: in feeds where every
/// item has one (Google's own example feed writes `in stock` for `in_stock`), a re-import skipped nothing.
///
/// A line is kept relative to the item's start tag. The fingerprint covers each field's line relative to that tag
/// (``ItemValidator/fingerprintInput(of:words:into:)``), so a record with the same fingerprint has its warnings at
/// the same distance from its start.
///
/// Hand-written bytes: the format is read and written once per item on the import's path, where `JSONEncoder` and
/// `JSONDecoder` cost tens of microseconds an item. It is a version byte and the number of warnings, then for each
/// its line and its code, attribute and message, each a length and UTF-8 (length `0xFFFFFFFF`: no attribute); every
/// number is 32-bit, little-endian.
enum StoredWarnings {
    private static let version: UInt8 = 1
    private static let noAttribute = UInt32.max

    /// The bytes to store for `diagnostics`, the warnings of a valid item (each is read back as a warning), of the
    /// record that starts at `recordLine`; `nil` when there are none.
    static func encode(_ diagnostics: [FeedDiagnostic], recordLine: Int) -> Data? {
        guard !diagnostics.isEmpty else {
            return nil
        }
        var bytes: [UInt8] = [version]
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: diagnostics.count))
        for diagnostic in diagnostics {
            bytes.appendLittleEndian(UInt32(truncatingIfNeeded: diagnostic.location.line - recordLine))
            bytes.appendLengthPrefixed(diagnostic.code.rawValue)
            if let attribute = diagnostic.attribute {
                bytes.appendLengthPrefixed(attribute)
            } else {
                bytes.appendLittleEndian(noAttribute)
            }
            bytes.appendLengthPrefixed(diagnostic.message)
        }
        return Data(bytes)
    }

    /// The warnings stored as `data` (none for `nil`), placed in `file` relative to the record at `recordLine` and
    /// given `itemID`; `nil` when the bytes are not in this format, in which case the caller validates the item.
    static func decode(_ data: Data?, recordLine: Int, file: String, itemID: String) -> [FeedDiagnostic]? {
        guard let data else {
            return []
        }
        return data.withUnsafeBytes { raw -> [FeedDiagnostic]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var position = 1
            guard bytes.first == version, let count = readWord(bytes, at: &position) else {
                return nil
            }
            var diagnostics: [FeedDiagnostic] = []
            while diagnostics.count < count {
                guard let offset = readWord(bytes, at: &position), let code = readText(bytes, at: &position),
                    let attributeLength = peekWord(bytes, at: position)
                else {
                    return nil
                }
                var attribute: String?
                if attributeLength == noAttribute {
                    position += 4
                } else {
                    guard let text = readText(bytes, at: &position) else {
                        return nil
                    }
                    attribute = text
                }
                guard let message = readText(bytes, at: &position) else {
                    return nil
                }
                diagnostics.append(
                    FeedDiagnostic(
                        severity: .warning,
                        code: FeedDiagnostic.Code(rawValue: code),
                        location: SourceLocation(file: file, line: recordLine + Int(Int32(bitPattern: offset))),
                        itemID: itemID,
                        attribute: attribute,
                        message: message
                    )
                )
            }
            // Bytes after the last warning: not this format either.
            return position == bytes.count ? diagnostics : nil
        }
    }

    private static func peekWord(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> UInt32? {
        guard position + 4 <= bytes.count else {
            return nil
        }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[position + $1]) << (8 * UInt32($1)) }
    }

    private static func readWord(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) -> UInt32? {
        let word = peekWord(bytes, at: position)
        if word != nil {
            position += 4
        }
        return word
    }

    private static func readText(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) -> String? {
        var end = position
        guard let length = readWord(bytes, at: &end), Int(length) <= bytes.count - end else {
            return nil
        }
        position = end + Int(length)
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[end..<position]), as: UTF8.self)
    }
}
