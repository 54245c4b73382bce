/// A validated product: the typed fields campaigns use, plus every attribute in canonical form.
public struct ProductData: Hashable, Sendable {
    /// The feed's `id`, trimmed.
    public var id: String
    /// The title, trimmed.
    public var title: String
    /// The description (may contain the limited HTML Merchant Center allows).
    public var description: String?
    /// The landing page.
    public var link: String
    /// The main image.
    public var imageLink: String
    /// Extra images, at most 10 kept.
    public var additionalImageLinks: [String]
    /// Stock status, normalised to Google's spelling.
    public var availability: Availability
    /// When a preorder or backorder product becomes available (ISO 8601 as given).
    public var availabilityDate: String?
    /// The regular price.
    public var price: Money
    /// The reduced price, when there is one (same currency, lower than ``price``).
    public var salePrice: Money?
    /// The sale's validity interval (`start/end`, ISO 8601) as given.
    public var salePriceEffectiveDate: String?
    /// `new`, `refurbished` or `used`.
    public var condition: String?
    /// The brand.
    public var brand: String?
    /// The GTIN, digits only.
    public var gtin: String?
    /// The manufacturer part number.
    public var mpn: String?
    /// The variant group.
    public var itemGroupID: String?
    /// `custom_label_0` … `custom_label_4` (always five entries).
    public var customLabels: [String?]
    /// The merchant's category paths (first one is the main one).
    public var productTypes: [String]
    /// Google's taxonomy id or path.
    public var googleProductCategory: String?
    /// Every attribute of the item, normalised (trimmed, enums and prices in canonical spelling).
    public var attributes: ProductAttributes

    /// Creates a product.
    public init(
        id: String,
        title: String,
        description: String? = nil,
        link: String,
        imageLink: String,
        additionalImageLinks: [String] = [],
        availability: Availability,
        availabilityDate: String? = nil,
        price: Money,
        salePrice: Money? = nil,
        salePriceEffectiveDate: String? = nil,
        condition: String? = nil,
        brand: String? = nil,
        gtin: String? = nil,
        mpn: String? = nil,
        itemGroupID: String? = nil,
        customLabels: [String?] = [nil, nil, nil, nil, nil],
        productTypes: [String] = [],
        googleProductCategory: String? = nil,
        attributes: ProductAttributes
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.link = link
        self.imageLink = imageLink
        self.additionalImageLinks = additionalImageLinks
        self.availability = availability
        self.availabilityDate = availabilityDate
        self.price = price
        self.salePrice = salePrice
        self.salePriceEffectiveDate = salePriceEffectiveDate
        self.condition = condition
        self.brand = brand
        self.gtin = gtin
        self.mpn = mpn
        self.itemGroupID = itemGroupID
        self.customLabels = customLabels
        self.productTypes = productTypes
        self.googleProductCategory = googleProductCategory
        self.attributes = attributes
    }
}

/// A normalised attribute value: text, a repeated attribute, or a group of sub-attributes.
public enum AttributeValue: Hashable, Sendable {
    /// A single text value.
    case text(String)
    /// A repeated attribute, in document order.
    case list([AttributeValue])
    /// A nested group (`shipping`, `tax` …): its sub-attributes, sorted by name like a product's.
    ///
    /// Not a `Dictionary`: a group has a handful of members, which a sorted array finds by binary search and
    /// serialises in order. Hashing them, creating the table and sorting its keys for the canonical JSON cost 5 % of
    /// the validating threads.
    case group(ProductAttributes)
}

/// Every attribute of a product (or every sub-attribute of a group), keyed by Google's attribute name.
///
/// Attributes Merchant Center allows to repeat (`additional_image_link`, `shipping`,
/// `product_type` …) are always ``AttributeValue/list(_:)`` so that their shape does not depend
/// on how many values a given item has.
public struct ProductAttributes: Hashable, Sendable, ExpressibleByDictionaryLiteral {
    /// One attribute.
    public struct Entry: Hashable, Sendable {
        public var name: String
        public var value: AttributeValue
        /// The name's ``FieldNames/rank(of:)`` when the validator set it by its id, else ``FieldNames/unranked``.
        /// Two ranked names compare as their ranks do, which is how the names themselves compare.
        var rank = FieldNames.unranked

