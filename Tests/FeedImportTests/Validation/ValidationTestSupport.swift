import FeedImport
import Testing

/// "Now" for every validation test: 2026-01-15T00:00:00Z.
let fixedNow: Int64 = 1_768_435_200

/// Builds feed records for validator tests: a valid Google item plus overrides.
///
/// The record starts on line 10; its n-th field (0-based) is on line 11 + n, so tests read a field's
/// line back from the record instead of hard-coding it.
enum Sample {
    static let recordLine = 10

    /// A complete, valid item for every profile.
    static let base: KeyValuePairs<String, String> = [
        "id": "SKU-1",
        "title": "Organic cotton T-shirt",
        "description": "A soft T-shirt made of organic cotton.",
        "link": "https://shop.example/p/sku-1",
        "image_link": "https://shop.example/images/sku-1.jpg",
        "availability": "in_stock",
        "price": "19.90 EUR",
        "brand": "Acme",
        "gtin": "4006381333931",
        "condition": "new",
    ]

    /// The base item with `overrides` applied: a value replaces the base value in place, `nil` removes
    /// the attribute, a new name is appended. `extra` fields are appended after that, in order.
    static func record(
        _ overrides: KeyValuePairs<String, String?> = [:],
        extra: [FeedField] = [],
        origin: FieldOrigin = .google
    ) -> FeedRecord {
        record(pairs: overrides.map { ($0.key, $0.value) }, extra: extra, origin: origin)
    }

    /// ``record(_:extra:origin:)`` with the overrides as an array.
    static func record(
        pairs overrides: [(key: String, value: String?)],
        extra: [FeedField] = [],
        origin: FieldOrigin = .google
    ) -> FeedRecord {
        var pairs: [(String, String)] = []
        for (name, value) in base {
            if let override = overrides.first(where: { $0.key == name }) {
                if let value = override.value {
                    pairs.append((name, value))
                }
            } else {
                pairs.append((name, value))
            }
        }
        for (name, value) in overrides where !base.contains(where: { $0.key == name }) {
            if let value {
                pairs.append((name, value))
            }
        }
        var fields = pairs.map { FeedField(name: $0.0, origin: origin, value: $0.1, line: 0) }
        fields += extra
        for index in fields.indices {
            fields[index].line = recordLine + 1 + index
            for child in fields[index].children.indices {
                fields[index].children[child].line = recordLine + 1 + index
            }
        }
        return FeedRecord(format: .rss2, line: recordLine, fields: fields)
    }

    /// A plain field for `extra`.
    static func field(_ name: String, _ value: String, origin: FieldOrigin = .google) -> FeedField {
        FeedField(name: name, origin: origin, value: value, line: 0)
    }

    /// A group field (`shipping`, `tax` …) for `extra`; children share the group's line.
    static func group(_ name: String, _ children: KeyValuePairs<String, String>) -> FeedField {
        FeedField(
            name: name,
            value: "",
            line: 0,
            children: children.map { FeedField(name: $0.key, value: $0.value, line: 0) }
        )
    }

    /// A string of `count` letters.
    static func text(_ count: Int, _ letter: Character = "a") -> String {
        String(repeating: letter, count: count)
    }
}

/// Validates with the fixed clock and `catalog.xml` as the file name.
func validate(_ record: FeedRecord, profile: ValidationProfile = .google) -> ValidatedItem {
    ItemValidator(profile: profile, file: "catalog.xml", now: fixedNow).validate(record)
}

extension FeedRecord {
    /// The line of the first field called `name` (0 when there is none).
    func line(of name: String) -> Int {
        fields.first { $0.name == name }?.line ?? 0
    }

    /// The line of the `occurrence`-th (0-based) field called `name`.
    func line(of name: String, occurrence: Int) -> Int {
        let matching = fields.filter { $0.name == name }
        return occurrence < matching.count ? matching[occurrence].line : 0
    }
}

extension ValidatedItem {
    /// Every diagnostic code, in order.
    var codes: [String] {
        diagnostics.map(\.code.rawValue)
    }

    /// The diagnostics with that code.
    func diagnostics(_ code: String) -> [FeedDiagnostic] {
        diagnostics.filter { $0.code.rawValue == code }
    }
}

/// Expects exactly one diagnostic with `code`, and checks its severity, attribute and line.
func expectOnly(
    _ item: ValidatedItem,
    _ code: String,
    _ severity: FeedDiagnostic.Severity,
    attribute: String,
    line: Int,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let found = item.diagnostics(code)
    #expect(found.count == 1, "expected one [\(code)], got \(item.diagnostics)", sourceLocation: sourceLocation)
    guard let diagnostic = found.first else {
        return
    }
    #expect(diagnostic.severity == severity, sourceLocation: sourceLocation)
    #expect(diagnostic.attribute == attribute, sourceLocation: sourceLocation)
    #expect(diagnostic.location.line == line, sourceLocation: sourceLocation)
    #expect(diagnostic.location.file == "catalog.xml", sourceLocation: sourceLocation)
    if severity == .error {
        #expect(item.product == nil, sourceLocation: sourceLocation)
    }
}

/// Expects no diagnostic at all and a product.
func expectClean(_ item: ValidatedItem, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(item.diagnostics.isEmpty, "unexpected: \(item.diagnostics)", sourceLocation: sourceLocation)
    #expect(item.product != nil, sourceLocation: sourceLocation)
}
