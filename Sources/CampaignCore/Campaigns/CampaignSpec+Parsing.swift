import FeedImport
import Foundation
import Yams

extension CampaignSpec {
    /// Parses a campaign spec, collecting every problem with its line instead of stopping at the first.
    ///
    /// YAML is composed with Yams into nodes (which carry line marks) rather than decoded with
    /// `YAMLDecoder`, whose errors have no location. Unknown and duplicated keys are errors, so a
    /// typo never silently drops a setting. Missing required values get an error and a placeholder,
    /// so that later checks (products, texts, links) still run and report their own problems.
    public static func parse(yaml: String, file: String) -> (spec: CampaignSpec?, diagnostics: [CampaignDiagnostic]) {
        var parser = SpecParser(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
            // Yams refuses duplicated keys itself; point at the repeated line of each.
            for key in duplicates {
                let line = Self.lineOfRepeatedKey(key, in: yaml) ?? context.mark.line
                parser.error("duplicate_field", line: line, "'\(key)' is given twice")
            }
            return (nil, parser.diagnostics)
        } catch let error as YamlError {
            parser.error(
                "yaml_syntax",
                line: Self.line(of: error),
                "the file is not valid YAML: \(Self.problem(of: error))"
            )
            return (nil, parser.diagnostics)
        } catch {
            parser.error("yaml_syntax", line: 0, "the file is not valid YAML: \(error)")
            return (nil, parser.diagnostics)
        }
        guard let root, let mapping = root.mapping else {
            parser.error(
                "spec_not_a_mapping",
                line: root?.mark?.line ?? 1,
                "a campaign spec is a mapping of fields (name:, format:, …)"
            )
            return (nil, parser.diagnostics)
        }
        let spec = parser.spec(from: mapping)
        return (spec, parser.diagnostics)
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            mark.line
        default:
            0
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            problem
        default:
            String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }

    /// The 1-based line of the second `key:` at the same indentation as the first.
    private static func lineOfRepeatedKey(_ key: String, in yaml: String) -> Int? {
        var firstIndent: Int?
        for (index, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = line.prefix { $0 == " " }.count
            guard line.dropFirst(indent).hasPrefix(key + ":") else {
                continue
            }
            if let firstIndent {
                if indent == firstIndent {
                    return index + 1
                }
            } else {
                firstIndent = indent
            }
        }
        return nil
    }
}

/// Walks the YAML nodes and builds a ``CampaignSpec``, recording a diagnostic for every problem.
private struct SpecParser {
    let file: String
    var diagnostics: [CampaignDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    mutating func error(_ code: String, line: Int, _ message: String) {
        diagnostics.append(CampaignDiagnostic(.error, code, file: file, line: line, message))
    }

    mutating func warning(_ code: String, line: Int, _ message: String) {
        diagnostics.append(CampaignDiagnostic(.warning, code, file: file, line: line, message))
    }

    // MARK: Mappings

    /// The mapping's values by key, after reporting unknown and duplicated keys.
    mutating func fields(
        of mapping: Node.Mapping,
        known: Set<String>,
        context: String
    ) -> [String: Node] {
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            let line = keyNode.mark?.line ?? 0
            guard let key = keyNode.scalar?.string else {
                error("invalid_key", line: line, "\(context) keys must be plain names")
                continue
            }
            guard known.contains(key) else {
                let expected = known.sorted().joined(separator: ", ")
                error(
                    "unknown_field",
                    line: line,
                    "unknown field '\(key)' in \(context) (expected one of: \(expected))"
                )
                continue
            }
            if result[key] != nil {
                error("duplicate_field", line: line, "'\(key)' is given twice in \(context)")
                continue
            }
            result[key] = value
        }
        return result
    }

    mutating func string(
        _ node: Node?,
        _ name: String,
        required: Bool,
        parentLine: Int
    ) -> CampaignSpec.Located<String>? {
        guard let node else {
            if required {
                error("missing_field", line: parentLine, "'\(name)' is required")
            }
            return nil
        }
        guard let scalar = node.scalar else {
            error("invalid_value", line: node.mark?.line ?? parentLine, "'\(name)' must be a single value")
            return nil
        }
        let text = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && text.isEmpty {
            error("missing_field", line: scalar.mark?.line ?? parentLine, "'\(name)' is empty")
            return nil
        }
        return CampaignSpec.Located(text, line: scalar.mark?.line ?? parentLine)
    }

