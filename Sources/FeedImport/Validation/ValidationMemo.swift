/// What one thread's validations of many records share: the canonical values of parts that feeds repeat item after
/// item, each kept the first time it validated without a diagnostic, by the bytes it was validated from.
///
/// Only the `shipping` groups for now. A Merchant feed repeats the same few (`FR`, `Colissimo`, `4.90 EUR`) in every
/// item, and validating one (its country, price and handling times: a string, a parse and a check each, then the
/// sorted group) was a tenth of a validating thread's work. A group met again is now a key and a hash-table look-up.
///
/// Memoising is exact because the shipping rule reads nothing but the group's sub-elements (names, text, nesting),
/// the item's currency (a price without one takes it) and the rules themselves (``rules``); the key holds all of them,
/// and more (each sub-element's untrimmed text and kind). Only groups without a diagnostic are kept, so a group met
/// again has none either: the lines that diagnostics would carry are the one thing the key leaves out.
package struct ValidationMemo {
    /// The ``ItemValidator/fingerprintPrefix`` (the rules' revision and the profile) the values were validated under:
    /// a validator with other rules empties the memo first.
    var rules: [UInt8] = []
    /// Canonical shipping groups (``AttributeValue/group(_:)``), by ``Key``.
    private(set) var shipping: [Key: AttributeValue] = [:]
    /// The key of the group being validated, built in place for each group (``setShippingKey(group:in:currency:)``).
    private(set) var key = Key()

    /// At most this many groups are kept; a feed whose groups all differ (a price per item) stops adding them there.
    static let capacity = 512

    package init() {}

    /// The bytes a group was validated from; hashed in one call (an array of bytes hashes them one by one).
    struct Key: Hashable {
        var bytes: [UInt8] = []

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// Makes ``key`` what the shipping rule reads to validate the group at `index` of `storage`, and returns whether it
    /// could: `currency` (the item's, for a price without one), the number of entries under the group (a mark for
    /// Google's one-line form, which has none), a word of name and flags (kind, nesting, whether a name's length
    /// follows), the name's length (names without an id) and the value's length of each entry, then the text, which
    /// the reader stores back to back: the group's own for the one-line form, else its entries'. A key reads back to
    /// one group only, so equal keys mean equal groups. A group whose text is stored otherwise gets no key.
    ///
    /// Written in place, a word at a time: appending each number as bytes cost more than the look-up saved.
    mutating func setShippingKey(group index: Int, in storage: FieldStorage, currency: String?) -> Bool {
        let group = storage.entries[index]
        let members = group.hasChildren ? index + 1..<storage.next(after: index) : index..<index
        var textStart = group.valueStart
        if group.hasChildren {
            let first = storage.entries[index + 1]
            textStart = first.nameCount > 0 ? first.nameStart : first.valueStart
        }
        var textEnd = group.hasChildren ? textStart : group.valueStart + group.valueCount
        var words = 0
        for member in members {
            let entry = storage.entries[member]
            if entry.nameCount > 0 {
                guard entry.nameStart == textEnd else {
                    return false
                }
                textEnd += entry.nameCount
                words += 1
            }
            guard entry.valueStart == textEnd else {
                return false
            }
            textEnd += entry.valueCount
            words += 2
        }
        let currencyCount = currency?.utf8.count ?? 0
        let count = 4 + currencyCount + 4 + 4 * words + 4 + (textEnd - textStart)
        key.bytes.removeAll(keepingCapacity: true)
        key.bytes.append(contentsOf: repeatElement(0, count: count))
        key.bytes.withUnsafeMutableBytes { key in
            var offset = 0
            func word(_ value: UInt32) {
                key.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
                offset += 4
            }
            func bytes(_ source: UnsafeRawBufferPointer) {
                if let base = source.baseAddress, let target = key.baseAddress, !source.isEmpty {
                    (target + offset).copyMemory(from: base, byteCount: source.count)
                }
                offset += source.count
            }
            if var currency {
                word(UInt32(truncatingIfNeeded: currencyCount))
                currency.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
            } else {
                word(UInt32.max)
            }
            // How many entries follow (none for the one-line form): the key reads back one way only.
            word(group.hasChildren ? UInt32(truncatingIfNeeded: members.count) : UInt32.max)
            for member in members {
                let entry = storage.entries[member]
                let flags =
                    (entry.kind == .field ? 0 : 1 << 16) | (entry.hasChildren ? 1 << 17 : 0)
                    | (entry.nameCount > 0 ? 1 << 18 : 0)
                word(UInt32(entry.nameID) | UInt32(flags))
                if entry.nameCount > 0 {
                    word(UInt32(truncatingIfNeeded: entry.nameCount))
                }
                word(UInt32(truncatingIfNeeded: entry.valueCount))
            }
            word(UInt32(truncatingIfNeeded: textEnd - textStart))
            storage.text.withUnsafeBytes { bytes(UnsafeRawBufferPointer(rebasing: $0[textStart..<textEnd])) }
        }
        return true
    }

    /// How many shipping groups are kept.
    package var shippingCount: Int {
        shipping.count
    }

    /// The group validated from ``key`` before, if any.
    func knownShipping() -> AttributeValue? {
        shipping[key]
    }

    /// Keeps `group`, validated from ``key`` without a diagnostic (until the memo holds ``capacity`` groups).
    mutating func rememberShipping(_ group: AttributeValue) {
        if shipping.count < Self.capacity {
            shipping[key] = group
        }
    }
}
