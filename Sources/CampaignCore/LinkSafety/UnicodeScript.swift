// The Unicode Script and Script_Extensions properties, and the UTS #39 "Highly Restrictive" mixed-script test.
//
// Hand-written: the Swift standard library exposes no Script property, and no Swift package that campaignctl
// may use provides one. The data tables are generated from the UCD by `Scripts/unicode/generate.py`.

/// Unicode scripts (ISO 15924 short codes such as `Latn`, `Cyrl`, `Grek`) and mixed-script detection.
public enum UnicodeScript {
    /// Version of the Unicode Character Database the script tables come from.
    public static let unicodeVersion = UnicodeScriptData.unicodeVersion

    /// The Script property of a code point: `Zyyy` (Common), `Zinh` (Inherited) or `Zzzz` (Unknown) included.
    public static func script(of scalar: Unicode.Scalar) -> String {
        let value = scalar.value
        let ranges = scriptRanges
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if value < range.first {
                high = middle - 1
            } else if value > range.last {
                low = middle + 1
            } else {
                return range.scripts[0]
            }
        }
        return "Zzzz"
    }

    /// The Script_Extensions property: the scripts a code point is used with (its Script when not listed).
    public static func scriptExtensions(of scalar: Unicode.Scalar) -> Set<String> {
        let value = scalar.value
        let ranges = extensionRanges
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if value < range.first {
                high = middle - 1
            } else if value > range.last {
                low = middle + 1
            } else {
                return Set(range.scripts)
            }
        }
        return [script(of: scalar)]
    }

    /// Whether a label mixes scripts beyond what UTS #39's "Highly Restrictive" level allows.
    ///
    /// A single script is fine, and so are Latin + Han + Hiragana + Katakana, Latin + Han + Bopomofo and
    /// Latin + Han + Hangul. Common and Inherited characters (digits, hyphen, most combining marks) go with
    /// anything. Latin with Cyrillic or Greek, or Cyrillic with Greek, is mixed.
    public static func isMixedScript(_ label: String) -> Bool {
        let sets = label.unicodeScalars.compactMap(augmentedScripts(of:))
        guard let first = sets.first else { return false }
        let resolved = sets.dropFirst().reduce(first) { $0.intersection($1) }
        if !resolved.isEmpty { return false }
        return !allowedCombinations.contains { allowed in sets.allSatisfy { !$0.isDisjoint(with: allowed) } }
    }

    /// Whether a label uses decimal digits from more than one numbering system (e.g. `0` and `০`).
    public static func mixesDigitSystems(_ label: String) -> Bool {
        var zeros: Set<UInt32> = []
        for scalar in label.unicodeScalars where scalar.properties.numericType == .decimal {
            guard let value = scalar.properties.numericValue else { continue }
            zeros.insert(scalar.value - UInt32(value))
        }
        return zeros.count > 1
    }

    // MARK: - Implementation

    struct ScriptRange: Sendable {
        var first: UInt32
        var last: UInt32
        var scripts: [String]
    }

    private static let allowedCombinations: [Set<String>] = [
        ["Latn", "Hani", "Hira", "Kana", "Jpan"],
        ["Latn", "Hani", "Bopo", "Hanb"],
        ["Latn", "Hani", "Hang", "Kore"],
    ]

    private static let scriptRanges: [ScriptRange] = parse(UnicodeScriptData.scripts)
    private static let extensionRanges: [ScriptRange] = parse(UnicodeScriptData.scriptExtensions)

    /// UTS #39 augmented script set of a code point; nil for Common and Inherited (they mix with anything).
    private static func augmentedScripts(of scalar: Unicode.Scalar) -> Set<String>? {
        var scripts = scriptExtensions(of: scalar)
        if scripts.contains("Zyyy") || scripts.contains("Zinh") { return nil }
        if scripts.contains("Hani") { scripts.formUnion(["Hanb", "Jpan", "Kore"]) }
        if scripts.contains("Hira") || scripts.contains("Kana") { scripts.insert("Jpan") }
        if scripts.contains("Hang") { scripts.insert("Kore") }
        if scripts.contains("Bopo") { scripts.insert("Hanb") }
        return scripts
    }

    /// Parses `FIRST LAST Script…` lines of hexadecimal code points; malformed lines are skipped.
    static func parse(_ text: String) -> [ScriptRange] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let first = UInt32(fields[0], radix: 16), let last = UInt32(fields[1], radix: 16)
            else { return nil }
            return ScriptRange(first: first, last: last, scripts: fields.dropFirst(2).map(String.init))
        }
    }
}