        public static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.name == rhs.name && lhs.value == rhs.value
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(value)
        }
    }

    /// The attributes sorted by name (the canonical order), so serialising needs no sort or lookup.
    public private(set) var entries: [Entry]

    /// Creates an empty set of attributes (without the dictionary, empty as it is, that `init(_:)` maps and sorts).
    public init() {
        entries = []
    }

    /// Creates a set of attributes.
    public init(_ values: [String: AttributeValue]) {
        entries = values.map { Entry(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
    }

    /// Creates a set of attributes from a literal (a later duplicate name replaces an earlier one).
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        entries = []
        entries.reserveCapacity(elements.count)
        for (name, value) in elements {
            self[name] = value
        }
    }

    /// Attribute name to value.
    public var values: [String: AttributeValue] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.value) })
    }

    /// The attribute's value, if present.
    public subscript(name: String) -> AttributeValue? {
        get { self[name, rank: FieldNames.unranked] }
        set { self[name, rank: FieldNames.unranked] = newValue }
    }

    /// The attribute's value, found by its name's ``FieldNames/rank(of:)`` where both it and the stored names have
    /// one (the validator's attributes): an integer comparison where comparing the strings cost about a tenth of
    /// the validating threads' instructions (about 25 attributes an item, each placed by binary search).
    subscript(name: String, rank rank: UInt16) -> AttributeValue? {
        get {
            let index = position(of: name, rank: rank)
            return index < entries.count && matches(at: index, name, rank) ? entries[index].value : nil
        }
        set {
            let index = position(of: name, rank: rank)
            let exists = index < entries.count && matches(at: index, name, rank)
            switch (exists, newValue) {
            case (true, let value?):
                entries[index].value = value
            case (true, nil):
                entries.remove(at: index)
            case (false, let value?):
                entries.insert(Entry(name: name, value: value, rank: rank), at: index)
            case (false, nil):
                break
            }
        }
    }

    /// Removes the attribute; its value, if it was present.
    @discardableResult
    mutating func removeValue(forKey name: String, rank: UInt16 = FieldNames.unranked) -> AttributeValue? {
        let index = position(of: name, rank: rank)
        guard index < entries.count, matches(at: index, name, rank) else {
            return nil
        }
        return entries.remove(at: index).value
    }

    /// Makes room for `count` attributes.
    mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    /// The first index whose name is not below `name` (binary search): by rank where both have one, else as strings.
    /// The entries are read in place, a field at a time (copying one retained its name and value).
    private func position(of name: String, rank: UInt16) -> Int {
        entries.withUnsafeBufferPointer { entries in
            var low = 0
            var high = entries.count
            while low < high {
                let middle = (low + high) / 2
                let entryRank = entries[middle].rank
                let precedes =
                    entryRank != FieldNames.unranked && rank != FieldNames.unranked
                    ? entryRank < rank : entries[middle].name < name
                if precedes {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            return low
        }
    }

    /// Whether the entry at `index` (a valid index) is the attribute `name`.
    private func matches(at index: Int, _ name: String, _ rank: UInt16) -> Bool {
        entries.withUnsafeBufferPointer { entries in
            let entryRank = entries[index].rank
            return entryRank != FieldNames.unranked && rank != FieldNames.unranked
                ? entryRank == rank : entries[index].name == name
        }
    }

    /// Canonical JSON: keys sorted by code point, no insignificant whitespace, strings escaped
    /// minimally (RFC 8785 style). Equal attributes give equal bytes, so the content hash of a
    /// product changes exactly when one of its attributes does.
    public func canonicalJSON() -> String {
        String(decoding: canonicalJSONBytes(), as: UTF8.self)
    }

    /// ``canonicalJSON()`` as UTF-8 bytes, without building a `String` (what the importer hashes).
    ///
    /// Hand-written because `JSONEncoder` costs about ten times as much per item, which alone
    /// would blow the import budget of a million-item feed.
    public func canonicalJSONBytes() -> [UInt8] {
        var scratch = CanonicalJSONScratch()
        return canonicalJSONBytes(reusing: &scratch)
    }

    /// ``canonicalJSONBytes()`` written in `scratch`'s memory, which is kept for the next document.
    package func canonicalJSONBytes(reusing scratch: inout CanonicalJSONScratch) -> [UInt8] {
        scratch.writer.reset()
        Self.writeObject(entries, keys: scratch.keys, to: &scratch.writer)
        return scratch.writer.bytes()
    }

    /// `{"name":value,…}` in the entries' (sorted) order.
    private static func writeObject(
        _ entries: [Entry],
        keys: (bytes: [UInt8], starts: [Int]),
        to output: inout CanonicalJSONWriter
    ) {
        output.append(UInt8(ascii: "{"))
        // Read in place: iterating the array copied each entry, retaining and releasing its name and value.
        entries.withUnsafeBufferPointer { entries in
            keys.bytes.withUnsafeBufferPointer { keyBytes in
                for index in entries.indices {
                    if index > 0 {
                        output.append(UInt8(ascii: ","))
                    }
                    // A ranked name is written from its bytes made once (and checked for escapes then).
                    let rank = Int(entries[index].rank)
                    if rank < keys.starts.count - 1 {
                        output.append(
                            UnsafeBufferPointer(rebasing: keyBytes[keys.starts[rank]..<keys.starts[rank + 1]])
                        )
                    } else {
                        output.appendString(entries[index].name)
                        output.append(UInt8(ascii: ":"))
                    }
                    write(entries[index].value, keys: keys, to: &output)
                }
            }
        }
        output.append(UInt8(ascii: "}"))
    }

    private static func write(
        _ value: AttributeValue,
        keys: (bytes: [UInt8], starts: [Int]),
        to output: inout CanonicalJSONWriter
    ) {
        switch value {
        case .text(let text):
            output.appendString(text)
        case .list(let items):
            output.append(UInt8(ascii: "["))
            items.withUnsafeBufferPointer { items in
                for index in items.indices {
                    if index > 0 {
                        output.append(UInt8(ascii: ","))
                    }
                    write(items[index], keys: keys, to: &output)
                }
            }
            output.append(UInt8(ascii: "]"))
        case .group(let members):
            writeObject(members.entries, keys: keys, to: &output)
        }
    }
}
