import Testing

@testable import CampaignCore

@Suite("Confusables and scripts (UTS #39)")
struct ConfusablesTests {
    @Test("The tables come from Unicode 15.0.0 data")
    func tablesHaveAKnownVersion() {
        #expect(Confusables.unicodeVersion == "15.0.0")
        #expect(UnicodeScript.unicodeVersion == "15.0.0")
    }

    @Test(
        "Skeletons follow confusables.txt",
        arguments: [
            ("paypa1", "paypal"), ("bıgshop", "bigshop"), ("m", "rn"), ("apple.com", "apple.corn"), ("0", "O"),
            ("аpple", "apple"), ("аррӏе", "appie"), ("ǉ", "lj"), ("ℓ", "l"), ("𝐚", "a"), ("Ι", "l"),
        ]
    )
    func skeletonsFollowTheData(input: String, expected: String) {
        #expect(Confusables.skeleton(input) == expected)
    }

    @Test(
        "Look-alikes are confusable and different words are not",
        arguments: [
            ("аpple.com", "apple.com", true), ("paypa1.com", "paypal.com", true), ("bıgshop.fr", "bigshop.fr", true),
            ("rnaison-lumiere.fr", "maison-lumiere.fr", true), ("apple.com", "apply.com", false),
            ("maison-lumiere.fr", "maison-lumière.fr", false),
        ]
    )
    func confusablePairs(a: String, b: String, confusable: Bool) {
        #expect(Confusables.areConfusable(a, b) == confusable)
    }

    @Test("Host skeletons add Chromium's extras: Cyrillic palochka as l, and diacritics removed")
    func hostSkeletonsCoverWhatTheTableMisses() {
        // confusables.txt maps U+04CF to `i`, so the plain skeleton of the 2017 proof of concept differs.
        #expect(Confusables.skeleton("аррӏе.com") != Confusables.skeleton("apple.com"))
        #expect(!Confusables.hostSkeletons("аррӏе.com").isDisjoint(with: Confusables.hostSkeletons("apple.com")))
        #expect(
            !Confusables.hostSkeletons("maison-lumière.fr").isDisjoint(
                with: Confusables.hostSkeletons("maison-lumiere.fr")
            )
        )
        #expect(Confusables.hostSkeletons("pineapple.com").isDisjoint(with: Confusables.hostSkeletons("apple.com")))
    }

    @Test(
        "Scripts come from Scripts.txt",
        arguments: [
            ("a", "Latn"), ("а", "Cyrl"), ("α", "Grek"), ("1", "Zyyy"), ("-", "Zyyy"), ("\u{301}", "Zinh"),
            ("ア", "Kana"), ("あ", "Hira"), ("新", "Hani"), ("한", "Hang"), ("ㄅ", "Bopo"), ("ש", "Hebr"),
            ("ب", "Arab"), ("ก", "Thai"), ("क", "Deva"), ("ა", "Geor"), ("Ꭰ", "Cher"), ("Ա", "Armn"),
            ("\u{10FFFD}", "Zzzz"),
        ]
    )
    func scriptOfCharacters(character: String, script: String) throws {
        let scalar = try #require(character.unicodeScalars.first)
        #expect(UnicodeScript.script(of: scalar) == script)
    }

    @Test("Script extensions widen shared characters (the prolonged sound mark is Hiragana and Katakana)")
    func scriptExtensions() {
        #expect(UnicodeScript.scriptExtensions(of: "\u{30FC}") == ["Hira", "Kana"])
        #expect(UnicodeScript.scriptExtensions(of: "a") == ["Latn"])
    }

    @Test(
        "Labels mixing Latin, Cyrillic or Greek are mixed-script",
        arguments: ["аpple", "paypаl", "shορ", "αа", "maison-ιumière", "gοogle"]
    )
    func mixedLabels(label: String) {
        #expect(UnicodeScript.isMixedScript(label))
    }

    @Test(
        "Single scripts and the Highly Restrictive combinations are not mixed-script",
        arguments: [
            "apple", "аррӏе", "пример", "ファッションshop", "ショッピング", "新华net", "한국shop", "注音ㄅshop",
            "bücher-2024", "ελλάδα",
        ]
    )
    func acceptedLabels(label: String) {
        #expect(!UnicodeScript.isMixedScript(label))
    }

    @Test("Digits from two numbering systems in one label are detected")
    func mixedDigits() {
        #expect(UnicodeScript.mixesDigitSystems("٣3"))
        #expect(!UnicodeScript.mixesDigitSystems("shop2024"))
        #expect(!UnicodeScript.mixesDigitSystems("٣٤"))
    }
}