    /// A scalar or a sequence of scalars, as a list.
    mutating func list(_ node: Node?, _ name: String, parentLine: Int) -> [CampaignSpec.Located<String>] {
        guard let node else {
            return []
        }
        if let scalar = node.scalar {
            let text = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? [] : [CampaignSpec.Located(text, line: scalar.mark?.line ?? parentLine)]
        }
        guard let sequence = node.sequence else {
            error("invalid_value", line: node.mark?.line ?? parentLine, "'\(name)' must be a list")
            return []
        }
        var result: [CampaignSpec.Located<String>] = []
        for item in sequence {
            guard let scalar = item.scalar else {
                error(
                    "invalid_value",
                    line: item.mark?.line ?? parentLine,
                    "every entry of '\(name)' must be a single value"
                )
                continue
            }
            result.append(
                CampaignSpec.Located(
                    scalar.string.trimmingCharacters(in: .whitespaces),
                    line: scalar.mark?.line ?? parentLine
                )
            )
        }
        return result
    }

    // MARK: The spec

    static let topLevel: Set<String> = [
        "id", "name", "account", "catalog", "format", "products", "hero", "image_aspect", "text", "headline",
        "locale", "buy_button", "budget", "schedule", "targeting", "utm",
    ]

    mutating func spec(from mapping: Node.Mapping) -> CampaignSpec {
        let top = mapping.mark?.line ?? 1
        let fields = fields(of: mapping, known: Self.topLevel, context: "the campaign")
        let name = string(fields["name"], "name", required: true, parentLine: top) ?? .init("", line: top)
        let id = campaignID(fields["id"], name: name, top: top)
        let account = accountHandle(fields["account"], top: top)
        let catalog = string(fields["catalog"], "catalog", required: true, parentLine: top) ?? .init("", line: top)
        let format =
            enumeration(fields["format"], "format", PromotedFormat.self, top: top) ?? .init(.productCard, line: 0)
        let imageAspect =
            enumeration(fields["image_aspect"], "image_aspect", ImageAspect.self, top: top)
            ?? .init(.square, line: 0)
        if fields["image_aspect"] == nil {
            error(
                "missing_field",
                line: top,
                "'image_aspect' is required (1:1 or 1.91:1): campaignctl cannot measure "
                    + "images offline, so the ratio is declared, signed by the approvers and sent to the platform"
            )
        }
        let text = string(fields["text"], "text", required: true, parentLine: top) ?? .init("", line: top)
        let headline =
            string(fields["headline"], "headline", required: false, parentLine: top) ?? .init("{{title}}", line: 0)
        let locale = localeIdentifier(fields["locale"], top: top)
        let selection = productSelection(fields["products"], format: format.value, top: top)
        let hero = string(fields["hero"], "hero", required: false, parentLine: top)
        if hero != nil && format.value != .collection {
            warning("hero_ignored", line: hero?.line ?? top, "'hero' is only used by the collection format")
        }
        let buy = buyButton(fields["buy_button"], top: top)
        let budget = budget(fields["budget"], top: top)
        let schedule = schedule(fields["schedule"], top: top)
        let targeting = targeting(fields["targeting"], top: top)
        let utm = utm(fields["utm"], campaignID: id.value, top: top)
        return CampaignSpec(
            file: file,
            id: id,
            name: name,
            account: account,
            catalog: catalog,
            format: format,
            selection: selection,
            hero: hero,
            imageAspect: imageAspect,
            text: text,
            headline: headline,
            locale: locale,
            buyButton: buy,
            budget: budget,
            schedule: schedule,
            targeting: targeting,
            utm: utm
        )
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable & Sendable & Hashable>(
        _ node: Node?,
        _ name: String,
        _ type: E.Type,
        top: Int,
        required: Bool = true
    ) -> CampaignSpec.Located<E>? where E.RawValue == String {
        guard let text = string(node, name, required: required, parentLine: top) else {
            return nil
        }
        guard let value = E(rawValue: text.value) else {
            let expected = E.allCases.map(\.rawValue).joined(separator: ", ")
            error(
                "invalid_value",
                line: text.line,
                "'\(text.value)' is not a valid \(name) (expected one of: \(expected))"
            )
            return nil
        }
        return .init(value, line: text.line)
    }

    mutating func campaignID(
        _ node: Node?,
        name: CampaignSpec.Located<String>,
        top: Int
    ) -> CampaignSpec.Located<String> {
        if let given = string(node, "id", required: false, parentLine: top) {
            let valid =
                !given.value.isEmpty && given.value.count <= 64
                && given.value.utf8.allSatisfy {
                    (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D
                }
            if !valid {
                error(
                    "invalid_campaign_id",
                    line: given.line,
                    "the id '\(given.value)' must be 1–64 characters of a–z, 0–9 and '-'"
                )
            }
            return given
        }
        return .init(CampaignSpec.slug(name.value), line: name.line)
    }

    mutating func accountHandle(_ node: Node?, top: Int) -> CampaignSpec.Located<String> {
        guard let handle = string(node, "account", required: true, parentLine: top) else {
            return .init("", line: top)
        }
        let name = handle.value.hasPrefix("@") ? String(handle.value.dropFirst()) : handle.value
        let valid =
            (1...15).contains(name.count)
            && name.utf8.allSatisfy {
                (0x61...0x7A).contains($0) || (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F
            }
        if !valid {
            error(
                "invalid_account",
                line: handle.line,
                "'\(handle.value)' is not an X handle (@ and 1–15 letters, digits or _)"
            )
        }
        return .init("@" + name, line: handle.line)
    }

    mutating func localeIdentifier(_ node: Node?, top: Int) -> CampaignSpec.Located<String> {
        guard let locale = string(node, "locale", required: false, parentLine: top) else {
            return .init("en-US", line: 0)
        }
        let parts = locale.value.split(separator: "-")
        let valid =
            (1...2).contains(parts.count) && parts[0].count == 2 && parts[0].allSatisfy(\.isLowercase)
            && (parts.count == 1 || (parts[1].count == 2 && parts[1].allSatisfy(\.isUppercase)))
        if !valid {
            error("invalid_locale", line: locale.line, "'\(locale.value)' is not a locale like 'fr-FR' or 'en'")
        }
        return locale
    }

    // MARK: Products

    static let productKeys: Set<String> = [
        "ids", "brand", "product_type", "custom_label_0", "custom_label_1", "custom_label_2", "custom_label_3",
        "custom_label_4", "price_min", "price_max", "availability", "item_group_id", "max", "order",
    ]

    mutating func productSelection(_ node: Node?, format: PromotedFormat, top: Int) -> ProductSelection {
        var selection = ProductSelection(
            ids: [],
            customLabels: [:],
            availability: [],
            order: .init(.id, line: 0),
            line: node?.mark?.line ?? top
        )
        guard let node else {
            error("missing_field", line: top, "'products' is required (a list of ids, or a filter)")
            return selection
        }
        if node.sequence != nil {
            selection.ids = list(node, "products", parentLine: top)
            return selection
        }
        guard let mapping = node.mapping else {
            error("invalid_value", line: node.mark?.line ?? top, "'products' is a list of ids or a filter mapping")
            return selection
        }
        let line = mapping.mark?.line ?? top
        let fields = fields(of: mapping, known: Self.productKeys, context: "products")
        selection.ids = list(fields["ids"], "ids", parentLine: line)
        selection.brand = string(fields["brand"], "brand", required: false, parentLine: line)
        selection.productType = string(fields["product_type"], "product_type", required: false, parentLine: line)
        for index in 0..<5 {
            if let label = string(
                fields["custom_label_\(index)"],
                "custom_label_\(index)",
                required: false,
                parentLine: line
            ) {
                selection.customLabels[index] = label
            }
        }
        selection.minPrice = price(fields["price_min"], "price_min", line: line)
        selection.maxPrice = price(fields["price_max"], "price_max", line: line)
        for value in list(fields["availability"], "availability", parentLine: line) {
            if let availability = Availability(rawValue: value.value) {
                selection.availability.append(.init(availability, line: value.line))
            } else {
                let expected = Availability.allCases.map(\.rawValue).joined(separator: ", ")
                error(
                    "invalid_value",
                    line: value.line,
                    "'\(value.value)' is not an availability (expected one of: \(expected))"
                )
            }
        }
        selection.itemGroupID = string(fields["item_group_id"], "item_group_id", required: false, parentLine: line)
        if let max = string(fields["max"], "max", required: false, parentLine: line) {
            if let count = Int(max.value), count > 0 {
                selection.limit = .init(count, line: max.line)
            } else {
                error("invalid_value", line: max.line, "'max' must be a positive whole number")
            }
        }
        if let order = enumeration(fields["order"], "order", SelectionOrder.self, top: line, required: false) {
            selection.order = order
        }
        if !selection.ids.isEmpty {
            let filters =
                ["brand", "product_type", "price_min", "price_max", "availability", "item_group_id", "max", "order"]
                + (0..<5).map { "custom_label_\($0)" }
            if let extra = filters.first(where: { fields[$0] != nil }) {
                error(
                    "conflicting_selection",
                    line: line,
                    "'ids' lists the products explicitly; '\(extra)' cannot be combined with it"
                )
            }
        }
        return selection
    }

    mutating func price(_ node: Node?, _ name: String, line: Int) -> CampaignSpec.Located<Money>? {
        guard let text = string(node, name, required: false, parentLine: line) else {
            return nil
        }
        switch Money.parse(text.value) {
        case .success(let money):
            return .init(money, line: text.line)
        case .failure(let failure):
            error("invalid_price", line: text.line, "'\(name)': \(failure)")
            return nil
        }
    }

    // MARK: Buy button

    mutating func buyButton(_ node: Node?, top: Int) -> BuyButtonSpec {
        let fallback = BuyButtonSpec(label: .init("Buy", line: 0), destination: .init(.productLink, line: 0))
        guard let node else {
            error("missing_field", line: top, "'buy_button' is required (checkout_url, attribute or product_link)")
            return fallback
        }
        guard let mapping = node.mapping else {
            error("invalid_value", line: node.mark?.line ?? top, "'buy_button' is a mapping")
            return fallback
        }
        let line = mapping.mark?.line ?? top
        let fields = fields(
            of: mapping,
            known: ["label", "checkout_url", "attribute", "product_link"],
            context: "buy_button"
        )
        let label = string(fields["label"], "label", required: false, parentLine: line) ?? .init("Buy", line: 0)
        if label.value.count > 20 {
            error(
                "button_label_too_long",
                line: label.line,
                "the button label is \(label.value.count) characters (at most 20)"
            )
        }
        let given = ["checkout_url", "attribute", "product_link"].filter { fields[$0] != nil }
        guard given.count == 1, let kind = given.first else {
            error("invalid_buy_destination", line: line, "give exactly one of checkout_url, attribute or product_link")
            return BuyButtonSpec(label: label, destination: fallback.destination)
        }
        switch kind {
        case "checkout_url":
            let template =
                string(fields["checkout_url"], "checkout_url", required: true, parentLine: line)
                ?? .init("", line: line)
            return BuyButtonSpec(
                label: label,
                destination: .init(.checkoutTemplate(template.value), line: template.line)
            )
        case "attribute":
            let attribute =
                string(fields["attribute"], "attribute", required: true, parentLine: line) ?? .init("", line: line)
            return BuyButtonSpec(label: label, destination: .init(.attribute(attribute.value), line: attribute.line))
        default:
            let flag = string(fields["product_link"], "product_link", required: true, parentLine: line)
            if let flag, flag.value != "true" {
                error("invalid_value", line: flag.line, "'product_link' can only be true")
            }
            return BuyButtonSpec(label: label, destination: .init(.productLink, line: flag?.line ?? line))
        }
    }

    // MARK: Budget, schedule, targeting, UTM

    mutating func budget(_ node: Node?, top: Int) -> BudgetSpec {
        var budget = BudgetSpec(
            currency: .init("", line: 0),
            dailyMicros: .init(0, line: 0),
            totalMicros: .init(0, line: 0)
        )
        guard let mapping = node?.mapping else {
            error(
                node == nil ? "missing_field" : "invalid_value",
                line: node?.mark?.line ?? top,
                "'budget' is required: currency, daily and total"
            )
            return budget
        }
        let line = mapping.mark?.line ?? top
        let fields = fields(
            of: mapping,
            known: ["currency", "daily", "total", "daily_micros", "total_micros"],
            context: "budget"
        )
        if let currency = string(fields["currency"], "currency", required: true, parentLine: line) {
            budget.currency = .init(currency.value.uppercased(), line: currency.line)
            if !Currency.isKnown(budget.currency.value) {
                error("invalid_currency", line: currency.line, "'\(currency.value)' is not an ISO 4217 currency code")
            }
        }
        budget.dailyMicros = amount(fields, "daily", line: line)
        budget.totalMicros = amount(fields, "total", line: line)
        if budget.dailyMicros.value > 0, budget.totalMicros.value > 0,
            budget.dailyMicros.value > budget.totalMicros.value
        {
            error(
                "budget_inconsistent",
                line: budget.dailyMicros.line,
                "the daily budget is larger than the total budget"
            )
        }
        return budget
    }

    /// `daily: 50.00` (decimal units, parsed exactly) or `daily_micros: 50000000`.
    mutating func amount(_ fields: [String: Node], _ name: String, line: Int) -> CampaignSpec.Located<Int64> {
        let decimal = string(fields[name], name, required: false, parentLine: line)
        let micros = string(fields[name + "_micros"], name + "_micros", required: false, parentLine: line)
        if decimal != nil && micros != nil {
            error("duplicate_field", line: micros?.line ?? line, "give '\(name)' or '\(name)_micros', not both")
        }
        var result: CampaignSpec.Located<Int64> = .init(0, line: line)
        if let decimal {
            switch Money.parseMicros(Substring(decimal.value)) {
            case .success(let value):
                result = .init(value, line: decimal.line)
            case .failure(let failure):
                error("invalid_budget", line: decimal.line, "'\(name)': \(failure)")
                return result
            }
        } else if let micros {
            guard let value = Int64(micros.value) else {
                error("invalid_budget", line: micros.line, "'\(name)_micros' must be a whole number of micros")
                return result
            }
            result = .init(value, line: micros.line)
        } else {
            error("missing_field", line: line, "'budget.\(name)' is required")
            return result
        }
        if result.value <= 0 {
            error("invalid_budget", line: result.line, "the \(name) budget must be positive")
        }
        return result
    }

    mutating func schedule(_ node: Node?, top: Int) -> ScheduleSpec {
        var schedule = ScheduleSpec(start: .init("", line: 0), end: .init("", line: 0))
        guard let mapping = node?.mapping else {
            error(
                node == nil ? "missing_field" : "invalid_value",
                line: node?.mark?.line ?? top,
                "'schedule' is required: start and end"
            )
            return schedule
        }
        let line = mapping.mark?.line ?? top
        let fields = fields(of: mapping, known: ["start", "end"], context: "schedule")
        var instants: [Int64] = []
        for name in ["start", "end"] {
            guard let text = string(fields[name], name, required: true, parentLine: line) else {
                continue
            }
            if name == "start" {
                schedule.start = text
            } else {
                schedule.end = text
            }
            if let instant = CampaignSpec.epochSeconds(iso8601: text.value) {
                instants.append(instant)
            } else {
                error(
                    "invalid_date",
                    line: text.line,
                    "'\(text.value)' is not an ISO 8601 date-time with an offset "
                        + "(e.g. 2026-12-01T09:00:00+01:00)"
                )
            }
        }
        if instants.count == 2, instants[1] <= instants[0] {
            error("schedule_inconsistent", line: schedule.end.line, "the end must be after the start")
        }
        return schedule
    }

    mutating func targeting(_ node: Node?, top: Int) -> TargetingSpec {
        var targeting = TargetingSpec(countries: [], languages: [], keywords: [])
        guard let mapping = node?.mapping else {
            error(
                node == nil ? "missing_field" : "invalid_value",
                line: node?.mark?.line ?? top,
                "'targeting' is required: countries and languages"
            )
            return targeting
        }
        let line = mapping.mark?.line ?? top
        let fields = fields(of: mapping, known: ["countries", "languages", "keywords"], context: "targeting")
        targeting.countries = list(fields["countries"], "countries", parentLine: line).map {
            .init($0.value.uppercased(), line: $0.line)
        }
        targeting.languages = list(fields["languages"], "languages", parentLine: line).map {
            .init($0.value.lowercased(), line: $0.line)
        }
        targeting.keywords = list(fields["keywords"], "keywords", parentLine: line)
        if targeting.countries.isEmpty {
            error("missing_field", line: line, "'targeting.countries' needs at least one country")
        }
        for country in targeting.countries where !CountryCodes.isKnown(country.value) {
            error("invalid_country", line: country.line, "'\(country.value)' is not an ISO 3166-1 alpha-2 country code")
        }
        for language in targeting.languages where !LanguageCodes.isKnown(language.value) {
            error("invalid_language", line: language.line, "'\(language.value)' is not an ISO 639-1 language code")
        }
        for keyword in targeting.keywords where keyword.value.isEmpty || keyword.value.count > 80 {
            error("invalid_keyword", line: keyword.line, "keywords are 1–80 characters")
        }
        return targeting
    }

    mutating func utm(_ node: Node?, campaignID: String, top: Int) -> UTMSpec {
        var utm = UTMSpec(
            source: .init("x", line: 0),
            medium: .init("paid_social", line: 0),
            campaign: .init(campaignID, line: 0)
        )
        guard let node else {
            return utm
        }
        guard let mapping = node.mapping else {
            error("invalid_value", line: node.mark?.line ?? top, "'utm' is a mapping of source, medium and campaign")
            return utm
        }
        let line = mapping.mark?.line ?? top
        let fields = fields(of: mapping, known: ["source", "medium", "campaign"], context: "utm")
        for (name, keyPath) in [
            ("source", \UTMSpec.source), ("medium", \UTMSpec.medium), ("campaign", \UTMSpec.campaign),
        ] {
            if let value = string(fields[name], name, required: false, parentLine: line) {
                let valid =
                    !value.value.isEmpty
                    && value.value.utf8.allSatisfy {
                        (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F
                            || $0 == 0x2E
                    }
                if !valid {
                    error(
                        "invalid_utm",
                        line: value.line,
                        "utm \(name) '\(value.value)' must be lower-case letters, digits, '-', '_' or '.'"
                    )
                }
                utm[keyPath: keyPath] = value
            }
        }
        return utm
    }
}

extension CampaignSpec {
    /// A URL-safe id from a name: ASCII letters and digits, lower-cased, other characters as '-'.
    public static func slug(_ name: String) -> String {
        let folded = name.folding(
            options: [.diacriticInsensitive, .caseInsensitive],
            locale: Locale(identifier: "en_US_POSIX")
        )
        var slug = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, slug.last != "-" {
                slug += "-"
            }
        }
        while slug.last == "-" {
            slug.removeLast()
        }
        return String(slug.prefix(64))
    }

    /// Seconds since 1970 for `YYYY-MM-DDThh:mm[:ss][.fff](Z|±hh:mm|±hhmm)`; an offset is required.
    public static func epochSeconds(iso8601 text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else {
                return nil
            }
            var value = 0
            for index in range {
                guard (0x30...0x39).contains(bytes[index]) else {
                    return nil
                }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard bytes.count >= 17, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54 || bytes[10] == 0x20,
            bytes[13] == 0x3A,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60
        else {
            return nil
        }
        var index = 16
        var second = 0
        if index < bytes.count, bytes[index] == 0x3A {
            guard let value = number(17..<19), value < 60 else {
                return nil
            }
            second = value
            index = 19
            if index < bytes.count, bytes[index] == 0x2E {
                index += 1
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                    index += 1
                }
            }
        }
        guard index < bytes.count else {
            return nil
        }
        var offset = 0
        if bytes[index] == 0x5A {
            guard index + 1 == bytes.count else {
                return nil
            }
        } else if bytes[index] == 0x2B || bytes[index] == 0x2D {
            let sign = bytes[index] == 0x2B ? 1 : -1
            let rest = bytes.count - index - 1
            guard let hours = number(index + 1..<index + 3) else {
                return nil
            }
            let minutes: Int?
            if rest == 5, bytes[index + 3] == 0x3A {
                minutes = number(index + 4..<index + 6)
            } else if rest == 4 {
                minutes = number(index + 3..<index + 5)
            } else {
                minutes = nil
            }
            guard let minutes, hours < 24, minutes < 60 else {
                return nil
            }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        // Days from the civil date (Howard Hinnant's algorithm), so no calendar object is needed.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Int64(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
    }
}
