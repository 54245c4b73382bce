import CampaignCore
import FeedImport
import Foundation
import TestSupport
import Testing

/// A store with the sample brand's workspace and day-1 catalog.
func sampleStore(_ folder: TemporaryDirectory, clock: TestClock = TestClock()) throws -> CampaignStore {
    let store = try TestEngine.openStore(folder, context: .test(clock))
    _ = try store.initializeWorkspace(brand: "Maison Lumière", domains: ["maison-lumiere.fr"])
    _ = try store.importFeed(
        at: Paths.sampleBrand.appendingPathComponent("catalog-day1.xml").path,
        options: ImportOptions(catalog: "maison-lumiere", displayName: "catalog-day1.xml")
    )
    return store
}

/// The text of a sample campaign spec.
func sampleSpec(_ name: String) throws -> String {
    try String(contentsOf: Paths.sampleBrand.appendingPathComponent("campaigns/\(name).yml"), encoding: .utf8)
}

@Suite struct CampaignFormatTests {
    let folder: TemporaryDirectory
    let store: CampaignStore

    init() throws {
        folder = try TemporaryDirectory()
        store = try sampleStore(folder)
    }

    @Test(arguments: ["coussin-terracotta", "bougies-hiver", "linge-de-lit"])
    func sampleSpecsAreValid(name: String) throws {
        let (manifest, diagnostics) = try store.validateCampaign(yaml: sampleSpec(name), file: "\(name).yml")
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
        #expect(manifest?.campaignID == name)
    }

    @Test func aProductCardShowsTheSalePriceWithTheOriginalStruck() throws {
        let yaml = try sampleSpec("coussin-terracotta")
            .replacingOccurrences(of: "ML-COU-LIN-45-TER", with: "ML-COU-LIN-45-NAT")
            .replacingOccurrences(of: "attribute: custom_label_4", with: "product_link: true")
        let manifest = try #require(try store.validateCampaign(yaml: yaml, file: "c.yml").manifest)
        let card = try #require(manifest.cards.first)
        #expect(card.priceDisplay == "29,00\u{00A0}€")
        #expect(card.originalPriceDisplay == "39,00\u{00A0}€")
        #expect(card.product.salePriceMicros == 29_000_000)
    }

