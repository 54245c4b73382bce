import Testing

@testable import CampaignCore

/// The brands of these tests: a French fashion house, and big names that phishers copy.
private let checker = LinkChecker(verifiedDomains: [
    "maison-lumiere.fr", "apple.com", "bigshop.fr", "paypal.com", "Bücher.example",
])

private func codes(_ url: String) -> Set<LinkFinding.Code> {
    Set(checker.check(url).findings.map(\.code))
}

@Suite("Link checker")
struct LinkCheckerTests {
    // MARK: - Safe links

    @Test(
        "Links to verified domains and their subdomains pass every check",
        arguments: [
            "https://maison-lumiere.fr/p/1",
            "https://shop.maison-lumiere.fr/p/1?utm_source=x",
            "HTTPS://MAISON-LUMIERE.FR/p/1",
            "https://Shop.Maison-Lumiere.FR/p/1",
            "https://maison-lumiere.fr./p/1",
            "https://maison-lumiere.fr:443/p/1",
            "https://maison-lumiere.fr",
            "https://maison-lumiere.fr/search?q=robe+rouge&page=2&utm_campaign=%C3%A9t%C3%A9",
            "https://maison-lumiere.fr/cart?next=/checkout&r=1&u=42&link=summer-sale",
            "https://maison-lumiere.fr/login?redirect_uri=https%3A%2F%2Fshop.maison-lumiere.fr%2Faccount",
            "https://maison-lumiere.fr/p/1#reviews",
            "https://maison-lumiere.fr/help?next=faq.html",
            "https://bücher.example/katalog",
            "https://xn--bcher-kva.example/katalog",
            "https://www.apple.com/fr/shop",
        ]
    )
    func safeLinksPass(url: String) {
        let link = checker.check(url)
        #expect(link.isSafe, "\(link.findings)")
        #expect(link.findings.isEmpty)
    }

    @Test("A safe link lists the checks it passed for the approval preview")
    func passedChecksAreListed() {
        let link = checker.check("https://shop.maison-lumiere.fr/p/1?utm_source=x")
        #expect(link.host == "shop.maison-lumiere.fr")
        for check in [
            "https", "verified domain maison-lumiere.fr", "no userinfo", "not an ip address", "default port",
            "not a url shortener", "no open redirect", "one script per host label", "no invisible characters",
        ] {
            #expect(link.passedChecks.contains(check), "missing \(check)")
        }
    }

    @Test("Fullwidth letters and ideographic full stops map to the host the browser requests")
    func fullwidthFormsMapToTheVerifiedHost() {
        let link = checker.check("https://ｍａｉｓｏｎ-ｌｕｍｉｅｒｅ。fr/p")
        #expect(link.isSafe)
        #expect(link.asciiForm == "https://maison-lumiere.fr/p")
        #expect(link.host == "maison-lumiere.fr")
    }

    @Test("IDN hosts are shown in both forms, and the ascii form percent-encodes the rest")
    func bothFormsAreProduced() {
        let link = checker.check("https://Bücher.example/suche?q=Grüße")
        #expect(link.isSafe)
        #expect(link.unicodeForm == "https://bücher.example/suche?q=Grüße")
        #expect(link.asciiForm == "https://xn--bcher-kva.example/suche?q=Gr%C3%BC%C3%9Fe")
        #expect(link.host == "xn--bcher-kva.example")
    }

    @Test("Verified domains are normalised to ascii lower case; single labels, ip addresses and junk are dropped")
    func verifiedDomainsAreNormalised() {
        let checker = LinkChecker(verifiedDomains: [
            " Maison-Lumiere.FR. ", "Bücher.example", "fr", "192.168.0.1", "bad domain", "maison-lumiere.fr",
        ])
        #expect(checker.verifiedDomains == ["maison-lumiere.fr", "xn--bcher-kva.example"])
    }

    // MARK: - Rule 1: https only

