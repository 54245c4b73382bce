internal import CLibXML2

/// Reads product records from a Merchant-style XML feed, one at a time, in constant memory.
///
/// A cursor in the manner of GRDB's `Cursor`: call ``next()`` until it returns `nil`. Under the hood
/// libxml2's SAX2 push parser is fed 256 KiB chunks, so memory stays flat whatever the file size
/// (measured with `xmlTextReader` too: SAX2 is the faster of the two, see the README's benchmark).
///
/// - RSS 2.0 (`rss/channel/item`), Atom 1.0 and legacy Atom 0.3 (`feed/entry`), and Yandex Market
///   Language (`yml_catalog/shop/offers/offer`, mapped onto Google's attribute names).
/// - Google attributes are matched by namespace URI (`http://base.google.com/ns/1.0`), never by prefix.
/// - Gzipped files are inflated on the fly; UTF-8, UTF-16, ISO-8859-1 and windows-1251 are read as declared.
/// - Hostile input fails closed: entity declarations (XXE, expansion bombs) are refused, nothing is
///   fetched from the network, nesting is capped, oversized text is cut and flagged.
///
/// Not `Sendable`: a reader belongs to the one task that drains it.
public final class FeedReader {
    /// Deeper nesting than this is refused (feeds need 5 levels).
    public static let maximumDepth = 64
    /// Text longer than this (in UTF-8 bytes) is cut and the field marked ``FeedField/isTruncated``.
    public static let maximumFieldLength = 1 << 20

    /// The path as the user gave it, used in every location.
    public let displayName: String

    private let source: ByteSource
    private let state: SAXState
    private var context: xmlParserCtxtPtr?
    private let chunk: UnsafeMutableRawBufferPointer
    private var finished = false
    private var queueIndex = 0

    /// Opens a feed file (plain or gzipped).
    ///
    /// - Parameter displayName: the name shown in diagnostics; defaults to `path`.
    public convenience init(contentsOf path: String, displayName: String? = nil) throws(FeedImportError) {
        let name = displayName ?? path
        self.init(source: try ByteSource(path: path, displayName: name), displayName: name)
    }

    /// Reads a feed held in memory (tests, previews).
    public convenience init(bytes: [UInt8], displayName: String) {
        self.init(source: ByteSource(bytes: bytes, displayName: displayName), displayName: displayName)
    }

    private init(source: ByteSource, displayName: String) {
        self.source = source
        self.displayName = displayName
        self.state = SAXState(file: displayName)
        self.chunk = .allocate(byteCount: ByteSource.chunkSize, alignment: 16)
    }

    deinit {
        if let context {
            xmlFreeParserCtxt(context)
        }
        chunk.deallocate()
    }

    /// The dialect, known once the root element has been read.
    public var format: FeedFormat? { state.format }

    /// Problems with the feed as a whole that do not stop it (legacy format, libxml2 warnings).
    public var feedDiagnostics: [FeedDiagnostic] { state.feedDiagnostics }

    /// Raw bytes read from the file so far (compressed bytes for a gzipped feed), for progress.
    public var rawBytesConsumed: Int64 { source.rawBytesConsumed }

    /// The file's size in bytes, when known.
    public var rawSize: Int64? { source.rawSize }

    /// Called with every raw chunk of the file, in order, exactly once (the importer hashes them).
    public var rawBytesObserver: ((UnsafeRawBufferPointer) -> Void)? {
        get { source.rawObserver }
        set { source.rawObserver = newValue }
    }

    /// Lends the reader memory to read a plain (not gzipped) file's next raw chunk into, instead of its own buffer: the
    /// observer is then shown the chunk where it lent it, and can keep it without a copy (the importer's file hash).
    /// Asked before each read; `nil`, or less memory than a chunk (256 KiB), means the reader's own buffer. The reader
    /// is done with the memory when the observer has been called and `next()` returns.
    public var rawChunkLender: (() -> UnsafeMutableRawBufferPointer?)?

