/// The fields of one record as the reader stores them: every value's bytes in one buffer, and one plain entry per
/// field, sub-field and kept XML attribute.
///
/// Hand-written because a record made of ``FeedField`` values costs a string, two arrays and their releases per
/// field: about 30 fields an item, made by the reading thread, copied by the validating one and freed by the reading
/// one again, which together cost more than libxml2's parse of the same bytes. Here a record is two allocations, its
/// entries hold no reference, and the validator makes a string only for the values it keeps.
struct FieldStorage: Sendable {
    /// Every value (and every name not in ``FieldNames``), back to back, in UTF-8.
    var text: [UInt8]
    /// Fields in document order. An entry is followed by its ``FieldEntry/span`` entries: its kept XML attributes,
    /// then its children, each followed by its own.
    var entries: [FieldEntry]

    init(text: [UInt8] = [], entries: [FieldEntry] = []) {
        self.text = text
        self.entries = entries
    }

    /// Stores `fields` (tests, the YML mapping and callers that build records by hand).
    init(_ fields: [FeedField]) {
        self.init()
        for field in fields {
            append(field, kind: .field)
        }
    }

    private mutating func append(_ field: FeedField, kind: FieldEntry.Kind) {
        let index = entries.count
        var entry = FieldEntry(
            nameID: FieldNames.id(of: field.name),
            origin: field.origin,
            kind: kind,
            line: field.line
        )
        if entry.nameID == FieldNames.custom {
            entry.nameStart = text.count
            text += field.name.utf8
            entry.nameCount = text.count - entry.nameStart
        }
        entry.valueStart = text.count
        text += field.value.utf8
        entry.valueCount = text.count - entry.valueStart
        entry.isTruncated = field.isTruncated
        entry.hasChildren = !field.children.isEmpty
        entries.append(entry)
        for attribute in field.xmlAttributes {
            append(FeedField(name: attribute.name, value: attribute.value, line: field.line), kind: .attribute)
        }
        for child in field.children {
            append(child, kind: .field)
        }
        entries[index].span = entries.count - index - 1
    }

    // MARK: Reading

    /// The index of the entry after `index` and everything that belongs to it.
    func next(after index: Int) -> Int {
        index + 1 + entries[index].span
    }

    /// The indices of the top-level fields.
    var topLevel: some Sequence<Int> {
        sequence(first: 0) { next(after: $0) }.prefix { $0 < entries.count }
    }

    /// Calls `body` with the index of each child of the field at `index`, in document order (no array is made: the
    /// validator walks every group of every item).
    func forEachChild(of index: Int, _ body: (Int) throws -> Void) rethrows {
        guard entries[index].hasChildren else {
            return
        }
        var child = index + 1
        let end = next(after: index)
        while child < end {
            if entries[child].kind == .field {
                try body(child)
            }
            child = next(after: child)
        }
    }

    /// The indices of the children of the field at `index`, in document order.
    func children(of index: Int) -> [Int] {
        var result: [Int] = []
        forEachChild(of: index) { result.append($0) }
        return result
    }

    /// The indices of the kept XML attributes of the field at `index`.
    func attributes(of index: Int) -> [Int] {
        var result: [Int] = []
        var attribute = index + 1
        let end = next(after: index)
        while attribute < end, entries[attribute].kind == .attribute {
            result.append(attribute)
            attribute = next(after: attribute)
        }
        return result
    }

    /// The entry's name in Google's spelling.
    func name(at index: Int) -> String {
        let entry = entries[index]
        guard entry.nameID == FieldNames.custom else {
            return FieldNames.known[Int(entry.nameID)]
        }
        return String(decoding: text[entry.nameStart..<entry.nameStart + entry.nameCount], as: UTF8.self)
    }

    /// The entry's value as read (untrimmed).
    func value(at index: Int) -> String {
        let entry = entries[index]
        return text.withUnsafeBufferPointer {
            String(
                decoding: UnsafeBufferPointer(rebasing: $0[entry.valueStart..<entry.valueStart + entry.valueCount]),
                as: UTF8.self
            )
        }
    }

    /// The entry's value without surrounding whitespace (Unicode `White_Space`, as ``TextCheck/trimmed(_:)``): the
    /// ASCII spaces are left out before the string is made, so a padded value costs one string, not two.
    func trimmedValue(at index: Int) -> String {
        let range = asciiTrimmedRange(at: index)
        guard !range.isEmpty else {
            return ""
        }
        let value = text.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
        }
        return text[range.lowerBound] < 0x80 && text[range.upperBound - 1] < 0x80 ? value : TextCheck.trimmed(value)
    }

    /// Whether the entry's value is empty or whitespace only.
    func isBlank(at index: Int) -> Bool {
        let range = asciiTrimmedRange(at: index)
        return range.isEmpty || (text[range.lowerBound] >= 0x80 && trimmedValue(at: index).isEmpty)
    }

    private func asciiTrimmedRange(at index: Int) -> Range<Int> {
        let entry = entries[index]
        var start = entry.valueStart
        var end = start + entry.valueCount
        while start < end, TextCheck.isASCIISpace(text[start]) {
            start += 1
        }
        while end > start, TextCheck.isASCIISpace(text[end - 1]) {
            end -= 1
        }
        return start..<end
    }

    /// The entry as a ``FeedField``, with its children and XML attributes.
    func field(at index: Int) -> FeedField {
        let entry = entries[index]
        return FeedField(
            name: name(at: index),
            origin: entry.origin,
            value: value(at: index),
            line: entry.line,
            children: children(of: index).map { field(at: $0) },
            xmlAttributes: attributes(of: index).map { XMLAttribute(name: name(at: $0), value: value(at: $0)) },
            isTruncated: entry.isTruncated
        )
    }

    /// Every top-level field as a ``FeedField``.
    var fields: [FeedField] {
        topLevel.map { field(at: $0) }
    }
}

