import Foundation

/// Where and as whom the X Ads client calls; the four credentials come from the environment and are never printed.
public struct XAdsConfiguration: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The production X Ads API host.
    public static let defaultBaseURL = "https://ads-api.x.com"

    /// The environment variables the credentials are read from, in the order the errors name them.
    public static let environmentVariables = [
        "XADS_CONSUMER_KEY", "XADS_CONSUMER_SECRET", "XADS_ACCESS_TOKEN", "XADS_ACCESS_TOKEN_SECRET",
    ]

    /// The API host, without a trailing slash; https, or http on a loopback address for tests.
    public var baseURL: String
    /// The ads account every `{account_id}` placeholder is bound to.
    public var accountID: String
    /// The app's consumer key (API key).
    public var consumerKey: String
    /// The app's consumer secret (API key secret).
    public var consumerSecret: String
    /// The advertiser's access token.
    public var accessToken: String
    /// The advertiser's access token secret.
    public var accessTokenSecret: String

    /// A configuration with every field given; ``validated()`` checks it.
    public init(
        baseURL: String = XAdsConfiguration.defaultBaseURL,
        accountID: String,
        consumerKey: String,
        consumerSecret: String,
        accessToken: String,
        accessTokenSecret: String
    ) {
        self.baseURL = baseURL
        self.accountID = accountID
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.accessToken = accessToken
        self.accessTokenSecret = accessTokenSecret
    }

    /// Reads the credentials from `XADS_CONSUMER_KEY`, `XADS_CONSUMER_SECRET`, `XADS_ACCESS_TOKEN` and
    /// `XADS_ACCESS_TOKEN_SECRET` in `env` (pass `ProcessInfo.processInfo.environment`).
    public static func fromEnvironment(
        _ env: [String: String],
        baseURL: String = XAdsConfiguration.defaultBaseURL,
        accountID: String
    ) throws(AdPlatformError) -> XAdsConfiguration {
        var values: [String] = []
        for name in environmentVariables {
            guard let value = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw .misconfigured("environment variable \(name) is not set")
            }
            values.append(value)
        }
        let configuration = XAdsConfiguration(
            baseURL: baseURL,
            accountID: accountID,
            consumerKey: values[0],
            consumerSecret: values[1],
            accessToken: values[2],
            accessTokenSecret: values[3]
        )
        try configuration.validate()
        return configuration
    }

    /// Checks the base URL and account id; credentials are sent only over https, or plain http to loopback.
    public func validate() throws(AdPlatformError) {
        guard let components = URLComponents(string: baseURL), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else {
            throw .misconfigured("base url \"\(baseURL)\" is not an absolute url")
        }
        let loopback = host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]"
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw .misconfigured("base url must use https (plain http only to a loopback address)")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil else {
            throw .misconfigured("base url must not carry a query, fragment or user")
        }
        guard !accountID.isEmpty, accountID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw .misconfigured("account id \"\(accountID)\" is not alphanumeric")
        }
        for (name, value) in zip(
            Self.environmentVariables,
            [consumerKey, consumerSecret, accessToken, accessTokenSecret]
        )
        where value.isEmpty {
            throw .misconfigured("credential \(name) is empty")
        }
    }

    /// The signer for these credentials.
    var signer: OAuth1Signer {
        OAuth1Signer(
            consumerKey: consumerKey,
            consumerSecret: consumerSecret,
            token: accessToken,
            tokenSecret: accessTokenSecret
        )
    }

    /// The base URL and account only; credentials show as `<redacted>`.
    public var description: String {
        "XAdsConfiguration(baseURL: \(baseURL), accountID: \(accountID), credentials: <redacted>)"
    }

    /// Same as ``description``.
    public var debugDescription: String {
        description
    }

    /// A mirror without the credentials, so `dump` does not print them either.
    public var customMirror: Mirror {
        Mirror(self, children: ["baseURL": baseURL, "accountID": accountID, "credentials": "<redacted>"])
    }
}