    /// The next record, or `nil` at the end of the feed.
    ///
    /// - Throws: ``FeedImportError`` when the file is unreadable, not well-formed, of an unsupported
    ///   format or hostile. The reader is then unusable; records already returned must be discarded
    ///   by callers that need all-or-nothing semantics.
    public func next() throws(FeedImportError) -> FeedRecord? {
        while true {
            if let error = state.error {
                throw error
            }
            if queueIndex < state.records.count {
                let record = state.records[queueIndex]
                queueIndex += 1
                if queueIndex == state.records.count {
                    state.records.removeAll(keepingCapacity: true)
                    queueIndex = 0
                }
                return record
            }
            if finished {
                return nil
            }
            try parseNextChunk()
        }
    }

    private func parseNextChunk() throws(FeedImportError) {
        // Only a plain file's bytes are read where they are lent: a gzipped file's raw bytes go to the observer from
        // the inflater's input buffer, and its inflated text into this memory.
        var buffer = chunk
        if source.isPlain, let lent = rawChunkLender?(), lent.count >= chunk.count {
            buffer = UnsafeMutableRawBufferPointer(rebasing: lent[..<chunk.count])
        }
        let count = try source.read(into: buffer)
        guard let bytes = buffer.baseAddress?.assumingMemoryBound(to: CChar.self) else {
            return
        }
        guard let context else {
            guard count > 0 else {
                finished = true
                throw .emptyDocument(file: displayName)
            }
            try start(with: bytes, count: count)
            return
        }
        if count == 0 {
            xmlParseChunk(context, nil, 0, 1)
            finished = true
            if state.error == nil, state.format == nil {
                state.error = .emptyDocument(file: displayName)
            }
        } else {
            // An empty, non-final push first: libxml2 moves the unparsed rest of its buffer to the front before it
            // parses (`xmlBufShrink`), and the rest is now only the last incomplete tag, not the whole new chunk.
            // Without it every byte of the feed was moved once more.
            xmlParseChunk(context, nil, 0, 0)
            xmlParseChunk(context, bytes, Int32(count), 0)
        }
    }

    /// Creates the push parser with the first bytes (libxml2 sniffs the encoding from them).
    private func start(with bytes: UnsafeMutablePointer<CChar>, count: Int) throws(FeedImportError) {
        var handler = xmlSAXHandler()
        handler.initialized = clx_sax2_magic()
        handler.startElementNs = { context, localName, prefix, uri, _, _, attributeCount, _, attributes in
            SAXState.with(context) { $0.startElement(localName, prefix, uri, attributeCount, attributes) }
        }
        handler.endElementNs = { context, _, _, _ in
            SAXState.with(context) { $0.endElement() }
        }
        handler.characters = { context, characters, length in
            SAXState.with(context) { $0.appendText(characters, length) }
        }
        handler.cdataBlock = { context, characters, length in
            SAXState.with(context) { $0.appendText(characters, length) }
        }
        handler.entityDecl = { context, name, _, _, _, _ in
            SAXState.with(context) { $0.refuseEntity(name) }
        }
        // No type annotations: the error parameter's type differs between libxml2 2.9 and 2.12.
        handler.serror = { context, error in
            guard let error else {
                return
            }
            SAXState.with(context) {
                $0.record(
                    level: Int(error.pointee.level.rawValue),
                    domain: Int(error.pointee.domain),
                    code: Int(error.pointee.code),
                    line: Int(error.pointee.line),
                    message: error.pointee.message.map { String(cString: $0) } ?? "unknown error"
                )
            }
        }
        let userData = Unmanaged.passUnretained(state).toOpaque()
        let head = min(count, 4)
        guard let context = xmlCreatePushParserCtxt(&handler, userData, bytes, Int32(head), displayName) else {
            throw .unreadable(file: displayName, reason: "libxml2 could not create a parser")
        }
        // NONET: never fetch anything. Deliberately not NOENT, DTDLOAD or HUGE (TOOLCHAIN.md §3).
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue))
        self.context = context
        state.context = context
        if count > head {
            xmlParseChunk(context, bytes + head, Int32(count - head), 0)
        }
    }
}

