import CampaignCore
import Testing

/// Published OAuth 1.0a vectors, reproduced byte for byte.
@Suite struct OAuth1Tests {
    // X developer documentation, "Creating a signature" and "Authorizing a request"
    // (https://docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature).
    static let xSigner = OAuth1Signer(
        consumerKey: "xvz1evFS4wEEPTGEFPHBog",
        consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        tokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
    )
    static let xNonce = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"
    static let xTimestamp = "1318622958"
    static let xStatus = [(name: "status", value: "Hello Ladies + Gentlemen, a signed OAuth request!")]

    @Test func xDocumentationExampleGivesTheDocumentedSignature() {
        // The page's text now says api.x.com, but its signature hCtSmYh+… was computed for the api.twitter.com
        // host of the same 1.1 request: only that URL reproduces it.
        let signature = Self.xSigner.signature(
            method: "POST",
            url: "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
            parameters: Self.xStatus,
            nonce: Self.xNonce,
            timestamp: Self.xTimestamp
        )
        #expect(signature == "hCtSmYh+iHYCEqBWrE7C7hYmtUk=")
    }

    @Test func xDocumentationBaseStringMatchesTheGuide() {
        let parameters =
            [("include_entities", "true")] + Self.xStatus
            + Self.xSigner.protocolParameters(nonce: Self.xNonce, timestamp: Self.xTimestamp)
        let base = OAuth1.signatureBaseString(
            method: "post",
            baseURI: "https://api.twitter.com/1.1/statuses/update.json",
            parameters: parameters.map { (name: $0.0, value: $0.1) }
        )
        #expect(
            base == "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue"
                + "%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZ"
                + "eNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D3"
                + "70773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520La"
                + "dies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
        )
    }

    @Test func xAuthorizingARequestHeaderHasTheDocumentedForm() {
        // "Authorizing a request" shows the v1 URL's signature tnnArxj06cWHq44gCs1OSKk/jLY= in this header.
        let header = Self.xSigner.authorizationHeader(
            method: "POST",
            url: "https://api.twitter.com/1/statuses/update.json?include_entities=true",
            parameters: Self.xStatus,
            nonce: Self.xNonce,
            timestamp: Self.xTimestamp
        )
        #expect(
            header == "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", "
                + "oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", "
                + "oauth_signature=\"tnnArxj06cWHq44gCs1OSKk%2FjLY%3D\", oauth_signature_method=\"HMAC-SHA1\", "
                + "oauth_timestamp=\"1318622958\", "
                + "oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\""
        )
    }

    @Test func rfc5849Section12ExampleGivesTheRFCSignature() {
        // RFC 5849 §1.2 (https://www.rfc-editor.org/rfc/rfc5849#section-1.2): no oauth_version, realm not signed.
        let parameters: [(name: String, value: String)] = [
            ("file", "vacation.jpg"), ("size", "original"), ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"), ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131202"), ("oauth_nonce", "chapoH"),
        ]
        let base = OAuth1.signatureBaseString(
            method: "GET",
            baseURI: "http://photos.example.net/photos",
            parameters: parameters
        )
        let signature = OAuth1.hmacSHA1Signature(
            baseString: base,
            consumerSecret: "kd94hf93k423kf44",
            tokenSecret: "pfkkdhi9sl3r4s00"
        )
        #expect(signature == "MdpQcU8iPSUjWoN/UDMsK2sui9I=")
    }

    @Test func oauthCoreAppendixA5ExampleGivesTR3Signature() {
        // OAuth Core 1.0 / 1.0a Appendix A.5 (https://oauth.net/core/1.0a/#rfc.section.A.5.2), the photos request
        // with oauth_version=1.0; the brief attributed this value to RFC 5849 §1.2, whose own value is above.
        let signer = OAuth1Signer(
            consumerKey: "dpf43f3p2l4k3l03",
            consumerSecret: "kd94hf93k423kf44",
            token: "nnch734d00sl2jdk",
            tokenSecret: "pfkkdhi9sl3r4s00"
        )
        let signature = signer.signature(
            method: "GET",
            url: "http://photos.example.net/photos?file=vacation.jpg&size=original",
            parameters: [],
            nonce: "kllo9940pd9333jh",
            timestamp: "1191242096"
        )
        #expect(signature == "tR3+Ty81lMeYAr/Fid0kMTYa/WM=")
    }

    @Test func rfc5849Section3411BaseStringExampleIsReproduced() {
        // RFC 5849 §3.4.1.1: query b5=%3D%253D&a3=a&c%40=&a2=r%20b, body c2&a3=2+q, decoded before signing.
        let query = OAuth1.parseForm("b5=%3D%253D&a3=a&c%40=&a2=r%20b")
        let body = OAuth1.parseForm("c2&a3=2+q")
        let oauth: [(name: String, value: String)] = [
            ("oauth_consumer_key", "9djdj82h48djs9d2"), ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131201"), ("oauth_nonce", "7d8f3e4a"),
        ]
        let base = OAuth1.signatureBaseString(
            method: "POST",
            baseURI: "http://example.com/request",
            parameters: query + body + oauth
        )
        #expect(
            base == "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D"
                + "%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_sig"
                + "nature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        )
    }

    @Test func baseStringURIFollowsRFC5849Section3412() {
        #expect(OAuth1.baseStringURI("HTTP://EXAMPLE.COM:80/r%20v/X?id=123") == "http://example.com/r%20v/X")
        #expect(OAuth1.baseStringURI("https://www.example.net:8080/?q=1") == "https://www.example.net:8080/")
        #expect(OAuth1.baseStringURI("https://ads-api.x.com:443/12/accounts") == "https://ads-api.x.com/12/accounts")
        #expect(OAuth1.baseStringURI("ftp://example.com/") == nil)
    }

    @Test func percentEncodingKeepsOnlyUnreservedCharacters() {
        #expect(OAuth1.percentEncode("Ladies + Gentlemen") == "Ladies%20%2B%20Gentlemen")
        #expect(OAuth1.percentEncode("An encoded string!") == "An%20encoded%20string%21")
        #expect(OAuth1.percentEncode("Dogs, Cats & Mice") == "Dogs%2C%20Cats%20%26%20Mice")
        #expect(OAuth1.percentEncode("☃") == "%E2%98%83")
        #expect(OAuth1.percentEncode("-._~AZaz09") == "-._~AZaz09")
        #expect(OAuth1.percentEncode("card://1") == "card%3A%2F%2F1")
    }

    @Test func authorizationHeaderRoundTripsThroughTheParser() throws {
        let header = try #require(
            Self.xSigner.authorizationHeader(
                method: "POST",
                url: "https://ads-api.x.com/12/accounts/abc/campaigns?name=Été%20sale",
                nonce: "n1",
                timestamp: "1"
            )
        )
        let fields = try #require(OAuth1.parseAuthorizationHeader(header))
        #expect(
            fields.map(\.name) == [
                "oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp",
                "oauth_token", "oauth_version",
            ]
        )
        #expect(fields.first { $0.name == "oauth_token" }?.value == Self.xSigner.token)
    }

    @Test func signerNeverPrintsItsCredentials() {
        let printed = [
            String(describing: Self.xSigner), String(reflecting: Self.xSigner), "\(Self.xSigner)",
            dumpedText(Self.xSigner),
        ]
        for text in printed {
            #expect(!text.contains("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"))
            #expect(!text.contains("LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"))
            #expect(!text.contains("370773112"))
        }
    }
}

/// What `dump` prints for a value.
func dumpedText(_ value: some Any) -> String {
    var output = ""
    dump(value, to: &output)
    return output
}
