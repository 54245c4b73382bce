internal import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file's bytes in chunks, from a file or from memory, inflating gzip on the fly.
///
/// Public so that other readers of large exports (CampaignCore's report ingest) share it. Hand-written over zlib's `inflate` (rather than libxml2's own gzip input) so that the raw bytes
/// go past ``rawObserver`` exactly once: the importer hashes the file as it parses it instead of
/// reading a gigabyte twice.
public final class ByteSource {
    /// Raw (possibly compressed) bytes consumed so far.
    public private(set) var rawBytesConsumed: Int64 = 0
    /// The raw file size, when known.
    public let rawSize: Int64?
    /// Called with every raw chunk, in order, before it is decompressed.
    var rawObserver: ((UnsafeRawBufferPointer) -> Void)?

    private enum Input {
        case file(Int32)
        case memory([UInt8], offset: Int)
    }

    private var input: Input
    private let displayName: String
    private var rawBuffer: UnsafeMutableRawBufferPointer
    private var stream: UnsafeMutablePointer<z_stream>?
    private var isGzip: Bool?
    private var rawEOF = false
    private var pendingRaw = 0  // bytes of rawBuffer not yet consumed by inflate

    static let chunkSize = 256 * 1024

    /// Whether the input is known not to be gzipped (once the first bytes are read): its raw bytes are the bytes
    /// ``read(into:)`` returns, read where it is asked to put them.
    var isPlain: Bool { isGzip == false }

    /// Opens a regular file; `displayName` names it in errors.
    public init(path: String, displayName: String) throws(FeedImportError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .unreadable(file: displayName, reason: Self.errnoDescription())
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = Self.errnoDescription()
            close(fd)
            throw .unreadable(file: displayName, reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .unreadable(file: displayName, reason: "not a regular file")
        }
        self.input = .file(fd)
        self.rawSize = Int64(info.st_size)
        self.displayName = displayName
        self.rawBuffer = .allocate(byteCount: Self.chunkSize, alignment: 16)
    }

    /// Reads bytes already in memory.
    public init(bytes: [UInt8], displayName: String) {
        self.input = .memory(bytes, offset: 0)
        self.rawSize = Int64(bytes.count)
        self.displayName = displayName
        self.rawBuffer = .allocate(byteCount: Self.chunkSize, alignment: 16)
    }

    deinit {
        if case .file(let fd) = input {
            close(fd)
        }
        if let stream {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        rawBuffer.deallocate()
    }

    /// Fills `buffer` with decompressed bytes; returns 0 at the end of the input.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FeedImportError) -> Int {
        if isGzip == nil {
            try refillRaw()
            isGzip = pendingRaw >= 2 && rawBuffer[0] == 0x1F && rawBuffer[1] == 0x8B
            if isGzip == true {
                try startInflate()
            }
        }
        if isGzip == true {
            return try inflateChunk(into: buffer)
        }
        guard let destination = buffer.baseAddress, let source = rawBuffer.baseAddress else {
            return 0
        }
        if pendingRaw > 0 {
            // The bytes read to sniff the gzip magic.
            let count = min(pendingRaw, buffer.count)
            destination.copyMemory(from: source, byteCount: count)
            if count < pendingRaw {
                memmove(source, source + count, pendingRaw - count)
            }
            pendingRaw -= count
            return count
        }
        return try readRaw(into: UnsafeMutableRawBufferPointer(start: destination, count: buffer.count))
    }

    /// Reads the next raw chunk into `rawBuffer`, after any bytes still pending.
    private func refillRaw() throws(FeedImportError) {
        guard let base = rawBuffer.baseAddress, pendingRaw < rawBuffer.count else {
            return
        }
        pendingRaw += try readRaw(
            into: UnsafeMutableRawBufferPointer(start: base + pendingRaw, count: rawBuffer.count - pendingRaw)
        )
    }

    /// Reads raw bytes from the input into `target`, showing them to ``rawObserver``; 0 at the end.
    private func readRaw(into target: UnsafeMutableRawBufferPointer) throws(FeedImportError) -> Int {
        guard !rawEOF, let base = target.baseAddress, target.count > 0 else {
            return 0
        }
        var count = 0
        switch input {
        case .file(let fd):
            while true {
                let result = systemRead(fd, base, target.count)
                if result < 0 {
                    if errno == EINTR {
                        continue
                    }
                    throw .unreadable(file: displayName, reason: Self.errnoDescription())
                }
                count = result
                break
            }
        case .memory(let bytes, let offset):
            count = min(target.count, bytes.count - offset)
            if count > 0 {
                bytes.withUnsafeBytes { source in
                    if let from = source.baseAddress {
                        base.copyMemory(from: from + offset, byteCount: count)
                    }
                }
            }
            input = .memory(bytes, offset: offset + count)
        }
        if count == 0 {
            rawEOF = true
            return 0
        }
        rawObserver?(UnsafeRawBufferPointer(start: base, count: count))
        rawBytesConsumed += Int64(count)
        return count
    }

    private func startInflate() throws(FeedImportError) {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard clx_inflate_init(stream) == Z_OK else {
            stream.deallocate()
            throw .unreadable(file: displayName, reason: "cannot start gzip decompression")
        }
        self.stream = stream
    }

    private func inflateChunk(into buffer: UnsafeMutableRawBufferPointer) throws(FeedImportError) -> Int {
        guard let stream, let base = rawBuffer.baseAddress, let out = buffer.baseAddress else {
            return 0
        }
        var produced = 0
        while produced == 0 {
            if pendingRaw == 0 {
                try refillRaw()
                if pendingRaw == 0 {
                    // A gzip stream that stops before its trailer is a truncated file.
                    if stream.pointee.total_in > 0 && !streamEnded {
                        throw .malformedXML(
                            SourceLocation(file: displayName, line: 0),
                            reason: "the gzip stream is truncated"
                        )
                    }
                    return 0
                }
            }
            stream.pointee.next_in = base.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = UInt32(pendingRaw)
            stream.pointee.next_out = (out + produced).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(buffer.count - produced)
            let status = inflate(stream, Z_NO_FLUSH)
            let consumed = pendingRaw - Int(stream.pointee.avail_in)
            if consumed > 0 && consumed < pendingRaw {
                memmove(base, base + consumed, pendingRaw - consumed)
            }
            pendingRaw -= consumed
            produced = buffer.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                streamEnded = false
            case Z_STREAM_END:
                streamEnded = true
                // Concatenated gzip members are one file (gzip(1) semantics).
                if pendingRaw > 0 || !rawEOF {
                    inflateReset(stream)
                }
            default:
                throw .malformedXML(
                    SourceLocation(file: displayName, line: 0),
                    reason: "the gzip data is corrupt (zlib status \(status))"
                )
            }
            if produced == 0 && pendingRaw == 0 && rawEOF {
                if !streamEnded {
                    throw .malformedXML(
                        SourceLocation(file: displayName, line: 0),
                        reason: "the gzip stream is truncated"
                    )
                }
                return 0
            }
        }
        return produced
    }

    private var streamEnded = false

    private static func errnoDescription() -> String {
        String(cString: strerror(errno))
    }
}

/// `read(2)`, reachable from inside ``ByteSource`` whose own `read(into:)` shadows the name.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
