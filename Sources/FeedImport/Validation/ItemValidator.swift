#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks one feed record against a channel's rules and builds the product from it.
///
/// Every problem becomes a ``FeedDiagnostic`` (nothing is thrown); the product is returned only when
/// none of them is an error. The codes are listed in the ValidationRules article. Duplicate ids span
/// items, so the store checks them (`duplicate_id`), not this type.
public struct ItemValidator: Sendable {
    /// The rules applied.
    public let profile: ValidationProfile
    /// The path shown in diagnostics.
    public let file: String
    /// "Now" in seconds since 1970, for rules about dates ahead (`expiration_date`).
    public let now: Int64

    /// Creates a validator; `file` is the path diagnostics name, `now` defaults to the current time.
    public init(profile: ValidationProfile = .google, file: String, now: Int64 = ItemValidator.currentTime) {
        self.profile = profile
        self.file = file
        self.now = now
    }

    /// Validates one record: the product (`nil` when any diagnostic is an error) and every diagnostic.
    public func validate(_ record: FeedRecord) -> ValidatedItem {
        var run = ValidationRun(validator: self, record: record)
        return run.run()
    }

    /// The current time in seconds since 1970 (UTC), the default for ``now``.
    public static var currentTime: Int64 {
        Int64(time(nil))
    }
}

/// A trimmed, non-blank attribute value and where it was read.
struct Located {
    /// The value without surrounding whitespace.
    var text: String
    /// The line for diagnostics: the field's, or the record's when the field has none.
    var line: Int
    /// The field's index in the record.
    var index: Int
}

/// The state of validating one record: collected diagnostics and canonical attributes.
struct ValidationRun {
    typealias Slot = AttributeTable.Slot
    typealias Code = FeedDiagnostic.Code

    let profile: ValidationProfile
    let file: String
    let now: Int64
    let record: FeedRecord

    /// The winning field index of each single-valued slot, or -1 (inline storage, no allocation).
    var slots = SIMD64<Int32>(repeating: -1)
    /// `(slot, field index)` of every repeatable field with a rule, in document order.
    var repeated: [(slot: Slot, index: Int)] = []
    var diagnostics: [FeedDiagnostic] = []
    var hasError = false
    /// Kept in canonical order as they are found: the product takes them as they are, without a dictionary to
    /// hash and then sort (a fifth of the validating thread's time went there).
    var attributes = ProductAttributes()
    var itemID: String?
    /// The typed values the rules found, for ``ProductData``.
    var extracted = ExtractedFields()
    /// The last currency code found to be ISO 4217 and its minor units, to skip repeated table look-ups.
    var knownCurrency: String?
    var knownMinorUnits = 2

    init(validator: ItemValidator, record: FeedRecord) {
        self.profile = validator.profile
        self.file = validator.file
        self.now = validator.now
        self.record = record
        attributes.reserveCapacity(record.fields.count)
    }

    // MARK: Pass 1: sort fields into slots; keep unknown attributes as they are.

    mutating func run() -> ValidatedItem {
        let fields = record.fields
        for index in fields.indices {
            if fields[index].isTruncated {
                reportTruncated(fields[index].name, line: line(of: fields[index]))
            }
            for child in fields[index].children where child.isTruncated {
                reportTruncated("\(fields[index].name).\(child.name)", line: line(of: child))
            }
            let name = fields[index].name
            guard let entry = AttributeTable.entry(for: name) else {
                keepAsIs(index, isRepeatable: false)
                continue
            }
            if let hint = entry.deprecation, fields[index].origin != .yml,
                !diagnostics.contains(where: { $0.code == .deprecatedAttribute && $0.attribute == name })
            {
                // Once per attribute: Google Base feeds repeat `label` and `payment_accepted`.
                let advice = hint.isEmpty ? "merchant center ignores it" : hint
                report(
                    .warning,
                    .deprecatedAttribute,
                    name,
                    line: line(of: fields[index]),
                    "\(name) is a retired google base attribute; \(advice)"
                )
            }
            guard let slot = entry.slot else {
                keepAsIs(index, isRepeatable: entry.isRepeatable)
                continue
            }
            if slot.isRepeatable {
                if repeated.isEmpty {
                    repeated.reserveCapacity(min(fields.count - index, 16))
                }
                repeated.append((slot, index))
                continue
            }
            let current = Int(slots[slot.rawValue])
            if current < 0 {
                slots[slot.rawValue] = Int32(truncatingIfNeeded: index)
            } else if fields[current].origin != .google, fields[index].origin == .google {
                slots[slot.rawValue] = Int32(truncatingIfNeeded: index)  // g:title beats RSS title
            } else if fields[current].origin == fields[index].origin, !isBlank(fields[index]) {
                report(
                    .warning,
                    .attributeHasTooManyValues,
                    name,
                    line: line(of: fields[index]),
                    "\(name) is given more than once; only the first value is used"
                )
            }
        }
        applyRules()
        return finish()
    }

    mutating func reportTruncated(_ name: String, line: Int) {
        report(
            .error,
            .valueTooLong,
            name,
            line: line,
            "\(name) is longer than the reader accepts and was cut; shorten it"
        )
    }

