import Foundation

// UTS #39 confusable detection ("skeletons"), over the data of `ConfusablesData.swift`.
//
// Hand-written: no Swift package that campaignctl may use implements UTS #39, and ICU's `uspoof` is not
// reachable from Swift on Linux without importing the toolchain's private ICU module. The data table is
// generated from Unicode's confusables.txt by `Scripts/unicode/generate.py`.

/// UTS #39 confusable skeletons: two strings that look alike have the same skeleton.
public enum Confusables {
    /// Version of Unicode's confusables.txt the mapping table comes from.
    public static let unicodeVersion = ConfusablesData.unicodeVersion

    /// The UTS #39 skeleton: NFD, drop default-ignorables, map each code point to its prototype, NFD again.
    public static func skeleton(_ s: String) -> String {
        skeleton(s, extra: [:])
    }

    /// Whether two strings are confusable under UTS #39 (their skeletons are equal).
    public static func areConfusable(_ a: String, _ b: String) -> Bool {
        skeleton(a) == skeleton(b)
    }

    /// Skeletons for comparing host names, in the spirit of Chromium's lookalike check.
    ///
    /// Besides the plain UTS #39 skeleton this adds the skeleton of the string with its diacritics removed
    /// (when it is made only of Latin, Greek, Cyrillic, digits and `.-_`) and with a few extra mappings that
    /// confusables.txt lacks, such as Cyrillic `ӏ` to Latin `l` (confusables.txt maps it to `i`).
    static func hostSkeletons(_ s: String) -> Set<String> {
        var variants: Set<String> = [s]
        if isLatinGreekCyrillicOnly(s) {
            variants.insert(removingDiacritics(s))
        }
        var skeletons: Set<String> = []
        for variant in variants {
            skeletons.insert(skeleton(variant))
            skeletons.insert(skeleton(variant, extra: extraMappings))
        }
        return skeletons
    }

    // MARK: - Implementation

    private static let table: [UInt32: [Unicode.Scalar]] = parse(ConfusablesData.mappings)

    /// Mappings missing from confusables.txt that Chromium's skeleton generator adds
    /// (components/url_formatter/spoof_checks/skeleton_generator.cc); applied before the table.
    private static let extraMappings: [UInt32: [Unicode.Scalar]] = parse(
        """
        00E6>0061 0065
        04D5>0061 0065
        0153>0063 0065
        03FC>0070
        048F>0070
        0127>0068
        043D>0068
        045B>0068
        04A3>0068
        04A5>0068
        04C8>0068
        04CA>0068
        050B>0068
        0527>0068
        0529>0068
        0138>006B
        03BA>006B
        043A>006B
        049B>006B
        049D>006B
        049F>006B
        04A1>006B
        04C4>006B
        051F>006B
        014B>006E
        043F>006E
        0525>006E
        0167>0074
        0442>0074
        04AD>0074
        050F>0074
        0185>0062
        044C>0062
        048D>0062
        0432>0062
        03C9>0077
        0448>0077
        0449>0077
        043C>006D
        04CE>006D
        0454>0065
        04BD>0065
        04BF>0065
        0491>0072
        0493>0066
        04FB>0066
        04AB>0063
        04B1>0079
        03C7>0078
        04B3>0078
        04FD>0078
        04FF>0078
        0503>0064
        050D>0067
        04CF>006C
        03B8>0030
        0577>0032
        0437>0033
        0499>0033
        04E1>0033
        0573>0036
        0142>006C
        00F8>006F
        0111>0064
        2014>002D
        2015>002D
        """
    )

    private static func skeleton(_ s: String, extra: [UInt32: [Unicode.Scalar]]) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in s.decomposedStringWithCanonicalMapping.unicodeScalars
        where !scalar.properties.isDefaultIgnorableCodePoint {
            if let replacement = extra[scalar.value] ?? table[scalar.value] {
                mapped.append(contentsOf: replacement)
            } else {
                mapped.append(scalar)
            }
        }
        return String(mapped).decomposedStringWithCanonicalMapping
    }

    private static func removingDiacritics(_ s: String) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in s.decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            kept.append(scalar)
        }
        return String(kept).precomposedStringWithCanonicalMapping
    }

    private static func isLatinGreekCyrillicOnly(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { scalar in
            if scalar.isASCII {
                return scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || ".-_".unicodeScalars
                        .contains(scalar)
            }
            if (0x300...0x339).contains(scalar.value) { return true }
            return ["Latn", "Grek", "Cyrl"].contains(UnicodeScript.script(of: scalar))
        }
    }

    /// Parses `SOURCE>TARGET TARGET…` lines of hexadecimal code points; malformed lines are skipped.
    static func parse(_ text: String) -> [UInt32: [Unicode.Scalar]] {
        var result: [UInt32: [Unicode.Scalar]] = [:]
        for line in text.split(separator: "\n") {
            let sides = line.split(separator: ">")
            guard sides.count == 2, let source = UInt32(sides[0].trimmingCharacters(in: .whitespaces), radix: 16)
            else { continue }
            let targets = sides[1].split(separator: " ").compactMap {
                UInt32($0, radix: 16).flatMap(Unicode.Scalar.init)
            }
            result[source] = targets
        }
        return result
    }
}
