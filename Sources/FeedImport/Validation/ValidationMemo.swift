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
    /// Scratch space for the key's words, reused from group to group.
    private var words: [UInt32] = []

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
    /// could: `currency` (the item's, for a price without one), and the group with every entry under it described as
    /// a record's fingerprint describes its fields (``FieldStorage/describe(_:linesFrom:into:at:)``), lines aside.
    /// Google's one-line form is a group without entries under it, whose own text is the group. Equal keys therefore
    /// mean equal groups. A group whose text is not stored back to back gets no key.
    mutating func setShippingKey(group index: Int, in storage: FieldStorage, currency: String?) -> Bool {
        let entries = index..<storage.next(after: index)
        // The currency's length (or a mark for none), the number of entries, then theirs.
        let count = 2 + FieldStorage.wordsPerEntry(withLines: false) * entries.count
        if words.count < count {
            words = [UInt32](repeating: 0, count: max(count, 2 * words.count))
        }
        var currency = currency
        let text = words.withUnsafeMutableBufferPointer { words in
            words[0] = currency.map { UInt32(truncatingIfNeeded: $0.utf8.count) } ?? UInt32.max
            words[1] = UInt32(truncatingIfNeeded: entries.count)
            return storage.describe(entries, linesFrom: nil, into: words, at: 2)
        }
        guard let text else {
            return false
        }
        key.bytes.removeAll(keepingCapacity: true)
        words.withUnsafeBytes { key.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[..<(4 * count)])) }
        currency?.withUTF8 { key.bytes.append(contentsOf: $0) }
        storage.text.withUnsafeBufferPointer { key.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[text])) }
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
