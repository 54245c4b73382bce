import Foundation

/// The ad entity a performance row is about, as the X Ads API names them.
public enum EntityLevel: String, Sendable, Hashable, CaseIterable {
    case campaign
    case lineItem = "line_item"
    case promotedTweet = "promoted_tweet"
}

/// The metrics campaignctl keeps, mapped from X's names:
/// `impressions`, `engagements`, `clicks`, `url_clicks` → link clicks, `card_engagements` → Buy-button (card)
/// clicks, and `billed_charge_local_micro` → spend in micros of the account's currency.
public struct PerformanceMetrics: Hashable, Sendable {
    public var impressions: Int64 = 0
    public var engagements: Int64 = 0
    public var clicks: Int64 = 0
    public var linkClicks: Int64 = 0
    public var buyClicks: Int64 = 0
    public var spendMicros: Int64 = 0

    /// Zero metrics.
    public init() {}

    /// Metrics with these values.
    public init(
        impressions: Int64,
        engagements: Int64,
        clicks: Int64,
        linkClicks: Int64,
        buyClicks: Int64,
        spendMicros: Int64
    ) {
        self.impressions = impressions
        self.engagements = engagements
        self.clicks = clicks
        self.linkClicks = linkClicks
        self.buyClicks = buyClicks
        self.spendMicros = spendMicros
    }
}

/// One row of ad performance: an entity's metrics for one day (or one hour of it) and one placement.
struct PerformanceRecord: Sendable {
    /// Where the row starts in its file.
    var line: Int
    /// The platform's id for the entity (campaign, line item or promoted tweet).
    var platformID: String
    var level: EntityLevel
    /// The entity's name when the file has one (it carries campaignctl's `[cctl id rN]` marker).
    var name: String?
    /// The account-local day, `YYYY-MM-DD`.
    var day: String
    /// The account-local hour, or -1 for a whole day.
    var hour: Int
    var placement: String
    /// The currency when the file says it.
    var currency: String?
    var metrics: PerformanceMetrics
    /// A dense number the reader gives each distinct entity id, in first-seen order, or -1. The store then finds a
    /// row's entity in an array instead of hashing its id: at ten million rows the hashing showed in profiles.
    var entityIndex: Int32 = -1
}

/// Days and hours in the ad account's time zone.
///
/// X reports a DAY bucket as the span starting at the account's local midnight, written in UTC
/// (`2022-05-20T07:00:00Z` is midnight in Los Angeles). So the local date is the UTC date when the UTC hour is before
/// noon and the next date otherwise, and the account's offset from UTC follows from the first bucket's hour. Offsets
/// beyond ±12 h (Kiribati, Tonga in summer) are outside what this inference covers.
enum ReportCalendar {
    /// The account's offset from UTC in seconds, inferred from a bucket starting at local midnight.
    static func offset(ofLocalMidnight epoch: Int64) -> Int64 {
        let hour = ((epoch % 86_400) + 86_400) % 86_400 / 3_600
        return hour < 12 ? -hour * 3_600 : (24 - hour) * 3_600
    }

    /// `YYYY-MM-DD` and the hour of `epoch` shifted by `offset` seconds.
    static func local(_ epoch: Int64, offset: Int64) -> (day: String, hour: Int) {
        let local = epoch + offset
        let days = Int((local - ((local % 86_400) + 86_400) % 86_400) / 86_400)
        let hour = Int((((local % 86_400) + 86_400) % 86_400) / 3_600)
        return (dayString(daysSinceEpoch: days), hour)
    }

    /// `YYYY-MM-DD` for a day number (days since 1970-01-01), by Howard Hinnant's civil-from-days algorithm
    /// (hand-written: it runs once per row, and `Calendar` costs microseconds a call).
    static func dayString(daysSinceEpoch: Int) -> String {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD` (then optionally `T` or a space and `HH:MM[:SS[.fff]]`, then optionally `Z` or `±HH:MM`)
    /// into seconds since the epoch; nil when malformed. A timestamp without a zone is taken as UTC, as X's exports
    /// and Fivetran's tables write them.
    static func epoch(_ text: some StringProtocol) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else {
                return nil
            }
            var value = 0
            for byte in bytes[from..<from + count] {
                guard byte >= 0x30, byte <= 0x39 else {
                    return nil
                }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D, let year = number(0, 4),
            let month = number(5, 2), let day = number(8, 2), (1...12).contains(month),
            (1...daysIn(month: month, year: year)).contains(day)
        else {
            return nil
        }
        var seconds = Int64(daysSinceEpoch(year: year, month: month, day: day)) * 86_400
        var position = 10
        if position < bytes.count, bytes[position] == 0x54 || bytes[position] == 0x20 {
            guard let hour = number(position + 1, 2), position + 3 < bytes.count, bytes[position + 3] == 0x3A,
                let minute = number(position + 4, 2), hour < 24, minute < 60
            else {
                return nil
            }
            seconds += Int64(hour * 3_600 + minute * 60)
            position += 6
            if position < bytes.count, bytes[position] == 0x3A {
                guard let second = number(position + 1, 2), second < 61 else {
                    return nil
                }
                seconds += Int64(second)
                position += 3
                if position < bytes.count, bytes[position] == 0x2E {
                    position += 1
                    while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
                        position += 1
                    }
                }
            }
            if position < bytes.count, bytes[position] == 0x5A {
                position += 1
            } else if position < bytes.count, bytes[position] == 0x2B || bytes[position] == 0x2D {
                let sign: Int64 = bytes[position] == 0x2B ? 1 : -1
                guard let hours = number(position + 1, 2), position + 3 < bytes.count, bytes[position + 3] == 0x3A,
                    let minutes = number(position + 4, 2)
                else {
                    return nil
                }
                seconds -= sign * Int64(hours * 3_600 + minutes * 60)
                position += 6
            }
        }
        return position == bytes.count ? seconds : nil
    }

    /// Whether `text` is a valid `YYYY-MM-DD` date.
    static func isDay(_ text: String) -> Bool {
        text.utf8.count == 10 && epoch(text) != nil
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
