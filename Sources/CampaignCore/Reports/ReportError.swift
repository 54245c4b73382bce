/// One problem in a report or payments file, located like a compiler diagnostic.
public struct ReportProblem: Hashable, Sendable, CustomStringConvertible {
    /// The file, as given.
    public var file: String
    /// The 1-based line (CSV record start, JSON-lines line), when known.
    public var line: Int?
    /// The entity or event id concerned.
    public var item: String?
    /// A stable snake_case code.
    public var code: String
    /// What was expected.
    public var message: String

    /// Creates a problem.
    public init(file: String, line: Int? = nil, item: String? = nil, code: String, message: String) {
        self.file = file
        self.line = line
        self.item = item
        self.code = code
        self.message = message
    }

    /// `file:line: <severity>: [code] item 'id': message`.
    public func formatted(severity: String) -> String {
        let location = line.map { "\(file):\($0)" } ?? file
        let subject = item.map { "item '\($0)': " } ?? ""
        return "\(location): \(severity): [\(code)] \(subject)\(message)"
    }

    public var description: String { formatted(severity: "error") }
}

/// Why a report ingest or export was refused. Nothing is stored when an ingest throws.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file has problems; each is located. Nothing from the file was stored.
    case rejected([ReportProblem])
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The export could not be written.
    case cannotWrite(file: String, reason: String)
    /// An option is malformed (`--map`, `--by`, dates …).
    case invalidOption(String)

    public var description: String {
        switch self {
        case .rejected(let problems):
            let shown = problems.prefix(50).map(\.description)
            let more = problems.count > 50 ? ["… and \(problems.count - 50) more problems"] : []
            return (shown + more + ["nothing from this file was stored"]).joined(separator: "\n")
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .cannotWrite(let file, let reason):
            return "cannot write \(file): \(reason)"
        case .invalidOption(let message):
            return message
        }
    }

    static func problem(
        _ file: String,
        line: Int? = nil,
        item: String? = nil,
        code: String,
        _ message: String
    ) -> ReportError {
        .rejected([ReportProblem(file: file, line: line, item: item, code: code, message: message)])
    }
}
