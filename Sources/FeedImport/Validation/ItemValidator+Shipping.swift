extension ValidationRun {
    // MARK: shipping

    /// Each `shipping` group needs `country` and `price` (zero is fine); handling and transit times are
    /// non-negative integers with minimum ≤ maximum. Google's one-line form `US:CA:Ground:6.49 USD`
    /// (country:region:service:price) is read too.
    mutating func checkShipping(price: Money?) {
        var groups: [AttributeValue] = []
        for entry in repeated where entry.slot == .shipping {
            guard let shipping = repeatedValue(entry.index) else {
                continue
            }
            let currency = price?.currency ?? value(.currency).map { TextCheck.asciiUppercased($0.text) }
            let hasKey = memo.setShippingKey(group: entry.index, in: storage, currency: currency)
            if hasKey, let known = memo.knownShipping() {
                groups.append(known)
                continue
            }
            let reported = diagnostics.count
            // Sized for the usual members (country, region, service, price, handling and transit times).
            var members = ProductAttributes()
            members.reserveCapacity(8)
            var hasCountry = false
            var hasPrice = false
            // min/max handling and transit days (-1: not given) with their lines, in that order; inline, unlike an
            // array of four optionals, which cost an allocation per group.
            var days = SIMD4<Int>(repeating: -1)
            var dayLines = SIMD4<Int>(repeating: 0)
            // Straight from the stored children: an array of them cost an allocation and a copy of each per group.
            let storage = self.storage
            Self.forEachSubAttribute(
                of: shipping,
                in: storage,
                recordLine: record.line,
                oneLineNames: Self.shippingOneLine
            ) { child in
                guard members[child.name, rank: child.rank] == nil, !child.isGroup else {
                    return
                }
                let text = child.text
                guard !text.isEmpty else {
                    return
                }
                let located = Located(text: text, line: child.line, index: entry.index)
                // By name id: a `switch` over the names compared strings, 35 comparisons per item.
                switch child.nameID {
                case ShippingNames.country:
                    hasCountry = true
                    members["country", rank: child.rank] = country(located, "shipping.country").map(AttributeValue.text)
                case ShippingNames.price:
                    hasPrice = true
                    if let money = money(located, "shipping.price", defaultCurrency: currency, allowsZero: true) {
                        members["price", rank: child.rank] = .text(canonical(money))
                    }
                case let id:  // the handling and transit times, or any other sub-attribute, kept as it is
                    guard let slot = ShippingNames.timeSlot(of: id) else {
                        members[child.name, rank: child.rank] = .text(text)
                        return
                    }
                    if let count = TextCheck.nonNegativeInteger(text) {
                        days[slot] = count
                        dayLines[slot] = located.line
                        members[child.name, rank: child.rank] = .text(text)
                    } else {
                        report(
                            .error,
                            .invalidShippingTime,
                            "shipping.\(child.name)",
                            line: located.line,
                            "shipping.\(child.name) \(Self.quoted(text)) is not a whole number of days (expected e.g. '2')"
                        )
                    }
                }
            }
            if !hasCountry {
                reportMissing(
                    "country",
                    of: "shipping",
                    line: shipping.line,
                    example: "an ISO 3166-1 code such as 'US'"
                )
            }
            if !hasPrice {
                reportMissing(
                    "price",
                    of: "shipping",
                    line: shipping.line,
                    example: "e.g. '4.95 USD', or '0 USD' for free shipping"
                )
            }
            for pair in stride(from: 0, to: 4, by: 2) where days[pair] >= 0 && days[pair] > days[pair + 1] {
                // Both given: a missing maximum is -1, below any minimum, so it needs ruling out.
                guard days[pair + 1] >= 0 else {
                    continue
                }
                let minimum = Self.shippingTimeNames[pair]
                let maximum = Self.shippingTimeNames[pair + 1]
                report(
                    .error,
                    .invalidShippingTime,
                    "shipping.\(minimum)",
                    line: dayLines[pair + 1],
                    "shipping.\(minimum) \(days[pair]) is greater than shipping.\(maximum) \(days[pair + 1])"
                )
            }
            let group = AttributeValue.group(members)
            if hasKey, diagnostics.count == reported {
                memo.rememberShipping(group)
            }
            groups.append(group)
        }
        if !groups.isEmpty {
            setAttribute(.shipping, .list(groups))
        }
    }

    static let shippingTimeNames = ["min_handling_time", "max_handling_time", "min_transit_time", "max_transit_time"]
    static let shippingOneLine = ["country", "region", "service", "price"]
    static let taxOneLine = ["country", "region", "rate", "tax_ship"]

    // MARK: tax

    /// Each `tax` group needs a `rate` (a non-negative decimal percentage); `country`, when given, is
    /// ISO 3166-1. The one-line form is `US:CA:8.75:yes` (country:region:rate:tax_ship).
    mutating func checkTax() {
        var groups: [AttributeValue] = []
        for entry in repeated where entry.slot == .tax {
            guard let tax = repeatedValue(entry.index) else {
                continue
            }
            let children = subAttributes(of: tax, oneLineNames: Self.taxOneLine)
            var members = self.members(of: children)
            if let rate = child("rate", in: children) {
                switch Money.parseMicros(Substring(rate.text)) {
                case .success(let micros) where micros >= 0:
                    break
                default:
                    report(
                        .error,
                        .invalidTaxRate,
                        "tax.rate",
                        line: rate.line,
                        "tax.rate \(Self.quoted(rate.text)) is not a percentage (expected a decimal such as '8.75')"
                    )
                }
            } else {
                reportMissing("rate", of: "tax", line: tax.line, example: "a percentage such as '8.75'")
            }
            if let country = child("country", in: children) {
                members["country"] = self.country(country, "tax.country").map(AttributeValue.text)
            }
            groups.append(.group(members))
        }
        if !groups.isEmpty {
            setAttribute(.tax, .list(groups))
        }
    }

    // MARK: shared

    /// An ISO 3166-1 alpha-2 code, upper case; `UK` is read as `GB` with a warning.
    mutating func country(_ located: Located, _ name: String) -> String? {
        let raw = located.text
        let upper = TextCheck.asciiUppercased(raw)
        if upper == "UK" {
            report(
                .warning,
                .noncanonicalValue,
                name,
                line: located.line,
                "\(name) \(Self.quoted(raw)) was read as 'GB' (the ISO 3166-1 code for the United Kingdom)"
            )
            return "GB"
        }
        guard Country.isAlpha2(upper) else {
            report(
                .error,
                .invalidCountry,
                name,
                line: located.line,
                "\(name) \(Self.quoted(raw)) is not an ISO 3166-1 alpha-2 country code (expected e.g. 'US')"
            )
            return nil
        }
        if upper != raw {
            report(
                .warning,
                .noncanonicalValue,
                name,
                line: located.line,
                "\(name) \(Self.quoted(raw)) was read as '\(upper)' (expected upper case)"
            )
        }
        return upper
    }

    mutating func reportMissing(_ child: String, of group: String, line: Int, example: String) {
        report(
            .error,
            .attributeMissingRequiredSubattribute,
            "\(group).\(child)",
            line: line,
            "\(group) has no \(child) (expected \(example))"
        )
    }

    /// A group's sub-attributes; for Google's one-line text form, its `:`-separated parts, named in order.
    func subAttributes(of group: Located, oneLineNames: [String]) -> [SubAttribute] {
        var result: [SubAttribute] = []
        Self.forEachSubAttribute(of: group, in: storage, recordLine: record.line, oneLineNames: oneLineNames) {
            result.append($0)
        }
        return result
    }

    /// Calls `body` with each of a group's sub-attributes, in ``subAttributes(of:oneLineNames:)``'s order. Static, on
    /// the storage it is given, so that `body` may change the run.
    static func forEachSubAttribute(
        of group: Located,
        in storage: FieldStorage,
        recordLine: Int,
        oneLineNames: [String],
        _ body: (SubAttribute) -> Void
    ) {
        let index = group.index
        guard !storage.entries[index].hasChildren else {
            storage.forEachChild(of: index) { child in
                let isGroup = storage.entries[child].hasChildren
                let line = storage.entries[child].line
                body(
                    SubAttribute(
                        name: storage.name(at: child),
                        nameID: storage.entries[child].nameID,
                        text: isGroup ? "" : storage.trimmedValue(at: child),
                        line: line > 0 ? line : recordLine,
                        index: child,
                        isGroup: isGroup
                    )
                )
            }
            return
        }
        guard group.text.utf8.contains(UInt8(ascii: ":")) else {
            return
        }
        let parts = group.text.split(
            separator: ":",
            maxSplits: oneLineNames.count - 1,
            omittingEmptySubsequences: false
        )
        let line = storage.entries[index].line > 0 ? storage.entries[index].line : recordLine
        for (name, part) in zip(oneLineNames, parts) {
            body(
                SubAttribute(
                    name: name,
                    nameID: FieldNames.id(of: name),
                    text: TextCheck.trimmed(String(part)),
                    line: line,
                    index: nil,
                    isGroup: false
                )
            )
        }
    }

    /// The first non-blank, non-group sub-attribute called `name`.
    func child(_ name: String, in children: [SubAttribute]) -> Located? {
        for (index, child) in children.enumerated() where child.name == name && !child.isGroup {
            return child.text.isEmpty ? nil : Located(text: child.text, line: child.line, index: index)
        }
        return nil
    }

    /// Every non-blank sub-attribute (first occurrence wins), as canonical members.
    func members(of children: [SubAttribute]) -> ProductAttributes {
        var members = ProductAttributes()
        members.reserveCapacity(children.count)
        for child in children where members[child.name, rank: child.rank] == nil {
            let value: AttributeValue
            if child.isGroup, let index = child.index {
                value = canonicalValue(at: index)
            } else {
                value = .text(child.text)
            }
            if case .text(let text) = value, text.isEmpty {
                continue
            }
            members[child.name, rank: child.rank] = value
        }
        return members
    }

    // MARK: product

    /// The typed product, once no error was found. Its values are moved out of ``extracted`` and ``attributes``, as
    /// the run ends here: copying them would retain every string once more, and release it again with the run.
    mutating func buildProduct() -> ProductData? {
        var fields = ExtractedFields()
        swap(&fields, &extracted)
        guard let id = itemID, let title = fields.title.take(), let link = fields.link.take(),
            let imageLink = fields.imageLink.take(), let availability = fields.availability, let price = fields.price
        else {
            return nil
        }
        var attributes = ProductAttributes()
        swap(&attributes, &self.attributes)
        return ProductData(
            id: id,
            title: title,
            description: fields.description.take(),
            link: link,
            imageLink: imageLink,
            additionalImageLinks: fields.additionalImageLinks,
            availability: availability,
            availabilityDate: fields.availabilityDate.take(),
            price: price,
            salePrice: fields.salePrice.take(),
            salePriceEffectiveDate: fields.salePriceEffectiveDate.take(),
            condition: fields.condition.take(),
            brand: fields.brand.take(),
            gtin: fields.gtins.first,
            mpn: fields.mpn.take(),
            itemGroupID: fields.itemGroupID.take(),
            customLabels: fields.customLabels,
            productTypes: fields.productTypes,
            googleProductCategory: fields.googleProductCategory.take(),
            attributes: attributes
        )
    }
}

