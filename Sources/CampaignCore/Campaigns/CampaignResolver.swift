import FeedImport
import Foundation
import Mustache

/// Read access to the catalog, as the resolver needs it (the store implements it; tests may too).
public protocol CatalogReading {
    /// The stored product with that id, removed or not.
    func storedProduct(catalog: String, id: String) throws -> StoredProduct?
    /// Active, eligible products matching the filter, in the requested order.
    func selectProducts(catalog: String, selection: ProductSelection, limit: Int) throws -> [StoredProduct]
    /// Whether the catalog exists.
    func catalogExists(_ name: String) throws -> Bool
}

/// Turns a spec and the catalog into the manifest that would go live, checking every format rule,
/// text length and destination on the way. Pure: same spec and catalog data, same manifest bytes.
public struct CampaignResolver {
    /// The brand's verified domains (every destination must be on one of them).
    public var verifiedDomains: [String]

    /// Creates a resolver.
    public init(verifiedDomains: [String]) {
        self.verifiedDomains = verifiedDomains
    }

    /// The outcome: a manifest when there is no error, and every diagnostic.
    public struct Resolution: Sendable {
        public var manifest: CampaignManifest?
        public var diagnostics: [CampaignDiagnostic]
    }

    /// Resolves `spec` against the catalog.
    public func resolve(_ spec: CampaignSpec, catalog: some CatalogReading) throws -> Resolution {
        var context = ResolutionContext(spec: spec, checker: LinkChecker(verifiedDomains: verifiedDomains))
        if verifiedDomains.isEmpty {
            context.error(
                "no_verified_domains",
                line: 0,
                "the workspace has no verified domain; every destination would be refused "
                    + "(campaignctl init --domain …)"
            )
        }
        let products = try context.selectProducts(from: catalog)
        var cards: [CampaignManifest.Card] = []
        for (index, product) in products.enumerated() {
            if let card = context.card(for: product, position: index + 1, count: products.count) {
                cards.append(card)
            }
        }
        let tweet = context.tweet(products: products)
        let manifest = CampaignManifest(
            manifestVersion: 1,
            campaignID: spec.id.value,
            name: spec.name.value,
            account: spec.account.value,
            format: spec.format.value.rawValue,
            catalog: spec.catalog.value,
            tweet: tweet,
            cards: cards,
            budget: CampaignManifest.Budget(
                currency: spec.budget.currency.value,
                dailyMicros: spec.budget.dailyMicros.value,
                totalMicros: spec.budget.totalMicros.value
            ),
            schedule: CampaignManifest.Schedule(
                start: spec.schedule.start.value,
                end: spec.schedule.end.value,
                startEpoch: CampaignSpec.epochSeconds(iso8601: spec.schedule.start.value) ?? 0,
                endEpoch: CampaignSpec.epochSeconds(iso8601: spec.schedule.end.value) ?? 0
            ),
            targeting: CampaignManifest.Targeting(
                countries: Self.sortedUnique(spec.targeting.countries.map(\.value)),
                languages: Self.sortedUnique(spec.targeting.languages.map(\.value)),
                keywords: Self.sortedUnique(spec.targeting.keywords.map(\.value))
            ),
            utm: CampaignManifest.UTM(
                source: spec.utm.source.value,
                medium: spec.utm.medium.value,
                campaign: spec.utm.campaign.value
            )
        )
        let diagnostics = context.diagnostics
        return Resolution(manifest: diagnostics.hasErrors ? nil : manifest, diagnostics: diagnostics)
    }

    /// Order does not change an audience; sorting makes equal audiences equal bytes.
    static func sortedUnique(_ values: [String]) -> [String] {
        Array(Set(values)).sorted()
    }
}

/// The mutable state of one resolution: the spec, the link checker and the diagnostics so far.
private struct ResolutionContext {
    let spec: CampaignSpec
    let checker: LinkChecker
    var diagnostics: [CampaignDiagnostic] = []

    init(spec: CampaignSpec, checker: LinkChecker) {
        self.spec = spec
        self.checker = checker
    }

    mutating func error(_ code: String, line: Int, product: String? = nil, _ message: String) {
        diagnostics.append(CampaignDiagnostic(.error, code, file: spec.file, line: line, productID: product, message))
    }

    mutating func warning(_ code: String, line: Int, product: String? = nil, _ message: String) {
        diagnostics.append(CampaignDiagnostic(.warning, code, file: spec.file, line: line, productID: product, message))
    }

    // MARK: Products

