/// The keys an import has seen: a 64-bit hash, a 32-bit check hash, the line and what happened
/// to the item, packed in 16 bytes. Two independent hashes make a false match (2⁻⁹⁶) negligible
/// without keeping a million strings in memory.
///
/// Hand-written open addressing rather than a `Dictionary`: a dictionary of a million 20-byte
/// entries holds 2²¹ buckets (42 MB) and, while it doubles, both tables (63 MB). Here the slots
/// live in 256 shards, chosen by the hash's top byte, sized once from the expected count (24 bytes
/// per expected key: a million keys take 24 MB) and, past it, growing by half, one shard at a time,
/// at 4/5 load.
struct SeenSet {
    enum Action: UInt8 {
        case added, readded, changed, unchanged, rejected, duplicate
    }

    struct Entry {
        var check: UInt32
        var line: UInt32
        var action: Action
    }

    /// A key's two hashes, computed once per item.
    ///
    /// Two SipHash runs of the standard library's `Hasher` over the key's UTF-8 bytes (not its characters: keys that
    /// differ only in Unicode normalisation are two products, as in the store), the second one prefixed so that the
    /// hashes are independent. `Hasher` is seeded at random per process, so a feed cannot be written to make keys
    /// collide. (It replaced SHA-256, which allocated a digest context per key: 4,400 instructions per item against
    /// about 300.)
    struct Key {
        var primary: UInt64
        var check: UInt32

        init(_ key: String) {
            var primary = Hasher()
            var check = Hasher()
            check.combine(UInt8(0xC5))
            var key = key
            key.withUTF8 { bytes in
                primary.combine(bytes: UnsafeRawBufferPointer(bytes))
                check.combine(bytes: UnsafeRawBufferPointer(bytes))
            }
            self.primary = UInt64(truncatingIfNeeded: primary.finalize())
            self.check = UInt32(truncatingIfNeeded: check.finalize())
        }

        init(primary: UInt64, check: UInt32) {
            self.primary = primary
            self.check = check
        }
    }

    /// `meta` packs check (32 bits), line (29 bits) and action + 1 (3 bits); 0 marks an empty slot.
    fileprivate struct Slot {
        var primary: UInt64 = 0
        var meta: UInt64 = 0
    }

    fileprivate struct Shard {
        var slots: [Slot]
        var count = 0

        init(capacity: Int) {
            slots = [Slot](repeating: Slot(), count: capacity)
        }
    }

    static let maxLine = UInt32(1 << 29 - 1)

    private var shards: [Shard]
    /// The keys held.
    private(set) var count = 0

    /// A set sized for about `expectedCount` keys; it still grows past that.
    init(expectedCount: Int = 0) {
        let perShard = max(16, expectedCount / 256 * 3 / 2)
        shards = [Shard](repeating: Shard(capacity: perShard), count: 256)
    }

    func lookup(_ key: Key) -> Entry? {
        let shard = shards[Self.shard(key)]
        guard let index = Self.find(key, in: shard.slots), shard.slots[index].meta != 0 else {
            return nil
        }
        let meta = shard.slots[index].meta
        guard let action = Action(rawValue: UInt8(meta & 7) &- 1) else {
            return nil
        }
        return Entry(check: key.check, line: UInt32(truncatingIfNeeded: meta >> 3) & Self.maxLine, action: action)
    }

    mutating func insert(_ key: Key, line: Int, action: Action) {
        let shardIndex = Self.shard(key)
        var slot = Slot(primary: key.primary, meta: Self.meta(key, line: line, action: action))
        if shards[shardIndex].insert(&slot) {
            count += 1
        }
    }

    mutating func update(_ key: Key, action: Action) {
        let shardIndex = Self.shard(key)
        guard let index = Self.find(key, in: shards[shardIndex].slots) else {
            return
        }
        let meta = shards[shardIndex].slots[index].meta
        if meta != 0 {
            shards[shardIndex].slots[index].meta = meta & ~7 | UInt64(action.rawValue + 1)
        }
    }

    private static func shard(_ key: Key) -> Int {
        Int(truncatingIfNeeded: key.primary >> 56)
    }