    @Test(
        "Anything but https is refused",
        arguments: [
            "http://maison-lumiere.fr/p/1", "HTTP://maison-lumiere.fr/", "ftp://maison-lumiere.fr/",
            "javascript:alert(1)", "data:text/html,hello", "mailto:shop@maison-lumiere.fr", "//maison-lumiere.fr/p",
            "maison-lumiere.fr/p/1",
        ]
    )
    func onlyHTTPSIsAccepted(url: String) {
        #expect(codes(url).contains(.notHTTPS))
    }

    // MARK: - Rule 2: verified domains

    @Test(
        "Hosts that only contain or end like a verified domain are not verified",
        arguments: [
            "https://maison-lumiere.fr.evil.example/p", "https://evilmaison-lumiere.fr/p", "https://evil.example/",
            "https://maison-lumiere.com/", "https://lumiere.fr/", "https://fr/",
        ]
    )
    func lookalikeSuffixesAreNotVerified(url: String) {
        let found = codes(url)
        #expect(found.contains(.domainNotVerified))
        #expect(!found.contains(.homograph))
    }

    @Test("A whole-script Cyrillic host that resembles no verified domain is only unverified, shown in both forms")
    func wholeScriptCyrillicHostIsOnlyUnverified() {
        let link = checker.check("https://пример.рф/")
        #expect(link.findings.map(\.code) == [.domainNotVerified])
        #expect(link.unicodeForm == "https://пример.рф/")
        #expect(link.asciiForm == "https://xn--e1afmkfd.xn--p1ai/")
    }

    // MARK: - Rule 3: userinfo and parsing tricks

    @Test(
        "Userinfo before the host is refused (the @ trick)",
        arguments: [
            ("https://maison-lumiere.fr@evil.example/", "evil.example"),
            ("https://user:pw@maison-lumiere.fr/", "maison-lumiere.fr"),
            ("https://maison-lumiere.fr:443@evil.example/", "evil.example"),
            ("https://@maison-lumiere.fr/", "maison-lumiere.fr"),
            ("https://a@maison-lumiere.fr@evil.example/", "evil.example"),
            ("https://maison-lumiere.fr%2F@evil.example/", "evil.example"),
        ]
    )
    func userinfoAtTrickRejected(url: String, host: String) {
        let link = checker.check(url)
        #expect(link.has(.userinfo))
        #expect(link.host == host)
        if host != "maison-lumiere.fr" {
            #expect(link.has(.domainNotVerified))
        }
    }

    @Test(
        "Ambiguous urls fail closed as unparseable",
        arguments: [
            "https://maison-lumiere.fr\\@evil.example/", "https://maison-lumiere.fr\\evil.example",
            "https://maison-lumiere.fr/\\evil.example", "https://maison-lumiere.fr%40evil.example/",
            "https://%6Daison-lumiere.fr/", "https://maison-lumiere.fr\t@evil.example/",
            "https://maison-lumiere.fr\n/p", "https://maison-\r\nlumiere.fr/", " https://maison-lumiere.fr/",
            "https://maison-lumiere.fr/ ", "https://maison-lumiere.fr/\n", "https://maison lumiere.fr/",
            "https:maison-lumiere.fr", "https:/maison-lumiere.fr", "https:///maison-lumiere.fr", "https://",
            "https://maison-lumiere..fr/", "https://[::1", "https://maison-lumiere.fr:44x/",
            "https://maison-lumiere.fr:443:443/", "https://xn--maison-lumiere-.fr/", "https://xn--zz.fr/",
            "https://-maison.fr/", "",
        ]
    )
    func ambiguousURLsAreUnparseable(url: String) {
        let link = checker.check(url)
        #expect(link.has(.unparseable), "\(link.findings)")
        #expect(!link.isSafe)
    }

    // MARK: - Rule 4: IP hosts

