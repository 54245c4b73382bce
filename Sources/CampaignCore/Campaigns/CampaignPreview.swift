import Foundation

/// A self-contained HTML page showing a manifest's promoted post as people on X would see it, for approvers.
///
/// One HTML5 file: inline CSS, no script, and a Content-Security-Policy that lets the browser fetch nothing but
/// the product images over https. Under each card an approver box shows the Buy destination in its Unicode and
/// ASCII (punycode) forms, flags them when they differ (security model §1.6: homographs), and lists the link
/// checks it passed; a panel gives the revision, digest, budget, schedule, targeting and UTM settings. The output
/// is a pure function of its arguments (no dates, no random ids), so golden files are stable.
///
/// The HTML is written by hand rather than from a Mustache template: it is one fixed page with a few loops, and
/// every value goes through the two escaping functions and the https-only URL check in this file, which is
/// easier to audit than a template whose `{{…}}` escaping knows nothing about URLs or invisible characters.
public enum CampaignPreview {
    /// The preview page of one revision of a manifest, as one deterministic HTML5 document.
    public static func html(manifest: CampaignManifest, digest: String, revision: Int, brand: String) -> String {
        var page = Writer()
        page.line("<!DOCTYPE html>")
        page.open("<html lang=\"en\">")
        page.open("<head>")
        page.line("<meta charset=\"utf-8\">")
        page.line("<meta http-equiv=\"Content-Security-Policy\" content=\"\(attribute(contentSecurityPolicy))\">")
        page.line("<meta name=\"referrer\" content=\"no-referrer\">")
        page.line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        page.line("<title>\(text("Preview: \(manifest.name) (revision \(revision))"))</title>")
        page.line("<style>")
        page.raw(style)
        page.line("</style>")
        page.close("</head>")
        page.open("<body>")
        page.open("<main class=\"page\">")
        banner(manifest: manifest, digest: digest, revision: revision, into: &page)
        post(manifest: manifest, brand: brand, into: &page)
        panel(manifest: manifest, digest: digest, revision: revision, into: &page)
        page.close("</main>")
        page.close("</body>")
        page.close("</html>")
        return page.text
    }

    /// The page's policy: no script, no frames, no forms, no fetch but https images and the inline style.
    static let contentSecurityPolicy =
        "default-src 'none'; img-src https:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
}

// MARK: - Sections

extension CampaignPreview {
    private static func banner(manifest: CampaignManifest, digest: String, revision: Int, into page: inout Writer) {
        page.open("<header class=\"banner\">")
        page.line("<h1 class=\"banner-title\">Approval preview · not live</h1>")
        page.line(
            "<p class=\"banner-meta\">\(text(manifest.campaignID)) · revision \(revision) · digest "
                + "<code class=\"digest\">\(text(digest))</code></p>"
        )
        page.close("</header>")
    }

    private static func post(manifest: CampaignManifest, brand: String, into page: inout Writer) {
        let handle = manifest.account.hasPrefix("@") ? manifest.account : "@" + manifest.account
        let displayName = brand.isEmpty ? String(handle.dropFirst()) : brand
        let initial = displayName.first { !$0.isWhitespace && $0 != "@" }.map { String($0).uppercased() } ?? "?"
        page.open("<article class=\"post\" aria-label=\"Promoted post\">")
        page.line("<div class=\"avatar\" aria-hidden=\"true\">\(text(initial))</div>")
        page.open("<div class=\"post-main\">")
        page.line(
            "<p class=\"author\"><span class=\"name\">\(text(displayName))</span> "
                + "<span class=\"handle\">\(text(handle))</span></p>"
        )
        page.line("<p class=\"tweet-text\">\(tweetText(manifest.tweet))</p>")
        for (index, link) in manifest.tweet.links.enumerated() {
            page.open("<section class=\"approver\" aria-label=\"Link \(index + 1) in the text\">")
            page.line("<h3 class=\"approver-title\">Link \(index + 1) in the text</h3>")
            linkForms(link, into: &page)
            page.close("</section>")
        }
        switch manifest.format {
        case "carousel":
            carousel(manifest.cards, into: &page)
        case "collection":
            collection(manifest.cards, into: &page)
        default:
            for card in manifest.cards {
                page.open("<div class=\"single\">")
                self.card(card, kind: "card-single", into: &page)
                approver(card, into: &page)
                page.close("</div>")
            }
        }
        page.line("<p class=\"promoted\">\(promotedIcon)<span>Promoted</span></p>")
        page.line("<div class=\"actions\" aria-hidden=\"true\">\(actionIcons)</div>")
        page.close("</div>")
        page.close("</article>")
    }