/// A sub-attribute of a group (`shipping`, `tax`): a stored child, or a part of Google's one-line form.
struct SubAttribute {
    var name: String
    /// The name's ``FieldNames`` id (``FieldNames/custom`` when it has none).
    var nameID: UInt16
    /// The value without surrounding whitespace; empty for a group.
    var text: String
    /// The line for diagnostics.
    var line: Int
    /// The stored entry of a child; `nil` for a part of the one-line form.
    var index: Int?
    var isGroup: Bool
    /// The name's ``FieldNames/rank(of:)``, to place it in a group's members (looked up once).
    let rank: UInt16

    init(name: String, nameID: UInt16, text: String, line: Int, index: Int?, isGroup: Bool) {
        self.name = name
        self.nameID = nameID
        self.text = text
        self.line = line
        self.index = index
        self.isGroup = isGroup
        rank = FieldNames.rank(of: nameID)
    }
}

/// The ids of the shipping sub-attributes the rules read.
enum ShippingNames {
    static let country = FieldNames.id(of: "country")
    static let price = FieldNames.id(of: "price")
    /// `min_handling_time` … `max_transit_time`, in ``ValidationRun/shippingTimeNames``' order.
    static let times = SIMD4<UInt16>(
        FieldNames.id(of: ValidationRun.shippingTimeNames[0]),
        FieldNames.id(of: ValidationRun.shippingTimeNames[1]),
        FieldNames.id(of: ValidationRun.shippingTimeNames[2]),
        FieldNames.id(of: ValidationRun.shippingTimeNames[3])
    )

    /// The index of `id` in ``times``, or `nil`.
    static func timeSlot(of id: UInt16) -> Int? {
        for slot in 0..<4 where times[slot] == id {
            return slot
        }
        return nil
    }
}
