/// Maps a Yandex Market Language `<offer>` onto Google's attribute names.
///
/// | YML | Google |
/// | --- | --- |
/// | `offer@id` | `id` |
/// | `offer@available` (`false`) | `availability` (`out_of_stock`, else `in_stock`) |
/// | `url` | `link` |
/// | `price` + `currencyId`, `oldprice` | `price`, or `price` = `oldprice` and `sale_price` = `price` |
/// | `picture` (first, rest) | `image_link`, `additional_image_link` |
/// | `name`, or `typePrefix vendor model` | `title` |
/// | `vendor`, `vendorCode`, `barcode` | `brand`, `mpn`, `gtin` |
/// | `categoryId` | `product_type` (the category path) |
/// | `param name= unit=` | `param` group (`name`, `unit`, `value`) |
///
/// Every other element keeps its YML name. `RUR`, YML's historical code for the rouble, becomes `RUB`.
enum YMLMapping {
    static func map(
        _ fields: [FeedField],
        offerAttributes: [XMLAttribute],
        line: Int,
        categoryPath: (String) -> String
    ) -> [FeedField] {
        var result: [FeedField] = []
        result.reserveCapacity(fields.count + 2)
        let attribute = { (name: String) in offerAttributes.first { $0.name == name }?.value }
        if let id = attribute("id") {
            result.append(FeedField(name: "id", origin: .yml, value: id, line: line))
        }
        let available = attribute("available").map { trimmed($0).lowercased() }
        result.append(
            FeedField(
                name: "availability",
                origin: .yml,
                value: available == "false" ? "out_of_stock" : "in_stock",
                line: line
            )
        )
        let currency = fields.first { $0.name == "currencyId" }.map { code -> String in
            let upper = trimmed(code.value).uppercased()
            return upper == "RUR" ? "RUB" : upper
        }
        let price = fields.first { $0.name == "price" }
        let oldPrice = fields.first { $0.name == "oldprice" }
        let withCurrency = { (value: String) in currency.map { "\(trimmed(value)) \($0)" } ?? trimmed(value) }
        if let price {
            if let oldPrice, isGreater(oldPrice.value, than: price.value) {
                result.append(
                    FeedField(name: "price", origin: .yml, value: withCurrency(oldPrice.value), line: oldPrice.line)
                )
                result.append(
                    FeedField(name: "sale_price", origin: .yml, value: withCurrency(price.value), line: price.line)
                )
            } else {
                result.append(
                    FeedField(name: "price", origin: .yml, value: withCurrency(price.value), line: price.line)
                )
            }
        }
        var hasName = false
        var pictures = 0
        for field in fields {
            var mapped = field
            switch field.name {
            case "price", "oldprice", "currencyId":
                continue
            case "url":
                mapped.name = "link"
            case "picture":
                mapped.name = pictures == 0 ? "image_link" : "additional_image_link"
                pictures += 1
            case "name":
                mapped.name = "title"
                hasName = true
            case "vendor":
                mapped.name = "brand"
            case "vendorCode":
                mapped.name = "mpn"
            case "barcode":
                mapped.name = "gtin"
            case "categoryId":
                mapped.name = "product_type"
                mapped.value = categoryPath(trimmed(field.value))
            case "param":
                var children: [FeedField] = field.xmlAttributes.map {
                    FeedField(name: $0.name, origin: .yml, value: $0.value, line: field.line)
                }
                children.append(FeedField(name: "value", origin: .yml, value: field.value, line: field.line))
                mapped = FeedField(name: "param", origin: .yml, value: "", line: field.line, children: children)
            default:
                break
            }
            result.append(mapped)
        }
        if !hasName, attribute("type") == "vendor.model" {
            let parts = ["typePrefix", "vendor", "model"].compactMap { name in
                fields.first { $0.name == name }.map { trimmed($0.value) }
            }
            if !parts.isEmpty {
                result.append(FeedField(name: "title", origin: .yml, value: parts.joined(separator: " "), line: line))
            }
        }
        return result
    }

    private static func isGreater(_ left: String, than right: String) -> Bool {
        guard case .success(let l) = Money.parseMicros(Substring(trimmed(left))),
            case .success(let r) = Money.parseMicros(Substring(trimmed(right)))
        else {
            return false
        }
        return l > r
    }
}