    private static func carousel(_ cards: [CampaignManifest.Card], into page: inout Writer) {
        page.open("<div class=\"carousel\" role=\"list\" aria-label=\"Carousel of \(cards.count) cards\">")
        for card in cards {
            page.open("<div class=\"slide\" role=\"listitem\">")
            self.card(card, kind: "card-slide", into: &page)
            approver(card, into: &page)
            page.close("</div>")
        }
        page.close("</div>")
    }

    /// The hero with its thumbnails right beneath, as the ad looks; then every card's approver box, numbered
    /// like the cards (a thumbnail is too narrow for a URL, and a box between hero and row would hide the layout).
    private static func collection(_ cards: [CampaignManifest.Card], into page: inout Writer) {
        guard let hero = cards.first else {
            return
        }
        let thumbnails = cards.dropFirst()
        page.open("<div class=\"collection\">")
        card(hero, kind: "card-hero", into: &page)
        if !thumbnails.isEmpty {
            page.open("<div class=\"thumbnails thumbnails-\(min(thumbnails.count, 4))\">")
            for thumbnail in thumbnails {
                card(thumbnail, kind: "card-thumbnail", into: &page)
            }
            page.close("</div>")
        }
        page.close("</div>")
        page.open("<div class=\"collection-approvers\">")
        for card in cards {
            approver(card, into: &page)
        }
        page.close("</div>")
    }

    private static func card(_ card: CampaignManifest.Card, kind: String, into page: inout Writer) {
        let destination = card.buyButton.destination
        page.open("<article class=\"card \(kind)\" aria-label=\"Card \(card.position)\">")
        page.open("<div class=\"media\" style=\"aspect-ratio: \(aspectRatio(card.imageAspect))\">")
        if let source = httpsURL(card.image.ascii) {
            page.line(
                "<img src=\"\(source)\" alt=\"\(attribute(card.headline))\" referrerpolicy=\"no-referrer\">"
            )
        }
        page.line("<span class=\"position\">\(card.position)</span>")
        page.close("</div>")
        page.open("<div class=\"card-body\">")
        if let host = host(of: destination.unicode), !host.isEmpty {
            page.line("<p class=\"from\">From \(text(host))</p>")
        }
        page.line("<h2 class=\"headline\">\(text(card.headline))</h2>")
        var prices = "<span class=\"price\">\(text(card.priceDisplay))</span>"
        if let original = card.originalPriceDisplay {
            prices += " <s class=\"original\">\(text(original))</s>"
        }
        page.line("<p class=\"prices\">\(prices)</p>")
        let label = text(card.buyButton.label)
        if let href = httpsURL(destination.ascii) {
            page.line(
                "<a class=\"buy\" href=\"\(href)\" rel=\"noopener noreferrer nofollow\" "
                    + "referrerpolicy=\"no-referrer\">\(label)</a>"
            )
        } else {
            page.line("<span class=\"buy buy-disabled\">\(label)</span>")
        }
        page.close("</div>")
        page.close("</article>")
    }

    private static func approver(_ card: CampaignManifest.Card, into page: inout Writer) {
        page.open("<section class=\"approver\" aria-label=\"Checks for card \(card.position)\">")
        page.line(
            "<h3 class=\"approver-title\"><span class=\"position\">\(card.position)</span> "
                + "Buy button destination</h3>"
        )
        linkForms(card.buyButton.destination, into: &page)
        page.open("<dl class=\"facts\">")
        page.line("<dt>Product</dt><dd><code>\(text(card.product.id))</code> · \(text(card.product.availability))</dd>")
        page.line("<dt>Image</dt><dd><code class=\"url\" dir=\"ltr\">\(url(card.image.ascii))</code></dd>")
        if card.image.unicode != card.image.ascii {
            page.line(
                "<dt>Image (Unicode)</dt><dd><code class=\"url\" dir=\"ltr\">\(url(card.image.unicode))</code></dd>"
            )
        }
        page.line("<dt>Image aspect</dt><dd>\(text(card.imageAspect))</dd>")
        page.close("</dl>")
        page.close("</section>")
    }

