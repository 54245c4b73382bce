/// A condition that makes a whole feed unusable: nothing from it may be stored.
///
/// Problems with single items are ``FeedDiagnostic`` values, not errors.
public enum FeedImportError: Error, Equatable, Sendable {
    /// The file does not exist or cannot be read.
    case unreadable(file: String, reason: String)
    /// The bytes are not well-formed XML (this includes truncated files, invalid UTF-8 and binary junk).
    case malformedXML(SourceLocation, reason: String)
    /// The bytes do not match the declared (or detected) character encoding.
    case encodingProblem(SourceLocation, reason: String)
    /// The root element is none of the supported formats.
    case unsupportedFormat(SourceLocation, root: String)
    /// The document declares entities (the door to XXE and entity-expansion attacks); merchant feeds never need them.
    case entityDeclarationRefused(SourceLocation, name: String)
    /// The document nests elements deeper than any feed does.
    case tooDeeplyNested(SourceLocation, depth: Int)
    /// The document ends before its root element is closed, or holds no root element.
    case emptyDocument(file: String)
}

extension FeedImportError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): error: cannot read feed: \(reason)"
        case .malformedXML(let location, let reason):
            "\(location): error: [malformed_xml] the feed is not well-formed XML: \(reason)"
        case .encodingProblem(let location, let reason):
            "\(location): error: [encoding_problem] the feed's bytes do not match its encoding "
                + "(use UTF-8, UTF-16, ISO-8859-1 or declare the encoding): \(reason)"
        case .unsupportedFormat(let location, let root):
            "\(location): error: [unsupported_format] unsupported feed format: <\(root)> "
                + "(expected RSS 2.0, Atom 1.0 or YML)"
        case .entityDeclarationRefused(let location, let name):
            "\(location): error: [entity_declaration] the feed declares the entity '\(name)'; "
                + "entity declarations are refused (they enable XXE and entity-expansion attacks)"
        case .tooDeeplyNested(let location, let depth):
            "\(location): error: [too_deeply_nested] elements are nested \(depth) levels deep; "
                + "feeds never need more than \(FeedReader.maximumDepth)"
        case .emptyDocument(let file):
            "\(file): error: [malformed_xml] the feed has no root element"
        }
    }

    /// Where the problem is, for callers that present errors themselves.
    public var location: SourceLocation {
        switch self {
        case .unreadable(let file, _), .emptyDocument(let file):
            SourceLocation(file: file, line: 0)
        case .malformedXML(let location, _), .encodingProblem(let location, _), .unsupportedFormat(let location, _),
            .entityDeclarationRefused(let location, _), .tooDeeplyNested(let location, _):
            location
        }
    }
}
