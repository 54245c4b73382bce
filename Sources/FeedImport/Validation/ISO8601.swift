/// Hand-written reader for the ISO 8601 shapes Merchant Center documents, without Foundation.
///
/// Accepted: `YYYY-MM-DD`, and `YYYY-MM-DDThh:mm[:ss[.fraction]][Z|±hh:mm|±hhmm|±hh]`. A date without
/// a time means 23:59:59 (Merchant Center's rule); a time without an offset is read as UTC (Google uses
/// the target country's zone, which an item does not know). Fractions of a second are accepted (real
/// feeds write `.000Z`) and ignored.
enum ISO8601 {
    /// Seconds since 1970-01-01T00:00:00Z for `text`, or `nil` when it is not one of the shapes.
    static func epochSeconds(_ text: some StringProtocol) -> Int64? {
        if let seconds = text.utf8.withContiguousStorageIfAvailable({ epochSeconds(bytes: $0) }) {
            return seconds
        }
        return Array(text.utf8).withUnsafeBufferPointer { epochSeconds(bytes: $0) }
    }

    /// ``epochSeconds(_:)`` on UTF-8 bytes.
    static func epochSeconds(bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var reader = Cursor(bytes)
        guard let year = reader.digits(4), reader.take(UInt8(ascii: "-")),
            let month = reader.digits(2), reader.take(UInt8(ascii: "-")),
            let day = reader.digits(2),
            (1...12).contains(month), day >= 1, day <= daysInMonth(month, year: year)
        else {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        if reader.isAtEnd {
            return days * 86_400 + 86_399
        }
        guard reader.take(UInt8(ascii: "T")) || reader.take(UInt8(ascii: "t")),
            let hour = reader.digits(2), hour <= 23, reader.take(UInt8(ascii: ":")),
            let minute = reader.digits(2), minute <= 59
        else {
            return nil
        }
        var second = 0
        if reader.take(UInt8(ascii: ":")) {
            guard let value = reader.digits(2), value <= 60 else {
                return nil
            }
            second = min(value, 59)  // a leap second counts as :59
            if reader.take(UInt8(ascii: ".")) || reader.take(UInt8(ascii: ",")) {
                guard reader.skipDigits() > 0 else {
                    return nil
                }
            }
        }
        var offset = 0
        if reader.take(UInt8(ascii: "Z")) || reader.take(UInt8(ascii: "z")) {
            offset = 0
        } else if let sign = reader.sign() {
            guard let hours = reader.digits(2), hours <= 23 else {
                return nil
            }
            var minutes = 0
            if !reader.isAtEnd {
                _ = reader.take(UInt8(ascii: ":"))
                guard let value = reader.digits(2), value <= 59 else {
                    return nil
                }
                minutes = value
            }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard reader.isAtEnd else {
            return nil
        }
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }
}

extension ISO8601 {
    /// A cursor over UTF-8 bytes.
    fileprivate struct Cursor {
        private let bytes: UnsafeBufferPointer<UInt8>
        private var index = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        var isAtEnd: Bool { index == bytes.count }

        /// Consumes `byte` if it is next.
        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else {
                return false
            }
            index += 1
            return true
        }

        /// Consumes `+` (1) or `-` (-1).
        mutating func sign() -> Int? {
            if take(UInt8(ascii: "+")) {
                return 1
            }
            if take(UInt8(ascii: "-")) {
                return -1
            }
            return nil
        }

        /// Consumes exactly `count` ASCII digits and returns their value.
        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard index < bytes.count else {
                    return nil
                }
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                    return nil
                }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }

        /// Consumes any run of ASCII digits and returns how many there were.
        mutating func skipDigits() -> Int {
            var count = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
                count += 1
            }
            return count
        }
    }
}