    /// A URL in both forms, whether they differ, and the checks it passed.
    private static func linkForms(_ link: CampaignManifest.Link, into page: inout Writer) {
        if link.unicode == link.ascii {
            page.line("<p class=\"forms forms-same\">Unicode and ASCII forms are identical</p>")
        } else {
            page.line(
                "<p class=\"forms forms-differ\"><strong>⚠ The Unicode and ASCII forms differ.</strong> "
                    + "Browsers go to the ASCII (punycode) form; check that both name the brand’s domain.</p>"
            )
        }
        page.open("<dl class=\"urls\">")
        page.line("<dt>Unicode</dt><dd><code class=\"url\" dir=\"ltr\">\(url(link.unicode))</code></dd>")
        page.line("<dt>ASCII</dt><dd><code class=\"url\" dir=\"ltr\">\(url(link.ascii))</code></dd>")
        page.close("</dl>")
        if link.checks.isEmpty {
            page.line("<p class=\"checks-none\">⚠ No link check recorded</p>")
        } else {
            page.open("<ul class=\"checks\" aria-label=\"Link checks passed\">")
            for check in link.checks {
                page.line("<li>✓ \(text(check))</li>")
            }
            page.close("</ul>")
        }
    }

    private static func panel(manifest: CampaignManifest, digest: String, revision: Int, into page: inout Writer) {
        func row(_ term: String, _ value: String, _ kind: String? = nil) {
            let classes = kind.map { " class=\"\($0)\"" } ?? ""
            page.line("<dt>\(text(term))</dt><dd\(classes)>\(value)</dd>")
        }
        func list(_ values: [String]) -> String {
            values.isEmpty ? "<span class=\"none\">none</span>" : values.map { text($0) }.joined(separator: ", ")
        }
        let budget = manifest.budget
        let schedule = manifest.schedule
        let targeting = manifest.targeting
        let utm = manifest.utm
        page.open("<aside class=\"panel\" aria-label=\"Campaign details\">")
        page.line("<h2>Campaign details</h2>")
        page.open("<dl>")
        row("Campaign id", "<code>\(text(manifest.campaignID))</code>")
        row("Name", text(manifest.name))
        row("Account", text(manifest.account))
        row("Format", "\(text(manifest.format)) · \(manifest.cards.count) card\(manifest.cards.count == 1 ? "" : "s")")
        row("Catalog", text(manifest.catalog))
        row("Revision", "\(revision)")
        row("Digest (SHA-256)", "<code>\(text(digest))</code>", "digest")
        row("Daily budget", money(budget.dailyMicros, budget.currency))
        row("Total budget", money(budget.totalMicros, budget.currency))
        row("Start", "<code>\(text(schedule.start))</code>")
        row("End", "<code>\(text(schedule.end))</code>")
        row("Countries", list(targeting.countries))
        row("Languages", list(targeting.languages))
        row("Keywords", list(targeting.keywords))
        row(
            "UTM",
            "<code>utm_source=\(text(utm.source))</code> <code>utm_medium=\(text(utm.medium))</code> "
                + "<code>utm_campaign=\(text(utm.campaign))</code>"
        )
        let length = manifest.tweet.weightedLength
        row("Text length", "\(length) / 280\(length > 280 ? " <strong class=\"over\">too long</strong>" : "")")
        row("Manifest version", "\(manifest.manifestVersion)")
        page.close("</dl>")
        page.close("</aside>")
    }
}

// MARK: - Tweet text

extension CampaignPreview {
    /// The tweet text with its checked links as X shows them (no scheme, no `www.`, shortened) and hashtags
    /// and mentions in the link colour. A link that cannot be found in the text stays plain text.
    static func tweetText(_ tweet: CampaignManifest.Tweet) -> String {
        let source = tweet.text
        var html = ""
        var cursor = source.startIndex
        for link in tweet.links {
            guard let found = locate(link, in: source, from: cursor) else {
                continue
            }
            html += decorated(source[cursor..<found.lowerBound])
            let display = text(shortened(String(source[found])))
            if let href = httpsURL(link.ascii) {
                html +=
                    "<a class=\"link\" href=\"\(href)\" title=\"\(href)\" rel=\"noopener noreferrer nofollow\" "
                    + "referrerpolicy=\"no-referrer\">\(display)</a>"
            } else {
                html += "<span class=\"link\">\(display)</span>"
            }
            cursor = found.upperBound
        }
        return html + decorated(source[cursor...])
    }

