import Foundation

// Internationalised domain names: UTS #46-style mapping, validation, ToASCII and ToUnicode.
//
// Hand-written: Foundation's URL on Linux exposes no IDNA conversion, ICU's `uidna` is only reachable through
// the toolchain's private ICU module, and no Swift package that campaignctl may use implements UTS #46.
//
// The mapping is close to UTS #46 non-transitional processing (what current browsers do) but errs on the
// side of refusing: NFKC and case folding code point by code point (so `ß` stays `ß`, `Σ` becomes `σ`), and
// only letters, marks and decimal digits are allowed outside ASCII, where only `a-z`, `0-9` and `-` are.
// Compared with Python's `idna` package (UTS #46 data 17.0) over U+0080…U+2FFFF, every code point this maps
// is mapped identically; the differences are code points refused here that UTS #46 maps or ignores.
// Invisible code points (controls, format characters such as bidi controls and zero-width characters,
// default-ignorables, spaces) are refused rather than silently dropped as UTS #46 would do.

/// International domain names: host names between their Unicode and ASCII (`xn--`) forms.
public enum IDNA {
    /// The ASCII form of a host (`Bücher.example` → `xn--bcher-kva.example`); nil when it is not a valid name.
    ///
    /// A single trailing root dot is removed.
    public static func toASCII(_ host: String) -> String? {
        guard case .success(let labels) = process(host) else { return nil }
        return labels.map(\.ascii).joined(separator: ".")
    }

    /// The Unicode form of a host (`xn--bcher-kva.example` → `bücher.example`), shown as-is where invalid.
    public static func toUnicode(_ host: String) -> String {
        if case .success(let labels) = process(host) {
            return labels.map(\.unicode).joined(separator: ".")
        }
        return host.split(separator: ".", omittingEmptySubsequences: false).map { label in
            let lowered = label.lowercased()
            guard lowered.hasPrefix("xn--"), let decoded = Punycode.decode(String(lowered.dropFirst(4))) else {
                return String(label)
            }
            return decoded
        }.joined(separator: ".")
    }

    // MARK: - Detailed processing, for LinkChecker

    /// One label of a processed host name.
    struct Label: Hashable, Sendable {
        var unicode: String
        var ascii: String
    }

    /// Why a host name is not acceptable.
    enum Failure: Error, Hashable, Sendable {
        case empty
        case invisibleCharacter(Unicode.Scalar)
        case disallowedCharacter(Unicode.Scalar)
        case emptyLabel
        case labelTooLong(String)
        case hostTooLong
        case hyphen(String)
        case invalidPunycode(String)
        case leadingCombiningMark(String)
    }

    /// Maps, validates and converts a host name label by label.
    static func process(_ host: String) -> Result<[Label], Failure> {
        let mapped: String
        switch map(host) {
        case .success(let value): mapped = value
        case .failure(let failure): return .failure(failure)
        }
        var parts = mapped.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 1, parts.last == "" {
            parts.removeLast()
        }
        guard !(parts.count == 1 && parts[0].isEmpty) else { return .failure(.empty) }
        var labels: [Label] = []
        for part in parts {
            switch processLabel(part) {
            case .success(let label): labels.append(label)
            case .failure(let failure): return .failure(failure)
            }
        }
        let asciiLength = labels.reduce(labels.count - 1) { $0 + $1.ascii.utf8.count }
        guard asciiLength <= 253 else { return .failure(.hostTooLong) }
        return .success(labels)
    }

