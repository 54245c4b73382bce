/// An amount of money in integer micros (1 unit = 1,000,000 micros) and an ISO 4217 currency.
///
/// Never a `Double`: prices are parsed digit by digit from the feed's decimal text, so `19.99 EUR`
/// is exactly 19,990,000 micros. Micros are what the X Ads API uses for budgets and charges.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// The amount in millionths of the currency unit.
    public var micros: Int64
    /// The ISO 4217 alphabetic code, upper case (`EUR`).
    public var currency: String

    /// Creates an amount.
    public init(micros: Int64, currency: String) {
        self.micros = micros
        self.currency = currency
    }

    /// Why a price text could not be read.
    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// Nothing but whitespace.
        case empty
        /// No currency code after (or before) the number.
        case missingCurrency
        /// A currency code that is not an active ISO 4217 code.
        case unknownCurrency(String)
        /// The number is not a plain decimal (`12.99`, `-3`, `1 299.00`, `12,99` are refused).
        case invalidNumber(String)
        /// More decimal places than micros can hold (6).
        case tooPrecise(String)
        /// Larger than 9,223,372,036,854 units.
        case outOfRange(String)

        public var description: String {
            switch self {
            case .empty: "the price is empty"
            case .missingCurrency: "the price has no ISO 4217 currency code (expected e.g. '15.00 EUR')"
            case .unknownCurrency(let code): "'\(code)' is not an ISO 4217 currency code"
            case .invalidNumber(let text): "'\(text)' is not a decimal number (expected e.g. '15.00 EUR')"
            case .tooPrecise(let text): "'\(text)' has more than 6 decimal places"
            case .outOfRange(let text): "'\(text)' is too large"
            }
        }
    }

    /// Parses Merchant Center's price form, `15.00 USD` (the code may also come first: `USD 15.00`).
    ///
    /// - Parameter defaultCurrency: used when the text has no code (YML's `currencyId` element).
    public static func parse(_ text: String, defaultCurrency: String? = nil) -> Result<Money, ParseError> {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        let number: Substring
        let code: String
        switch parts.count {
        case 0:
            return .failure(.empty)
        case 1:
            guard let defaultCurrency else {
                return .failure(.missingCurrency)
            }
            number = parts[0]
            code = defaultCurrency.uppercased()
        case 2:
            if parts[0].first?.isLetter == true {
                (number, code) = (parts[1], parts[0].uppercased())
            } else {
                (number, code) = (parts[0], parts[1].uppercased())
            }
        default:
            return .failure(.invalidNumber(text))
        }
        guard Currency.isKnown(code) else {
            return .failure(.unknownCurrency(String(code)))
        }
        return parseMicros(number).map { Money(micros: $0, currency: code) }
    }

    /// Parses a plain decimal (`-12.5`, `0.99`, `15`) into micros without going through floating point.
    public static func parseMicros(_ number: Substring) -> Result<Int64, ParseError> {
        var negative = false
        var units: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenDot = false
        var digits = 0
        var index = number.startIndex
        if index < number.endIndex, number[index] == "-" || number[index] == "+" {
            negative = number[index] == "-"
            index = number.index(after: index)
        }
        while index < number.endIndex {
            let character = number[index]
            if character == "." && !seenDot {
                seenDot = true
            } else if let digit = character.wholeNumberValue, character.isASCII {
                digits += 1
                if seenDot {
                    fractionDigits += 1
                    if fractionDigits > 6 {
                        return .failure(.tooPrecise(String(number)))
                    }
                    fraction = fraction * 10 + Int64(digit)
                } else {
                    let (times10, overflow1) = units.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit))
                    guard !overflow1, !overflow2, sum <= Int64.max / 1_000_000 else {
                        return .failure(.outOfRange(String(number)))
                    }
                    units = sum
                }
            } else {
                return .failure(.invalidNumber(String(number)))
            }
            index = number.index(after: index)
        }
        guard digits > 0 else {
            return .failure(.invalidNumber(String(number)))
        }
        for _ in fractionDigits..<6 {
            fraction *= 10
        }
        let micros = units * 1_000_000 + fraction
        return .success(negative ? -micros : micros)
    }

    /// The amount as a decimal with the currency's minor units: `19.90` for EUR, `1500` for JPY.
    public var decimalString: String {
        Money.decimalString(micros: micros, currency: currency)
    }

    /// Formats micros as a decimal with at least the currency's minor units (more when needed).
    public static func decimalString(micros: Int64, currency: String) -> String {
        let minor = Currency.minorUnits(of: currency)
        let negative = micros < 0
        let magnitude = micros.magnitude
        let units = magnitude / 1_000_000
        var fraction = magnitude % 1_000_000
        var places = 6
        while places > minor, fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        var text = negative ? "-\(units)" : "\(units)"
        if places > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: places - digits.count) + digits
        }
        return text
    }

    /// Merchant Center's normal form: `19.90 EUR`.
    public var description: String {
        "\(decimalString) \(currency)"
    }
}
