/// Hosts of public URL shorteners and link-redirect services, whose links hide the real destination.
public enum URLShorteners {
    /// The known shortener domains (ASCII, lower case); their subdomains count too.
    public static let domains: Set<String> = [
        "1url.com", "2.gy", "a.co", "adf.ly", "amzn.eu", "amzn.to", "apple.co", "bc.vc", "bit.do", "bit.ly",
        "bitly.com", "bitly.is", "bl.ink", "buff.ly", "cli.gs", "clck.ru", "cutt.ly", "db.tt", "dlvr.it", "dub.sh",
        "fb.me", "forms.gle", "g.co", "gg.gg", "goo.gl", "goo.su", "ift.tt", "is.gd", "kutt.it", "lin.ee",
        "linktr.ee", "lnk.to", "lnkd.in", "mcaf.ee", "ow.ly", "po.st", "qr.ae", "qrco.de", "rb.gy", "rebrand.ly",
        "s.id", "short.gy", "shorte.st", "shorturl.at", "smarturl.it", "snip.ly", "spoti.fi", "su.pr", "t.co",
        "t.ly", "t.me", "t2m.io", "tiny.cc", "tiny.one", "tinyurl.com", "tr.im", "trib.al", "u.to", "urlz.fr",
        "v.gd", "wp.me", "x.co", "y2u.be", "youtu.be",
    ]

    /// Whether an ASCII host is a listed shortener or a subdomain of one; returns the listed domain.
    public static func match(_ host: String) -> String? {
        let host = host.lowercased()
        if domains.contains(host) { return host }
        var remainder = Substring(host)
        while let dot = remainder.firstIndex(of: ".") {
            remainder = remainder[remainder.index(after: dot)...]
            if domains.contains(String(remainder)) { return String(remainder) }
        }
        return nil
    }
}
