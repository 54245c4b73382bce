import Foundation

/// A value as the store exchanges it with either engine: SQLite's five storage classes, which
/// PostgreSQL's BIGINT, DOUBLE PRECISION, TEXT and BYTEA columns map onto one to one.
enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// A Swift type the store reads from and writes to a column.
///
/// Reading a column as a type it cannot hold is a programming error (the schema is the store's own),
/// as with GRDB's row subscripts; `Optional` reads NULL as `nil`.
protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
    static func fromSQL(_ value: SQLValue) -> Self?
}

extension String: SQLValueConvertible {
    var sqlValue: SQLValue { .text(self) }
    static func fromSQL(_ value: SQLValue) -> String? {
        switch value {
        case .text(let text): text
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .blob(let data): String(decoding: data, as: UTF8.self)
        case .null: nil
        }
    }
}

extension Int64: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(self) }
    static func fromSQL(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let number): number
        case .real(let number): Int64(exactly: number.rounded(.towardZero))
        case .text(let text): Int64(text)
        case .blob, .null: nil
        }
    }
}

extension Int: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(Int64(self)) }
    static func fromSQL(_ value: SQLValue) -> Int? { Int64.fromSQL(value).flatMap { Int(exactly: $0) } }
}

extension Bool: SQLValueConvertible {
    var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    static func fromSQL(_ value: SQLValue) -> Bool? { Int64.fromSQL(value).map { $0 != 0 } }
}

extension Double: SQLValueConvertible {
    var sqlValue: SQLValue { .real(self) }
    static func fromSQL(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let number): number
        case .integer(let number): Double(number)
        case .text(let text): Double(text)
        case .blob, .null: nil
        }
    }
}

extension Data: SQLValueConvertible {
    var sqlValue: SQLValue { .blob(self) }
    static func fromSQL(_ value: SQLValue) -> Data? {
        switch value {
        case .blob(let data): data
        case .text(let text): Data(text.utf8)
        case .integer, .real, .null: nil
        }
    }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
    static func fromSQL(_ value: SQLValue) -> Wrapped?? {
        if case .null = value {
            return .some(nil)
        }
        return Wrapped.fromSQL(value).map { .some($0) }
    }
}

/// The arguments of a statement, in `?` order.
struct SQLArguments: Sendable, ExpressibleByArrayLiteral {
    var values: [SQLValue]

    init(_ values: [SQLValue] = []) {
        self.values = values
    }

    init(_ values: [any SQLValueConvertible]) {
        self.values = values.map(\.sqlValue)
    }

    init(arrayLiteral elements: (any SQLValueConvertible)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    mutating func append(_ value: (any SQLValueConvertible)?) {
        values.append(value?.sqlValue ?? .null)
    }

    static func += (lhs: inout SQLArguments, rhs: SQLArguments) {
        lhs.values += rhs.values
    }
}

/// One result row; columns by position (from 0) or by name.
///
/// Reading throws ``StoreError`` when a column does not hold the type asked for: the database is not trusted,
/// and a value edited behind campaignctl's back (text in a price column) must be an error, never a crash.
struct SQLRow: Sendable {
    let columns: [String]
    let values: [SQLValue]

    subscript<T: SQLValueConvertible>(_ index: Int) -> T {
        get throws {
            guard values.indices.contains(index) else {
                throw StoreError(kind: .other, message: "a query returned \(values.count) columns, not \(index + 1)")
            }
            return try Self.convert(values[index], column: columns[index])
        }
    }

    subscript<T: SQLValueConvertible>(_ name: String) -> T {
        get throws {
            guard let index = columns.firstIndex(of: name) else {
                throw StoreError(kind: .other, message: "no column '\(name)' in a query's result")
            }
            return try Self.convert(values[index], column: name)
        }
    }

    func isNull(_ index: Int) -> Bool {
        guard values.indices.contains(index), case .null = values[index] else {
            return false
        }
        return true
    }

    private static func convert<T: SQLValueConvertible>(_ value: SQLValue, column: String) throws -> T {
        guard let converted = T.fromSQL(value) else {
            throw StoreError(
                kind: .corrupt,
                message: "column '\(column)' holds \(value.kind), where \(T.self) was expected (edited by hand?)"
            )
        }
        return converted
    }
}

extension SQLValue {
    /// The storage class, for messages (never the value: it may be sensitive).
    var kind: String {
        switch self {
        case .null: "NULL"
        case .integer: "an integer"
        case .real: "a real number"
        case .text: "text"
        case .blob: "a blob"
        }
    }
}
