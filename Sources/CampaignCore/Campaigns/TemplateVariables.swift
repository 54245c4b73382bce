import FeedImport
import Foundation
import Mustache

/// The variables tweet, headline and checkout-URL templates can use, per product.
enum TemplateVariables {
    /// Every variable name a template may use (inside `{{#products}}` too).
    static let known: Set<String> = [
        "id", "title", "brand", "price", "sale_price", "original_price", "currency", "link",
        "availability", "product_type", "item_group_id", "custom_label_0", "custom_label_1", "custom_label_2",
        "custom_label_3", "custom_label_4", "count", "products", "handle",
    ]

    /// The values for one product. `price` is what the buyer pays (the sale price when there is one);
    /// `link` is the landing page with the campaign's UTM parameters.
    static func product(_ product: StoredProduct, spec: CampaignSpec, count: Int) -> [String: Any] {
        let locale = spec.locale.value
        let paid = product.salePriceMicros ?? product.priceMicros
        var values: [String: Any] = [
            "id": product.id,
            "title": product.title,
            "brand": product.brand ?? "",
            "price": PriceFormatter.format(micros: paid, currency: product.currency, locale: locale),
            "sale_price": product.salePriceMicros.map {
                PriceFormatter.format(micros: $0, currency: product.currency, locale: locale)
            } ?? "",
            "original_price": PriceFormatter.format(
                micros: product.priceMicros,
                currency: product.currency,
                locale: locale
            ),
            "currency": product.currency,
            "link": UTMTagger.tag(product.link, spec: spec, productID: product.id),
            "availability": product.availability,
            "product_type": product.productType ?? "",
            "item_group_id": product.itemGroupID ?? "",
            "count": count,
            "handle": spec.account.value,
        ]
        for (index, label) in product.customLabels.enumerated() {
            values["custom_label_\(index)"] = label ?? ""
        }
        return values
    }

    /// A top-level attribute of the product as text (typed columns first, then the canonical JSON).
    static func attribute(_ name: String, of product: StoredProduct) -> String? {
        if name.hasPrefix("custom_label_"), let index = Int(name.dropFirst("custom_label_".count)),
            product.customLabels.indices.contains(index)
        {
            return product.customLabels[index]
        }
        switch name {
        case "link": return product.link
        case "image_link": return product.imageLink
        default: break
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(product.attributesJSON.utf8)) as? [String: Any]
        else {
            return nil
        }
        return object[name] as? String
    }

    /// Variable names used by `{{name}}`, `{{{name}}}`, `{{&name}}`, `{{#name}}` and `{{^name}}` tags.
    static func names(in template: String) -> [String] {
        var names: [String] = []
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else {
                break
            }
            var tag = rest[..<close.lowerBound]
            rest = rest[close.upperBound...]
            if tag.hasPrefix("{") {
                tag = tag.dropFirst()
                if rest.hasPrefix("}") {
                    rest = rest.dropFirst()
                }
            }
            guard let first = tag.first, !"!%>/=".contains(first) else {
                continue
            }
            if "#^&".contains(first) {
                tag = tag.dropFirst()
            }
            let name = tag.trimmingCharacters(in: .whitespaces)
            if name != ".", let head = name.split(separator: ".").first {
                names.append(String(head))
            }
        }
        return names
    }

    private static let registration: Void = {
        MustacheContentTypes.register(URLComponentContentType(), named: "URL")
    }()

    /// Registers the `URL` content type (values percent-encoded) once per process.
    static func registerURLContentType() {
        _ = registration
    }
}

/// Percent-encodes every variable rendered into a URL template (RFC 3986 unreserved characters stay).
struct URLComponentContentType: MustacheContentType {
    func escapeText(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128))
        )
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// Prices as a buyer reads them in the campaign's locale (`34,00 €` in fr-FR, `€34.00` in en-IE).
enum PriceFormatter {
    static func format(micros: Int64, currency: String, locale: String) -> String {
        let text = Money.decimalString(micros: micros, currency: currency)
        guard let amount = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            return "\(text) \(currency)"
        }
        let style = Decimal.FormatStyle.Currency(
            code: currency,
            locale: Locale(identifier: locale.replacingOccurrences(of: "-", with: "_"))
        )
        return amount.formatted(style)
    }
}

/// Adds the campaign's UTM parameters to a URL, deterministically.
enum UTMTagger {
    /// `utm_source`, `utm_medium`, `utm_campaign`, `utm_content` (product id) and `utm_id` (campaign id),
    /// in that order, after the URL's own parameters (any `utm_*` it had are replaced), before its fragment.
    static func tag(_ url: String, spec: CampaignSpec, productID: String) -> String {
        var base = url
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = String(base[..<hash])
        }
        var query: [String] = []
        if let mark = base.firstIndex(of: "?") {
            query = base[base.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true).map(
                String.init
            )
            base = String(base[..<mark])
        }
        query.removeAll { $0.lowercased().hasPrefix("utm_") }
        let encode = URLComponentContentType()
        query += [
            "utm_source=\(encode.escapeText(spec.utm.source.value))",
            "utm_medium=\(encode.escapeText(spec.utm.medium.value))",
            "utm_campaign=\(encode.escapeText(spec.utm.campaign.value))",
            "utm_content=\(encode.escapeText(productID))",
            "utm_id=\(encode.escapeText(spec.id.value))",
        ]
        return base + "?" + query.joined(separator: "&") + fragment
    }
}