    private static func meta(_ key: Key, line: Int, action: Action) -> UInt64 {
        let line = UInt64(min(UInt32(clamping: line), maxLine))
        return UInt64(key.check) << 32 | line << 3 | UInt64(action.rawValue + 1)
    }

    /// The slot holding `key`, or the empty slot where it would go (tables are never full).
    fileprivate static func find(_ key: Key, in slots: [Slot]) -> Int? {
        // The hash's bits below the shard byte, scaled onto the table (tables are not powers of two).
        var index = Int(truncatingIfNeeded: (key.primary << 8).multipliedFullWidth(by: UInt64(slots.count)).high)
        for _ in 0..<slots.count {
            let slot = slots[index]
            if slot.meta == 0
                || (slot.primary == key.primary && UInt32(truncatingIfNeeded: slot.meta >> 32) == key.check)
            {
                return index
            }
            index = index + 1 == slots.count ? 0 : index + 1
        }
        return nil
    }
}

extension SeenSet.Shard {
    /// Stores the slot; whether its key was new.
    @discardableResult
    fileprivate mutating func insert(_ slot: inout SeenSet.Slot) -> Bool {
        if (count + 1) * 5 > slots.count * 4 {
            grow()
        }
        let key = SeenSet.Key(primary: slot.primary, check: UInt32(truncatingIfNeeded: slot.meta >> 32))
        guard let index = SeenSet.find(key, in: slots) else {
            return false
        }
        let isNew = slots[index].meta == 0
        if isNew {
            count += 1
        }
        slots[index] = slot
        return isNew
    }

    private mutating func grow() {
        let old = slots
        slots = [SeenSet.Slot](repeating: SeenSet.Slot(), count: old.count * 3 / 2)
        count = 0
        for var slot in old where slot.meta != 0 {
            insert(&slot)
        }
    }
}

/// The keys an import has seen past ``SeenSet``'s budget, in a temporary table of the import's SQLite connection, so
/// that memory stays flat whatever the feed's size.
///
/// SQLite keeps TEMP tables in a temporary file, behind a page cache of their own (2 MB by default), and the table
/// goes with the import's transaction. It is keyed by the product key itself, not a hash: feeds tend to list their
/// ids in order, so its inserts land on the same few pages, and the final pass over the catalog, which reads the keys
/// in order, reads it in order too.
struct SeenOverflow {
    private let insertKey: any SQLStatement
    private let lookupKey: any SQLStatement
    private let updateKey: any SQLStatement

    init(db: any SQLConnection) throws {
        try db.execute(
            sql: """
                CREATE TEMP TABLE import_seen (
                    key TEXT PRIMARY KEY NOT NULL,
                    line INTEGER NOT NULL,
                    action INTEGER NOT NULL
                ) WITHOUT ROWID
                """
        )
        insertKey = try db.prepare(sql: "INSERT INTO import_seen (key, line, action) VALUES (?, ?, ?)")
        lookupKey = try db.prepare(sql: "SELECT line, action FROM import_seen WHERE key = ?")
        updateKey = try db.prepare(sql: "UPDATE import_seen SET action = ? WHERE key = ?")
    }

    /// Ends the import's use of the table (still inside its transaction).
    static func drop(in db: any SQLConnection) throws {
        try db.execute(sql: "DROP TABLE temp.import_seen")
    }

    func insert(_ key: String, line: Int, action: SeenSet.Action) throws {
        insertKey.bind(key, at: 1)
        insertKey.bind(Int64(line), at: 2)
        insertKey.bind(Int64(action.rawValue), at: 3)
        try insertKey.execute()
    }

    func lookup(_ key: String) throws -> (line: Int, action: SeenSet.Action)? {
        lookupKey.bind(key, at: 1)
        guard let row = try lookupKey.fetchFirst() else {
            return nil
        }
        let line: Int64 = try row[0]
        let raw: Int64 = try row[1]
        guard let action = SeenSet.Action(rawValue: UInt8(clamping: raw)) else {
            throw StoreError(kind: .corrupt, message: "import_seen: unknown action \(raw) for '\(key)'")
        }
        return (Int(line), action)
    }

    func update(_ key: String, action: SeenSet.Action) throws {
        updateKey.bind(Int64(action.rawValue), at: 1)
        updateKey.bind(key, at: 2)
        try updateKey.execute()
    }
}
