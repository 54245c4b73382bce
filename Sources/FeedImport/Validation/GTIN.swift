/// GS1 Global Trade Item Numbers as Merchant Center checks them.
///
/// Spaces and dashes are ignored. The number must be 8, 12, 13 or 14 digits with a correct mod-10
/// check digit, and outside the ranges Google refuses. Prefix ranges are GS1 prefixes, read on the
/// 13-digit form (the 14-digit form without its indicator digit), so `2…` in a GTIN-13 and the UPC
/// number systems 2, 4 and 5 (`02…`, `04…`, `05…` once padded) are caught alike.
enum GTIN {
    /// Why a GTIN is refused.
    enum Problem: Error, Hashable, Sendable {
        /// A character other than a digit, space or dash.
        case notDigits
        /// Not 8, 12, 13 or 14 digits (the count found).
        case badLength(Int)
        /// Only zeros.
        case allZeros
        /// The last digit should be `expected`.
        case badCheckDigit(expected: Int)
        /// GS1 prefix 05, 981–984 or 99.
        case coupon
        /// GS1 prefix 2, 02 or 04 (restricted circulation, in-store numbers).
        case reserved
        /// A GTIN-14 with indicator digit 9 (variable-measure trade item).
        case bulk
    }

    /// The digits of `text` without spaces and dashes, or the problem with it.
    static func validate(_ text: String) -> Result<String, Problem> {
        // A fixed-size buffer: no allocation for the common, valid case.
        var digits = SIMD16<UInt8>()
        var count = 0
        var hasSeparator = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if count < 16 {
                    digits[count] = byte &- UInt8(ascii: "0")
                }
                count += 1
            case UInt8(ascii: " "), UInt8(ascii: "-"):
                hasSeparator = true
            default:
                return .failure(.notDigits)
            }
        }
        guard count == 8 || count == 12 || count == 13 || count == 14 else {
            return .failure(.badLength(count))
        }
        guard digits != SIMD16<UInt8>() else {
            return .failure(.allZeros)
        }
        let expected = checkDigit(of: digits, count: count)
        guard Int(digits[count - 1]) == expected else {
            return .failure(.badCheckDigit(expected: expected))
        }
        if let problem = prefixProblem(digits, count: count) {
            return .failure(problem)
        }
        guard hasSeparator else {
            return .success(text)
        }
        var normalised = ""
        normalised.reserveCapacity(count)
        for index in 0..<count {
            normalised.unicodeScalars.append(Unicode.Scalar(digits[index] &+ UInt8(ascii: "0")))
        }
        return .success(normalised)
    }

    /// The GS1 mod-10 check digit of the first `count` digits, the last of which is the check digit.
    static func checkDigit(of digits: SIMD16<UInt8>, count: Int) -> Int {
        // Right to left, excluding the check digit, weights 3, 1, 3, 1 …
        var sum = 0
        var weight = 3
        var index = count - 2
        while index >= 0 {
            sum += Int(digits[index]) * weight
            weight = 4 - weight
            index -= 1
        }
        return (10 - sum % 10) % 10
    }

    private static func prefixProblem(_ digits: SIMD16<UInt8>, count: Int) -> Problem? {
        if count == 14, digits[0] == 9 {
            return .bulk
        }
        // The 13-digit form: drop the indicator of a GTIN-14, pad shorter ones with zeros.
        let padding = 13 - min(count, 13)
        let offset = count == 14 ? 1 : 0
        func digit(_ index: Int) -> UInt8 {
            index < padding ? 0 : digits[index - padding + offset]
        }
        let first = digit(0)
        let second = digit(1)
        let third = digit(2)
        switch (first, second) {
        case (0, 5), (9, 9):
            return .coupon
        case (9, 8) where third >= 1 && third <= 4:
            return .coupon
        case (2, _), (0, 2), (0, 4):
            return .reserved
        default:
            return nil
        }
    }
}
