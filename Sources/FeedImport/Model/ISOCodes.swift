/// ISO 3166-1 alpha-2 country codes (shipping groups, campaign targeting).
public enum CountryCodes {
    /// Whether `code` (upper case) is an assigned alpha-2 country code.
    public static func isKnown(_ code: String) -> Bool {
        Country.isAlpha2(code)
    }
}

/// ISO 639-1 two-letter language codes (campaign targeting).
///
/// Hand-written table: no listed Swift package carries ISO 639-1, and Foundation's `Locale` list on Linux
/// mixes in three-letter and private-use codes. Source: ISO 639-1, the 184 two-letter codes.
public enum LanguageCodes {
    /// Whether `code` (lower case) is an ISO 639-1 code.
    public static func isKnown(_ code: String) -> Bool {
        codes.contains(code)
    }

    private static let codes = Set(packed.split(whereSeparator: \.isWhitespace).map(String.init))

    private static let packed = """
        aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
        dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id
        ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu
        lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu
        rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr
        ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
        """
}