/// One stored field, sub-field or XML attribute: positions in ``FieldStorage/text`` and flags, no references.
struct FieldEntry: Sendable {
    enum Kind: UInt8, Sendable {
        /// A field or a sub-field of a group.
        case field
        /// An XML attribute kept on the field before it (YML `param name`/`unit`).
        case attribute
    }

    /// The name's index in ``FieldNames/known``, or ``FieldNames/custom`` when the name is in the text.
    var nameID: UInt16
    var origin: FieldOrigin
    var kind: Kind
    var isTruncated = false
    var hasChildren = false
    /// The 1-based line of the start tag (0: unknown).
    var line: Int
    var nameStart = 0
    var nameCount = 0
    var valueStart = 0
    var valueCount = 0
    /// How many entries after this one belong to it.
    var span = 0

    init(nameID: UInt16, origin: FieldOrigin, kind: Kind, line: Int) {
        self.nameID = nameID
        self.origin = origin
        self.kind = kind
        self.line = line
    }
}

/// The attribute names the validator knows, each with a 2-byte id: the reader stores the id instead of the name,
/// and the validator finds the attribute's rule by indexing an array.
enum FieldNames {
    /// The id of a name not in ``known``.
    static let custom = UInt16.max

    /// Every name with a rule, a list shape or a retirement notice, plus the parts of groups and the formats' own
    /// elements. String literals: a literal has no reference count for the reading, validating and writing threads to
    /// change (each change taking its cache line from another core).
    static let known: [String] = {
        let names =
            AttributeTable.slotNames + AttributeTable.plainLists + AttributeTable.retired.map(\.name)
            + ValidationRun.shippingTimeNames + ValidationRun.shippingOneLine + ValidationRun.taxOneLine
            + ["item", "entry", "offer", "summary", "content", "region", "service", "rate", "tax_ship"]
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }()

    private static let ids: [String: UInt16] = Dictionary(
        uniqueKeysWithValues: known.enumerated().map { ($0.element, UInt16($0.offset)) }
    )

    /// The attribute table's entry for each known name, by id.
    static let tableEntries: [AttributeTable.Entry?] = known.map { AttributeTable.entry(for: $0) }

    /// The id of `name`, or ``custom``.
    static func id(of name: String) -> UInt16 {
        ids[name] ?? custom
    }

    /// The rank of a name without one (not in ``known``).
    static let unranked = UInt16.max

    /// The ids of ``known`` in the order of their names sorted as strings (by code point: they are ASCII): a name's
    /// rank is its place here.
    private static let idsByRank: [Int] = known.indices.sorted { known[$0] < known[$1] }

    /// Each known name's rank, by id.
    private static let ranks: [UInt16] = {
        var ranks = [UInt16](repeating: 0, count: known.count)
        for (rank, id) in idsByRank.enumerated() {
            ranks[id] = UInt16(rank)
        }
        return ranks
    }()

    /// The rank of the name with that id: two ranked names compare as their ranks do (``unranked`` for ``custom``).
    static func rank(of id: UInt16) -> UInt16 {
        id == custom ? unranked : ranks[Int(id)]
    }

    /// The known names by rank, each as the canonical JSON key `"name":`, back to back; the key of rank `r` is
    /// `bytes[starts[r]..<starts[r + 1]]`.
    static let jsonKeys: (bytes: [UInt8], starts: [Int]) = {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for name in idsByRank.map({ known[$0] }) {
            precondition(!name.utf8.contains { CanonicalJSONWriter.isEscaped($0) }, "\(name) needs escaping")
            starts.append(bytes.count)
            bytes += "\"\(name)\":".utf8
        }
        starts.append(bytes.count)
        return (bytes, starts)
    }()
}

/// Where a run of UTF-8 cut at a byte limit can end without splitting a character.
enum UTF8Tail {
    /// The length of the longest prefix of `bytes` that does not end inside a character.
    static func completeLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var lead = bytes.count
        // Back over at most three continuation bytes (10xxxxxx) to the character's first byte.
        while lead > 0, bytes.count - lead < 4 {
            lead -= 1
            let byte = bytes[lead]
            guard byte & 0xC0 == 0x80 else {
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                return lead + length <= bytes.count ? bytes.count : lead
            }
        }
        return lead
    }
}