    /// Where `link` is written in `source` at or after `start`: in either form, with or without its scheme.
    private static func locate(
        _ link: CampaignManifest.Link,
        in source: String,
        from start: String.Index
    ) -> Range<String.Index>? {
        var candidates: [String] = []
        for form in [link.unicode, link.ascii] {
            for candidate in [form, withoutScheme(form)] where !candidate.isEmpty && !candidates.contains(candidate) {
                candidates.append(candidate)
            }
        }
        var best: Range<String.Index>?
        for candidate in candidates {
            guard let found = source.range(of: candidate, options: .literal, range: start..<source.endIndex) else {
                continue
            }
            if let current = best {
                let earlier = found.lowerBound < current.lowerBound
                let longer = found.lowerBound == current.lowerBound && found.upperBound > current.upperBound
                if earlier || longer {
                    best = found
                }
            } else {
                best = found
            }
        }
        return best
    }

    /// X's display form of a URL: without `https://` and `www.`, cut after 25 characters with an ellipsis.
    static func shortened(_ url: String) -> String {
        var display = Substring(withoutScheme(url))
        if display.lowercased().hasPrefix("www.") {
            display = display.dropFirst(4)
        }
        return display.count > 25 ? display.prefix(25) + "…" : String(display)
    }

    private static func withoutScheme(_ url: String) -> String {
        for scheme in ["https://", "http://"] where url.lowercased().hasPrefix(scheme) {
            return String(url.dropFirst(scheme.count))
        }
        return url
    }

    /// Escaped text with `#hashtags` and `@mentions` coloured as on X (not links: they lead nowhere here).
    private static func decorated(_ segment: Substring) -> String {
        var html = ""
        var index = segment.startIndex
        var previous: Character?
        while index < segment.endIndex {
            let character = segment[index]
            let startsTag = (character == "#" || character == "@") && !(previous.map(isWordCharacter) ?? false)
            let next = segment.index(after: index)
            if startsTag, next < segment.endIndex, isWordCharacter(segment[next]) {
                let end = segment[next...].firstIndex { !isWordCharacter($0) } ?? segment.endIndex
                html += "<span class=\"tag\">\(text(segment[index..<end]))</span>"
                previous = segment[segment.index(before: end)]
                index = end
            } else {
                html += text(String(character))
                previous = character
                index = next
            }
        }
        return html
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character == "_" || character.isLetter || character.isNumber
    }
}

// MARK: - Values

extension CampaignPreview {
    /// `micros` as `1 234.50 EUR` with integer arithmetic: at least two decimals, more only when not zero.
    static func money(_ micros: Int64, _ currency: String) -> String {
        let magnitude = micros.magnitude
        let units = String(magnitude / 1_000_000)
        var fraction = String(magnitude % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") {
            fraction.removeLast()
        }
        var grouped = ""
        for (offset, digit) in units.enumerated() {
            if offset > 0, (units.count - offset) % 3 == 0 {
                grouped += "\u{202F}"
            }
            grouped.append(digit)
        }
        let amount = (micros < 0 ? "-" : "") + grouped + "." + fraction
        return "\(text(amount)) \(text(currency)) <small class=\"micros\">\(micros) micros</small>"
    }

    /// The CSS `aspect-ratio` for a declared `W:H` (`1.91:1` → `1.91 / 1`); a square when it is not a ratio.
    static func aspectRatio(_ declared: String) -> String {
        let parts = declared.split(separator: ":", omittingEmptySubsequences: false)
        func isNumber(_ part: Substring) -> Bool {
            let pieces = part.split(separator: ".", omittingEmptySubsequences: false)
            return (1...2).contains(pieces.count) && part.count <= 8
                && pieces.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        }
        guard parts.count == 2, isNumber(parts[0]), isNumber(parts[1]) else {
            return "1 / 1"
        }
        return "\(parts[0]) / \(parts[1])"
    }

