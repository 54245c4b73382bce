import Testing

@testable import CampaignCore

@Suite("IDNA (UTS #46-style)")
struct IDNATests {
    @Test(
        "ToASCII maps, lower-cases and encodes host names",
        arguments: [
            ("Bücher.example", "xn--bcher-kva.example"),
            ("аррӏе.com", "xn--80ak6aa92e.com"),
            ("аpple.com", "xn--pple-43d.com"),
            ("XN--PPLE-43D.COM", "xn--pple-43d.com"),
            ("MAISON-LUMIERE.FR", "maison-lumiere.fr"),
            ("ｍａｉｓｏｎ-ｌｕｍｉｅｒｅ。fr", "maison-lumiere.fr"),
            ("maison-lumiere．fr", "maison-lumiere.fr"),
            ("maison-lumiere｡fr", "maison-lumiere.fr"),
            ("maison-lumiere.fr.", "maison-lumiere.fr"),
            ("faß.de", "xn--fa-hia.de"),
            ("ΣΑΣ.gr", "xn--mxa9ab.gr"),
            ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
            ("ᾳ.example", "xn--mxaq.example"),
        ]
    )
    func toASCII(host: String, expected: String) {
        #expect(IDNA.toASCII(host) == expected)
    }

    @Test(
        "ToASCII refuses hosts a browser would read differently or not at all",
        arguments: [
            "", "a..b", "a b.com", "ex\u{200B}ample.com", "ex\u{202E}ample.com", "ex\u{00AD}ample.com", "-abc.com",
            "abc-.com", "ab--c.com", "exa_mple.com", "apple\u{2024}com", "shop\u{FF0F}evil.com", "snow☃.com",
            "xn--abc-.com", "xn--.com", "xn--zz.com", "\u{301}abc.com", String(repeating: "a", count: 64) + ".com",
        ]
    )
    func toASCIIRefuses(host: String) {
        #expect(IDNA.toASCII(host) == nil)
    }

    @Test(
        "ToUnicode shows punycode labels in Unicode",
        arguments: [
            ("xn--80ak6aa92e.com", "аррӏе.com"), ("XN--BCHER-KVA.example", "bücher.example"),
            ("maison-lumiere.fr", "maison-lumiere.fr"), ("xn--zz.com", "xn--zz.com"),
        ]
    )
    func toUnicode(host: String, expected: String) {
        #expect(IDNA.toUnicode(host) == expected)
    }
}
