import FeedImport

/// A streaming RFC 4180 reader that hands out each record's fields as bytes.
///
/// Hand-written rather than CSV.swift (which the CLI uses to write small tables): CSV.swift decodes every field
/// into a `String` through a character-by-character `UnicodeIterator`, about 10× slower than this byte loop on the
/// 10-million-row performance exports, and reports no line numbers. This reader keeps one record in a reusable
/// buffer, parses integers straight from the bytes, accepts CRLF or LF, a UTF-8 byte-order mark, quoted fields
/// with `""` escapes and embedded newlines, and a last record without a final newline; it reads gzip too.
final class CSVRecordReader: @unchecked Sendable {
    // @unchecked: one thread at a time uses a reader (the pipeline hands it to its reading thread).
    /// The file as named in errors.
    var file: String { input.file }
    // The hot properties are `@exclusivity(unchecked)`: a reader is used by one thread at a time and never hands
    // out `inout` access to them, and the dynamic checks were a tenth of the reading thread at ten million rows.

    /// The line on which the current record starts (1-based).
    @exclusivity(unchecked) private(set) var line = 0
    /// Raw bytes read so far (for progress).
    var bytesConsumed: Int64 { input.bytesConsumed }
    /// The file size when known.
    var size: Int64? { input.size }

    private let input: ReportByteInput
    @exclusivity(unchecked) private var nextLine = 1
    @exclusivity(unchecked) private var startedFile = false
    /// The current record's unescaped bytes, and where each field ends in them.
    @exclusivity(unchecked) private var bytes: [UInt8] = []
    @exclusivity(unchecked) private var ends: [Int] = []

    init(path: String, displayName: String) throws(ReportError) {
        input = try ReportByteInput(path: path, displayName: displayName)
        bytes.reserveCapacity(4096)
        ends.reserveCapacity(256)
    }

    init(bytes: [UInt8], displayName: String) {
        input = ReportByteInput(bytes: bytes, displayName: displayName)
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

    /// Field `index`'s bytes (empty when the record is shorter).
    func bytes(_ index: Int) -> [UInt8] {
        withField(index) { Array($0) }
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

    private enum State {
        case fieldStart
        case unquoted
        case quoted
        /// A quote inside a quoted field: the next byte says whether it was `""` or the closing quote.
        case quoteSeen
    }

    /// Refills the chunk, skipping a UTF-8 byte-order mark (as spreadsheet exports write) at the start of the
    /// file; false at the end of the input.
    private func refill() throws(ReportError) -> Bool {
        guard try input.refill() else {
            return false
        }
        if !startedFile {
            startedFile = true
            if input.count >= 3, input.chunk[0] == 0xEF, input.chunk[1] == 0xBB, input.chunk[2] == 0xBF {
                input.offset = 3
            }
        }
        return true
    }

    /// One record into `bytes` / `ends`. The byte loop works on locals (the chunk pointer, the two arrays swapped
    /// out of the properties) so that it runs without exclusivity checks or copy-on-write.
    private func readRecord() throws(ReportError) -> Bool {
        var record: [UInt8] = []
        var fieldEnds: [Int] = []
        swap(&record, &bytes)
        swap(&fieldEnds, &ends)
        defer {
            swap(&record, &bytes)
            swap(&fieldEnds, &ends)
        }
        record.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        var state = State.fieldStart
        var sawAny = false
        var lineNumber = nextLine
        line = nextLine
        while true {
            if input.offset == input.count {
                guard try refill() else {
                    nextLine = lineNumber
                    if state == .quoted {
                        throw .problem(
                            file,
                            line: line,
                            code: "unterminated_quote",
                            "a quoted field starts on this line and never ends (expected a closing \")"
                        )
                    }
                    guard sawAny else {
                        return false
                    }
                    fieldEnds.append(record.count)
                    return true
                }
            }
            guard let base = input.chunk.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
                return false
            }
            var index = input.offset
            let count = input.count
            if skipLineFeed {
                skipLineFeed = false
                if base[index] == 0x0A {
                    index += 1
                    if index == count {
                        input.offset = index
                        continue
                    }
                }
            }
            sawAny = true
            while index < count {
                // Runs of ordinary bytes are appended in one call, not byte by byte.
                if state == .quoted || state == .unquoted || state == .fieldStart {
                    let start = index
                    if state == .quoted {
                        while index < count, base[index] != 0x22 {
                            if base[index] == 0x0A {
                                lineNumber += 1
                            }
                            index += 1
                        }
                    } else if state == .unquoted || base[index] != 0x22 {
                        while index < count {
                            let byte = base[index]
                            if byte == 0x2C || byte == 0x0A || byte == 0x0D || byte == 0x22 {
                                break
                            }
                            index += 1
                        }
                        if index > start {
                            state = .unquoted
                        }
                    }
                    if index > start {
                        record.append(contentsOf: UnsafeBufferPointer(start: base + start, count: index - start))
                    }
                    if index == count {
                        break
                    }
                }
                let byte = base[index]
                index += 1
                switch state {
                case .quoted:
                    // Only a quote reaches here.
                    state = .quoteSeen
                    continue
                case .quoteSeen:
                    if byte == 0x22 {
                        record.append(0x22)
                        state = .quoted
                        continue
                    }
                    if byte != 0x2C && byte != 0x0A && byte != 0x0D {
                        nextLine = lineNumber
                        throw .problem(
                            file,
                            line: lineNumber,
                            code: "text_after_quote",
                            "text after a quoted field's closing quote (expected , or the end of the line)"
                        )
                    }
                case .fieldStart:
                    if byte == 0x22 {
                        state = .quoted
                        continue
                    }
                case .unquoted:
                    if byte == 0x22 {
                        nextLine = lineNumber
                        throw .problem(
                            file,
                            line: lineNumber,
                            code: "stray_quote",
                            "a \" inside an unquoted field (RFC 4180: quote the whole field and double the quote)"
                        )
                    }
                }
                switch byte {
                case 0x2C:
                    fieldEnds.append(record.count)
                    state = .fieldStart
                case 0x0A, 0x0D:
                    fieldEnds.append(record.count)
                    input.offset = index
                    nextLine = lineNumber + 1
                    skipLineFeed = byte == 0x0D
                    return true
                default:
                    record.append(byte)
                    state = .unquoted
                }
            }
            input.offset = index
        }
    }

    @exclusivity(unchecked) private var skipLineFeed = false
}

/// The values last made from a column's bytes, found again by those bytes.
///
/// Reports repeat a handful of days and placements row after row; looking them up here saves parsing and building a
/// `String` for each of ten million rows. Holds at most `capacity` entries, the oldest dropped first.
struct RecentFieldValues<Value> {
    private var entries: [(bytes: [UInt8], value: Value)] = []
    private let capacity: Int

    init(capacity: Int = 8) {
        self.capacity = capacity
    }

    /// The value made from exactly these bytes, if still held.
    func value(for field: UnsafeBufferPointer<UInt8>) -> Value? {
        for entry in entries.reversed() where entry.bytes.count == field.count {
            if entry.bytes.withUnsafeBufferPointer({ $0.elementsEqual(field) }) {
                return entry.value
            }
        }
        return nil
    }

    /// Remembers the value made from `bytes`.
    mutating func remember(_ bytes: [UInt8], _ value: Value) {
        if entries.count == capacity {
            entries.removeFirst()
        }
        entries.append((bytes, value))
    }
}
