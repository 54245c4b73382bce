internal import CSQLiteConfig

/// Process-wide SQLite settings, made once before the first connection opens.
enum SQLiteLibrary {
    /// Whether SQLite took the settings: multi-thread mode and no memory statistics.
    ///
    /// Debian's SQLite defaults to serialized mode, where every call (each `sqlite3_bind_*` and `sqlite3_step`)
    /// takes the connection's mutex, and memory statistics take a global one on every allocation: at ten million
    /// report rows, 11 binds each, that is a tenth of the writer's time. GRDB never uses one connection from two
    /// threads at once, so the mutexes protect nothing here. `false` when some connection opened first (SQLite
    /// then keeps its defaults, which are slower but just as correct).
    static let isConfigured: Bool = {
        let threading = csqlite_config_multithread()
        let statistics = csqlite_config_no_memstatus()
        return threading == SQLITE_OK && statistics == SQLITE_OK
    }()
}