    @Test func theBuyDestinationGetsDeterministicUTMParameters() throws {
        let manifest = try #require(
            try store.validateCampaign(yaml: sampleSpec("bougies-hiver"), file: "b.yml").manifest
        )
        #expect(manifest.cards.map(\.product.id) == ["ML-BOU-FIG-180", "ML-BOU-COF-HIV", "ML-BOU-FEU-400"])
        #expect(
            manifest.cards[0].buyButton.destination.ascii
                == "https://checkout.maison-lumiere.fr/panier?ajout=ML-BOU-FIG-180&utm_source=x&utm_medium=paid_social"
                + "&utm_campaign=bougies-hiver&utm_content=ML-BOU-FIG-180&utm_id=bougies-hiver"
        )
        #expect(manifest.cards[0].buyButton.destination.checks.contains("https"))
    }

    @Test func aCollectionPutsItsHeroFirst() throws {
        let manifest = try #require(
            try store.validateCampaign(yaml: sampleSpec("linge-de-lit"), file: "l.yml").manifest
        )
        #expect(manifest.cards.map(\.role) == ["hero", "thumbnail", "thumbnail", "thumbnail"])
        #expect(manifest.cards.first?.product.id == "ML-LIN-DUV-140-NAT")
        #expect(manifest.cards.allSatisfy { $0.imageAspect == "1.91:1" })
    }

    @Test func theBrokenSampleReportsEveryProblemAtOnce() throws {
        let (manifest, diagnostics) = try store.validateCampaign(yaml: sampleSpec("broken"), file: "broken.yml")
        #expect(manifest == nil)
        #expect(
            Set(diagnostics.map(\.code))
                == [
                    "product_out_of_stock", "link_domain_not_verified", "link_userinfo", "unknown_template_variable",
                    "text_too_long",
                ]
        )
        let text = try #require(diagnostics.first { $0.code == "text_too_long" })
        #expect(text.productID == "ML-COU-LIN-45-TER")
        #expect(text.message.hasPrefix("the text is 352 weighted characters"))
        #expect(text.description.hasPrefix("broken.yml:12: error: [text_too_long] product 'ML-COU-LIN-45-TER': "))
    }

    /// A spec with `key: value` lines replaced or added.
    private func spec(_ base: String = "coussin-terracotta", replacing: [String: String] = [:]) throws -> String {
        var lines = try sampleSpec(base).components(separatedBy: "\n")
        for (key, value) in replacing {
            if let index = lines.firstIndex(where: { $0.hasPrefix(key + ":") }) {
                lines[index] = "\(key): \(value)"
                // Drop the old value's continuation lines (block scalars, nested mappings).
                while index + 1 < lines.count, lines[index + 1].hasPrefix("  ") {
                    lines.remove(at: index + 1)
                }
            } else {
                lines.append("\(key): \(value)")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func codes(_ yaml: String) throws -> [String] {
        try store.validateCampaign(yaml: yaml, file: "t.yml").diagnostics.filter { $0.severity == .error }.map(\.code)
    }

    @Test func aCarouselNeedsTwoToSixProducts() throws {
        let one = try spec(replacing: ["format": "carousel"])
        #expect(try codes(one) == ["wrong_product_count"])
    }

    @Test func aCollectionNeedsAHeroAmongItsProducts() throws {
        let yaml = try spec("linge-de-lit", replacing: ["hero": "ML-COU-LIN-45-TER"])
        #expect(try codes(yaml) == ["hero_not_selected"])
    }

    @Test func aHeadlineOverSeventyCharactersIsRefused() throws {
        let yaml = try spec(replacing: [
            "headline": "\"{{title}} — offre spéciale de la saison d'hiver, quantités limitées\""
        ])
        #expect(try codes(yaml) == ["headline_too_long"])
    }

    @Test func aTextOf280WeightedCharactersPassesAnd281Fails() throws {
        // The link counts 23 whatever its length; "{{link}} " is 24 weighted characters.
        let fits = try spec(replacing: ["text": "\"{{link}} \(String(repeating: "a", count: 256))\""])
        #expect(try codes(fits).isEmpty)
        let over = try spec(replacing: ["text": "\"{{link}} \(String(repeating: "a", count: 257))\""])
        #expect(try codes(over) == ["text_too_long"])
    }

    @Test func unknownAndDuplicatedFieldsAreErrorsWithTheirLines() throws {
        let unknownYAML = try sampleSpec("coussin-terracotta") + "\nbudjet: 3\n"
        let unknown = try #require(try store.validateCampaign(yaml: unknownYAML, file: "t.yml").diagnostics.first)
        #expect(unknown.code == "unknown_field")
        #expect(unknownYAML.components(separatedBy: "\n")[unknown.line - 1] == "budjet: 3")
        let duplicateYAML = try sampleSpec("coussin-terracotta") + "\nformat: carousel\n"
        let duplicate = try #require(try store.validateCampaign(yaml: duplicateYAML, file: "t.yml").diagnostics.first)
        #expect(duplicate.code == "duplicate_field")
        #expect(duplicateYAML.components(separatedBy: "\n")[duplicate.line - 1] == "format: carousel")
    }

    @Test func moneyIsReadExactlyFromTheYAMLText() throws {
        let yaml = try sampleSpec("coussin-terracotta").replacingOccurrences(of: "daily: 40.00", with: "daily: 0.29")
        let manifest = try #require(try store.validateCampaign(yaml: yaml, file: "t.yml").manifest)
        #expect(manifest.budget.dailyMicros == 290_000)
        #expect(manifest.budget.totalMicros == 600_000_000)
    }

    @Test(arguments: [
        ("schedule:\n  start: 2026-12-01T09:00:00\n  end: 2026-12-15T23:59:00+01:00", "invalid_date"),
        ("schedule:\n  start: 2026-12-15T09:00:00+01:00\n  end: 2026-12-01T23:59:00+01:00", "schedule_inconsistent"),
        ("budget:\n  currency: EUR\n  daily: 50\n  total: 10", "budget_inconsistent"),
        ("budget:\n  currency: EUX\n  daily: 5\n  total: 10", "invalid_currency"),
        ("targeting:\n  countries: [FR, XX]\n  languages: [fr]", "invalid_country"),
        ("account: maison lumière", "invalid_account"),
    ])
    func badSettingsAreLocatedErrors(block: String, code: String) throws {
        var yaml = try sampleSpec("coussin-terracotta")
        let key = String(block.prefix { $0 != ":" })
        // Drop the sample's own block for that key, then append ours.
        var kept: [String] = []
        var skipping = false
        for line in yaml.components(separatedBy: "\n") {
            if line.hasPrefix(key + ":") {
                skipping = true
                continue
            }
            if skipping, line.hasPrefix("  ") {
                continue
            }
            skipping = false
            kept.append(line)
        }
        yaml = kept.joined(separator: "\n") + "\n" + block + "\n"
        #expect(try codes(yaml).contains(code), "\(block)")
    }
}

@Suite struct CampaignRevisionTests {
    @Test func theSameSpecGivesTheSameDigestOnEveryRunAndStore() throws {
        let first = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        let a = try sampleStore(first)
        let b = try sampleStore(second, clock: TestClock(Date(timeIntervalSince1970: 1_800_000_000)))
        let yaml = try sampleSpec("bougies-hiver")
        let digestA = try #require(try a.validateCampaign(yaml: yaml, file: "x.yml").manifest).digest()
        let digestB = try #require(try b.validateCampaign(yaml: yaml, file: "y.yml").manifest).digest()
        #expect(digestA == digestB)
        let (revision, _, _) = try a.createCampaign(yaml: yaml, file: "x.yml", author: nil)
        #expect(revision.digest == digestA)
        #expect(try CanonicalJSON(parsing: revision.manifestJSON).sha256Hex == revision.digest)
    }

    @Test func aPriceChangeInTheNextFeedYieldsANewRevisionAndDigest() throws {
        let folder = try TemporaryDirectory()
        let store = try sampleStore(folder)
        let (first, _, _) = try store.createCampaign(
            yaml: sampleSpec("coussin-terracotta"),
            file: "c.yml",
            author: nil
        )
        let unchanged = try store.updateCampaign(id: "coussin-terracotta", yaml: nil, file: nil, author: nil)
        #expect(unchanged.revision == nil)
        _ = try store.importFeed(
            at: Paths.sampleBrand.appendingPathComponent("catalog-day2.xml").path,
            options: ImportOptions(catalog: "maison-lumiere")
        )
        let updated = try store.updateCampaign(id: "coussin-terracotta", yaml: nil, file: nil, author: nil)
        let second = try #require(updated.revision)
        #expect(second.revision == 2)
        #expect(second.reason == "catalog changed")
        #expect(second.digest != first.digest)
        let diff = try store.campaignDiff("coussin-terracotta")
        #expect(
            diff.changes.contains(
                ManifestChange(path: "cards[0].product.price_micros", before: "39000000", after: "34000000")
            )
        )
        #expect(
            diff.changes.contains(
                ManifestChange(path: "cards[0].price_display", before: "39,00\u{00A0}€", after: "34,00\u{00A0}€")
            )
        )
        #expect(try store.campaignRevisions("coussin-terracotta").map(\.revision) == [1, 2])
    }

    @Test func aSpecWithErrorsStoresNothing() throws {
        let folder = try TemporaryDirectory()
        let store = try sampleStore(folder)
        #expect(throws: CampaignValidationFailure.self) {
            _ = try store.createCampaign(yaml: sampleSpec("broken"), file: "broken.yml", author: nil)
        }
        #expect(try store.campaigns().isEmpty)
    }

    @Test func aCampaignIdIsUnique() throws {
        let folder = try TemporaryDirectory()
        let store = try sampleStore(folder)
        _ = try store.createCampaign(yaml: sampleSpec("coussin-terracotta"), file: "c.yml", author: nil)
        #expect(throws: CampaignError.alreadyExists("coussin-terracotta")) {
            _ = try store.createCampaign(yaml: sampleSpec("coussin-terracotta"), file: "c.yml", author: nil)
        }
    }

    @Test func aDestinationOffTheVerifiedDomainsIsRefusedAfterEveryRender() throws {
        let folder = try TemporaryDirectory()
        let store = try sampleStore(folder)
        let attacks = [
            "https://checkout.maison-lumiere.fr.evil.example/p?sku={{id}}": "link_domain_not_verified",
            "http://checkout.maison-lumiere.fr/p?sku={{id}}": "link_not_https",
            "https://checkout.maison-lumiere.fr/p?sku={{id}}&next=https://evil.example": "link_open_redirect",
            "https://xn--maison-lumire-6gb.fr/p?sku={{id}}": "link_homograph",
            "https://checkout.maison-lumiere.fr:8443/p?sku={{id}}": "link_port",
            "https://bit.ly/3xYz": "link_shortener",
            "https://93.184.216.34/p?sku={{id}}": "link_ip_host",
        ]
        for (url, code) in attacks {
            let yaml = try sampleSpec("bougies-hiver").replacingOccurrences(
                of: "\"https://checkout.maison-lumiere.fr/panier?ajout={{id}}\"",
                with: "\"\(url)\""
            )
            let errors = try store.validateCampaign(yaml: yaml, file: "b.yml").diagnostics.filter {
                $0.severity == .error
            }
            #expect(errors.contains { $0.code == code }, "\(url): \(errors.map(\.code))")
        }
    }
}