    @Test(
        "IP-literal hosts are refused in every notation",
        arguments: [
            ("https://192.168.0.1/", "192.168.0.1"), ("http://3232235521/", "192.168.0.1"),
            ("https://0xC0A80001/", "192.168.0.1"), ("https://0300.0250.0.1/", "192.168.0.1"),
            ("https://127.1/", "127.0.0.1"), ("https://１９２．１６８．０．１/", "192.168.0.1"),
            ("https://[::1]/", nil), ("https://[2001:db8::1]:443/", nil),
        ]
    )
    func ipHostsAreRefused(url: String, dotted: String?) throws {
        let link = checker.check(url)
        let finding = try #require(link.findings.first { $0.code == .ipHost })
        if let dotted {
            #expect(finding.message.contains(dotted))
        }
    }

    // MARK: - Rule 5: ports

    @Test(
        "Only the default port is allowed",
        arguments: [
            "https://maison-lumiere.fr:8443/", "https://maison-lumiere.fr:80/", "https://maison-lumiere.fr:0443/",
            "https://maison-lumiere.fr:/", "https://maison-lumiere.fr:65536/", "http://maison-lumiere.fr:443/",
        ]
    )
    func nonDefaultPortsAreRefused(url: String) {
        #expect(codes(url).contains(.port))
    }

    // MARK: - Rule 6: shorteners

    @Test(
        "URL shorteners are refused",
        arguments: [
            "https://bit.ly/3xYz", "https://t.co/abc", "https://TinyURL.com/abc", "https://maps.app.goo.gl/x",
            "https://rb.gy/x", "https://lnkd.in/x", "https://s.id/x", "https://cutt.ly/x",
        ]
    )
    func shortenersAreRefused(url: String) {
        #expect(codes(url).contains(.shortener))
    }

    @Test("The shortener list has about forty well-known services")
    func shortenerListIsReasonable() {
        #expect(URLShorteners.domains.count >= 40)
        #expect(URLShorteners.match("maison-lumiere.fr") == nil)
        #expect(URLShorteners.match("notbit.ly") == nil)
    }

    // MARK: - Rule 7: open redirects

    @Test(
        "Redirect parameters to unverified hosts are refused, however they are encoded",
        arguments: [
            "https://maison-lumiere.fr/r?url=https://evil.example/",
            "https://maison-lumiere.fr/r?redirect=https%3A%2F%2Fevil.example%2F",
            "https://maison-lumiere.fr/r?next=https%253A%252F%252Fevil.example",
            "https://maison-lumiere.fr/r?next=//evil.example/login",
            "https://maison-lumiere.fr/r?next=%2F%2Fevil.example",
            "https://maison-lumiere.fr/r?returnTo=https:/%5Cevil.example",
            "https://maison-lumiere.fr/r?return_to=/%5Cevil.example",
            "https://maison-lumiere.fr/r?goto=/%09/evil.example",
            "https://maison-lumiere.fr/r?dest=evil.example/login",
            "https://maison-lumiere.fr/r?RedirectURL=HTTPS://evil.example",
            "https://maison-lumiere.fr/r?url=https://maison-lumiere.fr@evil.example",
            "https://maison-lumiere.fr/r?url=https://maison-lumiere.fr.evil.example",
            "https://maison-lumiere.fr/r?url=https:evil.example",
            "https://maison-lumiere.fr/r?url=https://аpple.com",
            "https://maison-lumiere.fr/r?url=https://3232235521/",
            "https://maison-lumiere.fr/r?continue=javascript:alert(1)",
            "https://maison-lumiere.fr/r?utm_content=https://evil.example",
            "https://maison-lumiere.fr/r;url=https://evil.example",
            "https://maison-lumiere.fr/r?a=1;next=//evil.example",
            "https://maison-lumiere.fr/r#url=https://evil.example",
            "https://maison-lumiere.fr/r#https://evil.example",
            "https://maison-lumiere.fr/out/https://evil.example/x",
            "https://maison-lumiere.fr/%2F%2Fevil.example",
            "https://maison-lumiere.fr/r?url=https%3A%2F%2Fshop.maison-lumiere.fr%2Fgo%3Fnext%3D"
                + "https%253A%252F%252Fevil.example",
        ]
    )
    func openRedirectParamOffAllowlistRejected(url: String) {
        let link = checker.check(url)
        #expect(link.has(.openRedirect), "\(link.findings)")
    }

