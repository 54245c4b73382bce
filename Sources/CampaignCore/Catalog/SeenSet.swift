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
    /// collide. (It replaced SHA-256, which allocated a digest context per key: 2,700 instructions fewer per item
    /// under callgrind.)
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

    /// Reads the first slot where each key's probe starts, and returns a value made from them.
    ///
    /// For a batch of keys before their lookups one at a time: the table is tens of MB and each key lands in a random
    /// place of it, so each lookup waited for memory (7 % of the database thread's time at a million items,
    /// sampled by `perf`, on the load of the slot). Loaded here in a loop of independent loads, the processor waits
    /// for them together, and the lookups find them in the cache. The caller keeps the result so that the loads are
    /// not optimised away.
    func warm(_ keys: some Sequence<Key>) -> UInt64 {
        var folded: UInt64 = 0
        for key in keys {
            shards[Self.shard(key)].slots.withUnsafeBufferPointer { slots in
                folded &+= slots[Self.home(key, count: slots.count)].meta
            }
        }
        return folded
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

    /// Where the probe for `key` starts in a table of `count` slots: the hash's bits below the shard byte, scaled onto
    /// the table (tables are not powers of two).
    private static func home(_ key: Key, count: Int) -> Int {
        Int(truncatingIfNeeded: (key.primary << 8).multipliedFullWidth(by: UInt64(count)).high)
    }

    /// The slot holding `key`, or the empty slot where it would go (tables are never full).
    fileprivate static func find(_ key: Key, in slots: [Slot]) -> Int? {
        var index = home(key, count: slots.count)
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

/// The keys an import has seen past ``SeenSet``'s budget, in a temporary table of the import's connection, so that
/// memory stays flat whatever the feed's size.
///
/// The table goes with the import's transaction. SQLite keeps it in a temporary file behind a page cache of its own
/// (2 MB by default). It is keyed by the product key itself, not a hash: feeds tend to list their ids in order, so its
/// inserts land on the same few pages. On PostgreSQL, lookups are made a batch of items at a time (``load(_:)``),
/// since one query per item would cost a round trip each; inserts are batched by the
/// PostgreSQL statement itself. On SQLite, one prepared lookup per key is cheaper than compiling a query that lists
/// the keys (about a fifth more CPU for a re-import whose keys were nearly all in the table).
struct SeenOverflow {
    private let db: any SQLConnection
    private let insertKey: any SQLStatement
    private let updateKey: any SQLStatement
    private let lookupKey: any SQLStatement
    /// Whether lookups go a batch at a time (PostgreSQL) rather than one prepared query per key (SQLite).
    private let batchesLookups: Bool
    /// What the table holds for the keys of the current batch, and the keys stored since it was loaded (PostgreSQL
    /// only: SQLite's table answers each lookup itself).
    private var batch: [String: (line: Int, action: SeenSet.Action)] = [:]
    /// The keys ``batch`` answers for: a key outside it is looked up in the table.
    private var loaded: Set<String> = []

    /// How many keys one lookup query lists.
    private static let chunk = 500

    init(db: any SQLConnection) throws {
        self.db = db
        let create =
            db.kind == .sqlite
            ? """
            CREATE TEMP TABLE import_seen (
                key TEXT PRIMARY KEY NOT NULL, line INTEGER NOT NULL, action INTEGER NOT NULL
            ) WITHOUT ROWID
            """
            : "CREATE TEMP TABLE import_seen (key TEXT PRIMARY KEY, line BIGINT NOT NULL, action SMALLINT NOT NULL)"
        try db.execute(sql: create)
        insertKey = try db.prepare(sql: "INSERT INTO import_seen (key, line, action) VALUES (?, ?, ?)")
        updateKey = try db.prepare(sql: "UPDATE import_seen SET action = ? WHERE key = ?")
        lookupKey = try db.prepare(sql: "SELECT line, action FROM import_seen WHERE key = ?")
        batchesLookups = db.kind == .postgres
    }

    /// Ends the import's use of the table (still inside its transaction).
    static func drop(in db: any SQLConnection) throws {
        try db.execute(sql: "DROP TABLE import_seen")
    }

    /// Reads what the table holds for the keys of a batch's items (PostgreSQL), in one query per 500 keys.
    mutating func load(keysOf items: [PreparedItem]) throws {
        guard batchesLookups else {
            return
        }
        batch.removeAll(keepingCapacity: true)
        let keys = Set(items.compactMap(\.key))
        loaded = keys
        try forEachStored(among: Array(keys)) { key, line, action in
            batch[key] = (line, action)
        }
    }

    func lookup(_ key: String) throws -> (line: Int, action: SeenSet.Action)? {
        if let known = batch[key] {
            return known
        }
        guard !loaded.contains(key) else {
            return nil
        }
        return try stored(key)
    }

    /// The table's entry for one key, by the prepared query.
    private func stored(_ key: String) throws -> (line: Int, action: SeenSet.Action)? {
        lookupKey.bind(key, at: 1)
        guard let row = try lookupKey.fetchFirst() else {
            return nil
        }
        return (Int(try row[0] as Int64), try Self.action(try row[1], key: key))
    }

    private static func action(_ raw: Int64, key: String) throws -> SeenSet.Action {
        guard let action = SeenSet.Action(rawValue: UInt8(clamping: raw)) else {
            throw StoreError(kind: .corrupt, message: "import_seen: unknown action \(raw) for '\(key)'")
        }
        return action
    }

    mutating func insert(_ key: String, line: Int, action: SeenSet.Action) throws {
        insertKey.bind(key, at: 1)
        insertKey.bind(Int64(line), at: 2)
        insertKey.bind(Int64(action.rawValue), at: 3)
        try insertKey.execute()
        if batchesLookups {
            batch[key] = (line, action)
            loaded.insert(key)
        }
    }

    mutating func update(_ key: String, action: SeenSet.Action) throws {
        updateKey.bind(Int64(action.rawValue), at: 1)
        updateKey.bind(key, at: 2)
        try updateKey.execute()
        if let known = batch[key] {
            batch[key] = (known.line, action)
        }
    }

    private func forEachStored(
        among keys: [String],
        _ body: (String, Int, SeenSet.Action) throws -> Void
    ) throws {
        for start in stride(from: 0, to: keys.count, by: Self.chunk) {
            let chunk = keys[start..<min(start + Self.chunk, keys.count)]
            try db.forEachRow(
                sql: "SELECT key, line, action FROM import_seen WHERE key IN (\(sqlPlaceholders(chunk.count)))",
                arguments: SQLArguments(chunk.map { .text($0) })
            ) { row in
                let key: String = try row[0]
                let line: Int64 = try row[1]
                try body(key, Int(line), try Self.action(try row[2], key: key))
            }
        }
    }
}