    /// Whether a code point is invisible or reorders text: controls, format characters (bidi controls,
    /// zero-width characters), default-ignorables, separators and blank-looking characters.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint { return true }
        switch properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return true
        default:
            // Braille pattern blank and Hangul fillers render as blanks.
            return [0x2800, 0x3164, 0xFFA0, 0x115F, 0x1160].contains(scalar.value)
        }
    }

    /// `U+202E (right-to-left override)`: a code point as shown in messages.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if let name = scalar.properties.name ?? scalar.properties.nameAlias {
            return "U+\(padded) (\(name.lowercased()))"
        }
        return "U+\(padded)"
    }

    // MARK: - Implementation

    /// Full-stop look-alikes that UTS #46 maps to `.`.
    private static let dotEquivalents: Set<UInt32> = [0x3002, 0xFF0E, 0xFF61]

    private static func isLDH(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x61...0x7A, 0x30...0x39, 0x2D: return true
        default: return false
        }
    }

    /// UTS #46-style mapping of a whole host: refuses invisible and disallowed code points.
    static func map(_ host: String) -> Result<String, Failure> {
        var collected = String.UnicodeScalarView()
        for scalar in host.unicodeScalars {
            if scalar.isASCII {
                let lowered = (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar
                if isLDH(lowered) || lowered == "." {
                    collected.append(lowered)
                } else if scalar.value < 0x21 || scalar.value == 0x7F {
                    return .failure(.invisibleCharacter(scalar))
                } else {
                    return .failure(.disallowedCharacter(scalar))
                }
            } else if dotEquivalents.contains(scalar.value) {
                collected.append(".")
            } else if isInvisible(scalar) {
                return .failure(.invisibleCharacter(scalar))
            } else {
                let mapped = mapNonASCII(scalar)
                // Only the three full-stop look-alikes may become a dot, and only letters, digits and
                // hyphens may come out in ASCII (fullwidth solidus to `/`, `⑴` to `(1)` are refused).
                guard mapped.unicodeScalars.allSatisfy({ !$0.isASCII || isLDH($0) }) else {
                    return .failure(.disallowedCharacter(scalar))
                }
                collected.append(contentsOf: mapped.unicodeScalars)
            }
        }
        let result = String(collected).precomposedStringWithCanonicalMapping
        for scalar in result.unicodeScalars where !scalar.isASCII {
            if isInvisible(scalar) {
                return .failure(.invisibleCharacter(scalar))
            } else if !isAllowedNonASCII(scalar) {
                return .failure(.disallowedCharacter(scalar))
            }
        }
        return .success(result)
    }

    /// NFKC, then case folding close to UTS #46: `ß` and `ς` stay (non-transitional processing), other
    /// final sigmas become `σ`, `ẞ` becomes `ß`, Cherokee folds to capitals, iota subscripts to `ι`.
    private static func mapNonASCII(_ scalar: Unicode.Scalar) -> String {
        if scalar.value == 0x00DF || scalar.value == 0x03C2 { return String(scalar) }
        var folded = String.UnicodeScalarView()
        for part in String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars {
            folded.append(contentsOf: caseFold(part).unicodeScalars)
        }
        return String(folded).precomposedStringWithCompatibilityMapping
    }

    private static func caseFold(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x1E9E:
            return "\u{DF}"
        case 0x13A0...0x13F5:
            return String(scalar)
        case 0x13F8...0x13FD, 0xAB70...0xABBF:
            return scalar.properties.uppercaseMapping
        default:
            let properties = scalar.properties
            guard properties.changesWhenCaseFolded else { return properties.lowercaseMapping }
            // Lower-casing the upper-case form folds what lower-casing alone keeps: `ϲ`, `ς`, `ᲀ`, `ᾳ`, U+0345.
            var lowered = String.UnicodeScalarView()
            for upper in properties.uppercaseMapping.unicodeScalars {
                lowered.append(contentsOf: upper.properties.lowercaseMapping.unicodeScalars)
            }
            return String(lowered)
        }
    }

    /// Letters, marks and decimal digits of a known script; not the few that IDNA2008 disallows.
    private static func isAllowedNonASCII(_ scalar: Unicode.Scalar) -> Bool {
        if [0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B].contains(scalar.value) {
            return false
        }
        guard UnicodeScript.script(of: scalar) != "Zzzz" else { return false }
        switch scalar.properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber:
            return true
        default:
            return false
        }
    }

    private static func processLabel(_ label: String) -> Result<Label, Failure> {
        guard !label.isEmpty else { return .failure(.emptyLabel) }
        let isASCII = label.unicodeScalars.allSatisfy(\.isASCII)
        if isASCII {
            if label.hasPrefix("xn--") {
                return decodeALabel(label)
            }
            guard checkHyphens(label) else { return .failure(.hyphen(label)) }
            guard label.utf8.count <= 63 else { return .failure(.labelTooLong(label)) }
            return .success(Label(unicode: label, ascii: label))
        }
        guard checkHyphens(label) else { return .failure(.hyphen(label)) }
        if let first = label.unicodeScalars.first, isMark(first) {
            return .failure(.leadingCombiningMark(label))
        }
        guard let encoded = Punycode.encode(label) else { return .failure(.invalidPunycode(label)) }
        let ascii = "xn--" + encoded
        guard ascii.utf8.count <= 63 else { return .failure(.labelTooLong(ascii)) }
        return .success(Label(unicode: label, ascii: ascii))
    }

    /// Validates an `xn--` label: it must decode, hold non-ASCII, be already mapped, and re-encode to itself.
    private static func decodeALabel(_ label: String) -> Result<Label, Failure> {
        let encoded = String(label.dropFirst(4))
        guard label.utf8.count <= 63 else { return .failure(.labelTooLong(label)) }
        guard !encoded.isEmpty, let decoded = Punycode.decode(encoded),
            decoded.unicodeScalars.contains(where: { !$0.isASCII })
        else { return .failure(.invalidPunycode(label)) }
        switch map(decoded) {
        case .failure(.invisibleCharacter(let scalar)):
            return .failure(.invisibleCharacter(scalar))
        case .failure(.disallowedCharacter(let scalar)):
            return .failure(.disallowedCharacter(scalar))
        case .failure:
            return .failure(.invalidPunycode(label))
        case .success(let remapped):
            guard remapped == decoded, !decoded.contains("."), Punycode.encode(decoded) == encoded else {
                return .failure(.invalidPunycode(label))
            }
        }
        guard checkHyphens(decoded) else { return .failure(.hyphen(decoded)) }
        if let first = decoded.unicodeScalars.first, isMark(first) {
            return .failure(.leadingCombiningMark(decoded))
        }
        return .success(Label(unicode: decoded, ascii: label))
    }

    /// UTS #46 CheckHyphens: no hyphen first or last, none in both the third and fourth positions.
    private static func checkHyphens(_ label: String) -> Bool {
        let scalars = Array(label.unicodeScalars)
        if scalars.first == "-" || scalars.last == "-" { return false }
        if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-" { return false }
        return true
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}
