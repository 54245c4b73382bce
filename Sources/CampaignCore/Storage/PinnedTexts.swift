/// A text's bytes at a fixed address, NUL-terminated, owned by a ``PinnedTexts``.
struct PinnedText {
    let bytes: UnsafePointer<CChar>
    let count: Int

    /// A `String` of the same text (for engines that copy what they bind).
    var string: String {
        String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}

/// Copies of the few texts that repeat row after row (days, placements, currencies), made once each, so that SQLite
/// can read them in place rather than copy each into its own memory for every row: at ten million rows those copies
/// were a fifth of the writing thread's work.
///
/// Keeps the last ``capacity`` distinct texts; one pushed out is freed only by ``releaseRetired()``, which the
/// caller calls once the statement it was bound to has run.
final class PinnedTexts {
    static let capacity = 16
    private var slots: [(text: String, pinned: PinnedText)] = []
    /// The slot that answered last: rows come in runs of one day, placements alternate among a few.
    private var last = 0
    private var retired: [PinnedText] = []

    init() {
        slots.reserveCapacity(Self.capacity)
    }

    deinit {
        releaseRetired()
        for slot in slots {
            UnsafeMutablePointer(mutating: slot.pinned.bytes).deallocate()
        }
    }

    /// The pinned copy of `text`, made now if it is not held.
    func pinned(_ text: String) -> PinnedText {
        // Lengths first: comparing two different strings costs more than comparing their lengths.
        let length = text.utf8.count
        if last < slots.count, slots[last].pinned.count == length, slots[last].text == text {
            return slots[last].pinned
        }
        for index in slots.indices where slots[index].pinned.count == length && slots[index].text == text {
            last = index
            return slots[index].pinned
        }
        if slots.count == Self.capacity {
            retired.append(slots.removeFirst().pinned)
        }
        var copy = text
        let pinned = copy.withUTF8 { utf8 in
            let bytes = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
            utf8.withMemoryRebound(to: CChar.self) { source in
                if let base = source.baseAddress {
                    bytes.initialize(from: base, count: source.count)
                }
            }
            bytes[utf8.count] = 0
            return PinnedText(bytes: bytes, count: utf8.count)
        }
        slots.append((text, pinned))
        last = slots.count - 1
        return pinned
    }

    /// Frees the copies pushed out since the last call.
    func releaseRetired() {
        for pinned in retired {
            UnsafeMutablePointer(mutating: pinned.bytes).deallocate()
        }
        retired.removeAll(keepingCapacity: true)
    }
}
