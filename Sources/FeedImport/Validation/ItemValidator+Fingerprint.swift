/// Where ``ItemValidator/fingerprintInput(of:words:into:)`` writes: a hash function, or a buffer in tests. (A
/// protocol rather than a closure: a closure that updates a captured hasher has each access to it checked at run time.)
public protocol FingerprintSink {
    /// Takes the next piece of the input.
    mutating func update(_ bytes: UnsafeRawBufferPointer)
}

extension ItemValidator {
    /// The revision of the rules, part of every fingerprint. Bump it with any change to what a rule reports or keeps,
    /// or to how the reader stores fields: a store that skips validating records whose fingerprint it has seen (a
    /// re-import) then validates each of them again once.
    static let rulesRevision: UInt32 = 2

    /// The id that validating `record` reports (``ValidatedItem/id``), found without validating it: the trimmed value
    /// of the field that wins the `id` slot (``ValidationRun/takesSlot(_:from:)``), `nil` when it is missing, blank or
    /// a group.
    public func id(of record: FeedRecord) -> String? {
        let storage = record.storage
        let entries = FieldNames.tableEntries
        var winner = -1
        var index = 0
        while index < storage.entries.count {
            let field = storage.entries[index]
            if field.nameID != FieldNames.custom, entries[Int(field.nameID)]?.slot == .id,
                ValidationRun.takesSlot(field.origin, from: winner < 0 ? nil : storage.entries[winner].origin)
            {
                winner = index
            }
            index = storage.next(after: index)
        }
        guard winner >= 0, !storage.entries[winner].hasChildren else {
            return nil
        }
        let text = storage.trimmedValue(at: winner)
        return text.isEmpty ? nil : text
    }

    /// Passes to `sink`, in two to a few pieces, everything validating `record` depends on, apart from the clock and
    /// where the record starts: the rules' revision, the profile, the format, and each field's name, origin, shape,
    /// value and line relative to the record's start tag. `words` is scratch space, reused from call to call.
    ///
    /// Two records with the same input validate to the same product and diagnostics, each diagnostic at the same
    /// distance from the record's start, at any time within ``ValidatedItem/stableTimes``. CampaignCore hashes it
    /// so that a re-import can skip validating an item whose stored version came from the same input, and report the
    /// warnings it stored with it at their new lines. The encoding is unambiguous: a fixed-size header per entry, with
    /// the length of its name (when not a known one) and of its value, then those names and values back to back.
    public func fingerprintInput(
        of record: FeedRecord,
        words: inout [UInt32],
        into sink: inout some FingerprintSink
    ) {
        let storage = record.storage
        let count = 2 + FieldStorage.wordsPerEntry(withLines: true) * storage.entries.count
        if words.count < count {
            words = [UInt32](repeating: 0, count: max(count, 2 * words.count))
        }
        let text = words.withUnsafeMutableBufferPointer { words in
            words[0] = Self.formatCode(record.format)
            words[1] = UInt32(truncatingIfNeeded: storage.entries.count)
            return storage.describe(storage.entries.indices, linesFrom: record.line, into: words, at: 2)
        }
        fingerprintPrefix.withUnsafeBytes { sink.update($0) }
        words.withUnsafeBytes { sink.update(UnsafeRawBufferPointer(rebasing: $0[..<(count * 4)])) }
        storage.text.withUnsafeBytes { bytes in
            // Names and values back to back (as the reader stores them): one piece.
            if let text {
                sink.update(UnsafeRawBufferPointer(rebasing: bytes[text]))
                return
            }
            let text = bytes
            for entry in storage.entries {
                if entry.nameID == FieldNames.custom, entry.nameCount > 0 {
                    sink.update(
                        UnsafeRawBufferPointer(rebasing: text[entry.nameStart..<entry.nameStart + entry.nameCount])
                    )
                }
                sink.update(
                    UnsafeRawBufferPointer(rebasing: text[entry.valueStart..<entry.valueStart + entry.valueCount])
                )
            }
        }
    }

