/// A fast path for ``Money/parse(_:defaultCurrency:)`` on the shapes nearly every feed uses:
/// `19.90 EUR`, `EUR 19.90`, `19.90` (with a default code).
///
/// It reads bytes without allocating and accepts exactly what `Money.parse` accepts for those shapes;
/// anything else (and every error) goes through `Money.parse`, so results and messages are the same.
enum PriceScanner {
    /// The amount in micros and the upper-case code (not yet checked against ISO 4217), or `nil` to
    /// fall back to `Money.parse`.
    static func scan(_ text: String, defaultCurrency: String?) -> (micros: Int64, code: String)? {
        let scanned = text.utf8.withContiguousStorageIfAvailable { bytes -> (Int64, Int, Int)? in
            scan(bytes)
        }
        guard let found = scanned ?? nil else {
            return nil
        }
        let (micros, codeStart, codeEnd) = found
        if codeStart == codeEnd {
            guard let defaultCurrency else {
                return nil
            }
            return (micros, TextCheck.asciiUppercased(defaultCurrency))
        }
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: codeStart)
        let end = utf8.index(start, offsetBy: codeEnd - codeStart)
        return (micros, TextCheck.asciiUppercased(String(Substring(utf8[start..<end]))))
    }

    /// `(micros, code start, code end)` for `[ws] number [ws+ CODE] [ws]` or `[ws] CODE ws+ number [ws]`.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int64, Int, Int)? {
        var index = 0
        let count = bytes.count
        func skipSpaces() -> Int {
            let start = index
            while index < count,
                bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A
                    || bytes[index] == 0x0D
            {
                index += 1
            }
            return index - start
        }
        func code() -> (Int, Int)? {
            let start = index
            while index < count, TextCheck.isASCIILetter(bytes[index]) {
                index += 1
            }
            return index - start == 3 ? (start, index) : nil
        }
        func number() -> Int64? {
            var negative = false
            if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var units: Int64 = 0
            var digits = 0
            while index < count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                units = units * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
                if digits > 12 {
                    return nil  // let Money.parse judge the range
                }
            }
            var fraction: Int64 = 0
            var places = 0
            if index < count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                while index < count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    places += 1
                    if places > 6 {
                        return nil
                    }
                    fraction = fraction * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                    index += 1
                }
            }
            guard digits + places > 0 else {
                return nil
            }
            for _ in places..<6 {
                fraction *= 10
            }
            let micros = units * 1_000_000 + fraction
            return negative ? -micros : micros
        }

        _ = skipSpaces()
        guard index < count else {
            return nil
        }
        if TextCheck.isASCIILetter(bytes[index]) {
            guard let (start, end) = code(), skipSpaces() > 0, let micros = number() else {
                return nil
            }
            _ = skipSpaces()
            return index == count ? (micros, start, end) : nil
        }
        guard let micros = number() else {
            return nil
        }
        let spaces = skipSpaces()
        if index == count {
            return (micros, 0, 0)
        }
        guard spaces > 0, let (start, end) = code() else {
            return nil
        }
        _ = skipSpaces()
        return index == count ? (micros, start, end) : nil
    }
}

extension PriceScanner {
    /// The same text as `Money.description` (`19.90 EUR`), built in one stack buffer.
    ///
    /// - Parameter minorUnits: the currency's decimal places (``Currency/minorUnits(of:)``).
    static func canonicalText(_ money: Money, minorUnits: Int) -> String {
        let magnitude = money.micros.magnitude
        var units = magnitude / 1_000_000
        var fraction = magnitude % 1_000_000
        var places = 6
        while places > minorUnits, fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer -> String in
            // Written right to left: currency, space, fraction, dot, units, sign.
            var end = buffer.count
            func put(_ byte: UInt8) {
                end -= 1
                buffer[end] = byte
            }
            for byte in money.currency.utf8.reversed().prefix(8) {
                put(byte)
            }
            put(UInt8(ascii: " "))
            if places > 0 {
                for _ in 0..<places {
                    put(UInt8(ascii: "0") + UInt8(fraction % 10))
                    fraction /= 10
                }
                put(UInt8(ascii: "."))
            }
            repeat {
                put(UInt8(ascii: "0") + UInt8(units % 10))
                units /= 10
            } while units > 0
            if money.micros < 0 {
                put(UInt8(ascii: "-"))
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[end...]), as: UTF8.self)
        }
    }
}
