/// A growable run of bytes that this value owns, for the import's two hot byte builders: the reader's element text
/// and the canonical JSON writer.
///
/// Hand-written because `Array` checks its uniqueness and capacity on every append and every reset, which cost more
/// than the copies themselves at about 50 short strings per item; a `~Copyable` value has no sharing to check.
struct ByteBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// The bytes appended since the last ``removeAll()``; valid until the next change.
    var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base, count: count)
    }

    mutating func append(_ byte: UInt8) {
        if count == capacity {
            grow(toHold: 1)
        }
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else {
            return
        }
        if count + bytes.count > capacity {
            grow(toHold: bytes.count)
        }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Makes room for `extra` more bytes, so that the next appends of that many need no capacity check.
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity {
            grow(toHold: extra)
        }
    }

    /// Appends a byte that ``reserve(_:)`` made room for.
    mutating func appendReserved(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Appends bytes that ``reserve(_:)`` made room for.
    mutating func appendReserved(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let source = bytes.baseAddress {
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }
    }

    /// Appends the UTF-8 bytes of `text`.
    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Empties the buffer and keeps its memory for the next bytes.
    mutating func removeAll() {
        count = 0
    }

    /// Drops the bytes from `newCount` on.
    mutating func truncate(to newCount: Int) {
        count = min(max(newCount, 0), count)
    }

    /// Doubles the capacity, or more when `extra` bytes need more: a buffer that starts at a power of two and only
    /// ever holds up to a power-of-two limit never grows past that limit.
    private mutating func grow(toHold extra: Int) {
        let newCapacity = max(capacity * 2, count + extra)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
