/// The bytes of a canonical JSON document as it is written, with sorted keys (the caller's order) and RFC 8785's
/// minimal escaping.
///
/// Hand-written because no package of the mirror writes JSON with sorted keys and minimal escaping into bytes, and
/// `JSONEncoder` costs about ten times as much per item.
struct CanonicalJSONWriter: ~Copyable {
    private var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBuffer(capacity: capacity)
    }

    /// A copy of the document written so far; the writer keeps its memory.
    func bytes() -> [UInt8] {
        Array(buffer.bytes)
    }

    /// Empties the document and keeps the memory for the next one.
    mutating func reset() {
        buffer.removeAll()
    }

    mutating func append(_ byte: UInt8) {
        buffer.append(byte)
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(bytes)
    }

    /// `"text"`, with quotes, backslashes and control characters escaped (RFC 8785: `\n`, `\u001f` …).
    mutating func appendString(_ text: String) {
        // `withUTF8` reads a native string's bytes in place and copies a small one (up to 15 bytes, kept inside the
        // `String` value) to the stack.
        if text.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) == nil {
            var copy = text
            copy.withUTF8 { appendQuoted($0) }
        }
    }

    /// Almost every string needs no escape: it is checked eight bytes at a time, then copied in one go between quotes
    /// written without capacity checks. Per string this is about half the instructions of escaping as it copies.
    private mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard Self.needsEscape(bytes) else {
            buffer.reserve(bytes.count + 2)
            buffer.appendReserved(UInt8(ascii: "\""))
            buffer.appendReserved(bytes)
            buffer.appendReserved(UInt8(ascii: "\""))
            return
        }
        append(UInt8(ascii: "\""))
        appendEscaped(bytes)
        append(UInt8(ascii: "\""))
    }

    /// Whether any byte is below 0x20, a quote or a backslash.
    static func needsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = bytes.baseAddress else {
            return false
        }
        var index = 0
        while index + 8 <= bytes.count {
            if mayNeedEscape(UnsafeRawPointer(start + index).loadUnaligned(as: UInt64.self)) {
                return true
            }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isEscaped(byte) {
                return true
            }
            index += 1
        }
        return false
    }

    private mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else {
            return
        }
        var clean = 0
        var index = 0
        while index < bytes.count {
            // Eight bytes at a time while none needs escaping (almost always).
            if index + 8 <= bytes.count,
                !Self.mayNeedEscape(UnsafeRawPointer(start + index).loadUnaligned(as: UInt64.self))
            {
                index += 8
                continue
            }
            let byte = bytes[index]
            if Self.isEscaped(byte) {
                append(UnsafeBufferPointer(rebasing: bytes[clean..<index]))
                escape(byte)
                clean = index + 1
            }
            index += 1
        }
        append(UnsafeBufferPointer(rebasing: bytes[clean...]))
    }

    /// Whether RFC 8785 escapes the byte: a control character, a quote or a backslash.
    @inline(__always)
    static func isEscaped(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C
    }

    /// Whether any of the eight bytes is below 0x20, a quote or a backslash: the "has less than" and "has zero byte"
    /// word tests of Bit Twiddling Hacks, exact for the word as a whole (the caller then finds the byte).
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        return (control | hasQuote | hasBackslash) & highBits != 0
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func escape(_ byte: UInt8) {
        append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
        case 0x0A: append(UInt8(ascii: "n"))
        case 0x0D: append(UInt8(ascii: "r"))
        case 0x09: append(UInt8(ascii: "t"))
        case 0x08: append(UInt8(ascii: "b"))
        case 0x0C: append(UInt8(ascii: "f"))
        default:
            append(UInt8(ascii: "u"))
            append(UInt8(ascii: "0"))
            append(UInt8(ascii: "0"))
            append(Self.hexDigits[Int(byte >> 4)])
            append(Self.hexDigits[Int(byte & 0x0F)])
        }
    }
}

/// A canonical JSON writer's memory, kept from one document to the next: one per thread that writes many.
///
/// The importer's validating threads write a document per item. A fresh 2 KB buffer for each was a large request for
/// glibc's `malloc`, which first merges every small block freed since into its free lists (`malloc_consolidate`),
/// so the next small allocations of the item took the slow path.
package struct CanonicalJSONScratch: ~Copyable {
    var writer = CanonicalJSONWriter(capacity: 2048)
    /// ``FieldNames/jsonKeys``: the global's buffers, or, after ``forOneThread()``, this scratch's own.
    let keys: (bytes: [UInt8], starts: [Int])

    package init() {
        keys = FieldNames.jsonKeys
    }

    private init(keys: (bytes: [UInt8], starts: [Int])) {
        self.keys = keys
    }

    /// A scratch with its own copy of the key table, for a thread that writes a document per item while others do too:
    /// each document retains and releases the table's buffers, and two threads doing so on the same buffers took their
    /// cache lines from each other's core.
    package static func forOneThread() -> CanonicalJSONScratch {
        let shared = FieldNames.jsonKeys
        return CanonicalJSONScratch(keys: (shared.bytes.map { $0 }, shared.starts.map { $0 }))
    }
}
