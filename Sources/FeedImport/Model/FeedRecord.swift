/// Where an attribute came from: Google's namespace or the feed format's own elements.
public enum FieldOrigin: String, Hashable, Sendable {
    /// An element in the Google namespace (`g:price`, whatever the prefix).
    case google
    /// A plain RSS or Atom element the spec allows in place of the Google one (`title`, `link`,
    /// `description`, Atom `summary`, `link href`, `id`).
    case native
    /// A YML element mapped onto the Google model.
    case yml
}

/// One attribute of an item as read from the feed, before validation.
///
/// Repeated attributes (`additional_image_link`, `shipping`, `product_type` …) appear once per
/// occurrence, in document order. Nested groups (`shipping`, `tax`, `installment` …) keep their
/// sub-attributes in ``children``.
public struct FeedField: Hashable, Sendable {
    /// The attribute name without prefix, in Google's spelling (`price`, `shipping`, `title`).
    public var name: String
    /// Whether it was a Google element or the format's own.
    public var origin: FieldOrigin
    /// The element's text content (entities and CDATA resolved), untrimmed; empty for groups.
    public var value: String
    /// The 1-based line of the element's start tag.
    public var line: Int
    /// Sub-attributes of a group, in document order; empty for plain attributes.
    public var children: [FeedField]
    /// XML attributes worth keeping (YML `param name`/`unit`), in document order.
    public var xmlAttributes: [XMLAttribute]
    /// True when the text was longer than ``FeedReader/maximumFieldLength`` and was cut there.
    public var isTruncated: Bool

    /// Creates a field.
    public init(
        name: String,
        origin: FieldOrigin = .google,
        value: String,
        line: Int,
        children: [FeedField] = [],
        xmlAttributes: [XMLAttribute] = [],
        isTruncated: Bool = false
    ) {
        self.name = name
        self.origin = origin
        self.value = value
        self.line = line
        self.children = children
        self.xmlAttributes = xmlAttributes
        self.isTruncated = isTruncated
    }

    /// Whether this field is a group of sub-attributes.
    public var isGroup: Bool { !children.isEmpty }

    /// The first child with that name, for groups.
    public func child(_ name: String) -> FeedField? {
        children.first { $0.name == name }
    }
}

/// An XML attribute kept on a field.
public struct XMLAttribute: Hashable, Sendable {
    /// The attribute's local name.
    public var name: String
    /// Its value.
    public var value: String

    /// Creates an attribute.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One product record (`item`, `entry` or `offer`) exactly as read, before validation.
///
/// The reader stores its fields compactly (see `FieldStorage`); ``fields`` builds ``FeedField`` values on each
/// access, for tests and tools. The validator reads the compact form.
public struct FeedRecord: Hashable, Sendable {
    /// The dialect it was read from.
    public var format: FeedFormat
    /// The 1-based line of the record's start tag.
    public var line: Int
    /// The fields as stored.
    var storage: FieldStorage

    /// Creates a record.
    public init(format: FeedFormat, line: Int, fields: [FeedField]) {
        self.init(format: format, line: line, storage: FieldStorage(fields))
    }

    init(format: FeedFormat, line: Int, storage: FieldStorage) {
        self.format = format
        self.line = line
        self.storage = storage
    }

    /// Its attributes in document order.
    public var fields: [FeedField] {
        get { storage.fields }
        set { storage = FieldStorage(newValue) }
    }

    public static func == (lhs: FeedRecord, rhs: FeedRecord) -> Bool {
        lhs.format == rhs.format && lhs.line == rhs.line && lhs.fields == rhs.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(format)
        hasher.combine(line)
        hasher.combine(fields)
    }

    /// Every field with that name, Google's first, then the format's own, each in document order.
    public func fields(named name: String) -> [FeedField] {
        let matching = fields.filter { $0.name == name }
        guard matching.contains(where: { $0.origin != .google }) else {
            return matching
        }
        return matching.filter { $0.origin == .google } + matching.filter { $0.origin != .google }
    }

    /// The field that wins for a single-valued attribute: a Google element beats the format's own
    /// element (`g:title` over RSS `title`), otherwise the first occurrence.
    public func field(_ name: String) -> FeedField? {
        var fallback: FeedField?
        for field in fields where field.name == name {
            if field.origin == .google {
                return field
            }
            if fallback == nil {
                fallback = field
            }
        }
        return fallback
    }
}