// MARK: - SAX state

/// What the SAX callbacks build: the current record, field and text, plus a queue of finished records.
final class SAXState {
    // Stored properties are `@exclusivity(unchecked)`: the state belongs to the one thread that runs the parser,
    // its callbacks never overlap, and the dynamic checks took a tenth of that thread.
    let file: String
    @exclusivity(unchecked) var context: xmlParserCtxtPtr?
    @exclusivity(unchecked) var format: FeedFormat?
    @exclusivity(unchecked) var records: [FeedRecord] = []
    @exclusivity(unchecked) var error: FeedImportError?
    @exclusivity(unchecked) var feedDiagnostics: [FeedDiagnostic] = []

    @exclusivity(unchecked) private var depth = 0
    /// Local names of the open elements above the record level.
    @exclusivity(unchecked) private var outerPath: [String] = []
    @exclusivity(unchecked) private var recordDepth = Int.max
    @exclusivity(unchecked) private var recordName = ""
    @exclusivity(unchecked) private var recordParentPath: [String] = []
    @exclusivity(unchecked) private var recordURIKind = URIKind.none
    /// Depth of the element whose subtree is being skipped, 0 when none.
    @exclusivity(unchecked) private var skipDepth = 0

    @exclusivity(unchecked) private var inRecord = false
    @exclusivity(unchecked) private var recordLine = 0
    @exclusivity(unchecked) private var recordAttributes: [XMLAttribute] = []
    /// The record being read, in the form `FieldStorage` keeps: the text of all its values in one buffer, reused for
    /// every record (it starts at 4 KiB and grows by doubling), and one entry per field, sub-field and XML attribute.
    @exclusivity(unchecked) private var recordText = ByteBuffer(capacity: 4096)
    @exclusivity(unchecked) private var entries: [FieldEntry] = []
    /// The entries of the open field and sub-field, -1 when none.
    @exclusivity(unchecked) private var fieldIndex = -1
    @exclusivity(unchecked) private var childIndex = -1
    /// Whether the open field's value was fixed at its start tag (Atom `link href`).
    @exclusivity(unchecked) private var fieldHasPreset = false
    @exclusivity(unchecked) private var collecting = Collecting.none
    /// Where the text of the element being collected starts in ``recordText``.
    @exclusivity(unchecked) private var textStart = 0
    @exclusivity(unchecked) private var textTruncated = false

    /// Direct-mapped caches keyed by libxml2's interned name pointers (a dictionary lookup costs more), of
    /// ``nameCacheSize`` slots.
    @exclusivity(unchecked) private var nameCacheKeys = [UnsafeRawPointer?](repeating: nil, count: nameCacheSize)
    @exclusivity(unchecked) private var nameCacheValues = [String](repeating: "", count: nameCacheSize)
    @exclusivity(unchecked) private var nameCacheIDs = [UInt16](repeating: FieldNames.custom, count: nameCacheSize)
    private static let nameCacheBits = 10
    private static let nameCacheSize = 1 << nameCacheBits
    @exclusivity(unchecked) private var uriCacheKey: UnsafeRawPointer?
    @exclusivity(unchecked) private var uriCacheValue = URIKind.none
    @exclusivity(unchecked) private var warningCount = 0

    // YML: the shop's category tree, read before the offers.
    @exclusivity(unchecked) private var categories: [String: (name: String, parent: String?)] = [:]
    @exclusivity(unchecked) private var categoryID: String?
    @exclusivity(unchecked) private var categoryParent: String?

    private enum Collecting {
        case none, field, child
    }

    enum URIKind {
        case none, google, atom, atom03, other
    }

    init(file: String) {
        self.file = file
    }

    /// Runs `body` on the state behind a callback's context without retaining it: the reader owns the state for
    /// the whole parse, and a retain and release per callback (millions of them) cost more than the body of most.
    /// (`_withUnsafeGuaranteedRef` is the standard library's only way to say so; it is underscored but public.)
    @inline(__always)
    static func with(_ context: UnsafeMutableRawPointer?, _ body: (SAXState) -> Void) {
        guard let context else {
            return
        }
        Unmanaged<SAXState>.fromOpaque(context)._withUnsafeGuaranteedRef(body)
    }

