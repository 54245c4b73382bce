import FeedImport
import Foundation

/// The export formats.
public enum ReportFormat: String, Sendable, CaseIterable {
    case csv
    case json
    case html
}

/// Writes report rows as CSV (RFC 4180, CRLF, UTF-8) or JSON (an array of objects), with fixed columns.
///
/// Hand-written rather than through CSV.swift's writer: that one goes through Foundation's `OutputStream` a field at a
/// time, and an export can be millions of rows; this one appends bytes to one buffer flushed every megabyte. The
/// quoting rule is RFC 4180's: a field with a comma, a quote, CR or LF is quoted and its quotes doubled.
public struct ReportWriter {
    /// The columns, in order; JSON objects use the same names.
    public static let columns = [
        "date", "campaign_id", "campaign_name", "format", "product_id", "currency", "impressions", "engagements",
        "clicks", "link_clicks", "buy_clicks", "spend_micros", "spend", "orders", "revenue_micros", "revenue",
        "refunds_micros", "refunds", "ctr", "cpm", "cpc", "cpa", "roas",
    ]

    /// A column's value for one row: text, a whole number, a decimal number, or nothing.
    enum Value {
        case text(String)
        case integer(Int64)
        case decimal(String)
        case none
    }

    static func values(_ row: ReportRow) -> [Value] {
        func text(_ value: String?) -> Value { value.map(Value.text) ?? .none }
        func money(_ micros: Int64) -> Value { .text(formatMoney(micros, currency: row.currency)) }
        func ratio(_ value: String?) -> Value { value.map(Value.decimal) ?? .none }
        return [
            text(row.day), text(row.campaignID), text(row.campaignName), text(row.format), text(row.productID),
            .text(row.currency), .integer(row.metrics.impressions), .integer(row.metrics.engagements),
            .integer(row.metrics.clicks), .integer(row.metrics.linkClicks), .integer(row.metrics.buyClicks),
            .integer(row.metrics.spendMicros), money(row.metrics.spendMicros), .integer(row.orders),
            .integer(row.revenueMicros), money(row.revenueMicros), .integer(row.refundsMicros),
            money(row.refundsMicros), ratio(row.ctr), ratio(row.cpm), ratio(row.cpc), ratio(row.cpa), ratio(row.roas),
        ]
    }

    /// Micros as a decimal rounded (half to even) to the currency's minor units: `58.48` for 58480994 EUR micros.
    public static func formatMoney(_ micros: Int64, currency: String) -> String {
        let minor = max(0, min(6, Currency.minorUnits(of: currency)))
        var unit: Int64 = 1
        for _ in 0..<(6 - minor) {
            unit *= 10
        }
        let magnitude = micros.magnitude
        var (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: UInt64(unit))
        if remainder * 2 > UInt64(unit) || (remainder * 2 == UInt64(unit) && quotient % 2 == 1) {
            quotient += 1
        }
        let rounded = Int64(quotient) * unit
        return Money.decimalString(micros: micros < 0 ? -rounded : rounded, currency: currency)
    }

    let format: ReportFormat
    private var output: ReportOutput
    private var rows = 0

    /// Starts a CSV or JSON document on `output`.
    init(format: ReportFormat, output: ReportOutput) {
        precondition(format != .html, "HTML reports are written by ReportHTML")
        self.format = format
        self.output = output
        switch format {
        case .csv:
            output.append(Self.columns.joined(separator: ","))
            output.append("\r\n")
        case .json, .html:
            output.append("[")
        }
    }

    /// Appends one row.
    mutating func write(_ row: ReportRow) throws {
        let values = Self.values(row)
        switch format {
        case .csv:
            for (index, value) in values.enumerated() {
                if index > 0 {
                    output.append(",")
                }
                switch value {
                case .text(let text): Self.appendCSVField(text, to: output)
                case .integer(let number): output.append(String(number))
                case .decimal(let text): output.append(text)
                case .none: break
                }
            }
            output.append("\r\n")
        case .json, .html:
            output.append(rows == 0 ? "\n  {" : ",\n  {")
            for (index, value) in values.enumerated() {
                if index > 0 {
                    output.append(", ")
                }
                Self.appendJSONString(Self.columns[index], to: output)
                output.append(": ")
                switch value {
                case .text(let text): Self.appendJSONString(text, to: output)
                case .integer(let number): output.append(String(number))
                case .decimal(let text): output.append(text)
                case .none: output.append("null")
                }
            }
            output.append("}")
        }
        rows += 1
        try output.flushIfNeeded()
    }

    /// Ends the document.
    mutating func finish() throws {
        if format == .json {
            output.append(rows == 0 ? "]\n" : "\n]\n")
        }
        try output.flush()
    }

    static func appendCSVField(_ text: String, to output: ReportOutput) {
        if text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) {
            output.append("\"")
            output.append(text.replacingOccurrences(of: "\"", with: "\"\""))
            output.append("\"")
        } else {
            output.append(text)
        }
    }

    static func appendJSONString(_ text: String, to output: ReportOutput) {
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default:
                output.append(String(scalar))
            }
        }
        output.append("\"")
    }
}

/// A byte buffer written to a temporary file next to the destination, renamed into place on success: a failed
/// export never leaves half a file where the old one was.
final class ReportOutput {
    private var buffer: [UInt8] = []
    private let handle: FileHandle?
    private let temporary: String?
    private let destination: String?
    /// Bytes written so far.
    private(set) var written = 0

    /// Writes to `path` (through a temporary file).
    init(path: String) throws(ReportError) {
        let temporary = path + ".partial-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw .cannotWrite(file: path, reason: "cannot create \(temporary)")
        }
        guard let handle = FileHandle(forWritingAtPath: temporary) else {
            throw .cannotWrite(file: path, reason: "cannot open \(temporary) for writing")
        }
        self.handle = handle
        self.temporary = temporary
        self.destination = path
        buffer.reserveCapacity(1 << 20)
    }

    /// Collects in memory (`bytes`).
    init() {
        handle = nil
        temporary = nil
        destination = nil
    }

    /// Everything written, when collecting in memory.
    var bytes: [UInt8] { buffer }

    func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    func flushIfNeeded() throws {
        if handle != nil, buffer.count >= 1 << 20 {
            try flush()
        }
    }

    func flush() throws {
        guard let handle else {
            return
        }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ReportError.cannotWrite(file: destination ?? "", reason: error.localizedDescription)
        }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file into place.
    func commit() throws {
        try flush()
        guard let handle, let temporary, let destination else {
            return
        }
        try? handle.close()
        // rename(2) replaces the destination atomically.
        guard rename(temporary, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw ReportError.cannotWrite(file: destination, reason: reason)
        }
    }

    /// Removes the temporary file.
    func discard() {
        try? handle?.close()
        if let temporary {
            try? FileManager.default.removeItem(atPath: temporary)
        }
    }
}