    @Test("An open-redirect message names the parameter and the real destination")
    func openRedirectMessageNamesTheTarget() throws {
        let link = checker.check("https://maison-lumiere.fr/r?next=https%253A%252F%252Fevil.example")
        let finding = try #require(link.findings.first)
        #expect(finding.code == .openRedirect)
        #expect(finding.message.contains("'next'"))
        #expect(finding.message.contains("'evil.example'"))
    }

    // MARK: - Rule 8: homographs, mixed scripts, invisible characters

    @Test(
        "The all-Cyrillic apple is blocked and shown as punycode",
        arguments: ["https://аррӏе.com/", "https://xn--80ak6aa92e.com/"]
    )
    func cyrillicAppleShownAsPunycode(url: String) {
        let link = checker.check(url)
        #expect(link.has(.homograph))
        #expect(!link.has(.mixedScript))
        #expect(link.host == "xn--80ak6aa92e.com")
        #expect(link.asciiForm == "https://xn--80ak6aa92e.com/")
        #expect(link.unicodeForm == "https://аррӏе.com/")
        #expect(link.findings.contains { $0.message.contains("looks like verified domain 'apple.com'") })
    }

    @Test(
        "A label mixing Cyrillic and Latin is rejected",
        arguments: ["https://xn--pple-43d.com/", "https://аpple.com/"]
    )
    func mixedScriptLabelRejected(url: String) throws {
        let link = checker.check(url)
        #expect(link.has(.mixedScript))
        #expect(link.has(.homograph))
        #expect(link.unicodeForm == "https://аpple.com/")
        #expect(link.asciiForm == "https://xn--pple-43d.com/")
        let homograph = try #require(link.findings.first { $0.code == .homograph })
        #expect(homograph.message == "host 'xn--pple-43d.com' (аpple.com) looks like verified domain 'apple.com'")
    }

    @Test(
        "A host whose skeleton equals a verified domain's but whose bytes differ is blocked",
        arguments: [
            ("https://bıgshop.fr/", "bigshop.fr"),
            ("https://xn--bgshop-p9a.fr/", "bigshop.fr"),
            ("https://paypa1.com/", "paypal.com"),
            ("https://PAYPA1.COM/", "paypal.com"),
            ("https://apple.corn/", "apple.com"),
            ("https://rnaison-lumiere.fr/", "maison-lumiere.fr"),
            ("https://maison-Ιumière.fr/", "maison-lumiere.fr"),
            ("https://maison-lumière.fr/", "maison-lumiere.fr"),
            ("https://shop.аpple.com/", "apple.com"),
            ("https://аррӏе.com/", "apple.com"),
            ("https://bücher.example.evil/", nil),
        ]
    )
    func skeletonEqualsAllowlistedButBytesDifferBlocked(url: String, lookalikeOf domain: String?) {
        let link = checker.check(url)
        if let domain {
            #expect(link.has(.homograph), "\(link.findings)")
            #expect(link.findings.contains { $0.message.hasSuffix("looks like verified domain '\(domain)'") })
        } else {
            #expect(!link.has(.homograph))
            #expect(link.has(.domainNotVerified))
        }
        #expect(!link.isSafe)
    }

    @Test(
        "Labels mixing scripts or digit systems are rejected, allowed script combinations are not",
        arguments: [
            ("https://paypаl.evil.example/", true), ("https://shορ.example/", true), ("https://٣3.example/", true),
            ("https://ファッションshop.example/", false), ("https://新华net.example/", false),
            ("https://한국shop.example/", false), ("https://ελλάδα.example/", false),
        ]
    )
    func mixedScripts(url: String, mixed: Bool) {
        #expect(codes(url).contains(.mixedScript) == mixed)
    }