    private var currentLine: Int {
        guard let context else {
            return 0
        }
        return Int(xmlSAX2GetLineNumber(UnsafeMutableRawPointer(context)))
    }

    private func fail(_ error: FeedImportError) {
        if self.error == nil {
            self.error = error
        }
        if let context {
            xmlStopParser(context)
        }
    }

    // MARK: Elements

    func startElement(
        _ localName: UnsafePointer<xmlChar>?,
        _ prefix: UnsafePointer<xmlChar>?,
        _ uri: UnsafePointer<xmlChar>?,
        _ attributeCount: Int32,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        depth += 1
        guard error == nil else {
            return
        }
        if depth > FeedReader.maximumDepth {
            fail(.tooDeeplyNested(SourceLocation(file: file, line: currentLine), depth: depth))
            return
        }
        if skipDepth > 0 {
            return
        }
        let (name, nameID) = cachedName(localName)
        let kind = uriKind(uri)
        guard format != nil else {
            startRoot(name: name, prefix: prefix, kind: kind)
            return
        }
        guard inRecord else {
            startOutside(name: name, kind: kind, attributeCount, attributes)
            return
        }
        if depth == recordDepth + 1 {
            startField(name: name, nameID: nameID, kind: kind, attributeCount, attributes)
        } else if depth == recordDepth + 2, fieldIndex >= 0, kind == .google || kind == .none || kind == recordURIKind {
            startChild(name: name, nameID: nameID)
        } else {
            skipDepth = depth
        }
    }

    func endElement() {
        defer { depth -= 1 }
        guard error == nil else {
            return
        }
        if skipDepth > 0 {
            if depth == skipDepth {
                skipDepth = 0
            }
            return
        }
        guard inRecord else {
            if categoryID != nil, depth == recordDepth {
                finishCategory()
            } else if depth < recordDepth, !outerPath.isEmpty {
                outerPath.removeLast()
            }
            return
        }
        if depth == recordDepth {
            finishRecord()
        } else if depth == recordDepth + 1 {
            finishField()
        } else if depth == recordDepth + 2 {
            if childIndex >= 0 {
                let value = endText()
                entries[childIndex].valueCount = value.count
                entries[childIndex].isTruncated = value.truncated
                childIndex = -1
            }
            collecting = .none
        }
    }

    private func startRoot(name: String, prefix: UnsafePointer<xmlChar>?, kind: URIKind) {
        switch (name, kind) {
        case ("rss", .none):
            format = .rss2
            recordDepth = 3
            recordName = "item"
            recordParentPath = ["rss", "channel"]
            recordURIKind = .none
        case ("feed", .atom):
            format = .atom1
            recordDepth = 2
            recordName = "entry"
            recordParentPath = ["feed"]
            recordURIKind = .atom
        case ("feed", .atom03):
            format = .atom03
            recordDepth = 2
            recordName = "entry"
            recordParentPath = ["feed"]
            recordURIKind = .atom03
            feedDiagnostics.append(
                FeedDiagnostic(
                    severity: .warning,
                    code: FeedDiagnostic.Code(rawValue: "legacy_feed_format"),
                    location: SourceLocation(file: file, line: currentLine),
                    itemID: nil,
                    attribute: nil,
                    message: "Atom 0.3 is Google Base's retired format; it is read like Atom 1.0, "
                        + "but Merchant Center expects Atom 1.0 or RSS 2.0"
                )
            )
        case ("yml_catalog", .none):
            format = .yml
            recordDepth = 4
            recordName = "offer"
            recordParentPath = ["yml_catalog", "shop", "offers"]
            recordURIKind = .none
        default:
            let shownPrefix = prefix.map { String(cString: $0) + ":" } ?? ""
            fail(.unsupportedFormat(SourceLocation(file: file, line: currentLine), root: shownPrefix + name))
            return
        }
        outerPath = [name]
    }