    mutating func selectProducts(from catalog: some CatalogReading) throws -> [StoredProduct] {
        let format = spec.format.value
        let range = format.productRange
        guard !spec.catalog.value.isEmpty else {
            return []
        }
        guard try catalog.catalogExists(spec.catalog.value) else {
            error(
                "unknown_catalog",
                line: spec.catalog.line,
                "no catalog named '\(spec.catalog.value)' (import its feed first)"
            )
            return []
        }
        var products: [StoredProduct] = []
        let selection = spec.selection
        if selection.isExplicit {
            var seen = Set<String>()
            for id in selection.ids {
                guard seen.insert(id.value.lowercased()).inserted else {
                    error("duplicate_product", line: id.line, product: id.value, "the product is listed twice")
                    continue
                }
                guard let product = try catalog.storedProduct(catalog: spec.catalog.value, id: id.value) else {
                    error(
                        "product_not_found",
                        line: id.line,
                        product: id.value,
                        "no such product in catalog '\(spec.catalog.value)'"
                    )
                    continue
                }
                if checkEligible(product, line: id.line) {
                    products.append(product)
                }
            }
        } else {
            let limit = min(selection.limit?.value ?? range.upperBound, range.upperBound)
            products = try catalog.selectProducts(catalog: spec.catalog.value, selection: selection, limit: limit)
            if products.isEmpty {
                error(
                    "no_products_selected",
                    line: selection.line,
                    "the filter selects no eligible product "
                        + "(active, without errors, in stock or orderable with a date, with a price)"
                )
                return []
            }
        }
        if !diagnostics.hasErrors, !range.contains(products.count) {
            let line = selection.ids.first?.line ?? selection.line
            error(
                "wrong_product_count",
                line: line,
                "a \(format.rawValue) takes \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)") "
                    + "products; \(products.count) \(products.count == 1 ? "is" : "are") selected"
            )
        }
        let currencies = Set(products.map(\.currency))
        if currencies.count > 1 {
            error(
                "mixed_currencies",
                line: selection.line,
                "the selected products are priced in several currencies "
                    + "(\(currencies.sorted().joined(separator: ", "))); one promoted post shows one currency"
            )
        }
        if format == .collection, let hero = spec.hero {
            guard let index = products.firstIndex(where: { $0.id.lowercased() == hero.value.lowercased() }) else {
                error(
                    "hero_not_selected",
                    line: hero.line,
                    product: hero.value,
                    "the hero must be one of the selected products"
                )
                return products
            }
            products.insert(products.remove(at: index), at: 0)
        }
        return products
    }

    /// Current in the catalog, without error diagnostics, orderable, with a price.
    mutating func checkEligible(_ product: StoredProduct, line: Int) -> Bool {
        var eligible = true
        if product.status != "active" {
            error("product_removed", line: line, product: product.id, "the product is no longer in the catalog's feed")
            eligible = false
        }
        if let rejected = product.rejectedImportID {
            error(
                "product_has_errors",
                line: line,
                product: product.id,
                "import #\(rejected) rejected this item; "
                    + "the stored version is stale until the feed is fixed"
            )
            eligible = false
        }
        switch Availability(rawValue: product.availability) {
        case .outOfStock?:
            error("product_out_of_stock", line: line, product: product.id, "the product is out of stock")
            eligible = false
        case .preorder?, .backorder?:
            if product.availabilityDate == nil {
                error(
                    "product_missing_availability_date",
                    line: line,
                    product: product.id,
                    "a \(product.availability) product needs an availability date"
                )
                eligible = false
            }
        case .inStock?:
            break
        case nil:
            error(
                "product_out_of_stock",
                line: line,
                product: product.id,
                "unknown availability '\(product.availability)'"
            )
            eligible = false
        }
        if product.priceMicros <= 0 {
            error("product_without_price", line: line, product: product.id, "the product has no price")
            eligible = false
        }
        return eligible
    }

    // MARK: Cards

    mutating func card(for product: StoredProduct, position: Int, count: Int) -> CampaignManifest.Card? {
        let variables = TemplateVariables.product(product, spec: spec, count: count)
        let headline = render(spec.headline, variables: variables, product: product.id, what: "headline")
        if headline.isEmpty {
            error("empty_headline", line: spec.headline.line, product: product.id, "the headline renders empty")
        } else if headline.count > 70 {
            error(
                "headline_too_long",
                line: spec.headline.line,
                product: product.id,
                "the headline is \(headline.count) characters (at most 70): '\(headline)'"
            )
        }
        let image = checkedLink(product.imageLink, what: "image", line: spec.selection.line, product: product.id)
        _ = checkedLink(product.link, what: "product link", line: spec.selection.line, product: product.id)
        let destination = buyDestination(for: product)
        let price = PriceFormatter.format(
            micros: product.salePriceMicros ?? product.priceMicros,
            currency: product.currency,
            locale: spec.locale.value
        )
        let original = product.salePriceMicros.map { _ in
            PriceFormatter.format(micros: product.priceMicros, currency: product.currency, locale: spec.locale.value)
        }
        checkSaleWindow(product)
        let role: String
        switch spec.format.value {
        case .collection: role = position == 1 ? "hero" : "thumbnail"
        default: role = "card"
        }
        guard let image, let destination else {
            return nil
        }
        return CampaignManifest.Card(
            position: position,
            role: role,
            headline: headline,
            image: image,
            imageAspect: spec.imageAspect.value.rawValue,
            priceDisplay: price,
            originalPriceDisplay: original,
            buyButton: CampaignManifest.BuyButton(label: spec.buyButton.label.value, destination: destination),
            product: CampaignManifest.ProductSnapshot(
                id: product.id,
                title: product.title,
                priceMicros: product.priceMicros,
                salePriceMicros: product.salePriceMicros,
                currency: product.currency,
                availability: product.availability,
                imageLink: product.imageLink,
                link: product.link
            )
        )
    }

    /// The Buy button's final URL: template, attribute or product link, plus UTM parameters, checked.
    mutating func buyDestination(for product: StoredProduct) -> CampaignManifest.Link? {
        let line = spec.buyButton.destination.line
        let base: String
        switch spec.buyButton.destination.value {
        case .productLink:
            base = product.link
        case .attribute(let name):
            guard let value = TemplateVariables.attribute(name, of: product), !value.isEmpty else {
                error(
                    "buy_attribute_missing",
                    line: line,
                    product: product.id,
                    "the product has no '\(name)' to use as its Buy destination"
                )
                return nil
            }
            base = value
        case .checkoutTemplate(let template):
            let variables = TemplateVariables.product(product, spec: spec, count: 1)
            base = render(
                .init(template, line: line),
                variables: variables,
                product: product.id,
                what: "checkout_url",
                contentType: "URL"
            )
        }
        let url = UTMTagger.tag(base, spec: spec, productID: product.id)
        return checkedLink(url, what: "Buy button destination", line: line, product: product.id)
    }

    /// Checks a URL against the verified domains; each finding is an error naming the URL in both forms.
    mutating func checkedLink(_ url: String, what: String, line: Int, product: String?) -> CampaignManifest.Link? {
        let checked = checker.check(url)
        for finding in checked.findings {
            let forms =
                checked.unicodeForm == checked.asciiForm
                ? checked.asciiForm : "\(checked.asciiForm) (shown as \(checked.unicodeForm))"
            error(finding.code.rawValue, line: line, product: product, "\(what) \(forms): \(finding.message)")
        }
        guard checked.isSafe else {
            return nil
        }
        return CampaignManifest.Link(
            ascii: checked.asciiForm,
            unicode: checked.unicodeForm,
            checks: checked.passedChecks
        )
    }

    mutating func checkSaleWindow(_ product: StoredProduct) {
        guard product.salePriceMicros != nil,
            let window = TemplateVariables.attribute("sale_price_effective_date", of: product),
            let slash = window.firstIndex(of: "/"),
            let saleEnd = CampaignSpec.epochSeconds(iso8601: String(window[window.index(after: slash)...])),
            let campaignEnd = CampaignSpec.epochSeconds(iso8601: spec.schedule.end.value), saleEnd < campaignEnd
        else {
            return
        }
        warning(
            "sale_ends_before_campaign",
            line: spec.schedule.end.line,
            product: product.id,
            "the sale price ends (\(window[window.index(after: slash)...])) before the campaign does; the card would show a stale price"
        )
    }

    // MARK: Text

    mutating func tweet(products: [StoredProduct]) -> CampaignManifest.Tweet {
        let lead = products.first
        var variables = lead.map { TemplateVariables.product($0, spec: spec, count: products.count) } ?? [:]
        variables["products"] = products.map { TemplateVariables.product($0, spec: spec, count: products.count) }
        let text = render(spec.text, variables: variables, product: lead?.id, what: "text")
        let parsed = TweetText.parse(text)
        if text.isEmpty {
            error("empty_text", line: spec.text.line, product: lead?.id, "the text renders empty")
        } else if parsed.weightedLength > 280 {
            error(
                "text_too_long",
                line: spec.text.line,
                product: lead?.id,
                "the text is \(parsed.weightedLength) weighted characters (at most 280; every URL counts 23): '\(text)'"
            )
        }
        for finding in LinkChecker.hiddenCharacterFindings(inCopy: text) {
            error(
                "copy_" + finding.code.rawValue,
                line: spec.text.line,
                product: lead?.id,
                "the text: \(finding.message)"
            )
        }
        var links: [CampaignManifest.Link] = []
        for url in TweetText.extractURLs(text) {
            let absolute = url.contains("://") ? url : "https://" + url
            if let link = checkedLink(absolute, what: "link in the text", line: spec.text.line, product: lead?.id) {
                links.append(link)
            }
        }
        return CampaignManifest.Tweet(text: text, weightedLength: parsed.weightedLength, links: links)
    }

    /// Renders a Mustache template, refusing unknown variables (a typo must not vanish silently).
    mutating func render(
        _ template: CampaignSpec.Located<String>,
        variables: [String: Any],
        product: String?,
        what: String,
        contentType: String = "TEXT"
    ) -> String {
        for name in TemplateVariables.names(in: template.value) where !TemplateVariables.known.contains(name) {
            error(
                "unknown_template_variable",
                line: template.line,
                product: product,
                "\(what) uses {{\(name)}}, which is not a product field (known: \(TemplateVariables.known.sorted().joined(separator: ", ")))"
            )
        }
        TemplateVariables.registerURLContentType()
        do {
            let compiled = try MustacheTemplate(string: "{{% CONTENT_TYPE: \(contentType)}}" + template.value)
            return compiled.render(variables).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            self.error(
                "invalid_template",
                line: template.line,
                product: product,
                "\(what) is not a valid Mustache template: \(error)"
            )
            return ""
        }
    }
}