    /// The revision and every setting of `profile`, in a fixed order (its set of age groups sorted).
    static func fingerprintPrefix(for profile: ValidationProfile) -> [UInt8] {
        var bytes = Array("campaignctl.record".utf8)
        bytes.appendLittleEndian(rulesRevision)
        var texts = [profile.name, profile.brandRequirement.rawValue]
        texts += profile.ageGroups.sorted()
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: texts.count))
        for text in texts {
            bytes.appendLengthPrefixed(text)
        }
        let limits = [
            profile.maximumIDLength, profile.maximumTitleLength, profile.maximumDescriptionLength,
            profile.maximumBrandLength, profile.maximumAdditionalImageLinks,
        ]
        for limit in limits {
            bytes.appendLittleEndian(UInt32(truncatingIfNeeded: limit))
        }
        let flags = [
            profile.allowsDescriptionHTML, profile.acceptsSpacedAvailability, profile.acceptsExtendedAvailability,
            profile.warnsOnMissingIdentifiers,
        ]
        bytes += flags.map { $0 ? 1 : 0 }
        return bytes
    }

    /// The format's place in ``FeedFormat/allCases`` (the rules' revision changes with the list).
    private static func formatCode(_ format: FeedFormat) -> UInt32 {
        UInt32(truncatingIfNeeded: FeedFormat.allCases.firstIndex(of: format) ?? Int(UInt32.max))
    }

    fileprivate static func originCode(_ origin: FieldOrigin) -> UInt8 {
        switch origin {
        case .google: 0
        case .native: 1
        case .yml: 2
        }
    }
}

extension FieldStorage {
    /// How many words ``describe(_:linesFrom:into:at:)`` writes per entry.
    static func wordsPerEntry(withLines: Bool) -> Int {
        withLines ? 5 : 4
    }

    /// Describes the entries in `range` to a hash or a key, unambiguously: for each, from `words[start]` on, a word of
    /// name id, origin and flags (kind, truncated, group), its span, its name's length (names without an id) and its
    /// value's length, then, with `linesFrom`, 0 for an entry without a line, else 1 + its distance from that line.
    /// Returns the range of ``text`` that holds those entries' names and values back to back, in order (how the
    /// reader stores them), or `nil` when they are stored otherwise: then a caller takes each one's bytes in turn.
    ///
    /// The words and that text read back to the same entries only: equal descriptions mean entries with equal names,
    /// origins, shapes and values (and distances from `linesFrom`).
    func describe(
        _ range: Range<Int>,
        linesFrom recordLine: Int?,
        into words: UnsafeMutableBufferPointer<UInt32>,
        at start: Int
    ) -> Range<Int>? {
        let textStart = range.first.map { index in
            entries[index].nameID == FieldNames.custom && entries[index].nameCount > 0
                ? entries[index].nameStart : entries[index].valueStart
        }
        var next = textStart ?? 0
        var isPacked = true
        var word = start
        for index in range {
            let entry = entries[index]
            let flags = (entry.kind == .attribute ? 1 : 0) | (entry.isTruncated ? 2 : 0) | (entry.hasChildren ? 4 : 0)
            let nameCount = entry.nameID == FieldNames.custom ? entry.nameCount : 0
            words[word] =
                UInt32(entry.nameID) | UInt32(ItemValidator.originCode(entry.origin)) << 16 | UInt32(flags) << 24
            words[word + 1] = UInt32(truncatingIfNeeded: entry.span)
            words[word + 2] = UInt32(truncatingIfNeeded: nameCount)
            words[word + 3] = UInt32(truncatingIfNeeded: entry.valueCount)
            word += 4
            if let recordLine {
                words[word] = entry.line > 0 ? UInt32(truncatingIfNeeded: entry.line - recordLine) &+ 1 : 0
                word += 1
            }
            if nameCount > 0 {
                isPacked = isPacked && entry.nameStart == next
                next = entry.nameStart + nameCount
            }
            isPacked = isPacked && entry.valueStart == next
            next = entry.valueStart + entry.valueCount
        }
        return isPacked ? (textStart ?? 0)..<next : nil
    }
}