    private func startOutside(
        name: String,
        kind: URIKind,
        _ attributeCount: Int32,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        if depth == recordDepth, name == recordName, kind == recordURIKind, outerPath == recordParentPath {
            inRecord = true
            recordLine = currentLine
            entries.removeAll(keepingCapacity: true)
            recordText.removeAll()
            fieldIndex = -1
            childIndex = -1
            recordAttributes = format == .yml ? readAttributes(attributeCount, attributes) : []
            return
        }
        if depth == recordDepth, format == .yml, name == "category", outerPath == ["yml_catalog", "shop", "categories"]
        {
            let attributes = readAttributes(attributeCount, attributes)
            categoryID = attributes.first { $0.name == "id" }?.value
            categoryParent = attributes.first { $0.name == "parentId" }?.value
            beginText(.field)
            return
        }
        if depth < recordDepth {
            outerPath.append(name)
        } else {
            skipDepth = depth
        }
    }

    private func startField(
        name: String,
        nameID: UInt16,
        kind: URIKind,
        _ attributeCount: Int32,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard let format else {
            return
        }
        var fieldName = name
        var fieldID = nameID
        let origin: FieldOrigin
        var preset: String?
        var kept: [XMLAttribute] = []
        switch (format, kind) {
        case (_, .google):
            origin = .google
        case (.rss2, .none):
            guard name == "title" || name == "link" || name == "description" else {
                skipDepth = depth
                return
            }
            origin = .native
        case (.atom1, .atom), (.atom03, .atom03):
            origin = .native
            switch name {
            case "title", "id":
                break
            case "summary", "content":
                fieldName = "description"
                fieldID = FieldNames.id(of: fieldName)
            case "link":
                let attributes = readAttributes(attributeCount, attributes)
                let rel = attributes.first { $0.name == "rel" }?.value ?? "alternate"
                guard rel == "alternate", let href = attributes.first(where: { $0.name == "href" })?.value else {
                    skipDepth = depth
                    return
                }
                preset = href
            default:
                skipDepth = depth
                return
            }
        case (.yml, .none):
            origin = .yml
            kept = attributeCount > 0 ? readAttributes(attributeCount, attributes) : []
        default:
            skipDepth = depth
            return
        }
        let line = currentLine
        fieldIndex = appendEntry(name: fieldName, nameID: fieldID, origin: origin, kind: .field, line: line)
        for attribute in kept {
            let index = appendEntry(
                name: attribute.name,
                nameID: FieldNames.id(of: attribute.name),
                origin: origin,
                kind: .attribute,
                line: line
            )
            recordText.append(utf8: attribute.value)
            entries[index].valueCount = recordText.count - entries[index].valueStart
        }
        entries[fieldIndex].valueStart = recordText.count
        if let preset {
            recordText.append(utf8: preset)
            entries[fieldIndex].valueCount = recordText.count - entries[fieldIndex].valueStart
            fieldHasPreset = true
        } else {
            beginText(.field)
        }
    }

    /// A sub-attribute of the open field, which becomes a group: the text it had so far is dropped.
    private func startChild(name: String, nameID: UInt16) {
        if !entries[fieldIndex].hasChildren {
            entries[fieldIndex].hasChildren = true
            entries[fieldIndex].valueCount = 0
            recordText.truncate(to: entries[fieldIndex].valueStart)
        }
        childIndex = appendEntry(name: name, nameID: nameID, origin: .google, kind: .field, line: currentLine)
        beginText(.child)
    }

    /// Appends an entry whose value starts at the end of the text (after its name, for a name without an id).
    private func appendEntry(
        name: String,
        nameID: UInt16,
        origin: FieldOrigin,
        kind: FieldEntry.Kind,
        line: Int
    ) -> Int {
        var entry = FieldEntry(nameID: nameID, origin: origin, kind: kind, line: line)
        if nameID == FieldNames.custom {
            entry.nameStart = recordText.count
            recordText.append(utf8: name)
            entry.nameCount = recordText.count - entry.nameStart
        }
        entry.valueStart = recordText.count
        entries.append(entry)
        return entries.count - 1
    }