    @Test(
        "Invisible and bidi characters anywhere in a url are flagged and shown percent-encoded",
        arguments: [
            "https://maison-lumiere.fr/p\u{202E}1", "https://maison\u{200B}-lumiere.fr/",
            "https://maison-lumiere.fr\u{200D}/", "https://\u{2066}maison-lumiere.fr/",
            "https://maison-lumiere.fr/p?q=\u{FEFF}", "https://mai\u{AD}son-lumiere.fr/",
            "https://maison-lumiere.fr\u{3000}.evil.example/", "https://maison-lumiere.fr/p#\u{200F}",
            "https://maison-lumiere.fr/p?q=%E2%80%AE", "\u{202E}https://maison-lumiere.fr/",
        ]
    )
    func invisibleCharactersAreFlagged(url: String) {
        let link = checker.check(url)
        #expect(link.has(.invisibleCharacter), "\(link.findings)")
        let hidden: (Unicode.Scalar) -> Bool = { IDNA.isInvisible($0) && !$0.isASCII }
        #expect(!link.unicodeForm.unicodeScalars.contains(where: hidden))
        #expect(!link.asciiForm.unicodeScalars.contains { !$0.isASCII })
    }

    @Test("Bidi controls in ad copy are flagged, emoji joiners and no-break spaces are not")
    func bidiControlInCopyFlagged() {
        let flagged = LinkChecker.hiddenCharacterFindings(inCopy: "Soldes \u{202E}gnp.exe\u{202C} -50 %")
        #expect(flagged.map(\.code) == [.invisibleCharacter, .invisibleCharacter])
        #expect(flagged[0].message == "copy contains invisible character U+202E (right-to-left override)")
        let emoji = "Nouveau\u{00A0}: 👩‍💻 ❤️ 🇫🇷\nLivraison offerte"
        #expect(LinkChecker.hiddenCharacterFindings(inCopy: emoji).isEmpty)
        #expect(LinkChecker.hiddenCharacterFindings(inCopy: "prix\u{200B}cassé").count == 1)
    }

    @Test(
        "Characters domain names do not allow are refused",
        arguments: [
            "https://maison_lumiere.fr/", "https://maison-lumiere.fr\u{FF0F}evil.example/", "https://shop☃.example/",
            "https://apple\u{2024}com/", "https://maison·lumiere.fr/",
        ]
    )
    func disallowedHostCharactersAreRefused(url: String) {
        #expect(codes(url).contains(.disallowedCharacter))
    }

    // MARK: - Findings

    @Test("Every finding code is stable snake_case and unique")
    func codesAreSnakeCase() {
        let all = LinkFinding.Code.allCases.map(\.rawValue)
        #expect(Set(all).count == all.count)
        for code in all {
            #expect(code.hasPrefix("link_"))
            #expect(code.allSatisfy { $0 == "_" || ("a"..."z").contains($0) })
        }
        #expect(LinkFinding.Code.homograph.rawValue == "link_homograph")
        #expect(LinkFinding.Code.openRedirect.rawValue == "link_open_redirect")
    }

    @Test("Messages are lower-case sentences and findings come in rule order")
    func messagesAreLowerCaseInRuleOrder() {
        let link = checker.check("http://user@аpple.com:8080/r?next=//evil.example")
        #expect(
            link.findings.map(\.code) == [
                .notHTTPS, .domainNotVerified, .userinfo, .port, .openRedirect, .homograph, .mixedScript,
            ]
        )
        for finding in link.findings {
            #expect(finding.message.first?.isLowercase == true)
            #expect(finding.description.hasPrefix(finding.code.rawValue + ": "))
        }
    }
}
