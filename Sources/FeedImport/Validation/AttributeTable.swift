/// The attributes the validator knows by name: which rule handles each, and the shape of its
/// canonical value.
///
/// Looked up once per field through a small open-addressing table with an FNV-1a hash, which costs
/// a fraction of a `Dictionary<String, _>` lookup (SipHash) on the short names feeds use.
enum AttributeTable {
    /// An attribute with its own rule. Single-valued slots hold the winning field; repeatable slots
    /// collect every occurrence.
    enum Slot: Int, CaseIterable, Sendable {
        case id, title, description, link, mobileLink, imageLink, adsRedirect
        case availability, availabilityDate, expirationDate
        case price, salePrice, salePriceEffectiveDate, currency
        case condition, brand, mpn, identifierExists, itemGroupID
        case customLabel0, customLabel1, customLabel2, customLabel3, customLabel4
        case googleProductCategory
        case color, size, gender, ageGroup, sizeType, sizeSystem, material, pattern
        case adult, isBundle, multipack, minHandlingTime, maxHandlingTime
        // Repeatable, with rules.
        case additionalImageLink, lifestyleImageLink, gtin, productType, shipping, tax

        /// Whether the attribute may repeat (its canonical value is always a list).
        var isRepeatable: Bool {
            rawValue >= Slot.additionalImageLink.rawValue
        }

        /// The attribute's name in Google's spelling.
        var name: String {
            AttributeTable.slotNames[rawValue]
        }
    }

    /// How the validator treats one attribute name (a plain value: copying it retains nothing).
    struct Entry: Sendable {
        /// The rule's slot, for attributes with their own rule.
        var slot: Slot?
        /// Whether the canonical value is always a list, even with one value.
        var isRepeatable: Bool
        /// For retired Google Base attributes: the index of the advice in ``retired``.
        var retiredIndex: Int16?

        /// What to use instead of a retired attribute (empty when nothing replaces it).
        var deprecation: String? {
            retiredIndex.map { AttributeTable.retired[Int($0)].hint }
        }
    }

    /// The entry for an attribute name, or `nil` for names kept as they are.
    static func entry(for name: String) -> Entry? {
        TextCheck.withBytes(name) { bytes -> Entry? in
            storage.names.withUnsafeBufferPointer { names in
                storage.buckets.withUnsafeBufferPointer { buckets in
                    var bucket = Int(hash(bytes) & UInt32(buckets.count - 1))
                    while buckets[bucket].length > 0 {
                        let candidate = buckets[bucket]
                        if Int(candidate.length) == bytes.count,
                            equal(UnsafeBufferPointer(rebasing: names[Int(candidate.offset)...]), bytes)
                        {
                            return candidate.entry
                        }
                        bucket = (bucket + 1) & (buckets.count - 1)
                    }
                    return nil
                }
            }
        }
    }

    /// Whether `stored` starts with the bytes of `bytes`.
    private static func equal(_ stored: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<bytes.count where stored[index] != bytes[index] {
            return false
        }
        return true
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return hash
    }

    /// Slot names, indexed by `Slot.rawValue`.
    static let slotNames: [String] = [
        "id", "title", "description", "link", "mobile_link", "image_link", "ads_redirect",
        "availability", "availability_date", "expiration_date",
        "price", "sale_price", "sale_price_effective_date", "currency",
        "condition", "brand", "mpn", "identifier_exists", "item_group_id",
        "custom_label_0", "custom_label_1", "custom_label_2", "custom_label_3", "custom_label_4",
        "google_product_category",
        "color", "size", "gender", "age_group", "size_type", "size_system", "material", "pattern",
        "adult", "is_bundle", "multipack", "min_handling_time", "max_handling_time",
        "additional_image_link", "lifestyle_image_link", "gtin", "product_type", "shipping", "tax",
    ]

    /// The ``FieldNames/rank(of:)`` of each slot's name, indexed by `Slot.rawValue`.
    static let slotRanks: [UInt16] = Slot.allCases.map { FieldNames.rank(of: FieldNames.id(of: $0.name)) }

    /// Repeatable attributes without a rule of their own (Merchant Center and Meta lists, YML params).
    static let plainLists = [
        "excluded_destination", "included_destination", "shopping_ads_excluded_country", "product_highlight",
        "product_detail", "promotion_id", "certification", "consumer_notice", "free_shipping_threshold",
        "loyalty_program", "param",
    ]

    /// Retired Google Base attributes and what replaces them (empty: nothing does).
    static let retired: [(name: String, hint: String)] = [
        ("label", "use custom_label_0 … custom_label_4"),
        ("price_type", ""),
        ("payment_accepted", ""),
        ("payment_notes", ""),
        ("currency", "write the code in price instead, e.g. '15.00 USD'"),
        ("tax_percent", "use tax with a rate"),
        ("tax_region", "use tax with a region"),
        ("location", ""),
        ("quantity", ""),
        ("online_only", ""),
        ("upc", "use gtin"),
        ("ean", "use gtin"),
        ("isbn", "use gtin"),
        ("jan", "use gtin"),
        ("weight", "use shipping_weight"),
    ]

    /// One bucket of the open-addressing table: where the name's bytes are, and its entry.
    struct Bucket: Sendable {
        var offset: UInt16 = 0
        /// 0 for an empty bucket.
        var length: UInt8 = 0
        var entry = Entry(slot: nil, isRepeatable: false, retiredIndex: nil)
    }

    /// 256 buckets, at most a third full, and every name's UTF-8 bytes back to back.
    private static let storage: (buckets: [Bucket], names: [UInt8]) = {
        var entries: [(String, Entry)] = []
        func retiredIndex(_ name: String) -> Int16? {
            retired.firstIndex { $0.name == name }.map { Int16($0) }
        }
        for slot in Slot.allCases {
            entries.append(
                (slot.name, Entry(slot: slot, isRepeatable: slot.isRepeatable, retiredIndex: retiredIndex(slot.name)))
            )
        }
        for name in plainLists {
            entries.append((name, Entry(slot: nil, isRepeatable: true, retiredIndex: nil)))
        }
        for (name, _) in retired where !slotNames.contains(name) {
            entries.append((name, Entry(slot: nil, isRepeatable: false, retiredIndex: retiredIndex(name))))
        }
        var buckets = [Bucket](repeating: Bucket(), count: 256)
        var names: [UInt8] = []
        for (name, entry) in entries {
            let bytes = Array(name.utf8)
            var bucket = Int(bytes.withUnsafeBufferPointer(hash) & 255)
            while buckets[bucket].length > 0 {
                bucket = (bucket + 1) & 255
            }
            buckets[bucket] = Bucket(offset: UInt16(names.count), length: UInt8(bytes.count), entry: entry)
            names += bytes
        }
        return (buckets, names)
    }()
}