    private func finishField() {
        guard fieldIndex >= 0 else {
            return
        }
        let index = fieldIndex
        fieldIndex = -1
        if !entries[index].hasChildren, !fieldHasPreset {
            let value = endText()
            entries[index].valueCount = value.count
            entries[index].isTruncated = value.truncated
        }
        collecting = .none
        fieldHasPreset = false
        entries[index].span = entries.count - index - 1
    }

    private func finishRecord() {
        inRecord = false
        guard let format else {
            return
        }
        // The entries' buffer goes to the record; `removeAll` gives this state a new one of the same capacity.
        var storage = FieldStorage(text: Array(recordText.bytes), entries: entries)
        entries.removeAll(keepingCapacity: true)
        recordText.removeAll()
        if format == .yml {
            storage = FieldStorage(
                YMLMapping.map(
                    storage.fields,
                    offerAttributes: recordAttributes,
                    line: recordLine,
                    categoryPath: categoryPath(for:)
                )
            )
        }
        records.append(FeedRecord(format: format, line: recordLine, storage: storage))
    }

    private func finishCategory() {
        let value = takeText()
        collecting = .none
        if let categoryID, categories.count < 100_000 {
            categories[categoryID] = (trimmed(value.text), categoryParent)
        }
        categoryID = nil
        categoryParent = nil
    }

    /// `Parent > Child` for a YML category id (the id itself when unknown).
    private func categoryPath(for id: String) -> String {
        var names: [String] = []
        var current: String? = id
        var seen = Set<String>()
        while let key = current, let category = categories[key], !seen.contains(key), names.count < 20 {
            seen.insert(key)
            names.append(category.name)
            current = category.parent
        }
        return names.isEmpty ? id : names.reversed().joined(separator: " > ")
    }

    // MARK: Text

    private func beginText(_ mode: Collecting) {
        collecting = mode
        textStart = recordText.count
        textTruncated = false
    }

    func appendText(_ characters: UnsafePointer<xmlChar>?, _ length: Int32) {
        guard collecting != .none, let characters, length > 0 else {
            return
        }
        let room = FeedReader.maximumFieldLength - (recordText.count - textStart)
        let kept = min(Int(length), room)
        if kept < Int(length) {
            textTruncated = true
        }
        if kept > 0 {
            recordText.append(UnsafeBufferPointer(start: characters, count: kept))
        }
    }

    /// Ends the element's text: its length in ``recordText`` and whether it was cut. A cut at the byte limit may
    /// split a character, whose first bytes are dropped.
    private func endText() -> (count: Int, truncated: Bool) {
        collecting = .none
        var count = recordText.count - textStart
        if textTruncated {
            count = UTF8Tail.completeLength(UnsafeBufferPointer(rebasing: recordText.bytes[textStart...]))
            recordText.truncate(to: textStart + count)
        }
        return (count, textTruncated)
    }

    /// Ends the element's text and takes it out of ``recordText`` as a string (YML categories, outside records).
    private func takeText() -> (text: String, truncated: Bool) {
        let value = endText()
        let text = String(
            decoding: UnsafeBufferPointer(rebasing: recordText.bytes[textStart..<textStart + value.count]),
            as: UTF8.self
        )
        recordText.truncate(to: textStart)
        return (text, value.truncated)
    }

    // MARK: Hostile input and errors

    func refuseEntity(_ name: UnsafePointer<xmlChar>?) {
        let entity = name.map { String(cString: $0) } ?? "?"
        fail(.entityDeclarationRefused(SourceLocation(file: file, line: currentLine), name: entity))
    }

