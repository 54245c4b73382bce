import FeedImport
import Foundation

/// Reads a file line by line (LF or CRLF), plain or gzip, for JSON-lines inputs.
final class LineReader: @unchecked Sendable {
    // @unchecked: one thread at a time uses a reader (a pipeline hands it to its producer thread).
    var file: String { input.file }
    /// The current line's number (1-based).
    private(set) var line = 0
    var bytesConsumed: Int64 { input.bytesConsumed }
    var size: Int64? { input.size }

    private let input: ReportByteInput
    private var current: [UInt8] = []

    init(path: String, displayName: String) throws(ReportError) {
        input = try ReportByteInput(path: path, displayName: displayName)
    }

    /// The next line without its terminator, or nil at the end.
    func next() throws(ReportError) -> [UInt8]? {
        current.removeAll(keepingCapacity: true)
        while true {
            if input.offset == input.count {
                guard try input.refill() else {
                    if current.isEmpty {
                        return nil
                    }
                    line += 1
                    return current
                }
                continue
            }
            let bytes = UnsafeRawBufferPointer(rebasing: input.chunk[input.offset..<input.count])
            if let newline = bytes.firstIndex(of: 0x0A) {
                current.append(contentsOf: bytes[bytes.startIndex..<newline])
                input.offset += newline - bytes.startIndex + 1
                if current.last == 0x0D {
                    current.removeLast()
                }
                line += 1
                return current
            }
            current.append(contentsOf: bytes)
            input.offset = input.count
        }
    }

    /// The rest of the file.
    func readAll() throws(ReportError) -> [UInt8] {
        var all: [UInt8] = []
        while let next = try next() {
            all.append(contentsOf: next)
            all.append(0x0A)
        }
        return all
    }
}

/// What a report file holds, decided from its first bytes and its first JSON value.
enum ReportInputKind {
    case csv
    /// One JSON document (an object or an array).
    case jsonDocument
    /// One JSON value per line.
    case jsonLines
}

enum ReportInput {
    /// Decides the kind from the first non-empty line: `{`/`[` starts JSON, anything else is CSV; a first line that
    /// is a complete JSON object on its own means JSON lines.
    static func kind(of path: String, displayName: String) throws(ReportError) -> ReportInputKind {
        let reader = try LineReader(path: path, displayName: displayName)
        while let line = try reader.next() {
            var bytes = line[...]
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                bytes = bytes.dropFirst(3)
            }
            guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else {
                continue
            }
            switch first {
            case UInt8(ascii: "["):
                return .jsonDocument
            case UInt8(ascii: "{"):
                let object = try? JSONSerialization.jsonObject(with: Data(bytes))
                return object is [String: Any] ? .jsonLines : .jsonDocument
            default:
                return .csv
            }
        }
        throw .problem(displayName, code: "empty_report", "the file is empty")
    }

    /// Parses one JSON value; the error names the file and line.
    static func parseJSON(_ bytes: some Collection<UInt8>, file: String, line: Int?) throws(ReportError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw .problem(file, line: line, code: "invalid_json", "not valid JSON: \(reason)")
        }
    }
}

extension FeedImportError {
    /// The reason alone when the file could not be read (the file name is said once, by ``ReportError``).
    var unreadableReason: String {
        if case .unreadable(_, let reason) = self {
            return reason
        }
        return description
    }
}

/// Reads JSON lines on its own thread: parsing each line and interpreting Stripe events (the costly part) runs
/// beside the database work. Other values (analytics responses, event lists) go to the consumer as bytes.
final class JSONLinesPipeline {
    enum Entry: Sendable {
        case event(Result<StripeEvents.Outcome, StripeEventError>, line: Int)
        case other([UInt8], line: Int)
    }

    struct Batch: Sendable {
        var entries: [Entry]
        /// Raw bytes read when the batch was closed (for progress).
        var bytes: Int64
    }

    static let batchSize = 1_024
    private let producer: ProducerThread<Batch, ReportError>
    /// The file's size, when known.
    let fileSize: Int64?

    init(reader: LineReader) {
        fileSize = reader.size
        producer = ProducerThread(name: "campaignctl.report.json", capacity: 4) { push throws(ReportError) in
            var entries: [Entry] = []
            entries.reserveCapacity(Self.batchSize)
            while let line = try reader.next() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    continue
                }
                let number = reader.line
                let value = try ReportInput.parseJSON(line, file: reader.file, line: number)
                if let object = value as? [String: Any], StripeEvents.isEvent(object) {
                    let outcome = Result { () throws(StripeEventError) in try StripeEvents.interpret(object) }
                    entries.append(.event(outcome, line: number))
                } else {
                    entries.append(.other(line, line: number))
                }
                if entries.count == Self.batchSize {
                    guard push(Batch(entries: entries, bytes: reader.bytesConsumed)) else {
                        return
                    }
                    entries.removeAll(keepingCapacity: true)
                }
            }
            if !entries.isEmpty {
                _ = push(Batch(entries: entries, bytes: reader.bytesConsumed))
            }
        }
    }

    /// The next batch, nil at the end; throws the first unreadable line's problem.
    func next() throws(ReportError) -> Batch? {
        try producer.next()
    }

    /// Stops the reading thread (the consumer failed) and waits for it.
    func cancel() {
        producer.cancel()
    }
}
