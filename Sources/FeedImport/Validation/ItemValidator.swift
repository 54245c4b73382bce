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
    public private(set) var profile: ValidationProfile
    /// The path shown in diagnostics.
    public private(set) var file: String
    /// "Now" in seconds since 1970, for rules about dates ahead (`expiration_date`).
    public let now: Int64
    /// What every record's fingerprint starts with: the rules' revision and the profile (see ``fingerprintInput``).
    private(set) var fingerprintPrefix: [UInt8]
    /// ``FieldNames/tableEntries`` and ``AttributeTable/slotRanks``, which every ``ValidationRun`` holds: its own
    /// copies after ``forOneThread()``.
    private(set) var ruleEntries: [AttributeTable.Entry?]
    private(set) var slotRanks: [UInt16]

    /// Creates a validator; `file` is the path diagnostics name, `now` defaults to the current time.
    public init(profile: ValidationProfile = .google, file: String, now: Int64 = ItemValidator.currentTime) {
        self.profile = profile
        self.file = file
        self.now = now
        self.fingerprintPrefix = Self.fingerprintPrefix(for: profile)
        self.ruleEntries = FieldNames.tableEntries
        self.slotRanks = AttributeTable.slotRanks
    }

    /// The same validator with its own copy of every buffer it holds, for a thread that validates many records while
    /// others do too.
    ///
    /// Validating a record retains and releases the validator's buffers (its file name, fingerprint prefix, profile
    /// and rule tables) several times: shared by two validating threads, each of those atomic changes took the
    /// buffer's cache line from the other core.
    package func forOneThread() -> ItemValidator {
        var copy = self
        copy.profile.ageGroups = Set(profile.ageGroups.map { String(decoding: Array($0.utf8), as: UTF8.self) })
        copy.file = String(decoding: Array(file.utf8), as: UTF8.self)
        copy.fingerprintPrefix = fingerprintPrefix.map { $0 }
        copy.ruleEntries = ruleEntries.map { $0 }
        copy.slotRanks = slotRanks.map { $0 }
        return copy
    }

    /// Validates one record: the product (`nil` when any diagnostic is an error) and every diagnostic.
    public func validate(_ record: FeedRecord) -> ValidatedItem {
        var run = ValidationRun(validator: self, record: record)
        return run.run()
    }

    /// Validates one record as ``validate(_:)`` does, with what `memo` kept from the records validated with it
    /// before, and keeps more there: a thread that validates a whole feed passes the same memo for each record.
    package func validate(_ record: FeedRecord, memo: inout ValidationMemo) -> ValidatedItem {
        if memo.rules != fingerprintPrefix {
            memo = ValidationMemo()
            memo.rules = fingerprintPrefix
        }
        var run = ValidationRun(validator: self, record: record)
        swap(&run.memo, &memo)
        let item = run.run()
        swap(&run.memo, &memo)
        return item
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
    /// The validator's "now"; rules compare it with an instant through ``nowIsBefore(_:)``, which notes the times
    /// for which the answer is the same.
    private let now: Int64
    /// The values "now" could take without changing any comparison a rule made with it (every value until one did).
    private(set) var stableTimes = ValidatedItem.anyTime
    let record: FeedRecord
    /// The record's fields, read in place.
    let storage: FieldStorage
    /// ``FieldNames/tableEntries`` (the validator's copy), held for the run: reaching the global for each field cost a
    /// `swift_once` check and a retain and release.
    let ruleEntries: [AttributeTable.Entry?]
    /// ``AttributeTable/slotRanks``, held for the run like ``ruleEntries``.
    let slotRanks: [UInt16]

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
    /// Values validated for earlier records (``ItemValidator/validate(_:memo:)``); empty for a record validated alone.
    var memo = ValidationMemo()

    /// `borrowing`: an owned argument made the caller copy the whole validator (retaining each of its buffers) for
    /// every record.
    init(validator: borrowing ItemValidator, record: FeedRecord) {
        self.profile = validator.profile
        self.file = validator.file
        self.now = validator.now
        self.record = record
        self.storage = record.storage
        self.ruleEntries = validator.ruleEntries
        self.slotRanks = validator.slotRanks
        attributes.reserveCapacity(storage.entries.count)
    }

    // MARK: Pass 1: sort fields into slots; keep unknown attributes as they are.

    mutating func run() -> ValidatedItem {
        var index = 0
        while index < storage.entries.count {
            sort(index)
            index = storage.next(after: index)
        }
        applyRules()
        return finish()
    }

    /// Whether a field from `origin` takes a single-valued slot that a field from `current` holds (`nil`: empty): the
    /// first field takes it, and a Google element takes it from the format's own (`g:title` beats RSS `title`).
    static func takesSlot(_ origin: FieldOrigin, from current: FieldOrigin?) -> Bool {
        guard let current else {
            return true
        }
        return current != .google && origin == .google
    }

    /// Puts the top-level field at `index` in its slot, or keeps it as it is.
    private mutating func sort(_ index: Int) {
        let field = storage.entries[index]
        if field.isTruncated {
            reportTruncated(storage.name(at: index), line: line(at: index))
        }
        storage.forEachChild(of: index) { child in
            if storage.entries[child].isTruncated {
                reportTruncated("\(storage.name(at: index)).\(storage.name(at: child))", line: line(at: child))
            }
        }
        // Names without an id are not in the attribute table (every name in it has one).
        guard field.nameID != FieldNames.custom, let entry = ruleEntries[Int(field.nameID)] else {
            keepAsIs(index, isRepeatable: false)
            return
        }
        if let hint = entry.deprecation, field.origin != .yml,
            case let name = storage.name(at: index),
            !diagnostics.contains(where: { $0.code == .deprecatedAttribute && $0.attribute == name })
        {
            // Once per attribute: Google Base feeds repeat `label` and `payment_accepted`.
            let advice = hint.isEmpty ? "merchant center ignores it" : hint
            report(
                .warning,
                .deprecatedAttribute,
                name,
                line: line(at: index),
                "\(name) is a retired google base attribute; \(advice)"
            )
        }
        guard let slot = entry.slot else {
            keepAsIs(index, isRepeatable: entry.isRepeatable)
            return
        }
        if slot.isRepeatable {
            if repeated.isEmpty {
                repeated.reserveCapacity(16)
            }
            repeated.append((slot, index))
            return
        }
        let current = Int(slots[slot.rawValue])
        if Self.takesSlot(field.origin, from: current < 0 ? nil : storage.entries[current].origin) {
            slots[slot.rawValue] = Int32(truncatingIfNeeded: index)
        } else if storage.entries[current].origin == field.origin, !isBlank(at: index) {
            let name = storage.name(at: index)
            report(
                .warning,
                .attributeHasTooManyValues,
                name,
                line: line(at: index),
                "\(name) is given more than once; only the first value is used"
            )
        }
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
        let name = storage.name(at: index)
        let rank = FieldNames.rank(of: storage.entries[index].nameID)
        let value = canonicalValue(at: index)
        if case .text(let text) = value, text.isEmpty {
            return
        }
        if isRepeatable {
            if case .list(var items)? = attributes.removeValue(forKey: name, rank: rank) {
                items.append(value)
                attributes[name, rank: rank] = .list(items)
            } else {
                attributes[name, rank: rank] = .list([value])
            }
            return
        }
        switch attributes.removeValue(forKey: name, rank: rank) {
        case nil:
            attributes[name, rank: rank] = value
        case .list(var items)?:
            items.append(value)
            attributes[name, rank: rank] = .list(items)
        case let first?:
            attributes[name, rank: rank] = .list([first, value])
        }
    }

    /// Sets (or, with `nil`, removes) the canonical value of a slot's attribute, placed by its name's rank.
    mutating func setAttribute(_ slot: Slot, _ value: AttributeValue?) {
        attributes[slot.name, rank: slotRanks[slot.rawValue]] = value
    }

    /// The stored field at `index` as an attribute value: trimmed text, a group of its children, or YML's `param`
    /// with its `name` and `unit`.
    func canonicalValue(at index: Int) -> AttributeValue {
        if storage.entries[index].hasChildren {
            var members = ProductAttributes()
            members.reserveCapacity(storage.entries[index].span)
            storage.forEachChild(of: index) { child in
                let name = storage.name(at: child)
                let rank = FieldNames.rank(of: storage.entries[child].nameID)
                if members[name, rank: rank] == nil {
                    let value = canonicalValue(at: child)
                    if !value.isEmptyText {
                        members[name, rank: rank] = value
                    }
                }
            }
            return .group(members)
        }
        let text = storage.trimmedValue(at: index)
        guard storage.entries[index].span > 0, storage.name(at: index) == "param" else {
            return .text(text)
        }
        var members: ProductAttributes = ["value": .text(text)]
        for attribute in storage.attributes(of: index) {
            let name = storage.name(at: attribute)
            if members[name] == nil {
                members[name] = .text(storage.trimmedValue(at: attribute))
            }
        }
        return .group(members)
    }

    // MARK: Helpers for the rules

    /// Whether the validator's "now" is before `instant` (seconds since 1970): the only way rules read the clock.
    /// The outcome then holds for as long as "now" stays on the same side of `instant`, which ``stableTimes`` (then
    /// ``ValidatedItem/stableTimes``) records: a store that skips validating the same record again checks it.
    mutating func nowIsBefore(_ instant: Int64) -> Bool {
        if now < instant {
            stableTimes = stableTimes.lowerBound..<min(stableTimes.upperBound, instant)
            return true
        }
        stableTimes = max(stableTimes.lowerBound, instant)..<stableTimes.upperBound
        return false
    }

    /// The trimmed value of a single-valued slot, or `nil` when absent, blank or a group.
    ///
    /// This and the next few readers are inlined: called from a rule (a `mutating` method), a non-mutating method got
    /// a copy of the whole run as `self` (832 bytes, too large for registers) at every call, about 30 per record.
    @inline(__always)
    func value(_ slot: Slot) -> Located? {
        let index = Int(slots[slot.rawValue])
        guard index >= 0, !storage.entries[index].hasChildren else {
            return nil
        }
        let text = storage.trimmedValue(at: index)
        return text.isEmpty ? nil : Located(text: text, line: line(at: index), index: index)
    }

    /// How many non-blank values a repeatable slot has.
    @inline(__always)
    func count(_ slot: Slot) -> Int {
        var count = 0
        for entry in repeated where entry.slot == slot && !isBlank(at: entry.index) {
            count += 1
        }
        return count
    }

    /// The value of a repeatable field: trimmed text (empty for a group), or `nil` when blank.
    @inline(__always)
    func repeatedValue(_ index: Int) -> Located? {
        if storage.entries[index].hasChildren {
            return Located(text: "", line: line(at: index), index: index)
        }
        let text = storage.trimmedValue(at: index)
        return text.isEmpty ? nil : Located(text: text, line: line(at: index), index: index)
    }

    /// Whether the stored field at `index` is not a group and has only whitespace.
    @inline(__always)
    func isBlank(at index: Int) -> Bool {
        !storage.entries[index].hasChildren && storage.isBlank(at: index)
    }

    /// The stored field's line, or the record's when the field has none.
    @inline(__always)
    func line(at index: Int) -> Int {
        let line = storage.entries[index].line
        return line > 0 ? line : record.line
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
        return ValidatedItem(
            id: itemID,
            line: record.line,
            product: product,
            diagnostics: found,
            stableTimes: stableTimes
        )
    }
}

extension AttributeValue {
    /// Whether this is empty text: a blank value, which is not kept.
    var isEmptyText: Bool {
        if case .text(let text) = self {
            return text.isEmpty
        }
        return false
    }
}