    func record(level: Int, domain: Int, code: Int, line: Int, message: String) {
        let reason = trimmed(message)
        if level >= Int(XML_ERR_ERROR.rawValue) {
            let location = SourceLocation(file: file, line: line > 0 ? line : currentLine)
            if Self.encodingErrorCodes.contains(code) {
                fail(.encodingProblem(location, reason: reason))
            } else {
                fail(.malformedXML(location, reason: reason))
            }
        } else if warningCount < 20 {
            warningCount += 1
            feedDiagnostics.append(
                FeedDiagnostic(
                    severity: .warning,
                    code: FeedDiagnostic.Code(rawValue: "xml_warning"),
                    location: SourceLocation(file: file, line: line > 0 ? line : currentLine),
                    itemID: nil,
                    attribute: nil,
                    message: reason
                )
            )
        }
    }

    /// libxml2 error codes that mean the bytes do not match the declared (or detected) encoding.
    private static let encodingErrorCodes: Set<Int> = [
        Int(XML_ERR_INVALID_CHAR.rawValue),
        Int(XML_ERR_INVALID_ENCODING.rawValue),
        Int(XML_ERR_UNKNOWN_ENCODING.rawValue),
        Int(XML_ERR_UNSUPPORTED_ENCODING.rawValue),
        Int(XML_I18N_CONV_FAILED.rawValue),
    ]

    // MARK: Helpers

    /// The element's local name, and its ``FieldNames`` id. A known name is the table's string literal: a name read at
    /// run time would be one object shared by every field of that name, whose reference count the reading,
    /// validating and writing threads would all change (each change taking its cache line from another core).
    private func cachedName(_ pointer: UnsafePointer<xmlChar>?) -> (name: String, id: UInt16) {
        guard let pointer else {
            return ("", FieldNames.custom)
        }
        // libxml2 interns names in its dictionary: one pointer per distinct name and parse. The names lie back to back
        // in its pools, unaligned, so the slot comes from every bit of the pointer (Fibonacci hashing): the low bits
        // dropped, as before, put names a few bytes apart in one slot, and 15 % of elements missed the cache.
        let key = UnsafeRawPointer(pointer)
        let slot = Int(
            truncatingIfNeeded: (UInt64(UInt(bitPattern: key)) &* 0x9E37_79B9_7F4A_7C15) >> (64 - Self.nameCacheBits)
        )
        if nameCacheKeys[slot] == key {
            return (nameCacheValues[slot], nameCacheIDs[slot])
        }
        let read = String(cString: pointer)
        let id = FieldNames.id(of: read)
        let name = id == FieldNames.custom ? read : FieldNames.known[Int(id)]
        nameCacheKeys[slot] = key
        nameCacheValues[slot] = name
        nameCacheIDs[slot] = id
        return (name, id)
    }

    private func uriKind(_ pointer: UnsafePointer<xmlChar>?) -> URIKind {
        guard let pointer else {
            return .none
        }
        let key = UnsafeRawPointer(pointer)
        if key == uriCacheKey {
            return uriCacheValue
        }
        let kind: URIKind
        switch String(cString: pointer) {
        case FeedNamespace.google: kind = .google
        case FeedNamespace.atom: kind = .atom
        case FeedNamespace.atom03: kind = .atom03
        default: kind = .other
        }
        uriCacheKey = key
        uriCacheValue = kind
        return kind
    }

    private func readAttributes(
        _ count: Int32,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) -> [XMLAttribute] {
        guard let attributes, count > 0 else {
            return []
        }
        var result: [XMLAttribute] = []
        result.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            // Five pointers per attribute: local name, prefix, URI, value start, value end.
            guard let name = attributes[5 * index], let start = attributes[5 * index + 3],
                let end = attributes[5 * index + 4]
            else {
                continue
            }
            let value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
            result.append(XMLAttribute(name: cachedName(name).name, value: value))
        }
        return result
    }
}

/// Trims XML whitespace (space, tab, CR, LF) from both ends, scanning bytes (no grapheme breaking).
func trimmed(_ text: String) -> String {
    let utf8 = text.utf8
    let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }
    guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else {
        return text
    }
    guard let start = utf8.firstIndex(where: { !isSpace($0) }), let end = utf8.lastIndex(where: { !isSpace($0) }) else {
        return ""
    }
    return String(text[start...end])
}
