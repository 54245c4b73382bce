import FeedImport

/// A report file's bytes a megabyte at a time, plain or gzip: the input both report readers
/// (``CSVRecordReader``, ``LineReader``) scan. They consume `chunk[offset..<count]` and call
/// ``refill()`` when it is used up.
final class ReportByteInput {
    /// The file as named in errors.
    let file: String
    /// The current chunk; its bytes `offset..<count` are not consumed yet.
    let chunk: UnsafeMutableRawBufferPointer
    // Unchecked: read for every record by the one thread that owns the input (no `inout` access is handed out).
    @exclusivity(unchecked) var count = 0
    @exclusivity(unchecked) var offset = 0
    /// Raw bytes read so far (compressed bytes for gzip), for progress.
    var bytesConsumed: Int64 { source.rawBytesConsumed }
    /// The file size when known.
    var size: Int64? { source.rawSize }

    private let source: ByteSource
    private var atEOF = false

    init(path: String, displayName: String) throws(ReportError) {
        do {
            source = try ByteSource(path: path, displayName: displayName)
        } catch {
            throw .unreadable(file: displayName, reason: error.unreadableReason)
        }
        file = displayName
        chunk = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    init(bytes: [UInt8], displayName: String) {
        source = ByteSource(bytes: bytes, displayName: displayName)
        file = displayName
        chunk = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit {
        chunk.deallocate()
    }

    /// Reads the next chunk (from `offset` 0); false at the end of the input.
    func refill() throws(ReportError) -> Bool {
        guard !atEOF else {
            return false
        }
        do {
            count = try source.read(into: chunk)
        } catch {
            throw .unreadable(file: file, reason: error.unreadableReason)
        }
        offset = 0
        if count == 0 {
            atEOF = true
            return false
        }
        return true
    }
}
