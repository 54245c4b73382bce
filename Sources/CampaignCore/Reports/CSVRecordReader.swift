import FeedImport

/// A streaming RFC 4180 reader that hands out each record's fields as bytes.
///
/// Hand-written rather than CSV.swift (which the CLI uses to write small tables): CSV.swift decodes every field
/// into a `String` through a character-by-character `UnicodeIterator`, about 10× slower than this byte loop on the
/// 10-million-row performance exports, and reports no line numbers. This reader keeps one record in a reusable
/// buffer, parses integers straight from the bytes, accepts CRLF or LF, a UTF-8 byte-order mark, quoted fields
/// with `""` escapes and embedded newlines, and a last record without a final newline; it reads gzip too.
final class CSVRecordReader {
    /// The file as named in errors.
    let file: String
    /// The line on which the current record starts (1-based).
    private(set) var line = 0
    /// Raw bytes read so far (for progress).
    var bytesConsumed: Int64 { source.rawBytesConsumed }
    /// The file size when known.
    var size: Int64? { source.rawSize }

    private let source: ByteSource
    private var chunk: UnsafeMutableRawBufferPointer
    private var chunkCount = 0
    private var chunkOffset = 0
    private var atEOF = false
    private var nextLine = 1
    private var startedFile = false
    /// The current record's unescaped bytes, and where each field ends in them.
    private var bytes: [UInt8] = []
    private var ends: [Int] = []

    init(path: String, displayName: String) throws(ReportError) {
        do {
            source = try ByteSource(path: path, displayName: displayName)
        } catch {
            throw .unreadable(file: displayName, reason: error.unreadableReason)
        }
        file = displayName
        chunk = .allocate(byteCount: 1 << 20, alignment: 16)
        bytes.reserveCapacity(4096)
        ends.reserveCapacity(256)
    }

    init(bytes input: [UInt8], displayName: String) {
        source = ByteSource(bytes: input, displayName: displayName)
        file = displayName
        chunk = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit {
        chunk.deallocate()
    }

    /// The number of fields in the current record.
    var fieldCount: Int { ends.count }

    /// Reads the next record; false at the end of the file. Blank lines are skipped.
    func next() throws(ReportError) -> Bool {
        while true {
            guard try readRecord() else {
                return false
            }
            if !(ends.count == 1 && ends[0] == 0) {
                return true
            }
        }
    }

    /// Field `index` as a string (empty when the record is shorter).
    func string(_ index: Int) -> String {
        guard index < ends.count else {
            return ""
        }
        let start = index == 0 ? 0 : ends[index - 1]
        return String(decoding: bytes[start..<ends[index]], as: UTF8.self)
    }

    /// Calls `body` with field `index`'s bytes (empty when the record is shorter).
    func withField<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        guard index < ends.count else {
            return body(UnsafeBufferPointer(start: nil, count: 0))
        }
        let start = index == 0 ? 0 : ends[index - 1]
        let end = ends[index]
        return bytes.withUnsafeBufferPointer { buffer in
            body(UnsafeBufferPointer(rebasing: buffer[start..<end]))
        }
    }

    /// Field `index` as a non-negative integer: digits only, optionally with a `.0…` decimal part of zeros (BI tools
    /// write `12.0`); empty is 0. Nil when it is anything else.
    func integer(_ index: Int) -> Int64? {
        withField(index) { field in
            var value: Int64 = 0
            var position = 0
            while position < field.count, field[position] == 0x20 {
                position += 1
            }
            var digits = 0
            while position < field.count, field[position] >= 0x30, field[position] <= 0x39 {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(field[position] - 0x30))
                if overflow1 || overflow2 {
                    return nil
                }
                value = sum
                position += 1
                digits += 1
            }
            if position < field.count, field[position] == 0x2E {
                position += 1
                while position < field.count, field[position] == 0x30 {
                    position += 1
                }
            }
            while position < field.count, field[position] == 0x20 {
                position += 1
            }
            guard position == field.count, digits > 0 || field.isEmpty || field.allSatisfy({ $0 == 0x20 }) else {
                return nil
            }
            return value
        }
    }

    // MARK: - Parsing

    private func byte() throws(ReportError) -> UInt8? {
        if chunkOffset == chunkCount {
            guard !atEOF else {
                return nil
            }
            do {
                chunkCount = try source.read(into: chunk)
            } catch {
                throw .unreadable(file: file, reason: error.unreadableReason)
            }
            chunkOffset = 0
            if chunkCount == 0 {
                atEOF = true
                return nil
            }
        }
        let value = chunk.load(fromByteOffset: chunkOffset, as: UInt8.self)
        chunkOffset += 1
        return value
    }

    private func peek() throws(ReportError) -> UInt8? {
        guard let value = try byte() else {
            return nil
        }
        chunkOffset -= 1
        return value
    }

    private func readRecord() throws(ReportError) -> Bool {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        if !startedFile {
            startedFile = true
            if try peek() == 0xEF {
                // A UTF-8 byte-order mark, as spreadsheet exports write: skip its three bytes.
                var mark: [UInt8] = []
                for _ in 0..<3 {
                    if let value = try byte() {
                        mark.append(value)
                    }
                }
                if mark != [0xEF, 0xBB, 0xBF] {
                    bytes.append(contentsOf: mark)
                }
            }
        }
        line = nextLine
        guard let first = try peek() else {
            return !bytes.isEmpty
        }
        _ = first
        var inQuotes = false
        var fieldStartedQuoted = false
        var fieldIsEmpty = true
        while true {
            guard let value = try byte() else {
                if inQuotes {
                    throw .problem(
                        file,
                        line: line,
                        code: "unterminated_quote",
                        "a quoted field starts on this line and never ends (expected a closing \")"
                    )
                }
                ends.append(bytes.count)
                return true
            }
            if inQuotes {
                if value == 0x22 {
                    if try peek() == 0x22 {
                        _ = try byte()
                        bytes.append(0x22)
                    } else {
                        inQuotes = false
                    }
                } else {
                    if value == 0x0A {
                        nextLine += 1
                    }
                    bytes.append(value)
                }
                continue
            }
            switch value {
            case 0x2C:
                ends.append(bytes.count)
                fieldIsEmpty = true
                fieldStartedQuoted = false
            case 0x0A:
                nextLine += 1
                ends.append(bytes.count)
                return true
            case 0x0D:
                if try peek() == 0x0A {
                    continue
                }
                nextLine += 1
                ends.append(bytes.count)
                return true
            case 0x22 where fieldIsEmpty && !fieldStartedQuoted:
                inQuotes = true
                fieldStartedQuoted = true
                fieldIsEmpty = false
            case 0x22:
                throw .problem(
                    file,
                    line: nextLine,
                    code: "stray_quote",
                    "a \" inside an unquoted field (RFC 4180: quote the whole field and double the quote)"
                )
            default:
                if fieldStartedQuoted {
                    throw .problem(
                        file,
                        line: nextLine,
                        code: "text_after_quote",
                        "text after a quoted field's closing quote (expected , or the end of the line)"
                    )
                }
                fieldIsEmpty = false
                bytes.append(value)
            }
        }
    }
}