    /// Stores an attribute without a rule: trimmed text, or a group; a list when it repeats.
    mutating func keepAsIs(_ index: Int, isRepeatable: Bool) {
        let name = record.fields[index].name
        let value = Self.canonicalValue(of: record.fields[index])
        if case .text(let text) = value, text.isEmpty {
            return
        }
        if isRepeatable {
            if case .list(var items)? = attributes.removeValue(forKey: name) {
                items.append(value)
                attributes[name] = .list(items)
            } else {
                attributes[name] = .list([value])
            }
            return
        }
        switch attributes.removeValue(forKey: name) {
        case nil:
            attributes[name] = value
        case .list(var items)?:
            items.append(value)
            attributes[name] = .list(items)
        case let first?:
            attributes[name] = .list([first, value])
        }
    }

    /// A field as an attribute value: trimmed text, a group of its children, or YML's `param`
    /// with its `name` and `unit`.
    static func canonicalValue(of field: FeedField) -> AttributeValue {
        if field.isGroup {
            return .group(members(of: field.children))
        }
        let text = TextCheck.trimmed(field.value)
        guard !field.xmlAttributes.isEmpty, field.name == "param" else {
            return .text(text)
        }
        var members: ProductAttributes = ["value": .text(text)]
        for attribute in field.xmlAttributes where members[attribute.name] == nil {
            members[attribute.name] = .text(TextCheck.trimmed(attribute.value))
        }
        return .group(members)
    }

    // MARK: Helpers for the rules

    /// The trimmed value of a single-valued slot, or `nil` when absent, blank or a group.
    func value(_ slot: Slot) -> Located? {
        let index = Int(slots[slot.rawValue])
        guard index >= 0, record.fields[index].children.isEmpty else {
            return nil
        }
        let text = TextCheck.trimmed(record.fields[index].value)
        return text.isEmpty ? nil : Located(text: text, line: line(of: record.fields[index]), index: index)
    }

    /// How many non-blank values a repeatable slot has.
    func count(_ slot: Slot) -> Int {
        var count = 0
        for entry in repeated where entry.slot == slot && !isBlank(record.fields[entry.index]) {
            count += 1
        }
        return count
    }

    /// The value of a repeatable field: trimmed text (empty for a group), or `nil` when blank.
    func repeatedValue(_ index: Int) -> Located? {
        let field = record.fields[index]
        if !field.children.isEmpty {
            return Located(text: "", line: line(of: field), index: index)
        }
        let text = TextCheck.trimmed(field.value)
        return text.isEmpty ? nil : Located(text: text, line: line(of: field), index: index)
    }

    func isBlank(_ field: FeedField) -> Bool {
        field.children.isEmpty && TextCheck.trimmed(field.value).isEmpty
    }

    /// The field's line, or the record's when the field has none.
    func line(of field: FeedField) -> Int {
        field.line > 0 ? field.line : record.line
    }

    /// Adds a diagnostic.
    mutating func report(
        _ severity: FeedDiagnostic.Severity,
        _ code: Code,
        _ attribute: String,
        line: Int,
        _ message: String
    ) {
        if severity == .error {
            hasError = true
        }
        diagnostics.append(
            FeedDiagnostic(
                severity: severity,
                code: code,
                location: SourceLocation(file: file, line: line),
                itemID: nil,
                attribute: attribute,
                message: message
            )
        )
    }

    /// Adds a diagnostic at the record's line (for a missing attribute).
    mutating func reportMissing(_ code: Code, _ attribute: String, _ message: String) {
        report(.error, code, attribute, line: record.line, message)
    }

    /// `'value'` for messages, shortened to 60 characters.
    static func quoted(_ text: String) -> String {
        TextCheck.isLonger(text, than: 60) ? "'\(text.prefix(57))…'" : "'\(text)'"
    }

    /// Reports `code` when the value is over `limit` characters; returns whether it is within.
    @discardableResult
    mutating func checkLength(
        _ value: Located,
        limit: Int,
        _ attribute: String,
        _ code: Code,
        severity: FeedDiagnostic.Severity = .error
    ) -> Bool {
        guard TextCheck.isLonger(value.text, than: limit) else {
            return true
        }
        report(
            severity,
            code,
            attribute,
            line: value.line,
            "\(attribute) is \(value.text.count) characters long (expected at most \(limit))"
        )
        return false
    }

    // MARK: Result

    mutating func finish() -> ValidatedItem {
        if !diagnostics.isEmpty {
            for index in diagnostics.indices {
                diagnostics[index].itemID = itemID
            }
            if diagnostics.count > 1 {
                diagnostics = diagnostics.enumerated()
                    .sorted { ($0.element.location.line, $0.offset) < ($1.element.location.line, $1.offset) }
                    .map(\.element)
            }
        }
        let product = hasError ? nil : buildProduct()
        var found: [FeedDiagnostic] = []
        swap(&found, &diagnostics)  // moved, not copied: the run ends here
        return ValidatedItem(id: itemID, line: record.line, product: product, diagnostics: found)
    }
}