    /// The escaped attribute value for `url` when it is a plain `https://` URL, else nil: nothing else becomes
    /// a link or an image source (no `javascript:`, no `data:`, no spaces or control characters).
    static func httpsURL(_ url: String) -> String? {
        // Lower-cased by `| 0x20` (the scheme is case-insensitive); only printable ASCII after it.
        let scheme = url.utf8.prefix(8).map { $0 | 0x20 }
        let printable = url.utf8.allSatisfy { (0x21...0x7E).contains($0) }
        guard url.utf8.count > 8, scheme.elementsEqual("https://".utf8), printable else {
            return nil
        }
        return attribute(url)
    }

    /// The host of a URL (no user info, no port), for the card's "From …" line.
    static func host(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else {
            return nil
        }
        let rest = url[schemeEnd.upperBound...]
        var authority = rest[..<(rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            authority = authority[..<colon]
        }
        return String(authority)
    }

    /// A URL as escaped text with its host in bold, the part an approver must read.
    static func url(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else {
            return text(url)
        }
        let rest = url[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        return text(url[..<schemeEnd.upperBound]) + "<b class=\"host\">" + text(rest[..<hostEnd]) + "</b>"
            + text(rest[hostEnd...])
    }
}

// MARK: - Escaping

extension CampaignPreview {
    /// HTML text: `& < > " '` escaped, and invisible or direction-changing characters shown as a marked
    /// `U+XXXX` so an approver sees them (security model §1.6: bidi controls can reorder ad copy or a URL).
    static func text(_ value: some StringProtocol) -> String {
        escape(value) { "<span class=\"invisible\" title=\"invisible character\">\(codePoint($0))</span>" }
    }

    /// An attribute value (always written in double quotes): as `text`, with invisible characters as `[U+XXXX]`.
    static func attribute(_ value: some StringProtocol) -> String {
        escape(value) { "[\(codePoint($0))]" }
    }

    private static func escape(_ value: some StringProtocol, invisible: (Unicode.Scalar) -> String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default:
                if isInvisible(scalar) {
                    out += invisible(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Controls, bidi controls, zero-width and blank characters. The zero-width joiner, variation selectors and
    /// tag characters stay: emoji sequences need them.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0xAD, 0x34F, 0x61C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E: true
        case 0x200B, 0x200C, 0x200E, 0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x206F: true
        case 0x3164, 0xFEFF, 0xFFA0, 0xFFF9...0xFFFB: true
        default: false
        }
    }

    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

// MARK: - Output

extension CampaignPreview {
    /// Lines of HTML, indented two spaces per open element (only for reading the golden files).
    struct Writer {
        private(set) var text = ""
        private var depth = 0

        mutating func line(_ html: String) {
            text += String(repeating: "  ", count: depth) + html + "\n"
        }

        mutating func raw(_ block: String) {
            text += block
        }

        mutating func open(_ html: String) {
            line(html)
            depth += 1
        }

        mutating func close(_ html: String) {
            depth = max(0, depth - 1)
            line(html)
        }
    }

    /// The small "promoted" arrow X shows before the label.
    static let promotedIcon =
        "<svg class=\"icon\" viewBox=\"0 0 24 24\" aria-hidden=\"true\"><path fill=\"currentColor\" "
        + "d=\"M20 4v11.5h-3V9.1L6.1 20 4 17.9 14.9 7H8.5V4z\"/></svg>"

    /// Reply, repost, like and views, drawn as outlines.
    static let actionIcons = [
        "M4 5.5h16v10.5H10l-4.5 3.5V16H4z",
        "M4 9l3-3 3 3M7 6.5V15a2 2 0 0 0 2 2h5M20 15l-3 3-3-3M17 17.5V9a2 2 0 0 0-2-2h-5",
        "M12 19.5s-7.5-4.6-7.5-10A4 4 0 0 1 12 7.1a4 4 0 0 1 7.5 2.4c0 5.4-7.5 10-7.5 10z",
        "M5 20v-8M10 20V5M15 20v-6M20 20V9",
    ].map {
        "<svg class=\"icon\" viewBox=\"0 0 24 24\"><path fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.8\" "
            + "stroke-linecap=\"round\" stroke-linejoin=\"round\" d=\"\($0)\"/></svg>"
    }.joined()
}
