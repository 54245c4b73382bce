/// TEMPORARY: replaced by the full validator.
public struct ItemValidator: Sendable {
    public var profile: ValidationProfile
    public var file: String
    public init(profile: ValidationProfile = .google, file: String) {
        self.profile = profile
        self.file = file
    }

    public func validate(_ record: FeedRecord) -> ValidatedItem {
        var diagnostics: [FeedDiagnostic] = []
        let id = record.field("id").map { trimmed($0.value) }
        func error(_ code: String, _ attribute: String, _ message: String) {
            diagnostics.append(
                FeedDiagnostic(
                    severity: .error,
                    code: FeedDiagnostic.Code(rawValue: code),
                    location: SourceLocation(file: file, line: record.field(attribute)?.line ?? record.line),
                    itemID: id,
                    attribute: attribute,
                    message: message
                )
            )
        }
        var attributes = ProductAttributes()
        for field in record.fields {
            let value: AttributeValue =
                field.isGroup
                ? .group(Dictionary(field.children.map { ($0.name, .text(trimmed($0.value))) }, uniquingKeysWith: { a, _ in a }))
                : .text(trimmed(field.value))
            if let existing = attributes[field.name] {
                if case .list(let items) = existing {
                    attributes[field.name] = .list(items + [value])
                } else {
                    attributes[field.name] = .list([existing, value])
                }
            } else {
                attributes[field.name] = value
            }
        }
        let title = record.field("title").map { trimmed($0.value) } ?? ""
        let link = record.field("link").map { trimmed($0.value) } ?? ""
        let image = record.field("image_link").map { trimmed($0.value) } ?? ""
        if id == nil || id == "" { error("missing_id", "id", "id is required") }
        if title.isEmpty { error("missing_title", "title", "title is required") }
        var price: Money?
        switch record.field("price").map({ Money.parse(trimmed($0.value)) }) {
        case .success(let money)?:
            if money.micros <= 0 { error("invalid_price", "price", "price must be positive") } else { price = money }
        case .failure(let failure)?: error("invalid_price", "price", failure.description)
        case nil: error("missing_price", "price", "price is required")
        }
        let availabilityText = record.field("availability").map { trimmed($0.value).replacingOccurrences(" ", "_") } ?? ""
        let availability = Availability(rawValue: availabilityText)
        if availability == nil { error("invalid_availability", "availability", "bad availability") }
        guard let id, !id.isEmpty, let price, let availability, diagnostics.isEmpty else {
            return ValidatedItem(id: id, line: record.line, product: nil, diagnostics: diagnostics)
        }
        return ValidatedItem(
            id: id,
            line: record.line,
            product: ProductData(
                id: id,
                title: title,
                link: link,
                imageLink: image,
                availability: availability,
                price: price,
                attributes: attributes
            ),
            diagnostics: diagnostics
        )
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
